//! One fetch to perform: where to, what to send, and how long to wait.

use std::sync::Arc;
use std::time::Duration;

use super::raw::StopRule;
use super::request::Request;
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
    pub target: Target,
    /// The request's method (`GET`, `HEAD`, ...), as in its first line: a reply to HEAD has no body
    /// whatever its head says, so where the reply ends depends on it.
    pub method: String,
    /// Exactly the bytes sent after connecting.
    pub request: Vec<u8>,
    /// How long the name lookup and the connect may take; [`super::limits::NO_WAIT_LIMIT`] for no limit.
    /// Read from what a person typed by [`super::limits::wait_from_seconds`].
    pub connect_timeout: Duration,
    /// How long the server may stay silent; [`super::limits::NO_WAIT_LIMIT`] for no limit.
    pub read_timeout: Duration,
    /// Reading stops after this many bytes; the fetch then fails with `TooLarge`, keeping them.
    /// [`super::limits::NO_SIZE_LIMIT`] for no limit.
    pub max_bytes: u64,
    /// Pause before each step until the caller says `next`.
    pub step_through: bool,
    /// Over HTTPS: the certificates the server's is checked against. `None`: plain http.
    pub tls: Option<Trust>,
    /// Raw mode, for any TCP service: the reply is not read as HTTP, and reading stops by this rule.
    /// `None`: an HTTP fetch, whose reply ends where its framing says.
    pub raw: Option<StopRule>,
}

impl Job {
    /// A job with the tutorial's request (plus a Host header) and the default limits.
    pub fn new(target: Target) -> Self {
        Self {
            method: DEFAULT_METHOD.to_owned(),
            request: default_request(&target),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            step_through: false,
            tls: target.secure.then_some(Trust::Bundled),
            raw: None,
            target,
        }
    }

    /// Sends `request` (built from a [`super::RequestSpec`]) instead of the tutorial's; its method
    /// goes with it, since a reply to HEAD has no body.
    pub fn set_request(&mut self, request: &Request) {
        request.method().clone_into(&mut self.method);
        self.request = request.bytes();
    }

    /// Raw mode: sends `bytes` as they are, and reads the reply until `stop` says, with no HTTP framing.
    pub fn set_raw(&mut self, bytes: Vec<u8>, stop: StopRule) {
        self.request = bytes;
        self.raw = Some(stop);
    }
}

/// The method of [`default_request`], the tutorial's.
pub const DEFAULT_METHOD: &str = "GET";

/// `GET / HTTP/1.0` with a Host header. The tutorial sent no Host header; nearly every server today
/// hosts many sites on one address and needs it to know which site is meant.
pub fn default_request(target: &Target) -> Vec<u8> {
    format!("{DEFAULT_METHOD} {} HTTP/1.0\r\nHost: {}\r\n\r\n", target.path, target.host_header()).into_bytes()
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
