//! The reply in hex, as a developer's hex dump shows it: rows of an offset, 16 bytes in hex (a gap
//! after the eighth) and the same bytes as text (printable ASCII as itself, every other byte as `·`).
//!
//! Every row is exactly 16 bytes of the reply, so row `r` starts at byte `16 r`: the view needs no
//! index, keeps nothing per row, and reaches any offset of the largest reply at once. Only the rows
//! in view are read and laid out, from the reply's bytes as they are (no copy), so the view grows
//! with a reply still arriving. It scrolls by row number as the text view does ([`RowScroll`]).
//!
//! Selection is a range of bytes: a click selects one, a shift-click or a drag (past the view's
//! edges it scrolls along) extends it. It is copied as hex (Ctrl+C, or its button) or as bytes.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, Event, FontId, PointerButton, Pos2, Rect, RichText, Sense, TextStyle, Ui, pos2};

use crate::format;
use crate::ui::reply::reply_view::scroll::{
    BAR_WIDTH, RowScroll, Scrolled, rows_bar_ui, scroll_by_input, scroll_past_edges, sideways_bar_ui, view_area,
    view_response,
};

/// Bytes in a row.
pub const BYTES_PER_ROW: usize = 16;
/// The most bytes copied as hex at once: three characters a byte, made on the window's thread and
/// handed to a clipboard that carries 8 MiB reliably. Larger ranges are copied as bytes or saved.
pub const HEX_COPY_CAP: usize = 1 << 20;
/// Columns between the offset and the hex, and between the hex and the text.
const GUTTER: usize = 2;
/// Columns the 16 bytes take in hex: two digits and a space each, one more space after the eighth,
/// and no space after the last.
const HEX_COLUMNS: usize = BYTES_PER_ROW * 3;
/// What a byte that is not printable ASCII looks like in the text column.
const NOT_PRINTABLE: char = '·';

/// How the Reply tab shows the reply: as text (the default) or in hex.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    #[default]
    Text,
    Hex,
}

/// The "Text | Hex" switch, in the reply's toolbar.
pub fn shown_switch_ui(ui: &mut Ui, shown: &mut Shown) {
    ui.selectable_value(shown, Shown::Text, "Text")
        .on_hover_text("The reply as text, with every byte that is not text marked");
    ui.selectable_value(shown, Shown::Hex, "Hex")
        .on_hover_text("The reply in hex: 16 bytes a row, with their offset and the same bytes as text");
}

/// What the person has done to the hex view: what is selected and where it is scrolled to.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HexViewState {
    selection: Option<HexSelection>,
    scroll: RowScroll,
    /// Horizontal scroll, in points.
    x: f32,
    /// Where the pointer holds each scroll bar's thumb, during a drag.
    grab: Option<f32>,
    grab_sideways: Option<f32>,
    /// The view had the keyboard focus when last drawn: its keys are its own.
    focused: bool,
}

impl HexViewState {
    pub fn has_focus(&self) -> bool {
        self.focused
    }
}

/// The bytes from `anchor` to `head`, both included: a click selects the byte clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HexSelection {
    anchor: usize,
    head: usize,
    dragging: bool,
}

impl HexSelection {
    fn range(self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head).saturating_add(1)
    }
}

/// A copy the person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexCopy {
    /// The selected bytes as hex, made by [`hex_text`].
    Hex(Range<usize>),
    /// The selected bytes themselves, by the copy rule.
    Bytes(Range<usize>),
}

/// One row as text: what it draws, and what screen readers (and tests) are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexRow {
    /// The row's first offset in hex, `digits` wide.
    pub offset: String,
    /// Its bytes in hex, upper case, a space between two and two after the eighth.
    pub hex: String,
    /// Its bytes as text: printable ASCII as itself, any other byte as `·`.
    pub text: String,
}

/// Hex digits of the offsets of a reply of `len` bytes: as many as its last offset needs, at least 8.
pub fn offset_digits(len: usize) -> usize {
    let last = len.saturating_sub(1);
    let needed = (usize::BITS - last.leading_zeros()).div_ceil(4) as usize;
    needed.max(8)
}

/// The row of `bytes` (at most [`BYTES_PER_ROW`]) that starts at `offset`.
pub fn hex_row(offset: usize, bytes: &[u8], digits: usize) -> HexRow {
    let mut hex = String::with_capacity(HEX_COLUMNS);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            hex.push_str(if i == BYTES_PER_ROW / 2 { "  " } else { " " });
        }
        push_hex(&mut hex, *byte);
    }
    HexRow { offset: format!("{offset:0digits$X}"), hex, text: bytes.iter().map(|b| shown_char(*b)).collect() }
}

/// `bytes` as hex for the clipboard: two upper-case digits a byte, a space between two, a line for
/// every 16 bytes.
pub fn hex_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().saturating_mul(3));
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            text.push(if i % BYTES_PER_ROW == 0 { '\n' } else { ' ' });
        }
        push_hex(&mut text, *byte);
    }
    text
}

/// Two upper-case hex digits, from a table: a copy of a megabyte makes two million of them in one frame.
fn push_hex(out: &mut String, byte: u8) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.push(char::from(DIGITS[usize::from(byte >> 4)]));
    out.push(char::from(DIGITS[usize::from(byte & 0xF)]));
}

fn shown_char(byte: u8) -> char {
    if byte == b' ' || byte.is_ascii_graphic() { char::from(byte) } else { NOT_PRINTABLE }
}

/// The column (from the start of the hex) where byte `i` of a row starts.
fn hex_column(i: usize) -> usize {
    i * 3 + usize::from(i >= BYTES_PER_ROW / 2)
}

/// The byte of a row whose hex is at `column` (from the start of the hex; a gap counts for the
/// byte before it), clamped to the row.
fn byte_of_hex_column(column: usize) -> usize {
    let half = BYTES_PER_ROW / 2;
    let i = if column < hex_column(half) { column / 3 } else { half + (column - hex_column(half)) / 3 };
    i.min(BYTES_PER_ROW - 1)
}

/// The view's measures this frame, in points.
struct Geometry {
    /// Where the rows are drawn, offsets included (the scroll bars are right of and below it).
    rows: Rect,
    row_height: f32,
    char_width: f32,
    rows_in_view: f32,
    /// Left edge of what scrolls sideways (the hex and the text); the offsets stay.
    content_left: f32,
    /// Left edges of the hex and of the text, scrolled.
    hex_left: f32,
    text_left: f32,
}

impl Geometry {
    /// The byte under `pos` in row `row` of a reply of `len` bytes (its last byte past its end).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a column on screen, clamped at 0
    fn byte_at(&self, pos: Pos2, row: usize, len: usize) -> usize {
        let column = |left: f32| ((pos.x - left) / self.char_width).max(0.0) as usize;
        let i = if pos.x < self.content_left {
            0 // over the offset: the row's first byte
        } else if pos.x >= self.text_left - self.char_width {
            column(self.text_left).min(BYTES_PER_ROW - 1)
        } else {
            byte_of_hex_column(column(self.hex_left))
        };
        row.saturating_mul(BYTES_PER_ROW).saturating_add(i).min(len.saturating_sub(1))
    }

    /// Where what scrolls sideways is drawn.
    fn content(&self) -> Rect {
        Rect::from_x_y_ranges(self.content_left..=self.rows.right(), self.rows.y_range())
    }
}

/// Draws `bytes` in hex, or a placeholder when there are none. Returns the copy asked for, if any.
pub fn hex_ui(ui: &mut Ui, bytes: &[u8], state: &mut HexViewState) -> Option<HexCopy> {
    if bytes.is_empty() {
        ui.label(RichText::new("The bytes will appear here in hex as they arrive.").weak());
        return None;
    }
    let len = bytes.len();
    let row_count = len.div_ceil(BYTES_PER_ROW);
    let mut copy = selection_bar_ui(ui, state, len);

    let font = TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let digits = offset_digits(len);
    let area = view_area(ui, row_height, char_width)?;
    let rows_rect = Rect::from_min_max(area.min, pos2(area.right() - BAR_WIDTH, area.bottom() - BAR_WIDTH));
    let content_left = rows_rect.left() + char_width * (digits + GUTTER) as f32;
    // The hex, a gutter and the text; sideways scrolling shows what a narrow panel cannot.
    let content_width = char_width * (HEX_COLUMNS + GUTTER + BYTES_PER_ROW) as f32;
    let view_width = (rows_rect.right() - content_left).max(0.0);
    let max_x = (content_width - view_width).max(0.0);
    let id = ui.make_persistent_id("hex view");
    let response = view_response(ui, rows_rect, id);
    state.focused = response.has_focus();

    let mut geometry = Geometry {
        rows: rows_rect,
        row_height,
        char_width,
        rows_in_view: rows_rect.height().max(0.0) / row_height,
        content_left,
        hex_left: 0.0,
        text_left: 0.0,
    };
    let end = RowScroll::end(row_count, geometry.rows_in_view);
    // The rows and the scroll bars right of and below them.
    let view = Rect::from_min_max(rows_rect.min, area.max);
    let mut to = Scrolled {
        scroll: &mut state.scroll,
        x: &mut state.x,
        end,
        rows_in_view: geometry.rows_in_view,
        row_height,
        // A byte's hex (three columns) a press.
        arrow_step: 3.0 * char_width,
    };
    scroll_by_input(ui, view, &response, state.selection.is_some_and(|s| s.dragging), &mut to);
    let track = Rect::from_x_y_ranges(rows_rect.right()..=area.right(), rows_rect.y_range());
    let share = f64::from(geometry.rows_in_view) / row_count as f64;
    rows_bar_ui(ui, id.with("bar"), track, (&mut state.scroll, end), share, &mut state.grab);
    let track = Rect::from_x_y_ranges(content_left..=rows_rect.right(), rows_rect.bottom()..=area.bottom());
    let share = (view_width / content_width, char_width);
    sideways_bar_ui(ui, id.with("sideways bar"), track, (&mut state.x, max_x), share, &mut state.grab_sideways);
    geometry.hex_left = content_left - state.x;
    geometry.text_left = geometry.hex_left + char_width * (HEX_COLUMNS + GUTTER) as f32;

    follow_pointer(ui, &geometry, &response, state, end, len);
    rows_ui(ui, &geometry, bytes, state, &font, id);

    let ctrl_c = ui.input(|i| i.events.iter().any(|e| matches!(e, Event::Copy)));
    if ctrl_c && (state.focused || ui.rect_contains_pointer(area)) {
        copy = copy.or(state.selection.map(|s| HexCopy::Hex(s.range())));
    }
    copy
}

/// Draws the rows in view, each as its offset, its hex and its text.
fn rows_ui(ui: &Ui, geometry: &Geometry, bytes: &[u8], state: &HexViewState, font: &FontId, id: egui::Id) {
    let len = bytes.len();
    let row_count = len.div_ceil(BYTES_PER_ROW);
    let digits = offset_digits(len);
    let top = state.scroll.top_row();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a small positive count
    let count = geometry.rows_in_view.ceil() as usize + 1;
    let row_top = geometry.rows.top() - state.scroll.within_row() * geometry.row_height;
    let offsets = ui.painter_at(geometry.rows);
    let content = ui.painter_at(geometry.content());
    let visuals = ui.visuals();
    let (strong, weak, selection) = (visuals.text_color(), visuals.weak_text_color(), visuals.selection.bg_fill);
    let selected = state.selection.map(HexSelection::range);
    for (i, row) in (top..row_count.min(top.saturating_add(count))).enumerate() {
        let start = row * BYTES_PER_ROW;
        let row_bytes = &bytes[start..len.min(start + BYTES_PER_ROW)];
        let y = row_top + i as f32 * geometry.row_height;
        if let Some(selected) = &selected {
            paint_selection(&content, geometry, y, start..start + row_bytes.len(), selected, selection);
        }
        let shown = hex_row(start, row_bytes, digits);
        let at = |x: f32| pos2(x, y);
        offsets.text(at(geometry.rows.left()), egui::Align2::LEFT_TOP, &shown.offset, font.clone(), weak);
        let job = content_job(&shown, font, strong, weak);
        content.galley(at(geometry.hex_left), ui.painter().layout_job(job), strong);
        // For screen readers (and tests): the row's offset, hex and text, each a label of its own,
        // where it is in view.
        let text_right = geometry.text_left + geometry.char_width * BYTES_PER_ROW as f32;
        let parts = [
            (geometry.rows.left(), geometry.content_left, geometry.rows, shown.offset),
            (geometry.hex_left, geometry.text_left, geometry.content(), shown.hex),
            (geometry.text_left, text_right, geometry.content(), shown.text),
        ];
        for (part, (left, right, clip, label)) in parts.into_iter().enumerate() {
            let rect = Rect::from_x_y_ranges(left..=right, y..=y + geometry.row_height).intersect(clip);
            if rect.is_positive() {
                ui.interact(rect, id.with((row, part)), Sense::hover())
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
            }
        }
    }
}

/// The line above the rows: the two copy buttons (usable once something is selected), then what is
/// selected or how to select. Always one line of the same height, so the rows never move under a drag.
fn selection_bar_ui(ui: &mut Ui, state: &HexViewState, len: usize) -> Option<HexCopy> {
    let mut copy = None;
    let range = state.selection.map(|s| {
        let range = s.range();
        range.start.min(len)..range.end.min(len)
    });
    ui.horizontal(|ui| {
        let selected = range.as_ref().is_some_and(|r| !r.is_empty());
        let too_long = range.as_ref().is_some_and(|r| r.len() > HEX_COPY_CAP);
        let hex = ui
            .add_enabled(selected && !too_long, egui::Button::new("Copy as hex"))
            .on_hover_text("Put the selected bytes on the clipboard as hex: 48 54 54 50 …");
        if too_long {
            hex.on_disabled_hover_text(format!(
                "Copy as hex takes up to {}; copy this selection as bytes, or save the reply",
                format::bytes(HEX_COPY_CAP as u64)
            ))
        } else {
            hex
        }
        .clicked()
        .then(|| copy = range.clone().map(HexCopy::Hex));
        if ui
            .add_enabled(selected, egui::Button::new("Copy as bytes"))
            .on_hover_text("Put the selected bytes themselves on the clipboard, by the same rule as Copy reply")
            .clicked()
        {
            copy = range.clone().map(HexCopy::Bytes);
        }
        let said = match &range {
            Some(range) => {
                let digits = offset_digits(len);
                RichText::new(format!(
                    "Selected {}, offsets {:0digits$X} to {:0digits$X}.",
                    format::exact(range.len() as u64),
                    range.start,
                    range.end.saturating_sub(1)
                ))
            }
            None => RichText::new("Click a byte, then shift-click or drag to select; Ctrl+C copies it as hex.").weak(),
        };
        ui.add(egui::Label::new(said).truncate());
    });
    copy
}

/// A row's hex and text, as they scroll sideways together: printable bytes in the text column in
/// the text colour, the others' `·` weak.
fn content_job(row: &HexRow, font: &FontId, strong: Color32, weak: Color32) -> LayoutJob {
    let mut job = LayoutJob::default();
    // The hex, then spaces up to the text column (a last row may be short): one layout a row, not
    // two, which is most of what a screen of fresh rows costs.
    let gap = HEX_COLUMNS + GUTTER - row.hex.len();
    job.append(&format!("{}{:gap$}", row.hex, ""), 0.0, TextFormat::simple(font.clone(), strong));
    let mut rest = row.text.as_str();
    while let Some(first) = rest.chars().next() {
        let dots = first == NOT_PRINTABLE;
        let run = rest.find(|c| (c == NOT_PRINTABLE) != dots).unwrap_or(rest.len());
        job.append(&rest[..run], 0.0, TextFormat::simple(font.clone(), if dots { weak } else { strong }));
        rest = &rest[run..];
    }
    job
}

/// The selection's part of the row of `bytes` drawn at `y`, in the hex and in the text.
fn paint_selection(
    painter: &egui::Painter,
    geometry: &Geometry,
    y: f32,
    bytes: Range<usize>,
    selected: &Range<usize>,
    fill: Color32,
) {
    let (first, end) = (selected.start.max(bytes.start), selected.end.min(bytes.end));
    if first >= end {
        return;
    }
    let (i0, i1) = (first - bytes.start, end - bytes.start);
    let x = |left: f32, column: usize| left + column as f32 * geometry.char_width;
    let y_range = y..=y + geometry.row_height;
    let hex = x(geometry.hex_left, hex_column(i0))..=x(geometry.hex_left, hex_column(i1 - 1) + 2);
    painter.rect_filled(Rect::from_x_y_ranges(hex, y_range.clone()), 0.0, fill);
    let text = x(geometry.text_left, i0)..=x(geometry.text_left, i1);
    painter.rect_filled(Rect::from_x_y_ranges(text, y_range), 0.0, fill);
}

/// Starts, extends or ends the selection from the pointer; scrolls while a drag is past an edge.
fn follow_pointer(
    ui: &Ui,
    geometry: &Geometry,
    response: &egui::Response,
    state: &mut HexViewState,
    end: RowScroll,
    len: usize,
) {
    let (pressed, down, shift, pos) = ui.input(|i| {
        // Shift as it was when the button went down: a press and a release of Shift can come in one frame.
        let shift_press = i.events.iter().any(|e| {
            matches!(e, Event::PointerButton { button: PointerButton::Primary, pressed: true, modifiers, .. } if modifiers.shift)
        });
        let shift = i.modifiers.shift || shift_press;
        (i.pointer.primary_pressed(), i.pointer.primary_down(), shift, i.pointer.interact_pos())
    });
    let Some(pos) = pos else { return };
    let byte_at = |pos: Pos2| {
        let y = (pos.y - geometry.rows.top()).clamp(0.0, (geometry.rows.height() - 1.0).max(0.0));
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // rows on screen, at least 0
        let row = ((y / geometry.row_height) + state.scroll.within_row()) as usize;
        geometry.byte_at(pos, state.scroll.top_row().saturating_add(row), len)
    };
    if pressed {
        state.selection = if response.is_pointer_button_down_on() {
            let at = byte_at(pos);
            let anchor = state.selection.filter(|_| shift).map_or(at, |s| s.anchor);
            Some(HexSelection { anchor, head: at, dragging: true })
        } else {
            state.selection // a press elsewhere (a copy button, say) keeps it
        };
    } else if let Some(selection) = &mut state.selection
        && selection.dragging
    {
        if !down {
            selection.dragging = false;
            return;
        }
        selection.head = byte_at(pos);
        scroll_past_edges(ui, pos, (geometry.content(), geometry.row_height), (&mut state.scroll, end), &mut state.x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes a row's hex spells, read back digit pair by digit pair.
    fn decode(hex: &str) -> Vec<u8> {
        hex.split_whitespace().map(|pair| u8::from_str_radix(pair, 16).expect(pair)).collect()
    }

    proptest! {
        #[test]
        fn a_row_spells_its_bytes(
            bytes in prop::collection::vec(any::<u8>(), 0..=BYTES_PER_ROW),
            offset in any::<usize>(),
            digits in 8..=16usize,
        ) {
            let row = hex_row(offset, &bytes, digits);
            prop_assert_eq!(decode(&row.hex), bytes.clone());
            prop_assert_eq!(usize::from_str_radix(&row.offset, 16).ok(), Some(offset));
            prop_assert!(row.offset.len() >= digits);
            // Each byte at its own column, the gap after the eighth.
            for (i, byte) in bytes.iter().enumerate() {
                let at = hex_column(i);
                prop_assert_eq!(&row.hex[at..at + 2], format!("{byte:02X}"));
                prop_assert_eq!(byte_of_hex_column(at), i);
                prop_assert_eq!(byte_of_hex_column(at + 1), i);
            }
            prop_assert!(row.hex.len() <= HEX_COLUMNS);
            let text: Vec<char> = row.text.chars().collect();
            prop_assert_eq!(text.len(), bytes.len());
            for (c, byte) in text.iter().zip(&bytes) {
                let printable = (0x20..0x7F).contains(byte);
                let want = if printable { char::from(*byte) } else { NOT_PRINTABLE };
                prop_assert_eq!(*c, want);
            }
        }

        #[test]
        fn copied_hex_spells_the_bytes_sixteen_a_line(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let text = hex_text(&bytes);
            prop_assert_eq!(decode(&text), bytes.clone());
            let lines: Vec<&str> = text.lines().collect();
            prop_assert_eq!(lines.len(), bytes.len().div_ceil(BYTES_PER_ROW));
            for (line, row) in lines.iter().zip(bytes.chunks(BYTES_PER_ROW)) {
                prop_assert_eq!(decode(line), row.to_vec());
            }
        }
    }

    #[test]
    fn offsets_take_as_many_digits_as_the_last_one_needs() {
        assert_eq!(offset_digits(0), 8);
        assert_eq!(offset_digits(256 << 20), 8);
        assert_eq!(offset_digits((1 << 32) + 1), 9);
        assert_eq!(offset_digits(usize::MAX), 16);
    }

    #[test]
    fn a_selection_holds_both_of_its_ends() {
        let selection = HexSelection { anchor: 20, head: 4, dragging: false };
        assert_eq!(selection.range(), 4..21);
        assert_eq!(HexSelection { anchor: 7, head: 7, dragging: false }.range(), 7..8);
    }
}
