//! What the worker reports while it fetches: one [`Event`] per thing that happened, in order.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::chunk::Chunk;
use super::error::FetchError;
use super::head::{HeadProblem, ReplyHead};
use super::job::JobId;
use super::raw::StopRule;
use super::step::Step;
use super::timing::Timings;
use super::tls::Agreed;
use super::wire::WireRecord;

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
    /// The worker took the job. `request` is exactly what will be sent, but for a body larger than
    /// [`super::JOINED_BODY_MAX`], which is sent from where it is held and left out here, so it is
    /// never copied; `tls`: over HTTPS, with a handshake step.
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
