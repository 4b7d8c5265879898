//! A row as columns. The reply is drawn in a monospace font, where every character takes one column
//! (a tab four, as egui draws it), so the part of a row in view is found by counting, and only that
//! part is laid out: a row of 1 KiB of `0x80` is 4096 drawn characters, of which a screen shows a
//! hundred or so.

use std::fmt::Write as _;
use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};

use crate::ui::reply_text::Piece;

/// Columns a tab takes (egui's default tab size, in spaces).
const TAB_COLUMNS: usize = 4;

/// How the three kinds of drawn text look.
pub struct Formats {
    pub text: TextFormat,
    /// `\r`: every HTTP line ends in one, so it is shown quietly.
    pub weak: TextFormat,
    /// `\xNN` and `\u{XXXX}`: bytes and characters that are not plain text.
    pub byte: TextFormat,
}

/// The part of a row that is laid out this frame.
pub struct RowSlice {
    pub job: LayoutJob,
    /// For each character of the job's text, and one past its end: its byte offset in the reply.
    pub byte_of_char: Vec<usize>,
    /// The column the job's first character is drawn at.
    pub first_column: usize,
}

fn char_columns(c: char) -> usize {
    if c == '\t' { TAB_COLUMNS } else { 1 }
}

/// Writes how a piece that is not plain text is shown; its width in columns (one per character, all
/// ASCII). Text is written as it is, though its columns are counted by character, not here.
fn escape(piece: Piece<'_>, out: &mut String) -> usize {
    let before = out.len();
    // Writing to a String cannot fail.
    let _ = match piece {
        Piece::Text(text) => write!(out, "{text}"),
        Piece::Byte(b'\r') => write!(out, "\\r"),
        Piece::Byte(b) => write!(out, "\\x{b:02X}"),
        Piece::Invisible(c) => write!(out, "\\u{{{:04X}}}", u32::from(c)),
    };
    out.len() - before
}

/// How many bytes of the reply a piece stands for.
fn piece_len(piece: Piece<'_>) -> usize {
    match piece {
        Piece::Text(text) => text.len(),
        Piece::Byte(_) => 1,
        Piece::Invisible(c) => c.len_utf8(),
    }
}

fn is_weak(piece: Piece<'_>) -> bool {
    piece == Piece::Byte(b'\r')
}

/// The width of a whole row, in columns.
pub fn row_columns(pieces: &[Piece<'_>]) -> usize {
    let mut scratch = String::new();
    pieces
        .iter()
        .map(|piece| match *piece {
            Piece::Text(text) => {
                text.chars().count() + memchr::memchr_iter(b'\t', text.as_bytes()).count() * (TAB_COLUMNS - 1)
            }
            other => {
                scratch.clear();
                escape(other, &mut scratch)
            }
        })
        .sum()
}

/// The columns `columns` of a row whose pieces are `pieces` and whose first byte is at `start` in the
/// reply, as a layout job. A character or escape that is partly in `columns` is taken whole.
pub fn row_slice(pieces: &[Piece<'_>], start: usize, columns: Range<usize>, formats: &Formats) -> RowSlice {
    let mut job = LayoutJob::default();
    let mut byte_of_char = Vec::new();
    let mut first_column = None;
    let mut column = 0;
    let mut at = start;
    // Escapes in a row of them are laid out as one section, not one each.
    let mut escapes = String::new();
    let mut escapes_weak = false;
    let flush = |job: &mut LayoutJob, escapes: &mut String, weak: bool| {
        if !escapes.is_empty() {
            job.append(escapes, 0.0, if weak { formats.weak.clone() } else { formats.byte.clone() });
            escapes.clear();
        }
    };
    for &piece in pieces {
        if column >= columns.end {
            break;
        }
        if let Piece::Text(text) = piece {
            let mut shown = None::<Range<usize>>;
            for (i, c) in text.char_indices() {
                if column >= columns.end {
                    break;
                }
                let width = char_columns(c);
                if column + width > columns.start {
                    first_column.get_or_insert(column);
                    byte_of_char.push(at + i);
                    let end = i + c.len_utf8();
                    shown = Some(shown.map_or(i..end, |s| s.start..end));
                }
                column += width;
            }
            if let Some(shown) = shown {
                flush(&mut job, &mut escapes, escapes_weak);
                job.append(&text[shown.clone()], 0.0, formats.text.clone());
                at += shown.end;
                if shown.end < text.len() {
                    break; // the rest of the row is past the columns in view
                }
            } else {
                at += text.len();
            }
            continue;
        }
        let weak = is_weak(piece);
        if weak != escapes_weak {
            flush(&mut job, &mut escapes, escapes_weak);
            escapes_weak = weak;
        }
        let before = escapes.len();
        let width = escape(piece, &mut escapes);
        if column + width > columns.start {
            first_column.get_or_insert(column);
            byte_of_char.extend(std::iter::repeat_n(at, width));
        } else {
            escapes.truncate(before); // wholly left of the view
        }
        column += width;
        at += piece_len(piece);
    }
    flush(&mut job, &mut escapes, escapes_weak);
    byte_of_char.push(at);
    // A row that ends left of the view: nothing to lay out, drawn (empty) where it ends.
    RowSlice { job, byte_of_char, first_column: first_column.unwrap_or(column) }
}

#[cfg(test)]
mod tests {
    use egui::{Color32, FontId};

    use super::*;
    use crate::ui::reply_text::row_pieces;

    fn formats() -> Formats {
        let format = |color| TextFormat::simple(FontId::monospace(12.0), color);
        Formats { text: format(Color32::WHITE), weak: format(Color32::GRAY), byte: format(Color32::RED) }
    }

    fn slice(bytes: &[u8], columns: Range<usize>) -> (String, Vec<usize>, usize) {
        let s = row_slice(&row_pieces(bytes), 100, columns, &formats());
        (s.job.text, s.byte_of_char, s.first_column)
    }

    #[test]
    fn only_the_columns_asked_for_are_laid_out() {
        let row = vec![0x80; 1024];
        assert_eq!(row_columns(&row_pieces(&row)), 4096);
        let (text, bytes, first) = slice(&row, 2002..2100);
        // Column 2002 is inside the escape of byte 500 (columns 2000..2004): taken whole.
        assert_eq!(first, 2000);
        assert_eq!(text, "\\x80".repeat(25));
        assert_eq!(bytes.len(), 101);
        assert_eq!((bytes[0], bytes[3], bytes[4], bytes[100]), (600, 600, 601, 625));
    }

    #[test]
    fn text_escapes_and_tabs_count_their_columns() {
        let row = "ab\tc\r\u{202E}é\u{FF}".as_bytes();
        // a b, a tab (4), c, \r (2), \u{202E} (8), é, ÿ.
        assert_eq!(row_columns(&row_pieces(row)), 2 + 4 + 1 + 2 + 8 + 1 + 1);
        let (text, bytes, first) = slice(row, 3..8);
        assert_eq!(first, 2, "the tab that covers column 3 is taken whole");
        assert_eq!(text, "\tc\\r");
        assert_eq!(bytes, [102, 103, 104, 104, 105]);
        let (text, bytes, first) = slice(row, 0..1000);
        assert_eq!((text.as_str(), first), ("ab\tc\\r\\u{202E}éÿ", 0));
        assert_eq!(*bytes.last().unwrap(), 100 + row.len());
    }

    #[test]
    fn a_row_that_ends_left_of_the_view_is_empty_and_ends_at_its_last_byte() {
        let (text, bytes, first) = slice(b"short", 40..80);
        assert_eq!((text.as_str(), bytes.as_slice(), first), ("", &[105][..], 5));
    }
}
