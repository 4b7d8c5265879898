//! The raw reply, virtualized: only the rows in view are laid out, so a 64 MiB reply scrolls as
//! smoothly as a small one. Bytes that are not text are drawn as `\xNN` in their own colour.
//!
//! Selection is the view's own, kept as byte offsets into the reply, so a drag can run past the rows
//! on screen (the view scrolls along, or the wheel moves it) and Ctrl+C copies exactly the bytes
//! selected, however many rows that is.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, Galley, LayoutJob, TextFormat};
use egui::{Color32, Event, FontId, Pos2, Rect, RichText, Sense, TextStyle, Ui, Vec2, vec2};

use super::reply_text::{Piece, ReplyText, row_pieces};

/// What is selected: the bytes between where the drag began and where it is now.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReplySelection {
    anchor: usize,
    head: usize,
    dragging: bool,
}

impl ReplySelection {
    pub fn range(&self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }
}

/// One row as drawn this frame, for turning a pointer position into a byte offset.
struct DrawnRow {
    rect: Rect,
    text_pos: Pos2,
    galley: Arc<Galley>,
    /// For each character of the drawn text (and one past the end): its byte offset in the reply.
    byte_of_char: Vec<usize>,
}

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
    selection: Color32,
}

/// Draws the reply, or a placeholder when there is none yet. Returns the bytes to copy when the
/// person pressed Ctrl+C over a selection.
pub fn reply_ui(ui: &mut Ui, reply: Option<&ReplyText>, selection: &mut ReplySelection) -> Option<Range<usize>> {
    let Some(reply) = reply.filter(|r| !r.is_empty()) else {
        ui.label(RichText::new("The server's raw reply will appear here, byte for byte.").weak());
        return None;
    };
    let font = TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let visuals = ui.visuals();
    let colors = RowColors {
        text: visuals.text_color(),
        byte: if visuals.dark_mode { Color32::from_rgb(0xff, 0x9e, 0x4a) } else { Color32::from_rgb(0xb3, 0x4a, 0x00) },
        weak: visuals.weak_text_color(),
        selection: visuals.selection.bg_fill,
    };
    let digits = reply.row_count().to_string().len();
    let gutter = ui.fonts_mut(|f| f.glyph_width(&font, '0')) * (digits + 2) as f32;
    egui::ScrollArea::both().id_salt("reply").auto_shrink([false, false]).show_rows(
        ui,
        row_height,
        reply.row_count(),
        |ui, rows| {
            let mut drawn = Vec::new();
            let mut pressed_on_row = false;
            for row in reply.rows(rows) {
                let i = row.index;
                let (job, byte_of_char) = row_layout(row.bytes, row.start, &font, colors);
                let galley = ui.painter().layout_job(job);
                let size = vec2(gutter + galley.size().x + row_height, row_height);
                let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
                pressed_on_row |= response.is_pointer_button_down_on();
                let row = DrawnRow { rect, text_pos: rect.min + vec2(gutter, 0.0), galley, byte_of_char };
                paint_row(ui, &row, i, digits, selection.range(), colors, &font);
                let label = format!("{:>digits$}  {}", i + 1, row.galley.text());
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
                drawn.push(row);
            }
            follow_pointer(ui, &drawn, selection, pressed_on_row);
        },
    );
    let copy = ui.input(|i| i.events.iter().any(|e| matches!(e, Event::Copy)));
    (copy && !selection.range().is_empty()).then(|| selection.range())
}

/// Starts, extends or ends the selection from the pointer; scrolls while a drag is past an edge.
fn follow_pointer(ui: &Ui, drawn: &[DrawnRow], selection: &mut ReplySelection, pressed_on_row: bool) {
    let (pressed, down, pos) =
        ui.input(|i| (i.pointer.primary_pressed(), i.pointer.primary_down(), i.pointer.interact_pos()));
    let (Some(first), Some(last), Some(pos)) = (drawn.first(), drawn.last(), pos) else { return };
    let byte_at = |pos: Pos2| {
        if pos.y < first.rect.top() {
            first.byte_of_char[0]
        } else if pos.y >= last.rect.bottom() {
            *last.byte_of_char.last().unwrap_or(&0)
        } else {
            drawn.iter().find(|r| pos.y < r.rect.bottom()).map_or(0, |r| r.byte_at(pos))
        }
    };
    if pressed {
        *selection = if pressed_on_row {
            let at = byte_at(pos);
            ReplySelection { anchor: at, head: at, dragging: true }
        } else {
            ReplySelection::default() // a click elsewhere clears the selection
        };
    } else if selection.dragging && down {
        selection.head = byte_at(pos);
        // Past the top or bottom edge, the view scrolls, faster the further the pointer is.
        let clip = ui.clip_rect();
        let beyond = if pos.y < clip.top() { clip.top() - pos.y } else { (clip.bottom() - pos.y).min(0.0) };
        if beyond != 0.0 {
            ui.scroll_with_delta(Vec2::new(0.0, beyond.clamp(-40.0, 40.0)));
            ui.ctx().request_repaint();
        }
    } else if selection.dragging {
        selection.dragging = false;
    }
}

fn paint_row(
    ui: &Ui,
    row: &DrawnRow,
    index: usize,
    digits: usize,
    selected: Range<usize>,
    colors: RowColors,
    font: &FontId,
) {
    let painter = ui.painter();
    let number = format!("{:>digits$}", index + 1);
    painter.text(row.rect.min, egui::Align2::LEFT_TOP, number, font.clone(), colors.weak);
    let (row_start, row_end) = (row.byte_of_char[0], *row.byte_of_char.last().unwrap_or(&0));
    if selected.start <= row_end && selected.end > row_start && !selected.is_empty() {
        let first = row.byte_of_char.iter().position(|b| *b >= selected.start).unwrap_or(0);
        let last = row.byte_of_char.iter().position(|b| *b >= selected.end).unwrap_or(row.byte_of_char.len() - 1);
        let x0 = row.galley.pos_from_cursor(CCursor::new(first)).min.x;
        let mut x1 = row.galley.pos_from_cursor(CCursor::new(last)).min.x;
        if selected.end > row_end {
            x1 += row.rect.height() / 2.0; // the selection goes on past the end of the line
        }
        let rect = Rect::from_x_y_ranges(row.text_pos.x + x0..=row.text_pos.x + x1, row.rect.y_range());
        painter.rect_filled(rect, 0.0, colors.selection);
    }
    painter.galley(row.text_pos, row.galley.clone(), colors.text);
}

/// The row as drawn, and for each drawn character (plus one past the end) its byte offset in the
/// reply, given that the row starts at `start`.
fn row_layout(row: &[u8], start: usize, font: &FontId, colors: RowColors) -> (LayoutJob, Vec<usize>) {
    let mut job = LayoutJob::default();
    let mut byte_of_char = Vec::with_capacity(row.len() + 1);
    let plain = TextFormat::simple(font.clone(), colors.text);
    let weak = TextFormat::simple(font.clone(), colors.weak);
    let byte =
        TextFormat { background: colors.byte.gamma_multiply(0.15), ..TextFormat::simple(font.clone(), colors.byte) };
    let mut at = start;
    for piece in row_pieces(row) {
        match piece {
            Piece::Text(text) => {
                byte_of_char.extend(text.char_indices().map(|(i, _)| at + i));
                job.append(text, 0.0, plain.clone());
                at += text.len();
            }
            Piece::Byte(b) => {
                // Every HTTP line ends in \r: shown, but quietly, so it does not drown the text.
                let (shown, format) =
                    if b == b'\r' { ("\\r".to_owned(), &weak) } else { (format!("\\x{b:02X}"), &byte) };
                byte_of_char.extend(std::iter::repeat_n(at, shown.chars().count()));
                job.append(&shown, 0.0, format.clone());
                at += 1;
            }
            Piece::Invisible(c) => {
                let shown = format!("\\u{{{:04X}}}", u32::from(c));
                byte_of_char.extend(std::iter::repeat_n(at, shown.chars().count()));
                job.append(&shown, 0.0, byte.clone());
                at += c.len_utf8();
            }
        }
    }
    byte_of_char.push(at);
    (job, byte_of_char)
}
