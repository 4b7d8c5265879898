//! Stdout for a terminal: the reply's bytes that a terminal would obey rather than show are written
//! as `\xNN`, so a reply cannot set the window title, write the clipboard (OSC 52), clear the screen
//! or leave the terminal in the alternate screen. The escaping is the terminal style of
//! [`crate::escape`]: a literal backslash is written `\\`, so what the terminal shows unescapes to
//! the exact bytes.
//!
//! Escaped: ESC and the other C0 controls except newline and tab, DEL, the C1 controls (U+0080 to
//! U+009F, escaped byte by byte), characters that draw as nothing or reorder the text (bidi overrides
//! such as U+202E, zero-width characters, the byte order mark: also byte by byte), and bytes that are
//! not UTF-8. Text, newlines, tabs and the CR of a
//! CR LF line end pass through; a lone CR, which would let later text overwrite a line, is escaped.
//! It streams: a UTF-8 character split between two writes is held back, not escaped, until its end
//! arrives. A file or a pipe gets the raw bytes; this wrapper is only put in front of a terminal.

use std::io::{self, Write};

use crate::escape::{self, Style};

/// The longest UTF-8 character, in bytes: at most one less than this is ever held back.
const MAX_CHAR: usize = 4;

pub struct TerminalSafe<W: Write> {
    inner: W,
    /// The start of a character whose end has not arrived yet.
    held: Vec<u8>,
    /// Called once, before the first escape is written: says where the raw bytes can be had.
    on_first_escape: Option<Box<dyn FnOnce() + Send>>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W, on_first_escape: Box<dyn FnOnce() + Send>) -> Self {
        Self { inner, held: Vec::with_capacity(MAX_CHAR), on_first_escape: Some(on_first_escape) }
    }

    /// Escapes `bytes` into `out`; `last`: no more bytes follow, so an unfinished character is escaped too.
    fn escape_into(&mut self, bytes: &[u8], out: &mut Vec<u8>, last: bool) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(text) => (text, 0),
                Err(e) => {
                    let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                    match e.error_len() {
                        Some(len) => (valid, len),
                        // The character is cut at the end of this write: keep it for the next.
                        None if !last => {
                            self.escape_text(valid, out);
                            self.held.extend_from_slice(&rest[e.valid_up_to()..]);
                            return;
                        }
                        None => (valid, rest.len() - e.valid_up_to()),
                    }
                }
            };
            self.escape_text(valid, out);
            let bad_bytes = &rest[valid.len()..valid.len() + bad];
            for byte in bad_bytes {
                self.escape_byte(*byte, out);
            }
            rest = &rest[valid.len() + bad..];
        }
    }

    fn escape_text(&mut self, text: &str, out: &mut Vec<u8>) {
        // Bidi overrides and zero-width characters are not commands, but a terminal would let
        // them reorder or hide the text around them: the terminal style shows them as bytes too.
        if escape::push_text(Style::Terminal, text, out) {
            self.note_escape();
        }
    }

    fn escape_byte(&mut self, byte: u8, out: &mut Vec<u8>) {
        self.note_escape();
        escape::push_byte(byte, out);
    }

    fn note_escape(&mut self) {
        if let Some(note) = self.on_first_escape.take() {
            note();
        }
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(buf);
        // A CR at the end may be the first half of a CR LF: wait for the next byte to tell.
        let cr_last = bytes.last() == Some(&b'\r');
        if cr_last {
            bytes.pop();
        }
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        self.escape_into(&bytes, &mut out, false);
        if cr_last {
            self.held.push(b'\r');
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    /// Flushes what is written; a character still unfinished stays held, since its end may follow.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalSafe<W> {
    /// The reply has ended: an unfinished character will never be finished, so it is shown escaped.
    fn drop(&mut self) {
        if !self.held.is_empty() {
            let held = std::mem::take(&mut self.held);
            let mut out = Vec::new();
            self.escape_into(&held, &mut out, true);
            // The terminal went away: nobody is left to show the last bytes to.
            let _ = self.inner.write_all(&out).and_then(|()| self.inner.flush());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::{is_invisible, unescape};

    /// What the terminal gets for `bytes` written in pieces cut at `cuts`.
    fn shown(bytes: &[u8], cuts: &[usize]) -> String {
        let mut screen = Vec::new();
        {
            let mut safe = TerminalSafe::new(&mut screen, Box::new(|| {}));
            let mut from = 0;
            for &cut in cuts.iter().chain([&bytes.len()]) {
                safe.write_all(&bytes[from..cut]).unwrap_or_default();
                from = cut;
            }
        }
        String::from_utf8(screen).unwrap_or_default()
    }

    #[test]
    fn terminal_commands_are_escaped_and_text_passes() {
        let reply = b"\x1b]0;owned\x07\x1b]52;c;aGk=\x07\x1b[2J\x1b[?1049h\x7f\xc2\x9b2J\xff\r\nt\xc3\xa9xt\ttab\n";
        let want = "\\x1B]0;owned\\x07\\x1B]52;c;aGk=\\x07\\x1B[2J\\x1B[?1049h\\x7F\\xC2\\x9B2J\\xFF\r\ntéxt\ttab\n";
        assert_eq!(shown(reply, &[]), want);
        // A CR LF split between writes is still a line end; a lone CR is escaped.
        assert_eq!(shown(b"a\r\nb\rc\r", &[2, 5]), "a\r\nb\\x0Dc\\x0D");
        assert_eq!(shown("evil\u{202E}txt.exe".as_bytes(), &[6]), "evil\\xE2\\x80\\xAEtxt.exe");
        // A literal backslash is doubled, so a body's own text "\x41" is not read back as "A".
        assert_eq!(shown(br"C:\dir \x41", &[3]), r"C:\\dir \\x41");
    }

    use proptest::prelude::{Strategy, any, prop_oneof};

    /// A random byte, or a piece that matters here: characters of 2, 3 and 4 bytes, line ends, a C1
    /// control as text, an escape sequence, a backslash.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        let special =
            ["é", "€", "😀", "\r\n", "\r", "\n", "\t", "\u{85}", "\u{202E}", "\u{FEFF}", "\x1b[2J", "\\", "plain text"];
        prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            proptest::sample::select(special.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        ]
    }

    proptest::proptest! {
        /// For any bytes in any chunking: the terminal gets the same as for one write, nothing it
        /// would obey, and every byte back when the escapes are read back.
        #[test]
        fn any_bytes_in_any_chunking_reach_the_terminal_tamed(
            bytes in proptest::collection::vec(piece(), 0..100).prop_map(|pieces| pieces.concat()),
            cuts in proptest::collection::vec(0usize..300, 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let whole = shown(&bytes, &[]);
            proptest::prop_assert_eq!(&shown(&bytes, &cuts), &whole);
            let obeyed = whole.char_indices().find(|&(i, c)| {
                (c.is_control() && c != '\n' && c != '\t' && !(c == '\r' && whole[i + 1..].starts_with('\n')))
                    || is_invisible(c)
            });
            proptest::prop_assert!(obeyed.is_none(), "{:?} in {:?}", obeyed, whole);
            proptest::prop_assert_eq!(unescape(whole.as_bytes()), Ok(bytes));
        }
    }

    #[test]
    fn a_character_split_between_writes_is_not_escaped() {
        let text = "é€😀".as_bytes();
        for cut in 1..text.len() {
            assert_eq!(shown(text, &[cut]), "é€😀", "cut at {cut}");
        }
        // A character that never ends is escaped when the reply ends.
        assert_eq!(shown(b"ok\xe2\x82", &[3]), "ok\\xE2\\x82");
    }
}
