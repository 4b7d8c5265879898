//! The decoded body beside the raw reply: the body with its chunk sizes removed and unzipped, as a
//! browser sees it. Decoded on a thread of its own (`body-decoder`), never on the window's, into a
//! store of its own that the same reply view draws, selection and copy included.
//!
//! The reply's chunks are handed to the thread as they arrive (moved, not copied: the raw view has
//! already taken its copy), so the decoded body grows with the raw one.

use std::io::{self, Read};
use std::ops::{ControlFlow, Range};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};
use egui::{RichText, Ui};

use crate::fetch::Chunk;
use crate::fetch::decode::{Decoded, Plan, decode};
use crate::teach::decoding::{CHUNKS, COMPRESSION, DECODED_CHOICE, RAW_CHOICE, end_problem, undone_note};

use super::fetch_view::FetchView;
use super::reply_text::ReplyText;
use super::reply_view::{ReplyViewState, reply_ui};

/// How often the window looks at a decoding that is still running (the thread does not wake it).
const LOOK_AGAIN: Duration = Duration::from_millis(100);

/// Which of a reply's two forms the view shows, or a copy takes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Body {
    /// The reply byte for byte, as it came: the default, and what Copy reply and Save always take.
    #[default]
    Raw,
    /// The body with its chunk sizes removed and its compression undone.
    Decoded,
}

/// One reply's decoded body, being decoded or done.
#[derive(Debug)]
pub struct DecodedBody {
    pub plan: Plan,
    shared: Arc<Mutex<Shared>>,
    /// The reply's next chunks go to the thread here; dropped at the end of the reply.
    feed: Option<Sender<Chunk>>,
}

/// What the thread has decoded so far, and how it ended once it has.
#[derive(Debug, Default)]
pub struct Shared {
    pub text: ReplyText,
    pub outcome: Option<Decoded>,
}

impl DecodedBody {
    /// Starts decoding by `plan`, from the reply kept so far (`kept`) and the chunks fed after it; the
    /// body starts `body_start` bytes into the reply. At most `limit` decoded bytes are kept.
    pub fn start(plan: Plan, kept: &[u8], body_start: usize, limit: u64) -> io::Result<Self> {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (feed, chunks) = unbounded();
        // The thread holds the store weakly: once the window drops this reply, decoding stops.
        let store = Arc::downgrade(&shared);
        let thread_plan = plan.clone();
        // The head usually ends in the chunk not yet kept; if it ended earlier, body bytes are kept already.
        let body_kept = kept.get(body_start..).unwrap_or_default().to_vec();
        let skip = body_start.saturating_sub(kept.len());
        thread::Builder::new().name("body-decoder".to_owned()).spawn(move || {
            let raw = io::Cursor::new(body_kept).chain(ChunkReader { chunks, chunk: None, at: 0, skip });
            let outcome = decode(&thread_plan, raw, limit, &mut |piece| match store.upgrade() {
                Some(shared) => {
                    lock(&shared).text.push(piece);
                    ControlFlow::Continue(())
                }
                None => ControlFlow::Break(()),
            });
            if let (Some(outcome), Some(shared)) = (outcome, store.upgrade()) {
                lock(&shared).outcome = Some(outcome);
            }
        })?;
        Ok(Self { plan, shared, feed: Some(feed) })
    }

    /// Hands the thread the reply's next bytes.
    pub fn feed(&self, chunk: Chunk) {
        if let Some(feed) = &self.feed {
            // The thread only stops early once nobody wants the body: then the chunk is not needed.
            let _ = feed.send(chunk);
        }
    }

    /// The reply has ended: a body that ends when the server hangs up ends here.
    pub fn end_of_reply(&mut self) {
        self.feed = None;
    }

    /// The decoded body so far. Held only for a frame's drawing or a slice of a copy: the thread
    /// waits for it to add the next piece.
    pub fn lock(&self) -> MutexGuard<'_, Shared> {
        lock(&self.shared)
    }

    pub fn is_done(&self) -> bool {
        self.lock().outcome.is_some()
    }
}

/// A poisoned lock only means the thread panicked between pieces: what it stored is whole.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The reply's chunks as one stream, the head's first `skip` bytes left out; it ends when the
/// reply does (the sender is dropped).
struct ChunkReader {
    chunks: Receiver<Chunk>,
    chunk: Option<Chunk>,
    /// How much of `chunk` was read.
    at: usize,
    skip: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(chunk) = &self.chunk {
                let skipped = self.skip.min(chunk.len() - self.at);
                self.skip -= skipped;
                self.at += skipped;
                let n = buf.len().min(chunk.len() - self.at);
                if n > 0 || buf.is_empty() {
                    buf[..n].copy_from_slice(&chunk[self.at..self.at + n]);
                    self.at += n;
                    return Ok(n);
                }
            }
            // Done with this chunk: its buffer goes back to the worker as it is dropped.
            self.chunk = None;
            self.at = 0;
            match self.chunks.recv() {
                Ok(chunk) => self.chunk = Some(chunk),
                Err(_) => return Ok(0),
            }
        }
    }
}

/// The bytes of `body` of `view`'s reply, for a copy.
pub fn with_body<R>(view: &FetchView, body: Body, f: impl FnOnce(&[u8]) -> R) -> R {
    match (body, &view.decoded) {
        (Body::Decoded, Some(decoded)) => f(decoded.lock().text.bytes()),
        _ => f(view.reply.bytes()),
    }
}

/// The "Raw reply | Decoded body" switch, shown when the reply has a decoded body; under it, for the
/// decoded body, what was undone and why decoding stopped if it did. Answers whether the choice changed.
pub fn body_switch_ui(ui: &mut Ui, body: &mut Body, decoded: &DecodedBody) -> bool {
    let before = *body;
    let outcome = decoded.lock().outcome.clone();
    if outcome.is_none() {
        ui.ctx().request_repaint_after(LOOK_AGAIN);
    }
    ui.horizontal(|ui| {
        ui.selectable_value(body, Body::Raw, RAW_CHOICE)
            .on_hover_text("The reply byte for byte, as it came: chunk sizes and compressed bytes included");
        ui.selectable_value(body, Body::Decoded, DECODED_CHOICE)
            .on_hover_text("The body as a browser sees it: chunk sizes removed and compression undone");
    });
    if *body == Body::Decoded {
        ui.label(RichText::new(format!("Decoded body: {}", undone_note(&decoded.plan, outcome.as_ref()))).strong());
        if let Some(problem) = outcome.as_ref().and_then(|done| end_problem(&done.end)) {
            ui.add(egui::Label::new(RichText::new(problem).color(ui.visuals().error_fg_color)).wrap());
        }
        for (shown, text) in
            [(decoded.plan.framing == crate::fetch::Framing::Chunked, CHUNKS), (decoded.plan.is_encoded(), COMPRESSION)]
        {
            if shown {
                ui.add(egui::Label::new(RichText::new(text).weak()).wrap());
            }
        }
    }
    *body != before
}

/// The reply view, drawing `body`; answers the bytes selected for a copy (clamped to those there are).
pub fn shown_reply_ui(
    ui: &mut Ui,
    view: Option<&FetchView>,
    body: Body,
    state: &mut ReplyViewState,
) -> Option<Range<usize>> {
    let clamp = |range: Range<usize>, len: usize| range.start.min(len)..range.end.min(len);
    if let Some(decoded) = view.and_then(|v| v.decoded.as_ref()).filter(|_| body == Body::Decoded) {
        let shared = decoded.lock();
        if shared.text.is_empty() {
            let empty = if shared.outcome.is_some() { "The decoded body is empty." } else { "Decoding…" };
            ui.label(RichText::new(empty).weak());
            return None;
        }
        return reply_ui(ui, Some(&shared.text), state).map(|range| clamp(range, shared.text.bytes().len()));
    }
    let reply = view.map(|v| &v.reply);
    reply_ui(ui, reply, state).zip(reply).map(|(range, reply)| clamp(range, reply.bytes().len()))
}
