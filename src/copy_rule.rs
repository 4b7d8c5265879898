//! The copy rule: what the clipboard gets for a reply's bytes. Pure functions, no GUI.
//!
//! Files saved and bytes written to a pipe are always raw. The clipboard holds text, so:
//! - a reply that is valid UTF-8 goes there exactly as received, control characters included;
//! - any other reply goes there with each byte that is not UTF-8 written as `\xNN` and each
//!   literal backslash written as `\\`, so [`unescape`] gives back the exact bytes (a literal
//!   `\x89` in the body becomes `\\x89` and cannot be mistaken for an escaped byte).
//!
//! Everything here streams over chunks, so a reply is never copied whole to decide or escape it,
//! and a character split across two chunks is the same character. The escaping is the clipboard
//! style of [`crate::escape`], which also reads it back.

use crate::escape::{self, Style};
pub use crate::escape::{UnescapeError, unescape};

/// How the clipboard text relates to the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The bytes are valid UTF-8: the text is the bytes.
    Exact,
    /// The text is the bytes escaped (`\xNN`, `\\`); [`unescape`] turns it back.
    Escaped,
}

/// A piece of the byte stream as UTF-8 sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Valid UTF-8 text (whole characters).
    Text(&'a str),
    /// One byte that is not part of any valid UTF-8 character.
    NotText(u8),
}

/// Splits a stream of chunks into [`Piece`]s. A character cut by a chunk boundary is held back
/// (at most 3 bytes) until the next chunk shows whether it completes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Splitter {
    held: [u8; 3],
    held_len: usize,
}

impl Splitter {
    pub fn push(&mut self, mut chunk: &[u8], piece: &mut impl FnMut(Piece<'_>)) {
        while self.held_len > 0 && !chunk.is_empty() {
            // Decide the held bytes with the few that follow; whatever stays undecided is held again.
            let take = chunk.len().min(4 - self.held_len);
            let mut joined = [0; 4];
            joined[..self.held_len].copy_from_slice(&self.held[..self.held_len]);
            joined[self.held_len..self.held_len + take].copy_from_slice(&chunk[..take]);
            let len = self.held_len + take;
            self.held_len = 0;
            self.split(&joined[..len], piece);
            chunk = &chunk[take..];
        }
        self.split(chunk, piece);
    }

    /// Ends the stream: bytes still held are an unfinished character, so not text.
    pub fn finish(mut self, piece: &mut impl FnMut(Piece<'_>)) {
        for &byte in &self.held[..self.held_len] {
            piece(Piece::NotText(byte));
        }
        self.held_len = 0;
    }

    fn split(&mut self, bytes: &[u8], piece: &mut impl FnMut(Piece<'_>)) {
        let mut chunks = bytes.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            if !chunk.valid().is_empty() {
                piece(Piece::Text(chunk.valid()));
            }
            let invalid = chunk.invalid();
            // At the end, bytes that are the start of a character may be completed by the next chunk.
            let unfinished = std::str::from_utf8(invalid).err().is_some_and(|e| e.error_len().is_none());
            if chunks.peek().is_none() && unfinished {
                self.held[..invalid.len()].copy_from_slice(invalid);
                self.held_len = invalid.len();
            } else {
                for &byte in invalid {
                    piece(Piece::NotText(byte));
                }
            }
        }
    }
}

/// What the copy rule makes of some bytes, counted in one pass before any text is made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Survey {
    pub bytes: u64,
    /// Bytes that are not UTF-8 (each becomes `\xNN` in the escaped form).
    pub not_text: u64,
    /// Literal backslashes (each becomes `\\` in the escaped form).
    pub backslashes: u64,
    splitter: Splitter,
}

impl Survey {
    pub fn push(&mut self, chunk: &[u8]) {
        let (mut not_text, mut backslashes) = (0, 0);
        self.splitter.push(chunk, &mut |piece| count(piece, &mut not_text, &mut backslashes));
        self.bytes += chunk.len() as u64;
        self.not_text += not_text;
        self.backslashes += backslashes;
    }

    /// The counts, once every chunk has been pushed.
    #[must_use]
    pub fn finish(mut self) -> Self {
        let (mut not_text, mut backslashes) = (0, 0);
        std::mem::take(&mut self.splitter).finish(&mut |piece| count(piece, &mut not_text, &mut backslashes));
        self.not_text += not_text;
        self.backslashes += backslashes;
        self
    }

    pub fn form(&self) -> Form {
        if self.not_text == 0 { Form::Exact } else { Form::Escaped }
    }

    /// The length of the clipboard text, in bytes (None past `u64`, which no reply reaches).
    pub fn text_len(&self) -> Option<u64> {
        match self.form() {
            Form::Exact => Some(self.bytes),
            // `\xNN` is 4 bytes for 1, `\\` is 2 for 1.
            Form::Escaped => self.not_text.checked_mul(3)?.checked_add(self.backslashes)?.checked_add(self.bytes),
        }
    }
}

fn count(piece: Piece<'_>, not_text: &mut u64, backslashes: &mut u64) {
    match piece {
        Piece::Text(text) => *backslashes += memchr::memchr_iter(b'\\', text.as_bytes()).count() as u64,
        Piece::NotText(_) => *not_text += 1,
    }
}

/// Writes the escaped form chunk by chunk: text as it is with backslashes doubled, every byte that
/// is not UTF-8 as `\xNN`.
#[derive(Debug, Default, Clone)]
pub struct Escaper {
    splitter: Splitter,
}

impl Escaper {
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        self.splitter.push(chunk, &mut |piece| write_escaped(piece, out));
    }

    pub fn finish(self, out: &mut Vec<u8>) {
        self.splitter.finish(&mut |piece| write_escaped(piece, out));
    }
}

fn write_escaped(piece: Piece<'_>, out: &mut Vec<u8>) {
    match piece {
        Piece::Text(text) => {
            escape::push_text(Style::Clipboard, text, out);
        }
        Piece::NotText(byte) => escape::push_byte(byte, out),
    }
}

/// The escaped form of `bytes`, whole (for small pieces and tests; large copies stream with [`Escaper`]).
pub fn escape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut escaper = Escaper::default();
    escaper.push(bytes, &mut out);
    escaper.finish(&mut out);
    out
}

/// The clipboard text for `bytes` under the copy rule, whole, with the form it took.
pub fn clipboard_text(bytes: &[u8]) -> (Form, Vec<u8>) {
    if std::str::from_utf8(bytes).is_ok() { (Form::Exact, bytes.to_vec()) } else { (Form::Escaped, escape(bytes)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escape_in_chunks(bytes: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut escaper = Escaper::default();
        let mut start = 0;
        for &cut in cuts {
            let cut = cut.clamp(start, bytes.len());
            escaper.push(&bytes[start..cut], &mut out);
            start = cut;
        }
        escaper.push(&bytes[start..], &mut out);
        escaper.finish(&mut out);
        out
    }

    fn survey_in_chunks(bytes: &[u8], cuts: &[usize]) -> Survey {
        let mut survey = Survey::default();
        let mut start = 0;
        for &cut in cuts {
            let cut = cut.clamp(start, bytes.len());
            survey.push(&bytes[start..cut]);
            start = cut;
        }
        survey.push(&bytes[start..]);
        survey.finish()
    }

    /// Bytes rich in what matters here: multi-byte characters, their pieces, backslashes, `\x` text.
    fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            any::<char>().prop_map(|c| c.to_string().into_bytes()),
            Just(b"\\".to_vec()),
            Just(b"\\x89".to_vec()),
            Just("é".as_bytes()[..1].to_vec()),
            Just("€".as_bytes()[..2].to_vec()),
            Just("😀".as_bytes()[..3].to_vec()),
        ];
        prop::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
    }

    fn sorted_cuts() -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(0..300usize, 0..12).prop_map(|mut cuts| {
            cuts.sort_unstable();
            cuts
        })
    }

    proptest! {
        #[test]
        fn unescaping_the_escaped_text_gives_back_the_bytes(bytes in tricky_bytes(), cuts in sorted_cuts()) {
            let text = escape_in_chunks(&bytes, &cuts);
            prop_assert_eq!(&text, &escape(&bytes), "the chunking changed the text");
            prop_assert!(std::str::from_utf8(&text).is_ok(), "the clipboard text is not UTF-8");
            prop_assert_eq!(unescape(&text), Ok(bytes));
        }

        #[test]
        fn any_bytes_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..512), cuts in sorted_cuts()) {
            prop_assert_eq!(unescape(&escape_in_chunks(&bytes, &cuts)), Ok(bytes));
        }

        #[test]
        fn valid_utf8_is_copied_unchanged(text in any::<String>(), cuts in sorted_cuts()) {
            let survey = survey_in_chunks(text.as_bytes(), &cuts);
            prop_assert_eq!(survey.form(), Form::Exact);
            prop_assert_eq!(survey.text_len(), Some(text.len() as u64));
            prop_assert_eq!(clipboard_text(text.as_bytes()), (Form::Exact, text.into_bytes()));
        }

        #[test]
        fn the_survey_predicts_the_text(bytes in tricky_bytes(), cuts in sorted_cuts()) {
            let survey = survey_in_chunks(&bytes, &cuts);
            let (form, text) = clipboard_text(&bytes);
            prop_assert_eq!(survey.form(), form);
            prop_assert_eq!(survey.text_len(), Some(text.len() as u64));
        }
    }

    #[test]
    fn control_characters_stay_when_the_reply_is_text() {
        let reply = "héllo\r\n\0\x1b[2J\\x41".as_bytes();
        assert_eq!(clipboard_text(reply), (Form::Exact, reply.to_vec()));
    }

    #[test]
    fn other_bytes_and_backslashes_are_escaped() {
        assert_eq!(clipboard_text(b"a\xFF\\x89\x00"), (Form::Escaped, b"a\\xFF\\\\x89\x00".to_vec()));
    }

    #[test]
    fn a_character_cut_between_chunks_is_one_character() {
        let euro = "€".as_bytes();
        for cut in 0..=euro.len() {
            let mut survey = Survey::default();
            survey.push(&euro[..cut]);
            survey.push(&euro[cut..]);
            assert_eq!(survey.finish().form(), Form::Exact, "cut at {cut}");
        }
    }

    #[test]
    fn an_unfinished_character_at_the_end_is_not_text() {
        assert_eq!(escape("a€".as_bytes().split_last().map_or(&[][..], |(_, rest)| rest)), b"a\\xE2\\x82");
    }
}
