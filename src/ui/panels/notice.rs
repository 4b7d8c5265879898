//! Short sentences after an action (copied, saved, or why not), shown for a while as a toast next to
//! the controls that caused them: floating above the panels, so neither a narrow panel nor a short
//! scrolling area cuts them, and kept inside the window, under the controls or, with no room there,
//! above them.

use std::time::{Duration, Instant};

use egui::{Frame, Id, Order, Rect, RichText, TextStyle, TextWrapMode, Ui, WidgetText, pos2};

use crate::ui::palette;

/// How long a "Copied ..." confirmation stays.
const NOTICE_TIME: Duration = Duration::from_secs(4);
/// How long a copy or save that failed is told: long enough to read what to do instead.
const WARNING_TIME: Duration = Duration::from_secs(12);
/// A toast is at least this wide where the window allows (in a narrow panel it may be wider than
/// the panel), so a sentence is a few words a line.
const MIN_WIDTH: f32 = 240.0;
/// Between the toast and the window's edge, and the toast and its controls.
const MARGIN: f32 = 6.0;

/// The control a notice speaks of: it is shown next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// Copy log, in the steps panel.
    Log,
    /// The reply's toolbar: Copy reply, Copy decoded body, Save reply to file.
    Reply,
    /// The request editor's "Copy as curl command".
    Editor,
}

pub struct Notice {
    text: String,
    /// A success; else a warning.
    good: bool,
    place: Place,
    since: Instant,
}

impl Notice {
    pub fn new(place: Place, text: String, good: bool) -> Self {
        Self { text, good, place, since: Instant::now() }
    }

    /// How long it has left to stay; zero once it should go.
    pub fn time_left(&self) -> Duration {
        if self.good { NOTICE_TIME } else { WARNING_TIME }.saturating_sub(self.since.elapsed())
    }

    /// Draws the notice if it belongs at `place`, as a toast by `controls` (the row of controls it
    /// speaks of), about as wide as the panel `ui` is in, wrapped, whole inside the window.
    pub fn ui(notice: Option<&Self>, ui: &Ui, place: Place, controls: Rect) {
        let Some(notice) = notice.filter(|n| n.place == place) else { return };
        let window = ui.ctx().content_rect();
        let frame = Frame::popup(ui.style());
        let margins = frame.total_margin().sum();
        let width = ui.available_width().max(MIN_WIDTH).min(window.width() - 2.0 * MARGIN);
        let colour = if notice.good { palette::GOOD } else { ui.visuals().error_fg_color };
        let text = WidgetText::from(RichText::new(&notice.text).color(colour));
        let galley = text.into_galley(ui, Some(TextWrapMode::Wrap), width - margins.x, TextStyle::Body);
        let size = galley.size() + margins;
        let below = controls.bottom() + MARGIN;
        let y = if below + size.y <= window.bottom() - MARGIN { below } else { controls.top() - MARGIN - size.y };
        let x = controls.left().min(window.right() - MARGIN - size.x).max(window.left() + MARGIN);
        // Inside the window even when its controls are scrolled partly out of it.
        let pos = pos2(x, y.min(window.bottom() - MARGIN - size.y).max(window.top() + MARGIN));
        // Not interactable: clicks go through to what it covers for its few seconds.
        egui::Area::new(Id::unique(("notice", place)))
            .order(Order::Foreground)
            .interactable(false)
            .fixed_pos(pos)
            .show(ui.ctx(), |ui| {
                frame.show(ui, |ui| ui.add(egui::Label::new(galley)));
            });
    }
}
