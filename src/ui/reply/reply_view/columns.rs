//! A row as columns. The reply is drawn in a monospace font, where every character takes one column
//! (a tab four, as egui draws it), so the part of a row in view is found by counting, and only that
//! part is laid out: a row of 1 KiB of `0x80` is 4096 drawn characters, of which a screen shows a
//! hundred or so.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};

use crate::escape;
use crate::session::reply_text::Piece;

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

/// The part of a row that is laid out this frame, in two forms. egui shapes each change of format on
/// its own, so a row of mixed bytes (text, escapes, text, ...) as one job of many sections costs
/// about 200 µs to lay out; drawn as two layers of one format each (the text with spaces where the
/// escapes go, and the escapes with spaces where the text goes) it costs a tenth of that. The layers
/// line up only when every glyph is one column wide, which the caller checks; the job is exact
/// whatever the glyphs.
pub struct RowSlice {
    /// The slice as one job, each piece in its format.
    pub job: LayoutJob,
    /// The text layer: the slice with each escape written as spaces.
    pub plain: String,
    /// The escape layer: the escapes, with spaces where the text is (four for a tab); `None`
    /// when the slice has no escapes.
    pub escapes: Option<LayoutJob>,
    /// Where the escapes are, in columns from [`Self::first_column`]: their backgrounds.
    pub escape_columns: Vec<Range<usize>>,
    /// For each character of the job's text (and of the text layer, which has as many), and one past
    /// its end: its byte offset in the reply.
    pub byte_of_char: Vec<usize>,
    /// The column the slice's first character is drawn at.
    pub first_column: usize,
    /// The slice's width in columns.
    pub columns: usize,
}

/// What a run of drawn characters is, which decides its format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// `\r`.
    Weak,
    Escape,
}

impl Formats {
    fn of(&self, kind: Kind) -> TextFormat {
        match kind {
            Kind::Text => self.text.clone(),
            Kind::Weak => self.weak.clone(),
            Kind::Escape => self.byte.clone(),
        }
    }

    /// In the escape layer, backgrounds are painted apart: there they would cover the spaces too.
    fn in_layer(&self, kind: Kind) -> TextFormat {
        TextFormat { background: egui::Color32::TRANSPARENT, ..self.of(kind) }
    }
}

/// A layout job built a piece at a time, each run of one kind one section.
struct Sections {
    job: LayoutJob,
    run: String,
    kind: Kind,
}

impl Sections {
    fn new() -> Self {
        Self { job: LayoutJob::default(), run: String::new(), kind: Kind::Text }
    }

    fn push(&mut self, text: &str, kind: Kind, format: impl Fn(Kind) -> TextFormat) {
        if kind != self.kind {
            self.flush(format);
            self.kind = kind;
        }
        self.run.push_str(text);
    }

    /// Spaces, in whatever format the run has: they draw nothing.
    fn push_spaces(&mut self, count: usize) {
        self.run.extend(std::iter::repeat_n(' ', count));
    }

    fn flush(&mut self, format: impl Fn(Kind) -> TextFormat) {
        if !self.run.is_empty() {
            self.job.append(&self.run, 0.0, format(self.kind));
            self.run.clear();
        }
    }
}

/// Builds the three forms of a [`RowSlice`] a piece at a time.
struct SliceBuilder<'f> {
    formats: &'f Formats,
    job: Sections,
    plain: String,
    escapes: Sections,
    escape_columns: Vec<Range<usize>>,
    columns: usize,
}

impl<'f> SliceBuilder<'f> {
    fn new(formats: &'f Formats) -> Self {
        Self {
            formats,
            job: Sections::new(),
            plain: String::new(),
            escapes: Sections::new(),
            escape_columns: Vec::new(),
            columns: 0,
        }
    }

    fn text(&mut self, c: char) {
        self.job.push(c.encode_utf8(&mut [0; 4]), Kind::Text, |k| self.formats.of(k));
        self.plain.push(c);
        let width = char_columns(c);
        self.escapes.push_spaces(width);
        self.columns += width;
    }

    fn escape(&mut self, shown: &str, weak: bool) {
        let kind = if weak { Kind::Weak } else { Kind::Escape };
        self.job.push(shown, kind, |k| self.formats.of(k));
        self.plain.extend(std::iter::repeat_n(' ', shown.len()));
        self.escapes.push(shown, kind, |k| self.formats.in_layer(k));
        let columns = self.columns..self.columns + shown.len();
        match self.escape_columns.last_mut() {
            Some(last) if last.end == columns.start => last.end = columns.end,
            _ => self.escape_columns.push(columns.clone()),
        }
        self.columns = columns.end;
    }

    fn finish(mut self) -> (LayoutJob, String, Option<LayoutJob>, Vec<Range<usize>>, usize) {
        self.job.flush(|k| self.formats.of(k));
        self.escapes.flush(|k| self.formats.in_layer(k));
        let escapes = (!self.escape_columns.is_empty()).then_some(self.escapes.job);
        (self.job.job, self.plain, escapes, self.escape_columns, self.columns)
    }
}

fn char_columns(c: char) -> usize {
    if c == '\t' { TAB_COLUMNS } else { 1 }
}

/// Writes how a piece that is not plain text is shown, in the view style of [`crate::escape`]; its
/// width in columns (one per character, all ASCII). Text is written as it is, though its columns are
/// counted by character, not here.
fn escape(piece: Piece<'_>, out: &mut String) -> usize {
    let before = out.len();
    match piece {
        Piece::Text(text) => out.push_str(text),
        Piece::Byte(b'\r') => out.push_str(r"\r"),
        Piece::Byte(b) => escape::push_byte(b, out),
        Piece::Invisible(c) => escape::push_code_point(c, out),
    }
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
    pieces
        .iter()
        .map(|piece| match *piece {
            Piece::Text(text) => {
                text.chars().count() + memchr::memchr_iter(b'\t', text.as_bytes()).count() * (TAB_COLUMNS - 1)
            }
            Piece::Byte(_) | Piece::Invisible(_) => escape_columns(*piece),
        })
        .sum()
}

/// How many columns [`escape`] writes for a piece that is not text, counted rather than written:
/// a fresh screen of random bytes measures some 30,000 of them.
fn escape_columns(piece: Piece<'_>) -> usize {
    match piece {
        Piece::Text(text) => text.chars().count(),
        Piece::Byte(b'\r') => 2,
        Piece::Byte(_) => escape::BYTE_LEN,
        Piece::Invisible(c) => escape::code_point_len(c),
    }
}

/// The columns `columns` of a row whose pieces are `pieces` and whose first byte is at `start` in the
/// reply, laid out as a [`RowSlice`]. A character or escape that is partly in `columns` is taken whole.
pub fn row_slice(pieces: &[Piece<'_>], start: usize, columns: Range<usize>, formats: &Formats) -> RowSlice {
    let mut slice = SliceBuilder::new(formats);
    let mut byte_of_char = Vec::new();
    let mut first_column = None;
    let mut column = 0;
    let mut at = start;
    let mut shown = String::new();
    'pieces: for &piece in pieces {
        if column >= columns.end {
            break;
        }
        if let Piece::Text(text) = piece {
            for (i, c) in text.char_indices() {
                if column >= columns.end {
                    at += i;
                    break 'pieces; // the rest of the row is past the columns in view
                }
                let width = char_columns(c);
                if column + width > columns.start {
                    first_column.get_or_insert(column);
                    byte_of_char.push(at + i);
                    slice.text(c);
                }
                column += width;
            }
            at += text.len();
            continue;
        }
        shown.clear();
        let width = escape(piece, &mut shown);
        if column + width > columns.start {
            first_column.get_or_insert(column);
            byte_of_char.extend(std::iter::repeat_n(at, width));
            slice.escape(&shown, is_weak(piece));
        }
        column += width;
        at += piece_len(piece);
    }
    byte_of_char.push(at);
    let (job, plain, escapes, escape_columns, columns) = slice.finish();
    // A row that ends left of the view: nothing to lay out, drawn (empty) where it ends.
    RowSlice {
        job,
        plain,
        escapes,
        escape_columns,
        byte_of_char,
        first_column: first_column.unwrap_or(column),
        columns,
    }
}

#[cfg(test)]
mod tests {
    use egui::{Color32, FontId};

    use super::*;

    #[test]
    fn escapes_are_counted_as_wide_as_they_are_written() {
        let chars = ['\u{AD}', '\u{200B}', '\u{202E}', '\u{FEFF}', '\u{110BD}', '\u{E0001}', '\u{E007F}'];
        let pieces = (0..=255u8).map(Piece::Byte).chain(chars.into_iter().map(Piece::Invisible));
        for piece in pieces {
            let mut written = String::new();
            assert_eq!(escape_columns(piece), escape(piece, &mut written), "{piece:?} as {written}");
        }
    }
    use crate::session::reply_text::row_pieces;

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
    fn the_two_layers_put_text_and_escapes_in_the_same_columns_as_the_job() {
        let row = "ab\tc\r\u{202E}é\x01\x02z".as_bytes();
        let s = row_slice(&row_pieces(row), 0, 0..100, &formats());
        assert_eq!(s.job.text, "ab\tc\\r\\u{202E}é\\x01\\x02z");
        assert_eq!(s.plain, "ab\tc          é        z");
        let escapes = s.escapes.unwrap();
        assert_eq!(escapes.text, "       \\r\\u{202E} \\x01\\x02 ");
        // The layers' sections: spaces and escapes, then `\r` quietly, then the rest.
        assert_eq!(escapes.sections.len(), 3);
        assert_eq!(s.escape_columns, [7..17, 18..26]);
        assert_eq!((s.columns, s.plain.chars().count(), s.job.text.chars().count()), (27, 24, 24));
        let row = b"just text";
        let s = row_slice(&row_pieces(row), 0, 0..100, &formats());
        assert!(s.escapes.is_none() && s.escape_columns.is_empty());
        assert_eq!((s.plain.as_str(), s.job.sections.len()), ("just text", 1));
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
