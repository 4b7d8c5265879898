//! The raw reply, virtualized: only the rows in view are laid out, so a 64 MiB reply scrolls as
//! smoothly as a small one. Bytes that are not text are drawn as `\xNN` in their own colour.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, TextStyle, Ui};

use super::reply_text::{Piece, ReplyText, row_pieces};

/// Draws the reply, or a placeholder when there is none yet.
pub fn reply_ui(ui: &mut Ui, reply: Option<&ReplyText>) {
    let Some(reply) = reply.filter(|r| !r.is_empty()) else {
        ui.label(RichText::new("The server's raw reply will appear here, byte for byte.").weak());
        return;
    };
    let font = TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let colors = RowColors {
        text: ui.visuals().text_color(),
        byte: if ui.visuals().dark_mode {
            Color32::from_rgb(0xff, 0x9e, 0x4a)
        } else {
            Color32::from_rgb(0xb3, 0x4a, 0x00)
        },
        number: ui.visuals().weak_text_color(),
    };
    let digits = reply.row_count().to_string().len();
    egui::ScrollArea::both().id_salt("reply").auto_shrink([false, false]).show_rows(
        ui,
        row_height,
        reply.row_count(),
        |ui, rows| {
            for i in rows {
                ui.horizontal(|ui| {
                    // The line number is its own label, left out of what a selection copies.
                    let number = RichText::new(format!("{:>digits$} ", i + 1)).font(font.clone()).color(colors.number);
                    ui.add(egui::Label::new(number).selectable(false));
                    ui.add(egui::Label::new(row_job(reply.row(i), &font, colors)).selectable(true).extend());
                });
            }
        },
    );
}

#[derive(Clone, Copy)]
struct RowColors {
    text: Color32,
    byte: Color32,
    number: Color32,
}

fn row_job(row: &[u8], font: &FontId, colors: RowColors) -> LayoutJob {
    let mut job = LayoutJob::default();
    let plain = TextFormat::simple(font.clone(), colors.text);
    let number = TextFormat::simple(font.clone(), colors.number);
    let byte =
        TextFormat { background: colors.byte.gamma_multiply(0.15), ..TextFormat::simple(font.clone(), colors.byte) };
    for piece in row_pieces(row) {
        match piece {
            Piece::Text(text) => job.append(text, 0.0, plain.clone()),
            // Every HTTP line ends in \r: shown, but quietly, so it does not drown the text.
            Piece::Byte(b'\r') => job.append("\\r", 0.0, number.clone()),
            Piece::Byte(b) => job.append(&format!("\\x{b:02X}"), 0.0, byte.clone()),
        }
    }
    job
}
