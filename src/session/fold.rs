//! The `session-fold` thread: it takes the worker's events as they come, folds them into the fetch
//! view, and reacts to what the fold says (starts the decoder, freezes the reply at the end and
//! records the fetch in the history), whether the window is drawn or not. The window only reads
//! what is folded, under the same lock, and is woken after each batch.

use std::iter;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::Receiver;
use parking_lot::RwLock;

use crate::fetch::{Event, Redirect, Target, Waker, is_redirect_status, redirect_of};
use crate::history::{Keeper, Record};
use crate::server_text::one_line;
use crate::shared_bytes::SharedBytes;

use super::decoded_body::DecodedBody;
use super::fetch_view::FetchView;

/// The most time the thread holds the write lock for one batch of events: the window waits at most this
/// long to draw, however fast a server sends.
const BATCH_TIME: Duration = Duration::from_millis(4);

/// The fetch on show, as folded so far.
#[derive(Debug, Default)]
pub struct Folded {
    pub view: Option<FetchView>,
    /// What the fetch asked for: its reply's Location is read against it.
    pub target: Option<Target>,
}

impl Folded {
    /// The reply's redirect, once the fetch has ended: where it sends the client next.
    pub fn redirect(&self) -> Option<Redirect> {
        let view = self.view.as_ref().filter(|v| !v.is_running())?;
        let head = view.head.as_ref().filter(|h| is_redirect_status(h.status))?;
        redirect_of(head, self.target.as_ref()?)
    }

    /// Folds `event` into the fetch on show and does what the fold asks for.
    fn take_in(&mut self, event: Event, history: Option<&Keeper>) {
        let Some(view) = &mut self.view else { return };
        if let Some(chunk) = view.apply(event)
            && let Some(decoded) = &view.decoded
        {
            decoded.feed(chunk);
        }
        if let Some((plan, body_start)) = view.take_decoding_wanted() {
            let started = DecodedBody::start(plan.clone(), view.reply.bytes(), body_start, view.max_bytes);
            view.decoding_started(&plan, started);
        }
        if !view.is_running() && view.reply.frozen().is_none() {
            // The end: a body that ends when the server hangs up ends here, and the reply is
            // frozen once, for copy, save and history to share.
            if let Some(decoded) = &mut view.decoded {
                decoded.end_of_reply();
            }
            view.reply.freeze();
            if let Some(keeper) = history {
                let reply = view.reply.frozen().map(|text| SharedBytes::whole(text.clone()));
                keeper.add(record_of(view), reply);
            }
        }
    }
}

/// Runs until the last sender of `events` is gone (the session and its worker dropped).
pub fn fold_events(events: &Receiver<Event>, folded: &RwLock<Folded>, history: Option<&Keeper>, wake: &Waker) {
    while let Ok(first) = events.recv() {
        {
            let mut folded = folded.write();
            let deadline = Instant::now() + BATCH_TIME;
            for event in iter::once(first).chain(events.try_iter()) {
                folded.take_in(event, history);
                if Instant::now() > deadline {
                    break;
                }
            }
        }
        wake();
    }
}

/// What a fetch ended as, for the history.
fn record_of(view: &FetchView) -> Record {
    let summary = view.summary.as_ref();
    Record {
        at_ms: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        host: view.host.clone(),
        port: view.port,
        duration_us: summary.map_or(0, |s| u64::try_from(s.timings.total.as_micros()).unwrap_or(u64::MAX)),
        status: view.head.as_ref().map(|h| h.status),
        reply_size: view.received(),
        error: summary.and_then(|s| s.error.as_ref()).map(|e| one_line(&e.to_string())),
        request: view.request.to_vec(),
        log: view.log_text(),
    }
}
