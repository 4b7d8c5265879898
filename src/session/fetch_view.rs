//! One fetch as the window shows it: the engine's events folded into plain state the panels draw.
//! No drawing here and no threads started: [`FetchView::apply`] is a pure fold, easy to test; what
//! reacts to it (the decoder, the freezing of the reply) is the session's.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::fetch::decode::Plan;
use crate::fetch::{
    Agreed, Chunk, Event, EventKind, FetchError, Framing, HeadProblem, JobId, ReplyHead, Step, StopRule, Summary,
    WireLog,
};
use crate::teach::{is_typed_address, lookup_result, reply_end, step_heading};

use crate::format;
use crate::server_text::one_line;
use crate::session::DecodedBody;
use crate::session::reply_text::Reply;
use crate::teach::decoding::head_note;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Waiting,
    /// Step-through mode: this step runs when the person presses Next.
    Paused,
    Running,
    Done(Duration),
    Failed,
    /// The fetch ended while paused before this step: it never ran.
    NotRun,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub at: Duration,
    pub text: String,
}

impl LogLine {
    /// The line's time as the log panel and the copied log both show it.
    pub fn stamp(&self) -> String {
        format!("{:>9.3} ms", self.at.as_secs_f64() * 1000.0)
    }
}

/// How a reply that was complete by its framing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// Bytes that came after the reply's end, kept in the reply.
    pub extra: u64,
    /// The server had not hung up: socket-fetch did.
    pub line_open: bool,
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
    /// One state per step of [`Step::ALL`]; a plain fetch leaves the handshake's waiting, unshown.
    pub steps: [StepState; Step::ALL.len()],
    /// Over HTTPS: six steps, with the handshake.
    pub tls: bool,
    /// What the TLS handshake agreed, once it has.
    pub agreed: Option<Box<Agreed>>,
    pub addresses: Vec<IpAddr>,
    pub attempts: Vec<Attempt>,
    /// (this computer's end, the server's end) of the connection.
    pub connected: Option<(SocketAddr, SocketAddr)>,
    pub sent: Option<usize>,
    pub head: Option<ReplyHead>,
    pub head_problem: Option<HeadProblem>,
    /// How the reply ended by its framing, once it has.
    pub completion: Option<Completion>,
    /// Frozen, shared read-only, once the fetch has ended.
    pub reply: Reply,
    /// What crossed the socket, as anyone on the way sees it.
    pub wire: WireLog,
    /// The body with its chunk sizes removed and unzipped, when the reply is chunked or compressed.
    pub decoded: Option<DecodedBody>,
    /// The most reply bytes kept, and the most decoded bytes too.
    pub max_bytes: u64,
    pub log: Vec<LogLine>,
    pub summary: Option<Summary>,
    /// Which hop of a chain of redirects this fetch is: 1 for a fetch started from the form.
    pub hop: usize,
    /// After the first hop: where this one came from and where it goes, as the log and the steps say it.
    pub hop_line: Option<String>,
    /// Raw mode: the other side need not be a web server, and the request is not HTTP.
    pub raw: bool,
    /// Raw mode: the rule that stopped the reading, once it has.
    pub raw_end: Option<StopRule>,
    /// A decoding the head asked for (its plan, and where the body starts), until the session starts it.
    decoding_wanted: Option<(Plan, usize)>,
    /// Whether the log said yet that the reply's first bytes arrived.
    bytes_came: bool,
    /// Where this hop's log times start: the earlier hops' last time, so the log of a chain reads in order.
    log_offset: Duration,
}

impl FetchView {
    pub fn new(job: JobId, host: String, port: u16, max_bytes: u64) -> Self {
        Self {
            job,
            host,
            port,
            request: Arc::from(&b""[..]),
            steps: [StepState::Waiting; Step::ALL.len()],
            tls: false,
            agreed: None,
            addresses: Vec::new(),
            attempts: Vec::new(),
            connected: None,
            sent: None,
            head: None,
            head_problem: None,
            completion: None,
            reply: Reply::default(),
            wire: WireLog::default(),
            decoded: None,
            max_bytes,
            log: Vec::new(),
            summary: None,
            hop: 1,
            hop_line: None,
            raw: false,
            raw_end: None,
            decoding_wanted: None,
            bytes_came: false,
            log_offset: Duration::ZERO,
        }
    }

    /// The next hop of the same story, following `previous`'s redirect: its log lines stay, then
    /// `hop_line`, and this hop's times go on from theirs.
    pub fn next_hop(previous: Self, job: JobId, host: String, port: u16, max_bytes: u64, hop_line: String) -> Self {
        let log_offset = previous.log.last().map_or(Duration::ZERO, |line| line.at);
        let mut log = previous.log;
        log.push(LogLine { at: log_offset, text: hop_line.clone() });
        Self {
            hop: previous.hop + 1,
            hop_line: Some(hop_line),
            log,
            log_offset,
            ..Self::new(job, host, port, max_bytes)
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

    /// The step the fetch ended before, while paused: it never ran.
    pub fn not_run_step(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| self.steps[s.index()] == StepState::NotRun)
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
            let _ = writeln!(text, "[{}] {}", line.stamp(), line.text);
        }
        text
    }

    /// The decoding the last head asked for, once: the session starts it, then says how in
    /// [`Self::decoding_started`].
    pub fn take_decoding_wanted(&mut self) -> Option<(Plan, usize)> {
        self.decoding_wanted.take()
    }

    /// The decoder the session started for this reply, or why it could not start: the head's log
    /// line says which.
    pub fn decoding_started(&mut self, plan: &Plan, started: std::io::Result<DecodedBody>) {
        let note = match started {
            Ok(decoded) => {
                self.decoded = Some(decoded);
                format!(" {}", head_note(plan))
            }
            Err(e) => format!(" Its body is chunked or compressed, but it cannot be decoded here ({e})."),
        };
        if let Some(line) = self.log.last_mut() {
            line.text.push_str(&note);
        }
    }

    /// Whether the host was typed as an IP address, which is used as typed, with no name lookup.
    pub fn host_is_address(&self) -> bool {
        is_typed_address(&self.host)
    }

    /// Folds `event` in. Answers a reply chunk once it is kept, for the decoder to take.
    pub fn apply(&mut self, event: Event) -> Option<Chunk> {
        if event.job != self.job {
            return None; // a late event of an earlier fetch
        }
        // The engine's clock starts at step 1, after Started was sent: the log starts at 0 and never
        // goes back.
        let at = if matches!(event.kind, EventKind::Started { .. }) {
            self.log_offset
        } else {
            (self.log_offset + event.at).max(self.log.last().map_or(Duration::ZERO, |line| line.at))
        };
        // The engine reads a head from bytes before it hands them on: whichever comes first, the
        // log says that bytes arrived before it says what they were.
        let bytes_came =
            matches!(event.kind, EventKind::Head(_) | EventKind::HeadUnreadable { .. } | EventKind::Received { .. });
        if bytes_came && !self.bytes_came {
            self.bytes_came = true;
            self.log.push(LogLine { at, text: "The first bytes of the reply arrived.".to_owned() });
        }
        let message = match event.kind {
            EventKind::Started { host, port, request, tls } => {
                self.request = request;
                self.tls = tls;
                Some(format!("Fetching from {host}, port {port}."))
            }
            EventKind::Paused { next } => {
                self.steps[next.index()] = StepState::Paused;
                Some(format!("Paused before {}. Press \"Next step\" to run it.", step_heading(next, self.tls)))
            }
            EventKind::StepStarted(step) => {
                self.steps[step.index()] = StepState::Running;
                Some(format!("{}.", step_heading(step, self.tls)))
            }
            EventKind::Resolved { addresses } => {
                let text = lookup_result(&self.host, &addresses);
                self.addresses = addresses;
                Some(text)
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
                self.wire.connected(event.at);
                Some(format!("Connected: this computer ({local}) is on the line with the server ({remote})."))
            }
            EventKind::Secured(agreed) => {
                let text = crate::teach::window_secured_line(&agreed);
                self.agreed = Some(agreed);
                Some(text)
            }
            EventKind::Wire(records) => {
                self.wire.add(&records);
                None
            }
            EventKind::UnprovenEnd => Some(crate::teach::UNPROVEN_END.to_owned()),
            EventKind::Sent { bytes } => {
                self.sent = Some(bytes);
                Some(format!("Sent the request: {}.", format::detailed(bytes as u64)))
            }
            EventKind::Head(head) => {
                let length = match (&head.length_problem, head.framing) {
                    (Some(problem), _) => {
                        format!(" Its length cannot be used ({problem}), so the end comes when the server hangs up.")
                    }
                    (None, _) if head.is_interim() => " It is an interim reply: the real one follows.".to_owned(),
                    (None, Framing::NoBody) => " It has no body.".to_owned(),
                    (None, Framing::Length(body)) => format!(" Its body is {} long.", format::detailed(body)),
                    (None, Framing::Chunked) => {
                        " Its body comes in chunks, each after its size; a chunk of size 0 ends it.".to_owned()
                    }
                    (None, Framing::UntilClose) => {
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
                let text = format!("The reply's status line says: {} {}.{length}", head.status, one_line(&head.reason));
                if let Some(plan) = Plan::for_head(&head) {
                    // Interim 1xx heads before this one are skipped too: `offset` is where this head starts.
                    let body_start =
                        usize::try_from(head.offset.saturating_add(head.head_len as u64)).unwrap_or(usize::MAX);
                    self.decoding_wanted = Some((plan, body_start));
                }
                self.head = Some(head);
                Some(text)
            }
            EventKind::HeadUnreadable { problem } => {
                let text = format!("This reply is not ordinary HTTP: {problem}. Its bytes are shown as they came.");
                self.head_problem = Some(problem);
                Some(text)
            }
            EventKind::Received { chunk, .. } => {
                self.reply.push(&chunk);
                return Some(chunk);
            }
            EventKind::ReplyComplete { extra, line_open } => {
                self.completion = Some(Completion { extra, line_open });
                None
            }
            EventKind::RawEnd { by } => {
                self.raw_end = Some(by);
                Some(crate::teach::raw_end(by))
            }
            EventKind::StepDone { step, took } => {
                self.steps[step.index()] = StepState::Done(took);
                None
            }
            EventKind::Finished(summary) => {
                for state in &mut self.steps {
                    match state {
                        StepState::Running => *state = StepState::Failed,
                        StepState::Paused => *state = StepState::NotRun,
                        StepState::Waiting | StepState::Done(_) | StepState::Failed | StepState::NotRun => {}
                    }
                }
                let text = match &summary.error {
                    None => format!(
                        "The reply is complete, {} in {:.2} ms. {}",
                        format::detailed(summary.received),
                        summary.timings.total.as_secs_f64() * 1000.0,
                        reply_end(self.completion.map(|c| (c.line_open, c.extra)))
                    ),
                    Some(error) if summary.received > 0 => {
                        format!("Stopped: {error} {} had arrived; they are kept.", format::detailed(summary.received))
                    }
                    Some(error) => format!("Stopped: {error}"),
                };
                self.summary = Some(summary);
                Some(text)
            }
        };
        if let Some(text) = message {
            self.log.push(LogLine { at, text });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::Timings;

    fn event(at_ms: u64, kind: EventKind) -> Event {
        Event { job: 7, at: Duration::from_millis(at_ms), kind }
    }

    fn finished(error: Option<FetchError>) -> EventKind {
        EventKind::Finished(Summary { received: 49, timings: Timings::default(), error })
    }

    #[test]
    fn a_reply_complete_by_its_length_says_who_hung_up_and_what_came_after() {
        for (line_open, extra, says) in [
            (true, 12, ["kept the line open", "socket-fetch hung up", "12 more bytes came after the reply"]),
            (false, 0, ["reply was complete, and the server hung up", "", ""]),
        ] {
            let mut view = FetchView::new(7, "127.0.0.1".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
            view.apply(event(1, EventKind::ReplyComplete { extra, line_open }));
            view.apply(event(2, finished(None)));
            let last = &view.log.last().expect("a log line").text;
            for text in says {
                assert!(last.contains(text), "{last}");
            }
            assert_eq!(last.contains("more bytes"), extra > 0, "{last}");
        }
        let mut closed = FetchView::new(7, "example.invalid".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
        closed.apply(event(2, finished(None)));
        assert!(closed.log[0].text.contains("The server hung up, and the reply is complete."));
    }

    #[test]
    fn the_log_starts_at_zero_and_never_goes_back() {
        let mut view = FetchView::new(7, "127.0.0.1".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
        // Started is stamped on the clock before step 1 restarts it.
        view.apply(event(
            5,
            EventKind::Started {
                host: "127.0.0.1".to_owned(),
                port: 80,
                request: Arc::from(&b"GET / HTTP/1.0\r\n\r\n"[..]),
                tls: false,
            },
        ));
        view.apply(event(1, EventKind::StepStarted(Step::Socket)));
        view.apply(event(0, EventKind::StepStarted(Step::Resolve)));
        view.apply(event(3, finished(Some(FetchError::Cancelled))));
        let times: Vec<Duration> = view.log.iter().map(|line| line.at).collect();
        assert_eq!(times[0], Duration::ZERO);
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(times.len(), 4);
    }

    #[test]
    fn the_log_says_bytes_came_before_it_says_what_they_were_and_only_once() {
        let mut view = FetchView::new(7, "127.0.0.1".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
        let head = ReplyHead::for_tests(200, Framing::Length(2), &[]);
        view.apply(event(1, EventKind::Head(head)));
        view.apply(event(2, finished(None)));
        let lines: Vec<&str> = view.log.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(lines[0], "The first bytes of the reply arrived.", "{lines:?}");
        assert!(lines[1].starts_with("The reply's status line says: 200"), "{lines:?}");
        assert_eq!(lines.iter().filter(|l| l.contains("first bytes")).count(), 1, "{lines:?}");
    }

    #[test]
    fn a_step_the_fetch_ended_before_did_not_run_and_the_running_one_failed() {
        let mut paused = FetchView::new(7, "127.0.0.1".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
        paused.apply(event(0, EventKind::Paused { next: Step::Socket }));
        assert!(paused.log[0].text.contains("Press \"Next step\""), "{}", paused.log[0].text);
        paused.apply(event(0, finished(Some(FetchError::Cancelled))));
        assert_eq!(paused.steps[0], StepState::NotRun);
        assert_eq!(paused.failed_step(), None);

        let mut running = FetchView::new(7, "127.0.0.1".to_owned(), 80, crate::fetch::DEFAULT_MAX_BYTES);
        running.apply(event(0, EventKind::StepStarted(Step::Socket)));
        running.apply(event(1, finished(Some(FetchError::Cancelled))));
        assert_eq!(running.steps[0], StepState::Failed);
        assert_eq!(running.not_run_step(), None);
    }
}
