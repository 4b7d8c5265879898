//! The raw reply as the window keeps it: every byte, plus an index of display rows so only the
//! visible rows are ever laid out (a 64 MiB reply as one text widget would need gigabytes).

/// A line longer than this is shown as several rows, so one huge line (a 1 MiB header, binary
/// data without newlines) never becomes one huge widget.
pub const MAX_ROW_BYTES: usize = 1024;

#[derive(Debug, Default)]
pub struct ReplyText {
    bytes: Vec<u8>,
    /// Where each display row starts. Row `i` ends where row `i + 1` starts (or at the end).
    row_starts: Vec<usize>,
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

/// One display row: its number, where it starts in the reply, and its bytes without the newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub index: usize,
    pub start: usize,
    pub bytes: &'a [u8],
}

impl ReplyText {
    pub fn push(&mut self, chunk: &[u8]) {
        if self.row_starts.is_empty() {
            self.row_starts.push(0);
        }
        let mut pos = self.bytes.len();
        self.bytes.extend_from_slice(chunk);
        let end = self.bytes.len();
        let mut row_start = self.row_starts.last().copied().unwrap_or(0);
        // Newlines are found with memchr, a slice at a time: a 64 MiB reply is indexed in a few ms.
        while pos < end {
            let newline = memchr::memchr(b'\n', &self.bytes[pos..end]).map(|i| pos + i);
            let stop = newline.unwrap_or(end);
            // A run longer than a row is cut into rows, never inside a character.
            while stop - row_start > MAX_ROW_BYTES {
                let mut cut = row_start + MAX_ROW_BYTES;
                while cut < stop && is_utf8_continuation(self.bytes[cut]) {
                    cut += 1;
                }
                if cut >= stop {
                    break;
                }
                row_start = cut;
                self.row_starts.push(row_start);
            }
            match newline {
                Some(i) => {
                    row_start = i + 1;
                    self.row_starts.push(row_start);
                    pos = i + 1;
                }
                None => pos = end,
            }
        }
    }

    /// Makes room for `more` bytes at once, when the reply announced its length.
    pub fn reserve(&mut self, more: usize) {
        self.bytes.reserve_exact(more);
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn row_count(&self) -> usize {
        self.row_starts.len()
    }

    /// Where row `i` starts in [`Self::bytes`].
    pub fn row_start(&self, i: usize) -> usize {
        self.row_starts[i]
    }

    /// Row `i`'s bytes, without the newline that ends it.
    pub fn row(&self, i: usize) -> &[u8] {
        let start = self.row_starts[i];
        let end = self.row_starts.get(i + 1).copied().unwrap_or(self.bytes.len());
        let row = &self.bytes[start..end];
        row.strip_suffix(b"\n").unwrap_or(row)
    }

    /// The rows in `range` (clamped to the rows there are), in order: what one screen draws.
    pub fn rows(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Row<'_>> {
        let end = range.end.min(self.row_count());
        (range.start.min(end)..end).map(|index| Row { index, start: self.row_start(index), bytes: self.row(index) })
    }

    /// The row that holds byte `offset` (the last row for an offset at or past the end).
    pub fn row_of_byte(&self, offset: usize) -> usize {
        self.row_starts.partition_point(|start| *start <= offset).saturating_sub(1)
    }
}

fn is_utf8_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
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
            let control = c.is_control() && c != '\t';
            if control || is_invisible_format(c) {
                if start < i {
                    out.push(Piece::Text(&text[start..i]));
                }
                if control {
                    // Control characters are all one byte in UTF-8 except C1 (U+0080..U+009F, two bytes).
                    out.extend(text[i..i + c.len_utf8()].bytes().map(Piece::Byte));
                } else {
                    out.push(Piece::Invisible(c));
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

/// Unicode's format characters (category Cf) and the line and paragraph separators: they draw as
/// nothing, join or reorder their neighbours (U+202E turns the text after it around), so a reply
/// could hide or disguise its bytes with them.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_split_at_newlines_and_at_the_row_limit() {
        let mut reply = ReplyText::default();
        reply.push(b"HTTP/1.0 200 OK\r\n\r\nab");
        reply.push(&[b'x'; MAX_ROW_BYTES + 10]);
        assert_eq!(reply.row(0), b"HTTP/1.0 200 OK\r");
        assert_eq!(reply.row(1), b"\r");
        assert_eq!(reply.row(2).len(), MAX_ROW_BYTES);
        assert_eq!(reply.row(3).len(), 12);
        assert_eq!(reply.row_count(), 4);
    }

    #[test]
    fn rows_are_the_same_however_the_bytes_arrive() {
        let mut bytes = Vec::new();
        for i in 0..5000u32 {
            // Lines of varied length, some longer than a row, with multi-byte characters.
            let len = (i * 7919 % 2500) as usize;
            bytes.extend("é".repeat(len / 2).as_bytes());
            bytes.push(if i % 3 == 0 { b'\n' } else { b'x' });
        }
        let mut whole = ReplyText::default();
        whole.push(&bytes);
        for chunk_size in [1, 7, 1000, 65536] {
            let mut parts = ReplyText::default();
            for chunk in bytes.chunks(chunk_size) {
                parts.push(chunk);
            }
            assert_eq!(parts.row_starts, whole.row_starts, "chunks of {chunk_size}");
        }
        assert!((0..whole.row_count()).all(|i| whole.row(i).len() <= MAX_ROW_BYTES + 3));
    }

    #[test]
    fn rows_and_row_of_byte_agree() {
        let mut reply = ReplyText::default();
        reply.push(b"ab\ncd\n\nef");
        let rows: Vec<Row<'_>> = reply.rows(1..10).collect();
        assert_eq!(
            rows.iter().map(|r| (r.index, r.start, r.bytes)).collect::<Vec<_>>(),
            [(1, 3, &b"cd"[..]), (2, 6, &b""[..]), (3, 7, &b"ef"[..])]
        );
        let by_byte: Vec<usize> = (0..=reply.bytes().len()).map(|b| reply.row_of_byte(b)).collect();
        assert_eq!(by_byte, [0, 0, 0, 1, 1, 1, 2, 3, 3, 3]);
    }

    #[test]
    fn a_long_row_never_splits_a_character() {
        let mut reply = ReplyText::default();
        reply.push("é".repeat(MAX_ROW_BYTES).as_bytes());
        for i in 0..reply.row_count() {
            assert!(std::str::from_utf8(reply.row(i)).is_ok(), "row {i}");
        }
    }

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
