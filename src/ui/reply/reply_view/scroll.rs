//! The reply views' own scrolling (the text view's and the hex view's). Its position is counted in rows, not pixels: egui's `ScrollArea`
//! keeps an f32 pixel offset, which stops telling rows apart past about 2^24 of them (a 256 MiB reply
//! of one-byte lines has 268 million), so with it the first and last rows of a large reply could not
//! be reached. Here every row can be, and the scroll bars map their thumb to a position with f64 and
//! integer arithmetic.

use egui::{EventFilter, Id, Key, Pos2, Rect, Response, Sense, Ui, WidgetInfo};

/// How finely a row is divided, so the wheel scrolls smoothly: 2^8 steps a row leave room in a u64
/// for 2^56 rows.
const STEPS_PER_ROW: u64 = 256;

/// The most a drag past an edge scrolls in one frame, in points.
const EDGE_SPEED: f32 = 40.0;

/// The shortest a scroll bar's thumb gets, so it can always be taken hold of.
const MIN_THUMB: f32 = 24.0;

/// How thick the scroll bars are, in points.
pub const BAR_WIDTH: f32 = 12.0;

/// Takes the room left in `ui` for a view of rows, as far as it is shown, or `None` when not even one
/// row and the scroll bars fit (a short window at a large zoom). The bars are placed from the bottom
/// and right edges inward: in a rect smaller than they are, they would land on what is above and take
/// its clicks.
pub fn view_area(ui: &mut Ui, row_height: f32, char_width: f32) -> Option<Rect> {
    let (area, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
    // What is above can be wider than the panel (a long toolbar line): stay within what is shown.
    let area = area.intersect(ui.clip_rect());
    (area.height() >= BAR_WIDTH + row_height && area.width() >= BAR_WIDTH + char_width).then_some(area)
}

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

/// The response of a view's rows (`rows`), which scrolls itself: pressed on, it takes the keyboard
/// focus, and then its arrow keys scroll it rather than move the focus on.
pub fn view_response(ui: &Ui, rows: Rect, id: Id) -> Response {
    let response = ui.interact(rows, id, Sense::click_and_drag());
    if response.is_pointer_button_down_on() && !response.has_focus() {
        response.request_focus();
    }
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            id,
            EventFilter { horizontal_arrows: true, vertical_arrows: true, ..Default::default() },
        );
    });
    response
}

/// Where a view is, and what it needs to be moved by the wheel and the keys.
pub struct Scrolled<'a> {
    pub scroll: &'a mut RowScroll,
    /// Horizontal scroll, in points (the caller clamps it to its content).
    pub x: &'a mut f32,
    pub end: RowScroll,
    pub rows_in_view: f32,
    pub row_height: f32,
    /// Points Left and Right move the view by.
    pub arrow_step: f32,
}

/// The wheel (over `view`, or during a selection drag) and the keys (when the view has focus, or is
/// hovered while nothing else has) move the view: Up/Down, Page Up/Page Down, Home/End (with Ctrl
/// or without: the top and the bottom), Left/Right.
pub fn scroll_by_input(ui: &Ui, view: Rect, response: &Response, dragging: bool, to: &mut Scrolled<'_>) {
    let over = ui.rect_contains_pointer(view);
    if over || dragging {
        let delta = ui.input_mut(|i| std::mem::take(&mut i.smooth_scroll_delta));
        *to.scroll = to.scroll.moved_by(f64::from(-delta.y / to.row_height), to.end);
        *to.x -= delta.x;
    }
    let nothing_else_focused = ui.memory(|m| m.focused().is_none_or(|f| f == response.id));
    if !(response.has_focus() || over && nothing_else_focused) {
        return;
    }
    let (rows, home, end_key, left_right) = ui.input(|i| {
        let count = |key| i.num_presses(key) as f64;
        let page = f64::from(to.rows_in_view.floor() - 1.0).max(1.0);
        let rows = count(Key::ArrowDown) - count(Key::ArrowUp) + page * (count(Key::PageDown) - count(Key::PageUp));
        let left_right = count(Key::ArrowRight) - count(Key::ArrowLeft);
        (rows, i.key_pressed(Key::Home), i.key_pressed(Key::End), left_right)
    });
    *to.scroll = to.scroll.moved_by(rows, to.end);
    if home {
        *to.scroll = RowScroll::default();
    }
    if end_key {
        *to.scroll = to.end;
    }
    #[allow(clippy::cast_possible_truncation)] // a handful of key presses
    let presses = left_right as f32;
    *to.x += presses * to.arrow_step;
}

/// During a selection drag with the pointer at `pos` past an edge of `content` (what scrolls, rows
/// by `row_height` down and points sideways), the view scrolls, faster the further the pointer is.
pub fn scroll_past_edges(
    ui: &Ui,
    pos: Pos2,
    (content, row_height): (Rect, f32),
    (scroll, end): (&mut RowScroll, RowScroll),
    x: &mut f32,
) {
    let below = if pos.y < content.top() { pos.y - content.top() } else { (pos.y - content.bottom()).max(0.0) };
    let right = if pos.x < content.left() { pos.x - content.left() } else { (pos.x - content.right()).max(0.0) };
    if below != 0.0 || right != 0.0 {
        let below = below.clamp(-EDGE_SPEED, EDGE_SPEED);
        *scroll = scroll.moved_by(f64::from(below / row_height), end);
        *x = (*x + right.clamp(-EDGE_SPEED, EDGE_SPEED)).max(0.0);
        ui.ctx().request_repaint();
    }
}

/// The vertical scroll bar in `track`: drawn, and `scroll` moved when it is dragged. `share`: the
/// part of the rows in view.
pub fn rows_bar_ui(
    ui: &Ui,
    id: Id,
    track: Rect,
    (scroll, end): (&mut RowScroll, RowScroll),
    share: f64,
    grab: &mut Option<f32>,
) {
    let bar = Bar { vertical: true, fraction: scroll.fraction(end), share };
    let (moved, response) = scroll_bar_ui(ui, id, track, bar, grab);
    if let Some(fraction) = moved {
        *scroll = RowScroll::at_fraction(fraction, end);
    }
    bar_info(&response, scroll.top_row() as f64);
}

/// The horizontal scroll bar in `track`: drawn, and `x` (from 0 to `max_x` points) moved when it is
/// dragged. `share`: the part of the width in view; screen readers are told the first column in view.
pub fn sideways_bar_ui(
    ui: &Ui,
    id: Id,
    track: Rect,
    (x, max_x): (&mut f32, f32),
    (share, char_width): (f32, f32),
    grab: &mut Option<f32>,
) {
    *x = x.clamp(0.0, max_x);
    let bar = Bar {
        vertical: false,
        fraction: if max_x > 0.0 { f64::from(*x / max_x) } else { 0.0 },
        share: f64::from(share),
    };
    let (moved, response) = scroll_bar_ui(ui, id, track, bar, grab);
    if let Some(fraction) = moved {
        #[allow(clippy::cast_possible_truncation)] // a fraction of a width in points
        let moved_to = (fraction * f64::from(max_x)) as f32;
        *x = moved_to;
    }
    bar_info(&response, f64::from(*x / char_width));
}

/// A scroll bar: where its thumb is and how much of the content is in view.
#[derive(Debug, Clone, Copy)]
struct Bar {
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
fn scroll_bar_ui(ui: &Ui, id: Id, track: Rect, bar: Bar, grab: &mut Option<f32>) -> (Option<f64>, Response) {
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
fn bar_info(response: &Response, value: f64) {
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
