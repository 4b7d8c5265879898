//! How the window's panels share its width: three columns when they fit, else the explanation
//! becomes a tab, else the steps go above the reply too. Widths are in points, so a zoom that makes
//! the text larger makes the window narrower.

use egui::Rangef;

/// The narrowest the steps panel is useful: a step's name, its mark and its time on one line.
pub const STEPS_MIN: f32 = 250.0;
/// The narrowest the explanation is useful: a sentence of a few words a line, and its pictures.
pub const EXPLAIN_MIN: f32 = 300.0;
/// The narrowest the central panel may be: the reply at least 30 characters wide beside its row
/// numbers and scroll bar, and an error card a few words a line.
pub const CENTRAL_MIN: f32 = 340.0;

/// Where the steps and the explanation go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Steps left, reply in the middle, explanation right (when it is on).
    Three,
    /// Steps left, and the explanation as a tab beside Reply, Timing and Code.
    ExplainAsTab,
    /// The steps above the reply, and the explanation as a tab.
    OneColumn,
}

impl Columns {
    /// The columns that fit in `width` points; `teaching`: the explanation is on.
    pub fn for_width(width: f32, teaching: bool) -> Self {
        let explain = if teaching { EXPLAIN_MIN } else { 0.0 };
        if width >= STEPS_MIN + explain + CENTRAL_MIN {
            Self::Three
        } else if width >= STEPS_MIN + CENTRAL_MIN {
            Self::ExplainAsTab
        } else {
            Self::OneColumn
        }
    }

    pub fn explain_is_a_tab(self) -> bool {
        self != Self::Three
    }
}

/// The widths a side panel may take in a window `width` points wide: at least `min`, and no more
/// than leaves `others` (the other panels' minimums) room.
pub fn side_range(width: f32, min: f32, others: f32) -> Rangef {
    Rangef::new(min, (width - others).max(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_collapse_as_the_window_narrows() {
        assert_eq!(Columns::for_width(1280.0, true), Columns::Three);
        assert_eq!(Columns::for_width(1280.0 / 1.5, true), Columns::ExplainAsTab);
        assert_eq!(Columns::for_width(1024.0 / 2.0, true), Columns::OneColumn);
        // Without the explanation, the steps and the reply fit where three columns would not.
        assert_eq!(Columns::for_width(1280.0 / 1.5, false), Columns::Three);
    }

    #[test]
    fn a_side_panel_never_takes_the_room_the_others_need() {
        let range = side_range(1000.0, STEPS_MIN, EXPLAIN_MIN + CENTRAL_MIN);
        assert_eq!((range.min, range.max), (STEPS_MIN, 1000.0 - EXPLAIN_MIN - CENTRAL_MIN));
        let narrow = side_range(100.0, STEPS_MIN, CENTRAL_MIN);
        assert_eq!((narrow.min, narrow.max), (STEPS_MIN, STEPS_MIN));
    }
}
