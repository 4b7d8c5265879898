//! What the first frames do: the host field's focus, the zoom and theme asked for, the window's fit
//! to the screen, a fetch asked for at start-up, and whether this run's choices are remembered.

use crate::ui::frame::start_options::{StartOptions, Theme};
use crate::ui::frame::window_fit::MonitorFit;

/// Whether this run's choices (the form, the zoom, the window's size) are kept for the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remember {
    Yes,
    /// A screenshot run: it must neither depend on nor change what normal runs remember.
    No,
}

pub struct StartUp {
    first_frame: bool,
    fetch_now: bool,
    theme: Option<Theme>,
    /// The zoom to set on the first frame, over the one eframe restored from last time.
    zoom: Option<f32>,
    monitor_fit: MonitorFit,
    pub remember: Remember,
}

impl StartUp {
    pub fn new(options: &StartOptions) -> Self {
        let screenshot = options.screenshot.is_some();
        Self {
            first_frame: true,
            fetch_now: options.fetch_now || screenshot,
            theme: options.theme,
            zoom: options.zoom.or(screenshot.then_some(1.0)),
            // A screenshot run keeps its size, whatever the screen, so its pictures are reproducible.
            monitor_fit: MonitorFit::new(!screenshot),
            remember: if screenshot { Remember::No } else { Remember::Yes },
        }
    }

    /// Each frame, before the panels: the window's fit, and the zoom and theme asked for.
    pub fn step(&mut self, ctx: &egui::Context) {
        self.monitor_fit.step(ctx);
        if let Some(zoom) = self.zoom.take() {
            ctx.set_zoom_factor(zoom);
        }
        if let Some(theme) = self.theme.take() {
            ctx.set_theme(theme.preference());
        }
    }

    /// The first frame: the host field takes the keyboard.
    pub fn is_first_frame(&self) -> bool {
        self.first_frame
    }

    /// After the top bar: whether the fetch asked for at start-up is due now. It waits for the
    /// second frame: the first one (fonts, the GPU's set-up) is slow, and the worker would wait on
    /// it with its first events, which the steps' times would show as a slow network.
    pub fn fetch_due(&mut self, ctx: &egui::Context) -> bool {
        if std::mem::take(&mut self.first_frame) {
            ctx.request_repaint();
            false
        } else {
            std::mem::take(&mut self.fetch_now)
        }
    }
}
