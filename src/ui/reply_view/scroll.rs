//! The reply view's own scrolling. Its position is counted in rows, not pixels: egui's `ScrollArea`
//! keeps an f32 pixel offset, which stops telling rows apart past about 2^24 of them (a 256 MiB reply
//! of one-byte lines has 268 million), so with it the first and last rows of a large reply could not
//! be reached. Here every row can be, and the scroll bars map their thumb to a position with f64 and
//! integer arithmetic.

use egui::{Id, Rect, Response, Sense, Ui, WidgetInfo};

/// How finely a row is divided, so the wheel scrolls smoothly: 2^8 steps a row leave room in a u64
/// for 2^56 rows.
const STEPS_PER_ROW: u64 = 256;

/// The shortest a scroll bar's thumb gets, so it can always be taken hold of.
const MIN_THUMB: f32 = 24.0;

/// Where the view is scrolled to, in [`STEPS_PER_ROW`]ths of a row from the top of the reply.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowScroll(u64);

impl RowScroll {
    /// The first row in view, at least partly.
    pub fn top_row(self) -> usize {
        usize::try_from(self.0 / STEPS_PER_ROW).unwrap_or(usize::MAX)
    }

    /// How much of [`Self::top_row`] is scrolled past, from 0 (all of it in view) to just under 1.
    pub fn within_row(self) -> f32 {
        (self.0 % STEPS_PER_ROW) as f32 / STEPS_PER_ROW as f32
    }

    /// The farthest the view goes: the last of `rows` rows at the bottom of a view `rows_in_view` high.
    pub fn end(rows: usize, rows_in_view: f32) -> Self {
        let all = u64::try_from(rows).unwrap_or(u64::MAX).saturating_mul(STEPS_PER_ROW);
        Self(all.saturating_sub(steps(f64::from(rows_in_view)).unsigned_abs()))
    }

    /// Moved by `rows` (up when negative), stopping at the top and at `end`.
    pub fn moved_by(self, rows: f64, end: Self) -> Self {
        Self(self.0.saturating_add_signed(steps(rows))).min(end)
    }

    /// How far along it is, from 0 at the top to 1 at `end`.
    pub fn fraction(self, end: Self) -> f64 {
        if end.0 == 0 { 0.0 } else { self.0 as f64 / end.0 as f64 }
    }

    /// The position `fraction` of the way from the top to `end` (clamped to 0..=1).
    pub fn at_fraction(fraction: f64, end: Self) -> Self {
        let fraction = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
        if fraction >= 1.0 {
            return end; // exactly the end, whatever the rounding
        }
        // Below 2^53 steps (2^45 rows) the product is exact to the step.
        Self(rounded(fraction * end.0 as f64).unsigned_abs()).min(end)
    }
}

/// `rows` in steps, rounded.
fn steps(rows: f64) -> i64 {
    rounded(rows * STEPS_PER_ROW as f64)
}

/// Rounded to a whole number, saturating at the ends of i64 (and NaN to 0), as `as` does for floats.
#[allow(clippy::cast_possible_truncation)] // a saturating float-to-integer conversion is what is wanted
fn rounded(x: f64) -> i64 {
    x.round() as i64
}

/// A scroll bar: where its thumb is and how much of the content is in view.
#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub vertical: bool,
    /// From 0 (at the start) to 1 (at the end).
    pub fraction: f64,
    /// The part of the content in view, from 0 to 1: the thumb's share of the track.
    pub share: f64,
}

/// Draws a scroll bar in `track`; dragging its thumb or pressing on the track (which brings the
/// thumb's middle there and goes on as a drag) moves it. The new fraction when it moved, and the
/// bar's response, for the caller to tell screen readers where the view is once it has moved.
///
/// `grab` keeps where on the thumb the pointer took hold, for the frames of one drag.
#[allow(clippy::cast_possible_truncation)] // screen positions: f32 is what egui draws with
pub fn scroll_bar_ui(ui: &Ui, id: Id, track: Rect, bar: Bar, grab: &mut Option<f32>) -> (Option<f64>, Response) {
    let (start, length) = if bar.vertical { (track.top(), track.height()) } else { (track.left(), track.width()) };
    let thumb = (length * bar.share.clamp(0.0, 1.0) as f32).clamp(MIN_THUMB.min(length), length);
    let travel = f64::from(length - thumb);
    let response = ui.interact(track, id, Sense::click_and_drag());

    let mut fraction = bar.fraction.clamp(0.0, 1.0);
    let mut moved = None;
    match response.interact_pointer_pos().filter(|_| response.is_pointer_button_down_on()) {
        Some(pointer) => {
            let at = if bar.vertical { pointer.y } else { pointer.x };
            let thumb_start = start + (travel * fraction) as f32;
            let held = *grab.get_or_insert_with(|| {
                if (thumb_start..=thumb_start + thumb).contains(&at) { at - thumb_start } else { thumb / 2.0 }
            });
            if travel > 0.0 {
                fraction = ((f64::from(at) - f64::from(held) - f64::from(start)) / travel).clamp(0.0, 1.0);
                moved = Some(fraction);
            }
        }
        None => *grab = None,
    }

    let visuals = ui.visuals();
    let painter = ui.painter();
    painter.rect_filled(track, 0.0, visuals.extreme_bg_color);
    let thumb_start = start + (travel * fraction) as f32;
    let thumb_rect = if bar.vertical {
        Rect::from_x_y_ranges(track.x_range(), thumb_start..=thumb_start + thumb)
    } else {
        Rect::from_x_y_ranges(thumb_start..=thumb_start + thumb, track.y_range())
    };
    let fill = if response.is_pointer_button_down_on() {
        visuals.widgets.active.bg_fill
    } else if response.hovered() {
        visuals.widgets.hovered.bg_fill
    } else {
        visuals.widgets.inactive.bg_fill
    };
    painter.rect_filled(thumb_rect.shrink(2.0), 3.0, fill);
    (moved, response)
}

/// What a scroll bar tells screen readers: its role, and `value` (for the reply view, the first row
/// or column in view).
pub fn bar_info(response: &Response, value: f64) {
    response.widget_info(|| WidgetInfo { value: Some(value), ..WidgetInfo::new(egui::Role::ScrollBar) });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // halves of a row are exact in f32
    fn the_end_puts_the_last_row_at_the_bottom_of_the_view() {
        let end = RowScroll::end(268_435_456, 40.0);
        assert_eq!(end.top_row(), 268_435_456 - 40);
        assert_eq!(end.within_row(), 0.0);
        let end = RowScroll::end(100, 10.5);
        assert_eq!((end.top_row(), end.within_row()), (89, 0.5));
        assert_eq!(RowScroll::end(3, 10.0), RowScroll::default(), "rows that fit do not scroll");
    }

    #[test]
    fn every_row_of_the_largest_reply_is_reachable_by_fraction_and_by_steps() {
        let rows = 268_435_456;
        let end = RowScroll::end(rows, 30.0);
        assert_eq!(RowScroll::at_fraction(1.0, end), end);
        assert_eq!(RowScroll::at_fraction(0.0, end).top_row(), 0);
        for row in [1, 2, 12_345_679, rows / 2, rows - 31] {
            let at = RowScroll::default().moved_by(row as f64, end);
            assert_eq!(at.top_row(), row, "moved to row {row}");
            assert_eq!(RowScroll::at_fraction(at.fraction(end), end), at, "row {row} by fraction");
            assert_eq!(at.moved_by(1.0, end).top_row(), row + 1, "one row on from {row}");
        }
        assert_eq!(RowScroll::default().moved_by((rows - 30) as f64, end), end, "the last top row is the end");
        assert_eq!(end.moved_by(1e30, end), end);
        assert_eq!(end.moved_by(-1e30, end), RowScroll::default());
    }
}
