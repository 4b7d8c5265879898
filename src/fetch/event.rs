//! What the worker reports while it fetches: one [`Event`] per thing that happened, in order.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::chunk::Chunk;
use super::error::FetchError;
use super::head::HeadProblem;
use super::job::JobId;
use super::raw::StopRule;
use super::timing::Timings;
use super::tls::Agreed;
use super::wire::WireRecord;

/// The steps of a fetch, in the order they run: the tutorial's five, and for HTTPS the TLS
/// handshake between connect and send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Socket,
    Resolve,
    Connect,
    Handshake,
    Send,
    Receive,
}

impl Step {
    /// Every step there is; [`Step::index`] is a step's place here.
    pub const ALL: [Self; 6] = [Self::Socket, Self::Resolve, Self::Connect, Self::Handshake, Self::Send, Self::Receive];
    /// The five steps of a plain http fetch, the tutorial's.
    pub const PLAIN: [Self; 5] = [Self::Socket, Self::Resolve, Self::Connect, Self::Send, Self::Receive];

    /// The steps a fetch runs: six over TLS, five without.
    pub fn of_fetch(tls: bool) -> &'static [Self] {
        if tls { &Self::ALL } else { &Self::PLAIN }
    }

    /// The step's number as a person sees it in a fetch over TLS or not, counting from 1.
    pub fn number(self, tls: bool) -> usize {
        Self::of_fetch(tls).iter().position(|s| *s == self).map_or(self.index() + 1, |i| i + 1)
    }

    /// The tutorial's progress line for this step, without the leading `# `.
    pub fn tutorial_line(self) -> &'static str {
        match self {
            Self::Socket => "Setting up the socket",
            Self::Resolve => "Resolving server IP address",
            Self::Connect => "Establishing connection to server",
            Self::Handshake => "Securing the connection (TLS handshake)",
            Self::Send => "Transmitting request to server",
            Self::Receive => "Retrieving data from server",
        }
    }

    /// A short name for headings and error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Socket => "socket",
            Self::Resolve => "name lookup",
            Self::Connect => "connect",
            Self::Handshake => "secure handshake",
            Self::Send => "send",
            Self::Receive => "receive",
        }
    }

    /// The step's place in [`Step::ALL`], for arrays of per-step state.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One header line of a reply, as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    /// The name as sent (its case kept); names are plain ASCII tokens.
    pub name: String,
    /// The value's bytes, which may be any bytes at all.
    pub value: Vec<u8>,
}

/// How a reply says where its body ends (RFC 9112, section 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// The reply has no body: its status is 1xx, 204 or 304, or it answers a HEAD request.
    NoBody,
    /// `Content-Length`: exactly this many body bytes follow the head.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the body comes in pieces, each after its size in hex; a piece of
    /// size 0 ends it.
    Chunked,
    /// Neither: the body ends when the server hangs up, as HTTP/1.0 servers do.
    UntilClose,
}

/// The status line, headers and framing of a reply, read from its head once the head has fully arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyHead {
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub version: u8,
    pub status: u16,
    pub reason: String,
    /// Where this head starts in the reply: 0, or after the interim (1xx) heads before it.
    pub offset: u64,
    /// Bytes of the status line and headers, including the blank line that ends them.
    pub head_len: usize,
    /// Every header line, in the order sent.
    pub headers: Vec<HeaderLine>,
    /// Where the body ends, as the head tells it.
    pub framing: Framing,
    /// The whole reply's expected size (any interim heads, this head and its body) when its framing
    /// is a usable Content-Length, or no body at all; `None` for an interim head. It is only the
    /// server's claim: more or fewer bytes may come.
    pub expected_total: Option<u64>,
    /// Why the server's Content-Length cannot be used (several that disagree, not a number, more
    /// than any reply can be); the end of the reply is then when the server hangs up.
    pub length_problem: Option<HeadProblem>,
}

impl ReplyHead {
    /// An interim head (1xx other than 101): the real head follows it.
    pub fn is_interim(&self) -> bool {
        super::head::is_interim(self.status)
    }
}

#[cfg(test)]
impl ReplyHead {
    /// A head for unit tests: this status, framing and headers, the rest zero or empty.
    pub(crate) fn for_tests(status: u16, framing: Framing, headers: &[(&str, &str)]) -> Self {
        Self {
            version: 1,
            status,
            reason: String::new(),
            offset: 0,
            head_len: 0,
            headers: headers
                .iter()
                .map(|(name, value)| HeaderLine { name: (*name).to_owned(), value: value.as_bytes().to_vec() })
                .collect(),
            framing,
            expected_total: None,
            length_problem: None,
        }
    }
}

/// One thing that happened to one job.
#[derive(Debug, Clone)]
pub struct Event {
    pub job: JobId,
    /// Time since the job started, not counting time paused in step-through mode.
    pub at: Duration,
    pub kind: EventKind,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// The worker took the job. `request` is exactly what will be sent; `tls`: over HTTPS, with a
    /// handshake step.
    Started {
        host: String,
        port: u16,
        request: Arc<[u8]>,
        tls: bool,
    },
    /// Step-through mode: the worker waits for [`super::Worker::next`] before running `next`.
    Paused {
        next: Step,
    },
    StepStarted(Step),
    /// The name lookup found these addresses (IPv4 and IPv6), in the order they will be tried.
    Resolved {
        addresses: Vec<IpAddr>,
    },
    /// Trying one address; `attempt` counts from 1.
    Connecting {
        address: SocketAddr,
        attempt: usize,
        of: usize,
    },
    /// One address failed; the next one (if any) is tried.
    AttemptFailed {
        address: SocketAddr,
        error: FetchError,
    },
    Connected {
        local: SocketAddr,
        remote: SocketAddr,
    },
    /// The TLS handshake is done: what it agreed, and the server's certificates.
    Secured(Box<Agreed>),
    /// What crossed the socket since the last such event, in order: each TLS record, or over plain
    /// HTTP each read and write. Sent in batches; together they account for every byte on the wire.
    Wire(Vec<WireRecord>),
    /// The server hung up without ending the encrypted session properly (no `close_notify`) on a reply
    /// whose end is the hang-up: all of it is kept, but nothing proves it is all there was.
    UnprovenEnd,
    /// The whole request has been handed to the network.
    Sent {
        bytes: usize,
    },
    /// More of the reply arrived; `total` counts every byte so far.
    Received {
        chunk: Chunk,
        total: u64,
    },
    /// A head of the reply has arrived and was read: each interim (1xx) head, then the real one.
    Head(ReplyHead),
    /// The reply is complete by its framing, so the engine stops reading (and hangs up). `extra` bytes
    /// came after its end in the same reads: they are kept in the reply, not dropped. `line_open`: the
    /// server had not hung up itself, so it kept the line open for more requests. A reply that ends
    /// when the server hangs up (no length given) is complete then, with `line_open` false.
    ReplyComplete {
        extra: u64,
        line_open: bool,
    },
    /// Raw mode: reading stopped by this rule ([`StopRule::Hangup`] whenever the server hung up,
    /// whatever the rule was). Every byte that came is kept.
    RawEnd {
        by: StopRule,
    },
    /// The reply cannot be read as HTTP (further); its bytes are still kept and shown.
    HeadUnreadable {
        problem: HeadProblem,
    },
    StepDone {
        step: Step,
        took: Duration,
    },
    /// The last event of every job.
    Finished(Summary),
}

/// How a job ended. A failed job still counts the bytes it received, which were all sent as events.
#[derive(Debug, Clone)]
pub struct Summary {
    pub received: u64,
    pub timings: Timings,
    /// `None` when the server sent its reply and closed, as HTTP/1.0 servers do.
    pub error: Option<FetchError>,
}
