//! The window's size on a small screen: eframe keeps the first window no larger than the monitor, but
//! a window as large as a 1024×768 or 1280×800 screen still runs under its panels and off its edge
//! once the title bar is added. Such a window is maximized instead, which the window manager fits to
//! the room its panels leave; a window that fits (the default on a larger screen, or the size
//! remembered from the last run) is left as it is.

use egui::{Context, Vec2, ViewportCommand};

/// A window that takes more than this share of the monitor's width or height is too large to be
/// placed whole beside a title bar and a panel.
const MOST_OF_THE_SCREEN: f32 = 0.95;

/// Whether a window of `window` (its outer size, title bar included where known) is too large for a
/// monitor of `monitor`, both in the same units.
pub fn too_large(window: Vec2, monitor: Vec2) -> bool {
    window.x > monitor.x * MOST_OF_THE_SCREEN || window.y > monitor.y * MOST_OF_THE_SCREEN
}

/// Whether the window still has to be fitted to its monitor, which is known only once it is open.
#[derive(Debug)]
pub struct MonitorFit {
    pending: bool,
}

impl MonitorFit {
    /// `wanted`: false for a run that must keep its size whatever the screen (a screenshot run).
    pub fn new(wanted: bool) -> Self {
        Self { pending: wanted }
    }

    /// Once the monitor is known, maximizes a window too large for it; then does nothing more.
    pub fn step(&mut self, ctx: &Context) {
        if !self.pending {
            return;
        }
        let info = ctx.input(|i| i.viewport().clone());
        let (Some(monitor), Some(window)) = (info.monitor_size, info.outer_rect.or(info.inner_rect)) else { return };
        if info.maximized != Some(true) && too_large(window.size(), monitor) {
            ctx.send_viewport_cmd(ViewportCommand::Maximized(true));
        }
        self.pending = false;
    }
}

#[cfg(test)]
mod tests {
    use egui::vec2;

    use super::*;

    #[test]
    fn the_first_window_is_too_large_for_a_projectors_screen_but_not_for_a_desktops() {
        // 1200×780 and a title bar of 30.
        let window = vec2(1200.0, 810.0);
        assert!(too_large(window, vec2(1024.0, 768.0)));
        assert!(too_large(window, vec2(1280.0, 800.0)));
        assert!(!too_large(window, vec2(1920.0, 1080.0)));
        // The same screen at 200 %: both are in points.
        assert!(!too_large(window / 2.0, vec2(1920.0, 1080.0) / 2.0));
        assert!(too_large(vec2(940.0, 500.0), vec2(1920.0, 1080.0) / 2.0));
    }
}
