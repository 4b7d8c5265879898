//! A copy under way: the frozen reply's bytes handed to the `clipboard-copy` thread, which decides
//! the form and escapes off the window's thread; here, its progress and the words for how it ended.

use std::time::{Duration, Instant};

use crate::clipboard::{Copied, Copier, CopyError, CopyJob};
use crate::copy_rule::Form;
use crate::format;
use crate::shared_bytes::SharedBytes;

pub struct Copying {
    job: CopyJob,
    /// "the reply" or "the selection", for the notice.
    what: &'static str,
    started: Instant,
    /// The longest the window's thread spent on one frame meanwhile.
    longest_frame: Duration,
}

impl Copying {
    /// Starts copying `bytes`; `ctx` is woken when the copy has ended.
    pub fn start(
        copier: &Copier,
        bytes: SharedBytes,
        what: &'static str,
        ctx: &egui::Context,
    ) -> std::io::Result<Self> {
        let wake = ctx.clone();
        let job = copier.start(bytes, move || wake.request_repaint())?;
        Ok(Self { job, what, started: Instant::now(), longest_frame: Duration::ZERO })
    }

    /// How far the copy is, from 0 to 1.
    pub fn progress(&self) -> f32 {
        self.job.progress()
    }

    /// A frame ended, having taken `took`.
    pub fn frame_took(&mut self, took: Duration) {
        self.longest_frame = self.longest_frame.max(took);
    }

    /// The copy's result, once it has ended; text for eframe's clipboard is put there.
    pub fn result(&self, ctx: &egui::Context) -> Option<Result<Copied, CopyError>> {
        let result = self.job.try_result()?;
        Some(result.map(|mut copied| {
            if let Some(text) = copied.text.take() {
                ctx.copy_text(text);
            }
            copied
        }))
    }

    /// How the copy ended, in words, and whether it went well.
    pub fn ended(self, result: Result<Copied, CopyError>) -> (String, bool) {
        let what = self.what;
        let (text, good) = match result {
            Ok(Copied { survey, .. }) => {
                let size = format::detailed(survey.bytes);
                let text = match survey.form() {
                    Form::Exact => format!("Copied {what}, {size}, to the clipboard, exactly as received."),
                    Form::Escaped => format!(
                        "Copied {what}, {size}: {} bytes that are not text were written as \\xNN and backslashes \
                         doubled, so the copy can be turned back into the exact bytes.",
                        format::count(survey.not_text)
                    ),
                };
                (text, true)
            }
            Err(e) => (format!("Not copied: {e} Save reply to file keeps all of it."), false),
        };
        // Also on stderr, with how long it took and how long the window was kept busy meanwhile:
        // a record for whoever started the window from a terminal, and what CI's clipboard test reads.
        eprintln!(
            "socket-fetch: {text} ({} ms; the longest frame meanwhile took {} ms)",
            self.started.elapsed().as_millis(),
            self.longest_frame.as_millis()
        );
        (text, good)
    }
}
