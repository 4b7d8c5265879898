//! The raw reply as the window keeps it: every byte, plus an index of display rows so only the
//! visible rows are ever laid out (a 64 MiB reply as one text widget would need gigabytes).
//! At the end of a fetch the store is frozen ([`Reply`]): a read-only handle that copy, save and
//! history share from their own threads, so none of them needs a second copy of the reply.

mod reply_bytes;
mod row_index;
#[cfg(test)]
mod row_index_tests;

use std::ops::Deref;
use std::sync::Arc;

use crate::escape::{Mark, Style};
use reply_bytes::ReplyBytes;
pub use row_index::Row;
use row_index::RowIndex;

/// How much of a chunk is copied before it is indexed: well inside a core's L2 cache.
const CACHED_PIECE: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct ReplyText {
    bytes: ReplyBytes,
    rows: RowIndex,
}

/// A piece of a row as it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A byte that is not text (invalid UTF-8 or a control character), drawn as `\xNN`.
    Byte(u8),
    /// A character that draws as nothing or rearranges the text around it (zero-width, bidi
    /// overrides, byte order mark, line separators), drawn as `\u{XXXX}` so it cannot hide.
    Invisible(char),
}

impl ReplyText {
    pub fn push(&mut self, chunk: &[u8]) {
        // A piece at a time, so the index reads bytes the copy has just left in the cache.
        for piece in chunk.chunks(CACHED_PIECE) {
            self.bytes.extend(piece);
            self.rows.extend(&self.bytes);
        }
    }

    /// Makes room for `more` bytes at once, when the reply announced its length.
    pub fn reserve(&mut self, more: usize) {
        self.bytes.reserve(more);
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many display rows the reply has: 0 while it is empty, then one more than its newlines
    /// and cuts (a reply ending in a newline ends with an empty row).
    pub fn row_count(&self) -> usize {
        self.rows.row_count()
    }

    /// Heap bytes the row index holds (the reply's bytes not counted), for the memory figures.
    pub fn index_bytes(&self) -> usize {
        self.rows.heap_bytes()
    }

    /// Where row `i` starts in [`Self::bytes`] (the end of the reply past the last row).
    pub fn row_start(&self, i: usize) -> usize {
        self.rows(i..i.saturating_add(1)).next().map_or(self.bytes.len(), |row| row.start)
    }

    /// Row `i`'s bytes, without the newline that ends it (empty past the last row).
    pub fn row(&self, i: usize) -> &[u8] {
        self.rows(i..i.saturating_add(1)).next().map_or(&[], |row| row.bytes)
    }

    /// The rows in `range` (clamped to the rows there are), in order: what one screen draws.
    pub fn rows(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Row<'_>> {
        self.rows.rows(&self.bytes, range)
    }

    /// The row that holds byte `offset` (the last row for an offset at or past the end).
    pub fn row_of_byte(&self, offset: usize) -> usize {
        self.rows.row_of_byte(&self.bytes, offset)
    }
}

impl AsRef<[u8]> for ReplyText {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

/// A reply's store while it grows, then frozen: shared, read-only, with whatever reads it off the
/// window's thread (copy, save, history).
#[derive(Debug)]
pub enum Reply {
    Growing(ReplyText),
    Frozen(Arc<ReplyText>),
}

impl Default for Reply {
    fn default() -> Self {
        Self::Growing(ReplyText::default())
    }
}

impl Deref for Reply {
    type Target = ReplyText;

    fn deref(&self) -> &ReplyText {
        match self {
            Self::Growing(text) => text,
            Self::Frozen(text) => text,
        }
    }
}

impl Reply {
    /// Adds a chunk; a frozen reply takes no more (nothing arrives after a fetch's end).
    pub fn push(&mut self, chunk: &[u8]) {
        if let Self::Growing(text) = self {
            text.push(chunk);
        }
    }

    pub fn reserve(&mut self, more: usize) {
        if let Self::Growing(text) = self {
            text.reserve(more);
        }
    }

    /// Freezes the store, once: moved behind an `Arc`, never copied.
    pub fn freeze(&mut self) {
        if let Self::Growing(text) = self {
            *self = Self::Frozen(Arc::new(std::mem::take(text)));
        }
    }

    /// The read-only handle, once frozen.
    pub fn frozen(&self) -> Option<&Arc<ReplyText>> {
        match self {
            Self::Growing(_) => None,
            Self::Frozen(text) => Some(text),
        }
    }
}

/// Splits bytes into UTF-8 text and the single bytes that are not UTF-8.
fn utf8_pieces(mut bytes: &[u8]) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                pieces.push(Piece::Text(text));
                break;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                if !valid.is_empty() {
                    // Checked just above: this prefix is valid UTF-8.
                    pieces.push(Piece::Text(std::str::from_utf8(valid).unwrap_or_default()));
                }
                let bad = e.error_len().unwrap_or(rest.len());
                pieces.extend(rest[..bad].iter().map(|b| Piece::Byte(*b)));
                bytes = &rest[bad..];
            }
        }
    }
    pieces
}

/// How a row is drawn: text as it is, every byte that is not printable text as a [`Piece::Byte`]
/// (control characters too, so a stray `\r` or NUL is visible; a tab stays a tab), and every
/// invisible formatting character as a [`Piece::Invisible`].
pub fn row_pieces(row: &[u8]) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for piece in utf8_pieces(row) {
        let Piece::Text(text) = piece else {
            out.push(piece);
            continue;
        };
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let mark = Style::View.mark(c);
            if mark != Mark::Itself {
                if start < i {
                    out.push(Piece::Text(&text[start..i]));
                }
                if mark == Mark::CodePoint {
                    out.push(Piece::Invisible(c));
                } else {
                    // Control characters are all one byte in UTF-8 except C1 (U+0080..U+009F, two bytes).
                    out.extend(text[i..i + c.len_utf8()].bytes().map(Piece::Byte));
                }
                start = i + c.len_utf8();
            }
        }
        if start < text.len() {
            out.push(Piece::Text(&text[start..]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_drawn_as_bytes() {
        assert_eq!(
            row_pieces(b"a\rb\xFF\tc"),
            [Piece::Text("a"), Piece::Byte(b'\r'), Piece::Text("b"), Piece::Byte(0xFF), Piece::Text("\tc")]
        );
    }

    #[test]
    fn invisible_formatting_is_drawn_as_code_points() {
        assert_eq!(
            row_pieces("a\u{202E}b\u{200B}\u{FEFF}é".as_bytes()),
            [
                Piece::Text("a"),
                Piece::Invisible('\u{202E}'),
                Piece::Text("b"),
                Piece::Invisible('\u{200B}'),
                Piece::Invisible('\u{FEFF}'),
                Piece::Text("é")
            ]
        );
    }
}
