//! Raw mode, for any TCP service: bytes sent as typed (with escapes), and a rule for when to stop
//! reading, since a service that is not a web server has no HTTP framing to say where its reply ends.
//!
//! The escapes, in typed text: `\r` carriage return, `\n` line feed, `\t` tab, `\\` a backslash, and
//! `\xNN` the byte of two hex digits NN (`\x00` to `\xFF`). Every other character is sent as its
//! UTF-8 bytes; a backslash before anything else is refused, so a typo never sends something else
//! than meant. [`raw_text`] writes any bytes in those escapes, so what it prints reads back the same.

use std::ops::ControlFlow;
use std::time::Duration;

use thiserror::Error;

use super::limits::{self, Wait};
use crate::escape::{self, Run, Style};
use crate::server_text::one_line;

/// When a raw fetch stops reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopRule {
    /// When the server hangs up.
    Hangup,
    /// When the server has sent nothing for this long (after its last byte, or after the request).
    Quiet(Duration),
    /// After this many bytes.
    Bytes(u64),
}

impl StopRule {
    /// Reads `hangup`, `quiet=SECONDS` or `bytes=N`.
    pub fn parse(text: &str) -> Result<Self, RawProblem> {
        let bad = || RawProblem::StopRule(one_line(text));
        match text.trim().split_once('=') {
            None if text.trim() == "hangup" => Ok(Self::Hangup),
            Some(("quiet", seconds)) => match limits::wait_from_text(Wait::Read, seconds) {
                Ok(wait) if !wait.is_zero() && wait != limits::NO_WAIT_LIMIT => Ok(Self::Quiet(wait)),
                _ => Err(bad()),
            },
            Some(("bytes", count)) => match count.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(Self::Bytes(n)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// Why typed raw-mode input cannot be used; nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RawProblem {
    #[error(
        "\"{0}\" is not an escape this tool knows: it knows \\r, \\n, \\t, \\\\ (a backslash) and \\xNN (one byte, two hex digits)."
    )]
    UnknownEscape(String),
    #[error("\"{0}\" is not a byte: \\x takes exactly two hex digits, from \\x00 to \\xFF.")]
    BadHexEscape(String),
    #[error(
        "\"{0}\" is not a stop rule: write hangup (when the server hangs up), quiet=SECONDS (after that many seconds without a byte, from 0.001 to 86400) or bytes=N (after N bytes)."
    )]
    StopRule(String),
}

impl RawProblem {
    /// What to try, in one sentence.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::UnknownEscape(_) | Self::BadHexEscape(_) => {
                "For a backslash itself, write \\\\; for any byte, \\x and two hex digits, such as \\x1B."
            }
            Self::StopRule(_) => "Try --stop hangup, --stop quiet=2 or --stop bytes=100.",
        }
    }
}

/// The bytes of typed text, escapes turned into the bytes they stand for.
pub fn raw_bytes(text: &str) -> Result<Vec<u8>, RawProblem> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            let mut utf8 = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            continue;
        }
        match chars.next().map(|(_, c)| c) {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let digits: String = text[at + 2..].chars().take(2).collect();
                let byte = (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| u8::from_str_radix(&digits, 16).ok())
                    .flatten()
                    .ok_or_else(|| RawProblem::BadHexEscape(one_line(&format!("\\x{digits}"))))?;
                out.push(byte);
                chars.nth(1);
            }
            other => {
                let shown = other.map_or_else(|| "\\".to_owned(), |c| format!("\\{c}"));
                return Err(RawProblem::UnknownEscape(one_line(&shown)));
            }
        }
    }
    Ok(out)
}

/// `bytes` as raw mode has them typed, run by run (text as it is, or the escape standing for a
/// character or byte that does not show as itself), until `each` breaks: the runs joined are text
/// that [`raw_bytes`] turns back into `bytes`.
pub fn raw_text_runs<B>(bytes: &[u8], each: &mut impl FnMut(Run<'_>) -> ControlFlow<B>) -> ControlFlow<B> {
    let mut byte_escape = String::new();
    for chunk in bytes.utf8_chunks() {
        // Raw mode has no escape for a whole character: a hidden one is written as its bytes.
        escape::each_run(Style::Raw, chunk.valid(), each)?;
        for &byte in chunk.invalid() {
            byte_escape.clear();
            escape::push_byte(byte, &mut byte_escape);
            each(Run::Escape(&byte_escape))?;
        }
    }
    ControlFlow::Continue(())
}

/// `bytes` as one text typed in raw mode: [`raw_bytes`] of it gives back `bytes`.
pub fn raw_text(bytes: &[u8]) -> String {
    escape::escape(Style::Raw, bytes)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn escapes_become_their_bytes_and_unknown_ones_are_refused() {
        assert_eq!(raw_bytes(r"HELO a\r\n\t\\x\x00\xfFé").unwrap(), b"HELO a\r\n\t\\x\x00\xff\xc3\xa9");
        assert_eq!(raw_bytes(r"\q"), Err(RawProblem::UnknownEscape(r"\q".to_owned())));
        assert_eq!(raw_bytes("end\\"), Err(RawProblem::UnknownEscape("\\".to_owned())));
        assert_eq!(raw_bytes(r"\x4"), Err(RawProblem::BadHexEscape(r"\x4".to_owned())));
        assert_eq!(raw_bytes(r"\xg0"), Err(RawProblem::BadHexEscape(r"\xg0".to_owned())));
        assert_eq!(raw_bytes(r"\xé0"), Err(RawProblem::BadHexEscape(r"\xé0".to_owned())));
    }

    #[test]
    fn stop_rules_are_read_and_nonsense_refused() {
        assert_eq!(StopRule::parse("hangup"), Ok(StopRule::Hangup));
        assert_eq!(StopRule::parse("quiet=0.5"), Ok(StopRule::Quiet(Duration::from_millis(500))));
        assert_eq!(StopRule::parse("bytes=12"), Ok(StopRule::Bytes(12)));
        for bad in ["", "quiet", "quiet=0", "quiet=-1", "quiet=nan", "bytes=0", "bytes=x", "hang up", "sometime=1"] {
            assert!(StopRule::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// Bytes rich in what raw mode names or cannot type: line ends, tabs, backslashes, controls,
    /// invisible characters and pieces of characters.
    fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
        let special = ["\r\n", "\t", "\\", "\\x41", "\x1b[2J", "\u{85}", "\u{202E}", "\u{FEFF}", "é€😀"];
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            any::<char>().prop_map(|c| c.to_string().into_bytes()),
            proptest::sample::select(special.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        ];
        prop::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
    }

    /// The runs of [`raw_text_runs`] joined.
    fn joined_runs(bytes: &[u8]) -> String {
        let mut text = String::new();
        let _ = raw_text_runs::<()>(bytes, &mut |run| {
            let (Run::Text(piece) | Run::Named(piece) | Run::Escape(piece)) = run;
            text.push_str(piece);
            ControlFlow::Continue(())
        });
        text
    }

    #[test]
    fn bytes_are_printed_in_the_escapes_raw_mode_reads() {
        assert_eq!(
            raw_text(b"GET /\\ HTTP/1.0\r\n\t\x00\xff\xe2\x80\xae\x1b"),
            r"GET /\\ HTTP/1.0\r\n\t\x00\xFF\xE2\x80\xAE\x1B"
        );
        assert_eq!(raw_text("é€".as_bytes()), "é€");
    }

    proptest! {
        #[test]
        fn any_bytes_printed_come_back_exactly(bytes in tricky_bytes()) {
            let text = raw_text(&bytes);
            prop_assert_eq!(&joined_runs(&bytes), &text);
            prop_assert_eq!(raw_bytes(&text).unwrap(), bytes);
        }

        #[test]
        fn lower_case_escapes_are_read_too(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let typed = bytes.iter().map(|b| format!("\\x{b:02x}")).collect::<Vec<_>>().concat();
            prop_assert_eq!(raw_bytes(&typed).unwrap(), bytes);
        }
    }
}
