//! One fetch as the window shows it: the engine's events folded into plain state the panels draw.
//! No drawing here, so the fold is easy to test and the panels stay simple.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::fetch::decode::Plan;
use crate::fetch::{Event, EventKind, FetchError, JobId, ReplyHead, Step, Summary};

use super::decoded_body::DecodedBody;
use super::reply_text::ReplyText;
use crate::format;
use crate::server_text::one_line;
use crate::teach::decoding::head_note;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Waiting,
    /// Step-through mode: this step runs when the person presses Next.
    Paused,
    Running,
    Done(Duration),
    Failed,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub at: Duration,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Attempt {
    pub address: SocketAddr,
    pub error: Option<FetchError>,
}

#[derive(Debug)]
pub struct FetchView {
    pub job: JobId,
    pub host: String,
    pub port: u16,
    pub request: Arc<[u8]>,
    pub steps: [StepState; 5],
    pub addresses: Vec<IpAddr>,
    pub attempts: Vec<Attempt>,
    /// (this computer's end, the server's end) of the connection.
    pub connected: Option<(SocketAddr, SocketAddr)>,
    pub sent: Option<usize>,
    pub head: Option<ReplyHead>,
    pub head_problem: Option<String>,
    pub reply: ReplyText,
    /// The body with its chunk sizes removed and unzipped, when the reply is chunked or compressed.
    pub decoded: Option<DecodedBody>,
    /// The most reply bytes kept, and the most decoded bytes too.
    pub max_bytes: u64,
    pub log: Vec<LogLine>,
    pub summary: Option<Summary>,
}

impl FetchView {
    pub fn new(job: JobId, host: String, port: u16, max_bytes: u64) -> Self {
        Self {
            job,
            host,
            port,
            request: Arc::from(&b""[..]),
            steps: [StepState::Waiting; 5],
            addresses: Vec::new(),
            attempts: Vec::new(),
            connected: None,
            sent: None,
            head: None,
            head_problem: None,
            reply: ReplyText::default(),
            decoded: None,
            max_bytes,
            log: Vec::new(),
            summary: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.summary.is_none()
    }

    pub fn error(&self) -> Option<&FetchError> {
        self.summary.as_ref().and_then(|s| s.error.as_ref())
    }

    /// The step waiting for Next, in step-through mode.
    pub fn paused_before(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| self.steps[s.index()] == StepState::Paused)
    }

    /// The step at which the fetch failed or was stopped.
    pub fn failed_step(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| self.steps[s.index()] == StepState::Failed)
    }

    /// The step that is running now, or that the fetch is paused before.
    pub fn current_step(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| matches!(self.steps[s.index()], StepState::Running | StepState::Paused))
    }

    pub fn received(&self) -> u64 {
        self.reply.bytes().len() as u64
    }

    /// The log as plain text, one line per message, for the clipboard.
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        for line in &self.log {
            // Writing to a String cannot fail.
            let _ = writeln!(text, "[{:>9.3} ms] {}", line.at.as_secs_f64() * 1000.0, line.text);
        }
        text
    }

    /// Starts decoding the body when `head` says it is chunked or compressed; says so in the log line.
    fn start_decoding(&mut self, head: &ReplyHead, text: &mut String) {
        let Some(plan) = Plan::for_head(head) else { return };
        let note = head_note(&plan);
        match DecodedBody::start(plan, self.reply.bytes(), head.head_len, self.max_bytes) {
            Ok(decoded) => {
                let _ = write!(text, " {note}");
                self.decoded = Some(decoded);
            }
            Err(e) => {
                let _ = write!(text, " Its body is chunked or compressed, but it cannot be decoded here ({e}).");
            }
        }
    }

    pub fn apply(&mut self, event: Event) {
        if event.job != self.job {
            return; // a late event of an earlier fetch
        }
        let message = match event.kind {
            EventKind::Started { host, port, request } => {
                self.request = request;
                Some(format!("Fetching from {host}, port {port}."))
            }
            EventKind::Paused { next } => {
                self.steps[next.index()] = StepState::Paused;
                Some(format!("Paused before \"{}\". Press Next to go on.", next.tutorial_line()))
            }
            EventKind::StepStarted(step) => {
                self.steps[step.index()] = StepState::Running;
                Some(format!("# {}", step.tutorial_line()))
            }
            EventKind::Resolved { addresses } => {
                let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                self.addresses = addresses;
                Some(format!("The name lookup found: {}.", list.join(", ")))
            }
            EventKind::Connecting { address, attempt, of } => {
                self.attempts.push(Attempt { address, error: None });
                let which = if of > 1 { format!(" (address {attempt} of {of})") } else { String::new() };
                Some(format!("Calling {} at port {}{which}…", address.ip(), address.port()))
            }
            EventKind::AttemptFailed { address, error } => {
                let text = error.to_string();
                if let Some(attempt) = self.attempts.iter_mut().rev().find(|a| a.address == address) {
                    attempt.error = Some(error);
                }
                Some(text)
            }
            EventKind::Connected { local, remote } => {
                self.connected = Some((local, remote));
                Some(format!("Connected: this computer ({local}) is on the line with the server ({remote})."))
            }
            EventKind::Sent { bytes } => {
                self.sent = Some(bytes);
                Some(format!("Sent the request: {}.", format::bytes(bytes as u64)))
            }
            EventKind::Head(head) => {
                let length = match (&head.length_problem, head.expected_total) {
                    (Some(problem), _) => {
                        format!(" Its length cannot be used ({problem}), so the end comes when the server hangs up.")
                    }
                    (None, Some(total)) => format!(" It announces {} in all.", format::bytes(total)),
                    (None, None) => {
                        " It does not say how long it is, so the end comes when the server hangs up.".to_owned()
                    }
                };
                if let Some(total) = head.expected_total {
                    // Room for the whole reply at once, so a large one is not copied as it grows;
                    // capped, since the length is only the server's word.
                    let more = total.saturating_sub(self.received()).min(crate::fetch::DEFAULT_MAX_BYTES);
                    self.reply.reserve(usize::try_from(more).unwrap_or(0));
                }
                // The reason is the server's text: one line of it in the log, all of it in the reply view.
                let mut text =
                    format!("The reply's status line says: {} {}.{length}", head.status, one_line(&head.reason));
                self.start_decoding(&head, &mut text);
                self.head = Some(head);
                Some(text)
            }
            EventKind::HeadUnreadable { reason } => {
                let text = format!(
                    "This reply is not ordinary HTTP: {}. Its bytes are shown as they came.",
                    one_line(&reason)
                );
                self.head_problem = Some(reason);
                Some(text)
            }
            EventKind::Received { chunk, .. } => {
                let first = self.reply.is_empty();
                self.reply.push(&chunk);
                if let Some(decoded) = &self.decoded {
                    decoded.feed(chunk);
                }
                first.then(|| "The first bytes of the reply arrived.".to_owned())
            }
            EventKind::ReplyComplete { .. } => None,
            EventKind::StepDone { step, took } => {
                self.steps[step.index()] = StepState::Done(took);
                None
            }
            EventKind::Finished(summary) => {
                if let Some(decoded) = &mut self.decoded {
                    decoded.end_of_reply();
                }
                for state in &mut self.steps {
                    if matches!(state, StepState::Running | StepState::Paused) {
                        *state = StepState::Failed;
                    }
                }
                let text = match &summary.error {
                    None => format!(
                        "The server hung up: the reply is complete, {} in {:.2} ms.",
                        format::bytes(summary.received),
                        summary.timings.total.as_secs_f64() * 1000.0
                    ),
                    Some(error) if summary.received > 0 => {
                        format!("Stopped: {error} {} had arrived; they are kept.", format::bytes(summary.received))
                    }
                    Some(error) => format!("Stopped: {error}"),
                };
                self.summary = Some(summary);
                Some(text)
            }
        };
        if let Some(text) = message {
            self.log.push(LogLine { at: event.at, text });
        }
    }
}
