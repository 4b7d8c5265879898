//! The decoded body beside the raw reply: the body with its chunk sizes removed and unzipped, as a
//! browser sees it. Decoded on a thread of its own (`body-decoder`), never on the window's, into a
//! store of its own that the reply view draws; once decoded, the store is frozen and shared
//! read-only, as the raw reply is, with whatever copies it.
//!
//! The reply's chunks are handed to the thread as they arrive (moved, not copied: the raw view has
//! already taken its copy), so the decoded body grows with the raw one.

use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::fetch::Chunk;
use crate::fetch::decode::{Decoded, Plan, decode};
use crate::session::reply_text::Reply;

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
    /// Frozen once the outcome is known.
    pub text: Reply,
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
                let mut shared = lock(&shared);
                shared.text.freeze();
                shared.outcome = Some(outcome);
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

    /// The decoded body so far. Held only for a frame's drawing: the thread waits for it to add the
    /// next piece.
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
