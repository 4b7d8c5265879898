//! Copying a reply to the clipboard off the window's thread, by the copy rule ([`crate::copy_rule`]).
//!
//! The bytes are first gathered out of the window's reply a slice per frame ([`Gather`]), so
//! even a 256 MiB copy never stalls a frame. Then a copy is a job on a thread of its own (`clipboard-copy`): it reads the bytes once to decide
//! the form (exact or escaped) and count what the notice tells, then hands them to the clipboard.
//! On X11 that is our own selection owner ([`x11`]), which makes the text chunk by chunk when a
//! program pastes: no size limit, and an escaped copy is never held whole. Elsewhere (Wayland, or
//! no X11 connection) the text is made whole and the window gives it to eframe's clipboard, which
//! is only trusted up to [`TEXT_PATH_CAP`].

mod x11;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crossbeam_channel::{Receiver, bounded};

use crate::copy_rule::{self, Form, Survey};

pub use x11::X11Owner;

/// The largest text handed to eframe's clipboard. arboard's X11 side loses anything from 16 MiB up
/// (measured under Xvfb: 8 MiB lands, 16 MiB does not); its Wayland side is untested here.
pub const TEXT_PATH_CAP: u64 = 8 << 20;
/// How much the job reads between two progress updates.
const STEP: usize = 1 << 20;
/// How long [`Gather`] copies in one frame: a small part of a frame's 16 ms.
const GATHER_TIME_PER_FRAME: std::time::Duration = std::time::Duration::from_millis(8);
/// How much [`Gather`] copies between two looks at the clock.
const GATHER_SLICE: usize = 1 << 20;

/// The bytes being copied and what the clipboard makes of them.
#[derive(Debug, Clone)]
pub struct Offer {
    pub bytes: Arc<Vec<u8>>,
    pub form: Form,
    /// The length of the clipboard text.
    pub text_len: u64,
}

/// Where copies go.
#[derive(Clone)]
pub enum Copier {
    /// Our own X11 selection owner, connected on the first copy.
    X11(Arc<OnceLock<Result<X11Owner, String>>>),
    /// eframe's clipboard: the job returns the text for the window to hand over.
    Text,
}

/// A copy that landed.
#[derive(Debug)]
pub struct Copied {
    pub survey: Survey,
    /// For [`Copier::Text`]: the text the window puts on eframe's clipboard.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the copy would be {}, more than this clipboard carries reliably ({}).",
        crate::format::bytes(*text_len),
        crate::format::bytes(TEXT_PATH_CAP)
    )]
    TooLarge { text_len: u64 },
    #[error("the clipboard could not take it: {0}.")]
    Failed(String),
}

/// A copy being made.
pub struct CopyJob {
    total: u64,
    done: Arc<AtomicU64>,
    result: Receiver<Result<Copied, CopyError>>,
}

impl Copier {
    /// X11's own selection owner when `x11` is true, eframe's clipboard otherwise.
    pub fn new(x11: bool) -> Self {
        if x11 { Self::X11(Arc::default()) } else { Self::Text }
    }

    /// The largest copy this clipboard takes, if it has a cap.
    pub fn cap(&self) -> Option<u64> {
        match self {
            Self::X11(_) => None,
            Self::Text => Some(TEXT_PATH_CAP),
        }
    }

    /// Starts copying `bytes`; `wake` is called when the result is there.
    pub fn start(&self, bytes: Arc<Vec<u8>>, wake: impl Fn() + Send + 'static) -> std::io::Result<CopyJob> {
        let done = Arc::new(AtomicU64::new(0));
        let (tx, result) = bounded(1);
        let job = CopyJob { total: bytes.len() as u64, done: Arc::clone(&done), result };
        let copier = self.clone();
        std::thread::Builder::new().name("clipboard-copy".into()).spawn(move || {
            // The window may have gone; then nobody wants the answer.
            let _ = tx.send(copier.copy(bytes, &done));
            wake();
        })?;
        Ok(job)
    }

    fn copy(&self, bytes: Arc<Vec<u8>>, done: &AtomicU64) -> Result<Copied, CopyError> {
        let mut survey = Survey::default();
        for chunk in bytes.chunks(STEP) {
            survey.push(chunk);
            done.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        }
        let survey = survey.finish();
        let form = survey.form();
        let text_len = survey.text_len().unwrap_or(u64::MAX);
        match self {
            Self::X11(owner) => {
                let owner = owner.get_or_init(X11Owner::start).as_ref().map_err(|e| CopyError::Failed(e.clone()))?;
                owner.offer(Offer { bytes, form, text_len }).map_err(CopyError::Failed)?;
                Ok(Copied { survey, text: None })
            }
            Self::Text if text_len > TEXT_PATH_CAP => Err(CopyError::TooLarge { text_len }),
            Self::Text => {
                let text = match form {
                    Form::Exact => bytes.as_ref().clone(),
                    Form::Escaped => copy_rule::escape(&bytes),
                };
                // Both forms are UTF-8 by construction; the lossy reading never changes a byte of them.
                let text =
                    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                Ok(Copied { survey, text: Some(text) })
            }
        }
    }
}

impl CopyJob {
    /// How far the job is, from 0 to 1.
    pub fn progress(&self) -> f32 {
        if self.total == 0 { 1.0 } else { self.done.load(Ordering::Relaxed) as f32 / self.total as f32 }
    }

    /// The result, once the job has ended.
    pub fn try_result(&self) -> Option<Result<Copied, CopyError>> {
        match self.result.try_recv() {
            Ok(result) => Some(result),
            Err(crossbeam_channel::TryRecvError::Empty) => None,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                Some(Err(CopyError::Failed("the copy stopped unexpectedly".to_owned())))
            }
        }
    }
}

/// A copy of part of the window's reply, made [`GATHER_TIME_PER_FRAME`] at a time: the one copy
/// the window makes, which the clipboard (or the file being saved) keeps while the view keeps its own.
#[derive(Debug)]
pub struct Gather {
    bytes: Vec<u8>,
    range: std::ops::Range<usize>,
}

impl Gather {
    /// Will copy `range` of the reply; the memory is asked for now and filled as it is copied.
    pub fn new(range: std::ops::Range<usize>) -> Self {
        Self { bytes: Vec::with_capacity(range.len()), range }
    }

    /// Copies the next slice from `reply`, which may have grown since but starts the same.
    /// Returns the bytes once all are in.
    pub fn step(&mut self, reply: &[u8]) -> Option<Vec<u8>> {
        let end = self.range.end.min(reply.len());
        let started = std::time::Instant::now();
        loop {
            let from = self.range.start + self.bytes.len();
            if from >= end {
                return Some(std::mem::take(&mut self.bytes));
            }
            if started.elapsed() > GATHER_TIME_PER_FRAME {
                return None;
            }
            self.bytes.extend_from_slice(&reply[from..end.min(from + GATHER_SLICE)]);
        }
    }

    /// How far the gathering is, from 0 to 1.
    pub fn progress(&self) -> f32 {
        if self.range.is_empty() { 1.0 } else { self.bytes.len() as f32 / self.range.len() as f32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_copies_exactly_its_range_of_a_growing_reply() {
        let mut reply: Vec<u8> = (0..=255).cycle().take(3 * GATHER_SLICE).collect();
        let mut gather = Gather::new(10..2 * GATHER_SLICE + 5);
        let want = reply[10..2 * GATHER_SLICE + 5].to_vec();
        let got = loop {
            reply.extend_from_slice(b"more bytes arrive meanwhile");
            if let Some(bytes) = gather.step(&reply) {
                break bytes;
            }
        };
        assert_eq!(got, want);
    }
}
