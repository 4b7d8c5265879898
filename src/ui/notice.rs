//! Short sentences after an action (copied, saved, or why not), shown whole beside the control that
//! caused them, for a while.

use std::time::{Duration, Instant};

use egui::{RichText, Ui};

use super::palette;

/// How long a "Copied ..." confirmation stays.
const NOTICE_TIME: Duration = Duration::from_secs(4);
/// How long a copy or save that failed is told: long enough to read what to do instead.
const WARNING_TIME: Duration = Duration::from_secs(12);

/// The control a notice speaks of: it is shown next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// Draws the notice if it belongs at `place`: on a line of its own, wrapped, so a long sentence is
    /// shown whole and never widens its panel.
    pub fn ui(notice: Option<&Self>, ui: &mut Ui, place: Place) {
        let Some(notice) = notice.filter(|n| n.place == place) else { return };
        let colour = if notice.good { palette::GOOD } else { ui.visuals().error_fg_color };
        ui.add(egui::Label::new(RichText::new(&notice.text).color(colour)).wrap());
    }
}
