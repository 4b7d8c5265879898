//! Copying a reply to the clipboard off the window's thread, by the copy rule ([`crate::copy_rule`]).
//!
//! The bytes are the window's frozen reply itself ([`SharedBytes`]): nothing is copied out of it on
//! the window's thread, and no second copy of it is held while the clipboard keeps it. A copy is a
//! job on a thread of its own (`clipboard-copy`): it reads the bytes once to decide
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
use crate::shared_bytes::SharedBytes;

pub use x11::{X11Error, X11Owner};

/// The largest text handed to eframe's clipboard. arboard's X11 side loses anything from 16 MiB up
/// (measured under Xvfb: 8 MiB lands, 16 MiB does not); its Wayland side is untested here.
pub const TEXT_PATH_CAP: u64 = 8 << 20;
/// How much the job reads between two progress updates.
const STEP: usize = 1 << 20;

/// The bytes being copied and what the clipboard makes of them.
#[derive(Debug, Clone)]
pub struct Offer {
    pub bytes: SharedBytes,
    pub form: Form,
    /// The length of the clipboard text.
    pub text_len: u64,
}

/// Where copies go.
#[derive(Clone)]
pub enum Copier {
    /// Our own X11 selection owner, connected on the first copy.
    X11(Arc<OnceLock<Result<X11Owner, X11Error>>>),
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
    Failed(#[from] X11Error),
    /// The thread that makes the copy could not start (the system's words for why).
    #[error("the copy could not start ({0}).")]
    NotStarted(String),
    #[error("the copy stopped unexpectedly.")]
    Stopped,
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
    pub fn start(&self, bytes: SharedBytes, wake: impl Fn() + Send + 'static) -> std::io::Result<CopyJob> {
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

    fn copy(&self, bytes: SharedBytes, done: &AtomicU64) -> Result<Copied, CopyError> {
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
                    Form::Exact => bytes.to_vec(),
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
            Err(crossbeam_channel::TryRecvError::Disconnected) => Some(Err(CopyError::Stopped)),
        }
    }
}
