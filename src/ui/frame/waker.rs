//! The session's wake-up call for the window, which never makes the session wait.
//!
//! `egui::Context::request_repaint` takes the context's lock, which the window holds while it lays out
//! and tessellates a frame: called on the fetch worker after each event, it made the worker wait up to
//! a frame per read (6 reads of a chunked page took 120 ms instead of 0.1 ms, and the window showed that
//! as the download's time). The session's fold thread (and the history's) only drops a token in a
//! one-slot channel; a thread of the window's own makes the call. Tokens dropped while one is pending
//! are merged: one repaint shows them all.

use std::sync::Arc;
use std::thread;

use crossbeam_channel::bounded;

use crate::fetch::Waker;

/// A waker that asks `ctx` for a repaint from a `window-waker` thread. The thread ends when the last
/// copy of the waker is dropped.
pub fn repaint_waker(ctx: egui::Context) -> std::io::Result<Waker> {
    let (token, tokens) = bounded::<()>(1);
    thread::Builder::new().name("window-waker".to_owned()).spawn(move || {
        while tokens.recv().is_ok() {
            ctx.request_repaint();
        }
    })?;
    // Full means a repaint is already on its way: this event will be drawn by it.
    Ok(Arc::new(move || {
        let _ = token.try_send(());
    }))
}
