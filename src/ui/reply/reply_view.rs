//! The raw reply, virtualized both ways: only the rows in view are read, and of each only the columns
//! in view are laid out, so a 256 MiB reply of any shape (268 million one-byte lines, or rows of
//! 4096 escaped characters) draws as fast as a small one. Bytes that are not text are drawn as `\xNN`
//! in their own colour.
//!
//! The view scrolls itself (see [`scroll`]): its position is a row number, so every row of the largest
//! reply is reachable. The wheel, its own scroll bars, the keyboard (Up/Down, PageUp/PageDown,
//! Home/End, Ctrl+Home/Ctrl+End, Left/Right, when the view has focus or is hovered) and a selection
//! dragged past its edges move it.
//!
//! Selection is the view's own, kept as byte offsets into the reply, so a drag can run past the rows
//! on screen and Ctrl+C copies exactly the bytes selected, however many rows that is.

mod columns;
pub(super) mod scroll;

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, Galley, TextFormat};
use egui::{Color32, Event, FontId, Pos2, Rect, RichText, Sense, TextStyle, Ui, pos2, vec2};

use crate::session::reply_text::{ReplyText, Row, row_pieces};
use columns::{Formats, row_columns, row_slice};
use scroll::{
    BAR_WIDTH, RowScroll, Scrolled, rows_bar_ui, scroll_past_edges, sideways_bar_ui, view_area, view_response,
};

/// The columns laid out start and end on multiples of this, so a row is laid out again only every
/// so many columns of horizontal scrolling (egui reuses a layout it did the frame before).
const COLUMN_STEP: usize = 8;
/// Columns Left/Right scroll by.
const ARROW_COLUMNS: f32 = 8.0;

/// What the person has done to the reply view: what is selected and where it is scrolled to. A new
/// fetch starts from the default (nothing selected, the top).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReplyViewState {
    selection: ReplySelection,
    scroll: RowScroll,
    /// Horizontal scroll, in points.
    x: f32,
    /// Where the pointer holds each scroll bar's thumb, during a drag.
    grab_vertical: Option<f32>,
    grab_horizontal: Option<f32>,
    /// The width in columns of each row drawn last frame, by its bytes: measuring a row means
    /// going through all of it, which most frames need not do again.
    widths: Vec<(Range<usize>, usize)>,
    /// The view had the keyboard focus when last drawn (it was clicked): its keys are its own.
    focused: bool,
}

impl ReplyViewState {
    pub fn has_focus(&self) -> bool {
        self.focused
    }
}

/// What is selected: the bytes between where the drag began and where it is now.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct ReplySelection {
    anchor: usize,
    head: usize,
    dragging: bool,
}

impl ReplySelection {
    fn range(self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }
}

/// One row as drawn this frame, for turning a pointer position into a byte offset.
struct DrawnRow {
    rect: Rect,
    /// Where the laid-out part of the row is drawn.
    text_pos: Pos2,
    /// The laid-out part, or its text layer when it is drawn in two (see [`columns::RowSlice`]): as
    /// many characters either way, in the same places.
    galley: Arc<Galley>,
    /// The escape layer, when drawn in two.
    escapes: Option<EscapeLayer>,
    /// What the laid-out part shows, escapes written out: for screen readers.
    shown: String,
    /// For each character of the laid-out part (and one past its end): its byte offset in the reply.
    byte_of_char: Vec<usize>,
    /// The reply's bytes of the whole row (without its newline).
    bytes: Range<usize>,
}

/// A row's escapes drawn over its text, and where they are (in columns from its start): their backgrounds.
type EscapeLayer = (Arc<Galley>, Vec<Range<usize>>);

impl DrawnRow {
    fn byte_at(&self, pos: Pos2) -> usize {
        let cursor = self.galley.cursor_from_pos(pos - self.text_pos);
        let last = self.byte_of_char.len() - 1;
        self.byte_of_char[cursor.index.0.min(last)]
    }
}

#[derive(Clone, Copy)]
struct RowColors {
    text: Color32,
    byte: Color32,
    weak: Color32,
    byte_background: Color32,
    selection: Color32,
}

/// The view's measures this frame.
struct Geometry {
    /// Where the rows are drawn, row numbers included (the scroll bars are right of and below it).
    rows: Rect,
    /// Left edge of the rows' text, right of the row numbers.
    text_left: f32,
    row_height: f32,
    char_width: f32,
    /// How many rows fit, the last one perhaps partly.
    rows_in_view: f32,
}

/// Draws the reply, or a placeholder when there is none yet. Returns the bytes to copy (those there
/// are) when the person pressed Ctrl+C over a selection.
pub fn reply_ui(ui: &mut Ui, reply: Option<&ReplyText>, state: &mut ReplyViewState) -> Option<Range<usize>> {
    let Some(reply) = reply.filter(|r| !r.is_empty()) else {
        ui.label(RichText::new("The server's raw reply will appear here, byte for byte.").weak());
        return None;
    };
    let font = TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let visuals = ui.visuals();
    let byte =
        if visuals.dark_mode { Color32::from_rgb(0xff, 0x9e, 0x4a) } else { Color32::from_rgb(0xb3, 0x4a, 0x00) };
    let colors = RowColors {
        text: visuals.text_color(),
        byte,
        weak: visuals.weak_text_color(),
        byte_background: byte.gamma_multiply(0.15),
        selection: visuals.selection.bg_fill,
    };
    // The gutter fits the largest row number (nine digits for the 268 million rows of the largest reply).
    let digits = reply.row_count().to_string().len();

    let area = view_area(ui, row_height, char_width)?;
    let rows_rect = Rect::from_min_max(area.min, pos2(area.right() - BAR_WIDTH, area.bottom() - BAR_WIDTH));
    let geometry = Geometry {
        rows: rows_rect,
        text_left: rows_rect.left() + char_width * (digits + 2) as f32,
        row_height,
        char_width,
        rows_in_view: rows_rect.height().max(0.0) / row_height,
    };
    let id = ui.make_persistent_id("reply view");
    let response = view_response(ui, rows_rect, id);
    state.focused = response.has_focus();
    let end = RowScroll::end(reply.row_count(), geometry.rows_in_view);
    scroll_by_input(ui, &geometry, &response, end, state);
    let track = Rect::from_x_y_ranges(rows_rect.right()..=area.right(), rows_rect.y_range());
    let share = f64::from(geometry.rows_in_view) / reply.row_count() as f64;
    rows_bar_ui(ui, id.with("vertical bar"), track, (&mut state.scroll, end), share, &mut state.grab_vertical);

    // The rows in view, and how wide the widest of them is.
    let top = state.scroll.top_row();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a small positive count
    let count = geometry.rows_in_view.ceil() as usize + 1;
    let rows: Vec<Row<'_>> = reply.rows(top..top.saturating_add(count)).collect();
    let widths: Vec<(Range<usize>, usize)> = rows
        .iter()
        .map(|row| {
            let bytes = row.start..row.start + row.bytes.len();
            let known = state.widths.iter().find(|(b, _)| *b == bytes).map(|(_, w)| *w);
            (bytes, known.unwrap_or_else(|| row_columns(&row_pieces(row.bytes))))
        })
        .collect();
    let widest = widths.iter().map(|(_, w)| *w).max().unwrap_or(0);
    state.widths = widths;
    let text_width = (rows_rect.right() - geometry.text_left).max(0.0);
    // One column more than the widest row, for the mark of a selection that goes on past its end.
    let content_width = (widest + 1) as f32 * char_width;
    let max_x = (content_width - text_width).max(0.0);
    let track = Rect::from_x_y_ranges(rows_rect.x_range(), rows_rect.bottom()..=area.bottom());
    let share = (text_width / content_width, char_width);
    sideways_bar_ui(ui, id.with("horizontal bar"), track, (&mut state.x, max_x), share, &mut state.grab_horizontal);

    let columns = columns_in_view(state.x, text_width, char_width);
    let formats = Formats {
        text: TextFormat::simple(font.clone(), colors.text),
        weak: TextFormat::simple(font.clone(), colors.weak),
        byte: TextFormat { background: colors.byte_background, ..TextFormat::simple(font.clone(), colors.byte) },
    };
    let row_top = rows_rect.top() - state.scroll.within_row() * row_height;
    let mut drawn = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let slice = slice_of_row(row, columns.clone(), &formats);
        let shown = slice.job.text.clone();
        let byte_of_char = slice.byte_of_char.clone();
        let first_column = slice.first_column;
        let (galley, escapes) = lay_out(ui, slice, &font, colors.text, char_width);
        let rect = Rect::from_min_size(
            pos2(rows_rect.left(), row_top + i as f32 * row_height),
            vec2(rows_rect.width(), row_height),
        );
        let text_pos = pos2(geometry.text_left + first_column as f32 * char_width - state.x, rect.top());
        let drawn_row = DrawnRow {
            rect,
            text_pos,
            galley,
            escapes,
            shown,
            byte_of_char,
            bytes: row.start..row.start + row.bytes.len(),
        };
        paint_row(ui, &geometry, &drawn_row, row.index, digits, state.selection.range(), colors, &font);
        // For screen readers (and tests): the row's number and the part of it that is laid out.
        let row_response = ui.interact(rect.intersect(rows_rect), id.with(row.index), Sense::hover());
        row_response.widget_info(|| {
            let label = format!("{:>digits$}  {}", row.index + 1, drawn_row.shown);
            egui::WidgetInfo::labeled(egui::Role::Label, true, &label)
        });
        drawn.push(drawn_row);
    }
    follow_pointer(ui, &geometry, &drawn, &response, state, end);

    let copy = ui.input(|i| i.events.iter().any(|e| matches!(e, Event::Copy)));
    // Clamped to the bytes there are: the selection may reach past the end.
    let (selected, len) = (state.selection.range(), reply.bytes().len());
    let selected = selected.start.min(len)..selected.end.min(len);
    (copy && !selected.is_empty()).then_some(selected)
}

/// The columns to lay out for a view `width` wide scrolled `x` to the right: those in view, widened
/// to multiples of [`COLUMN_STEP`].
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // positive point counts, well within usize
fn columns_in_view(x: f32, width: f32, char_width: f32) -> Range<usize> {
    let first = (x / char_width).floor().max(0.0) as usize;
    let last = ((x + width) / char_width).ceil().max(0.0) as usize;
    first / COLUMN_STEP * COLUMN_STEP..last.div_ceil(COLUMN_STEP) * COLUMN_STEP
}

/// The part of a row in `columns`, read from as few of its bytes as fill them (a row can be a
/// thousand bytes, a screen shows a hundred columns). Text is mostly a byte a column, so that many
/// bytes are read first; a row of wider characters is read again with four bytes a column, the most
/// a character takes, and a few more, so a character cut at the end (whose bytes would be drawn as
/// escapes) is always past the last column.
fn slice_of_row(row: &Row<'_>, columns: Range<usize>, formats: &Formats) -> columns::RowSlice {
    let cut = row.bytes.len().min(columns.end.saturating_add(8));
    let slice = row_slice(&row_pieces(&row.bytes[..cut]), row.start, columns.clone(), formats);
    let stopped_at = slice.byte_of_char.last().map_or(0, |b| b - row.start);
    // Every byte drawn is at least 4 before the cut: none belongs to a character the cut split.
    if cut == row.bytes.len() || stopped_at.saturating_add(4) <= cut {
        return slice;
    }
    let cut = row.bytes.len().min(columns.end.saturating_mul(4).saturating_add(8));
    row_slice(&row_pieces(&row.bytes[..cut]), row.start, columns, formats)
}

/// The wheel and the keys move the view ([`scroll::scroll_by_input`]).
fn scroll_by_input(
    ui: &Ui,
    geometry: &Geometry,
    response: &egui::Response,
    end: RowScroll,
    state: &mut ReplyViewState,
) {
    // The rows and the scroll bars right of and below them.
    let view = Rect::from_min_max(geometry.rows.min, geometry.rows.max + vec2(BAR_WIDTH, BAR_WIDTH));
    let mut to = Scrolled {
        scroll: &mut state.scroll,
        x: &mut state.x,
        end,
        rows_in_view: geometry.rows_in_view,
        row_height: geometry.row_height,
        arrow_step: ARROW_COLUMNS * geometry.char_width,
    };
    scroll::scroll_by_input(ui, view, response, state.selection.dragging, &mut to);
}

/// Starts, extends or ends the selection from the pointer; scrolls while a drag is past an edge.
fn follow_pointer(
    ui: &Ui,
    geometry: &Geometry,
    drawn: &[DrawnRow],
    response: &egui::Response,
    state: &mut ReplyViewState,
    end: RowScroll,
) {
    let (pressed, down, pos) =
        ui.input(|i| (i.pointer.primary_pressed(), i.pointer.primary_down(), i.pointer.interact_pos()));
    let (Some(first), Some(last), Some(pos)) = (drawn.first(), drawn.last(), pos) else { return };
    let byte_at = |pos: Pos2| {
        if pos.y < first.rect.top() {
            first.bytes.start
        } else if pos.y >= last.rect.bottom() {
            last.bytes.end
        } else {
            drawn.iter().find(|r| pos.y < r.rect.bottom()).map_or(first.bytes.start, |r| r.byte_at(pos))
        }
    };
    let selection = &mut state.selection;
    if pressed {
        *selection = if response.is_pointer_button_down_on() {
            let at = byte_at(pos);
            ReplySelection { anchor: at, head: at, dragging: true }
        } else {
            ReplySelection::default() // a click elsewhere clears the selection
        };
    } else if selection.dragging && down {
        selection.head = byte_at(pos);
        let text = Rect::from_x_y_ranges(geometry.text_left..=geometry.rows.right(), geometry.rows.y_range());
        scroll_past_edges(ui, pos, (text, geometry.row_height), (&mut state.scroll, end), &mut state.x);
    } else if selection.dragging {
        selection.dragging = false;
    }
}

#[allow(clippy::too_many_arguments)] // one row's drawing needs all of these; a struct for them would only rename them
fn paint_row(
    ui: &Ui,
    geometry: &Geometry,
    row: &DrawnRow,
    index: usize,
    digits: usize,
    selected: Range<usize>,
    colors: RowColors,
    font: &FontId,
) {
    let number = format!("{:>digits$}", index + 1);
    ui.painter_at(geometry.rows).text(row.rect.min, egui::Align2::LEFT_TOP, number, font.clone(), colors.weak);
    let painter =
        ui.painter_at(Rect::from_x_y_ranges(geometry.text_left..=geometry.rows.right(), geometry.rows.y_range()));
    let (row_start, row_end) = (row.bytes.start, row.bytes.end);
    if selected.start <= row_end && selected.end > row_start && !selected.is_empty() {
        let first = row.byte_of_char.iter().position(|b| *b >= selected.start).unwrap_or(0);
        let last = row.byte_of_char.iter().position(|b| *b >= selected.end).unwrap_or(row.byte_of_char.len() - 1);
        let x0 = row.galley.pos_from_cursor(CCursor::new(first)).min.x;
        let mut x1 = row.galley.pos_from_cursor(CCursor::new(last)).min.x;
        if selected.end > row_end {
            x1 += geometry.char_width; // the selection goes on past the end of the line
        }
        let rect = Rect::from_x_y_ranges(row.text_pos.x + x0..=row.text_pos.x + x1, row.rect.y_range());
        painter.rect_filled(rect, 0.0, colors.selection);
    }
    if let Some((escapes, columns)) = &row.escapes {
        for columns in columns {
            let x = |column: usize| row.text_pos.x + column as f32 * geometry.char_width;
            let rect = Rect::from_x_y_ranges(x(columns.start)..=x(columns.end), row.rect.y_range());
            painter.rect_filled(rect, 0.0, colors.byte_background);
        }
        painter.galley(row.text_pos, escapes.clone(), colors.byte);
    }
    painter.galley(row.text_pos, row.galley.clone(), colors.text);
}

/// Lays out a row's slice: in two layers of one format each when every glyph of its text is one
/// column wide (the common case, and much the cheaper), else as one job of many formats.
fn lay_out(
    ui: &Ui,
    slice: columns::RowSlice,
    font: &FontId,
    text_color: Color32,
    char_width: f32,
) -> (Arc<Galley>, Option<EscapeLayer>) {
    let painter = ui.painter();
    let Some(escapes) = slice.escapes else {
        return (painter.layout_job(slice.job), None);
    };
    let plain = painter.layout_no_wrap(slice.plain, font.clone(), text_color);
    let chars = slice.byte_of_char.len() - 1;
    let end = plain.pos_from_cursor(CCursor::new(chars)).min.x;
    // A glyph from a fallback font (an emoji, say) can be wider or narrower than a column: then the
    // layers would not line up. Less than a quarter of a column off in all does not show.
    if (end - slice.columns as f32 * char_width).abs() < char_width / 4.0 {
        (plain, Some((painter.layout_job(escapes), slice.escape_columns)))
    } else {
        (painter.layout_job(slice.job), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_in_view_are_laid_out_in_whole_steps() {
        assert_eq!(columns_in_view(0.0, 700.0, 7.0), 0..104);
        assert_eq!(columns_in_view(7.0 * 20.0, 700.0, 7.0), 16..120);
        let wide = columns_in_view(7.0 * 4000.0, 560.0, 7.0);
        assert!(wide.start <= 4000 && wide.end >= 4080 && wide.len() <= 80 + 2 * COLUMN_STEP, "{wide:?}");
    }

    #[test]
    fn a_row_read_in_part_for_its_columns_draws_them_as_the_whole_row_does() {
        let format = TextFormat::simple(FontId::monospace(12.0), Color32::WHITE);
        let formats = Formats { text: format.clone(), weak: format.clone(), byte: format };
        // Four-byte characters, escapes and plain text, in every alignment against the cuts.
        let mut bytes = Vec::new();
        for i in 0..300u32 {
            match i % 4 {
                0 => bytes.extend("😀".as_bytes()),
                1 => bytes.push(0x80),
                2 => bytes.extend(b"ab"),
                _ => bytes.extend("é".as_bytes()),
            }
        }
        for text in [&bytes[..], "é".repeat(600).as_bytes(), "x".repeat(1000).as_bytes()] {
            for skip in 0..4 {
                let row = Row { index: 0, start: 7, bytes: &text[skip..] };
                for columns in [0..16, 16..48, 96..160, 400..480] {
                    let whole = row_slice(&row_pieces(row.bytes), 7, columns.clone(), &formats);
                    let part = slice_of_row(&row, columns.clone(), &formats);
                    assert_eq!(part.job.text, whole.job.text, "{columns:?}, {skip} bytes skipped");
                    assert_eq!(part.byte_of_char, whole.byte_of_char, "{columns:?}, {skip} bytes skipped");
                    assert_eq!(part.first_column, whole.first_column);
                }
            }
        }
    }
}
