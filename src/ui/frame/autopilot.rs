//! The `--screenshot` run's autopilot: it presses Next step up to the pause asked for, waits for the
//! fetch to end or pause there, saves the window as a PNG and closes it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, unbounded};

use crate::fetch::Step;
use crate::session::{DecodedBody, Session};

/// The `--screenshot` run: wait for the fetch to end, capture, save, close.
pub struct Screenshot {
    path: PathBuf,
    /// Frames still to draw once the moment has come, so scrolling and layout can settle first.
    settle_frames: u8,
    pause_at: Option<Step>,
    /// Where the image arrives, once it has been asked for.
    images: Option<Receiver<Arc<egui::ColorImage>>>,
}

impl Screenshot {
    pub fn new(path: PathBuf, pause_at: Option<Step>) -> Self {
        Self { path, settle_frames: 3, pause_at, images: None }
    }
}

impl Screenshot {
    /// Moves a `--screenshot` run on: Next step up to its pause, then, once the window has settled,
    /// the capture, the PNG and the close. `stopped`: the window could not start a fetch. Answers
    /// true once the picture is saved.
    pub fn step(&mut self, ctx: &egui::Context, session: &Session, stopped: bool) -> bool {
        let (paused, finished) = match session.view() {
            Some(view) => {
                (view.paused_before(), !view.is_running() && view.decoded.as_ref().is_none_or(DecodedBody::is_done))
            }
            None => (None, false),
        };
        if let (Some(at), Some(paused)) = (self.pause_at, paused)
            && paused < at
        {
            session.next_step();
        }
        if !(finished || stopped) && (paused.is_none() || paused != self.pause_at) {
            return false;
        }
        if self.settle_frames > 0 {
            self.settle_frames -= 1;
            ctx.request_repaint();
            return false;
        }
        if self.images.is_none() {
            let (tx, rx) = unbounded();
            self.images = Some(rx);
            ctx.request_screenshot(move |image| {
                let _ = tx.send(image);
            });
        }
        if let Some(image) = self.images.as_ref().and_then(|rx| rx.try_recv().ok()) {
            match save_png(&self.path, &image) {
                Ok(()) => eprintln!("socket-fetch: saved the window to {}", self.path.display()),
                Err(e) => eprintln!("socket-fetch: could not save {}: {e}", self.path.display()),
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return true;
        }
        // The image comes back after a rendered frame; keep frames coming until it has.
        ctx.request_repaint_after(Duration::from_millis(16));
        false
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), image::ImageError> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(egui::Color32::to_array).collect();
    let (w, h) = (u32::try_from(w).unwrap_or(u32::MAX), u32::try_from(h).unwrap_or(u32::MAX));
    image::save_buffer(path, &rgba, w, h, image::ExtendedColorType::Rgba8)
}
