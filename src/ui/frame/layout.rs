//! How the window's panels share its width: three columns when they fit, else the explanation
//! becomes a tab, else the steps go above the reply too. Widths are in points, so a zoom that makes
//! the text larger makes the window narrower.

use egui::{Rangef, TextStyle, TextWrapMode, Ui, WidgetText};

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

/// How many of a row's spare controls stay in it: the most needed first, as many as fit in `room`
/// beside `taken` (the width of the row's other controls). `spares`: each one's width with the gap
/// before it, the most needed first. The rest go into a menu, whole, so the row never wraps.
pub fn spares_that_fit(room: f32, taken: f32, spares: &[f32]) -> usize {
    let mut used = taken;
    spares
        .iter()
        .take_while(|width| {
            used += **width;
            used <= room
        })
        .count()
}

/// The width of `text` laid out on one line in `style`.
pub fn text_width(ui: &Ui, text: &str, style: TextStyle) -> f32 {
    WidgetText::from(text).into_galley(ui, Some(TextWrapMode::Extend), f32::INFINITY, style).size().x
}

/// The width of a button, a toggle or a menu's button that says `text`.
pub fn button_width(ui: &Ui, text: &str) -> f32 {
    text_width(ui, text, TextStyle::Button) + 2.0 * ui.spacing().button_padding.x
}

/// The width of a checkbox that says `text`.
pub fn checkbox_width(ui: &Ui, text: &str) -> f32 {
    button_width(ui, text) + ui.spacing().icon_width + ui.spacing().icon_spacing
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// What stays fits, and it is the most needed: what moves out is never more needed than
        /// what stays, and more room never keeps fewer.
        #[test]
        fn the_spares_kept_are_the_most_needed_that_fit(
            room in 0.0f32..2000.0,
            taken in 0.0f32..1000.0,
            spares in proptest::collection::vec(1.0f32..300.0, 0..8),
            more in 0.0f32..500.0,
        ) {
            let kept = spares_that_fit(room, taken, &spares);
            let used = taken + spares[..kept].iter().sum::<f32>();
            prop_assert!(kept == 0 || used <= room);
            if let Some(next) = spares.get(kept) {
                prop_assert!(used + next > room, "the next most needed would have fitted");
            }
            prop_assert!(spares_that_fit(room + more, taken, &spares) >= kept);
        }
    }

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
