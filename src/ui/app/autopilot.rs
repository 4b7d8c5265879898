//! The `--screenshot` run's autopilot: it presses Next step up to the pause asked for, waits for the
//! fetch to end or pause there, saves the window as a PNG and closes it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, unbounded};

use super::SocketFetchApp;
use crate::fetch::Step;
use crate::ui::decoded_body::DecodedBody;
use crate::ui::fetch_view::FetchView;

/// The `--screenshot` run: wait for the fetch to end, capture, save, close.
pub(super) struct Screenshot {
    path: PathBuf,
    /// Frames still to draw once the moment has come, so scrolling and layout can settle first.
    settle_frames: u8,
    pause_at: Option<Step>,
    /// Where the image arrives, once it has been asked for.
    images: Option<Receiver<Arc<egui::ColorImage>>>,
}

impl Screenshot {
    pub(super) fn new(path: PathBuf, pause_at: Option<Step>) -> Self {
        Self { path, settle_frames: 3, pause_at, images: None }
    }
}

impl SocketFetchApp {
    /// Moves a `--screenshot` run on: Next step up to its pause, then, once the window has settled,
    /// the capture, the PNG and the close.
    pub(super) fn screenshot_step(&mut self, ctx: &egui::Context) {
        let paused = self.view.as_ref().and_then(FetchView::paused_before);
        let pause_at = self.screenshot.as_ref().and_then(|shot| shot.pause_at);
        if let (Some(at), Some(paused)) = (pause_at, paused)
            && paused < at
        {
            self.next_step();
        }
        let Some(shot) = &mut self.screenshot else { return };
        let finished =
            self.view.as_ref().is_some_and(|v| !v.is_running() && v.decoded.as_ref().is_none_or(DecodedBody::is_done))
                || self.input_error.is_some()
                || self.start_failure.is_some();
        if !finished && (paused.is_none() || paused != shot.pause_at) {
            return;
        }
        if shot.settle_frames > 0 {
            shot.settle_frames -= 1;
            ctx.request_repaint();
            return;
        }
        if shot.images.is_none() {
            let (tx, rx) = unbounded();
            shot.images = Some(rx);
            ctx.request_screenshot(move |image| {
                let _ = tx.send(image);
            });
        }
        if let Some(image) = shot.images.as_ref().and_then(|rx| rx.try_recv().ok()) {
            match save_png(&shot.path, &image) {
                Ok(()) => eprintln!("socket-fetch: saved the window to {}", shot.path.display()),
                Err(e) => eprintln!("socket-fetch: could not save {}: {e}", shot.path.display()),
            }
            self.screenshot = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            // The image comes back after a rendered frame; keep frames coming until it has.
            ctx.request_repaint_after(Duration::from_millis(16));
        }
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), image::ImageError> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(egui::Color32::to_array).collect();
    let (w, h) = (u32::try_from(w).unwrap_or(u32::MAX), u32::try_from(h).unwrap_or(u32::MAX));
    image::save_buffer(path, &rgba, w, h, image::ExtendedColorType::Rgba8)
}
