//! One fetch to perform: where to, what to send, and how long to wait.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use super::limits::NO_WAIT_LIMIT;
use super::raw::StopRule;
use super::request::{Method, Outgoing, Request};
use super::target::Target;
use super::tls::Trust;

/// Identifies a job in the events it produces; given out by [`super::Worker::fetch`].
pub type JobId = u64;

/// How long to wait for the other side to accept the call, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may stay silent mid-reply, by default.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most reply bytes a window keeps by default: large enough for any web page, small enough for memory.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Where to, and whether over HTTPS (`target.secure`).
    pub target: Target,
    /// What to send, and so how the reply is read.
    pub payload: Payload,
    /// Over HTTPS, the certificates the server's is checked against. Only [`Job::tls`] reads it, and
    /// only for a secure target: a plain http fetch has no certificates to check, whatever this says.
    pub trust: Trust,
    /// How long the name lookup may take, and the connect with the TLS handshake after it (as curl's
    /// `--connect-timeout`); [`super::limits::NO_WAIT_LIMIT`] for no limit.
    /// Read from what a person typed by [`super::limits::wait_from_seconds`].
    pub connect_timeout: Duration,
    /// How long the server may stay silent, counted in reply bytes: TLS records that carry none
    /// (session tickets, a record trickled a byte at a time) are silence. [`super::limits::NO_WAIT_LIMIT`]
    /// for no limit.
    pub read_timeout: Duration,
    /// How long the whole fetch may take, from the socket to the reply's end (curl's `--max-time`);
    /// [`super::limits::NO_WAIT_LIMIT`], the default, for no limit. A step-through pause does not count.
    pub max_time: Duration,
    /// Reading stops after this many bytes; the fetch then fails with `TooLarge`, keeping them.
    /// [`super::limits::NO_SIZE_LIMIT`] for no limit.
    pub max_bytes: u64,
    /// Pause before each step until the caller says `next`.
    pub step_through: bool,
}

/// What a job sends after connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// An HTTP request: the reply ends where its framing says, and a reply to HEAD has no body
    /// whatever its head says.
    Http(Request),
    /// Raw mode, for any TCP service: `bytes` are sent as they are, the reply is not read as HTTP,
    /// and reading stops by `stop`.
    Raw { bytes: Vec<u8>, stop: StopRule },
}

impl Payload {
    /// Exactly the bytes sent.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Self::Http(request) => Cow::Owned(request.bytes()),
            Self::Raw { bytes, .. } => Cow::Borrowed(bytes),
        }
    }

    /// Exactly the bytes sent, with a large body shared rather than copied: see [`Outgoing`].
    pub fn outgoing(&self) -> Outgoing {
        match self {
            Self::Http(request) => request.outgoing(),
            Self::Raw { bytes, .. } => Outgoing::whole(bytes),
        }
    }

    /// The request asks for the head only (`HEAD`): its reply has no body.
    pub fn asks_head_only(&self) -> bool {
        matches!(self, Self::Http(request) if *request.method() == Method::Head)
    }
}

impl Job {
    /// A job with the tutorial's request (plus a Host header), the bundled certificates and the
    /// default limits.
    pub fn new(target: Target) -> Self {
        Self {
            payload: Payload::Http(Request::tutorial(&target)),
            trust: Trust::Bundled,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_time: NO_WAIT_LIMIT,
            max_bytes: DEFAULT_MAX_BYTES,
            step_through: false,
            target,
        }
    }

    /// Over HTTPS, the certificates the server's is checked against; `None` for plain http.
    pub fn tls(&self) -> Option<&Trust> {
        self.target.secure.then_some(&self.trust)
    }

    /// Sends `request` (built from a [`super::RequestSpec`]) instead of the tutorial's.
    pub fn set_request(&mut self, request: Request) {
        self.payload = Payload::Http(request);
    }

    /// Raw mode: sends `bytes` as they are, and reads the reply until `stop` says, with no HTTP framing.
    pub fn set_raw(&mut self, bytes: Vec<u8>, stop: StopRule) {
        self.payload = Payload::Raw { bytes, stop };
    }
}

/// What the worker can be told. [`super::Worker`]'s methods send these; they are public for tests and tools.
#[derive(Debug)]
pub enum Command {
    /// Start a job. A job already running is cancelled first, as a browser drops a page for a new click.
    Fetch(JobId, Box<Job>),
    /// Stop that job (if it still runs) and report what arrived.
    Cancel(JobId),
    /// Step-through mode: run the step the job is paused before.
    Next(JobId),
    Shutdown,
}

/// Called after each event is sent, so a window can wake up and draw it.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::RequestSpec;

    #[test]
    fn certificates_are_checked_only_for_a_secure_target() {
        let mut plain = Job::new(Target::parse("127.0.0.1", "8080").unwrap());
        plain.trust = Trust::Insecure;
        assert_eq!(plain.tls(), None);
        let secure = Job::new(Target::parse("https://localhost", "8443").unwrap());
        assert_eq!(secure.tls(), Some(&Trust::Bundled));
    }

    #[test]
    fn only_a_head_request_asks_for_the_head_alone() {
        let target = Target::parse("127.0.0.1", "8080").unwrap();
        for (method, head_only) in [("HEAD", true), ("head", false), ("GET", false), ("PROPFIND", false)] {
            let mut spec = RequestSpec::new(&target);
            method.clone_into(&mut spec.method);
            let mut job = Job::new(target.clone());
            job.set_request(spec.build().unwrap());
            assert_eq!(job.payload.asks_head_only(), head_only, "{method}");
            assert!(job.payload.bytes().starts_with(format!("{method} / ").as_bytes()), "{method}");
        }
        let mut raw = Job::new(target);
        raw.set_raw(b"HEAD / HTTP/1.0\r\n\r\n".to_vec(), StopRule::Hangup);
        assert!(!raw.payload.asks_head_only(), "raw bytes are not read as HTTP");
    }
}
