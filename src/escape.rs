//! The one escaper: how a byte or character that does not show as itself is written for a person.
//!
//! One canonical form everywhere, upper-case hex: `\x1B` for a byte, `\u{202E}` for a character
//! shown by its code point (at least four digits, as Unicode writes U+202E), and `\r`, `\n`, `\t`,
//! `\\` by name where a [`Style`] names them. Bytes that are not UTF-8 are always `\xNN`.
//!
//! What counts as hidden is decided once: the control characters (Unicode's Cc: C0, DEL and C1)
//! and [`is_invisible`] characters (format characters, Cf, and the line and paragraph separators).
//! The styles differ only in which of those they leave alone and how they write the rest.

use std::ops::ControlFlow;

/// Where escaped text goes, so one escaper serves both `String`s and byte buffers.
pub trait Out {
    fn put(&mut self, text: &str);
}

impl Out for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Out for Vec<u8> {
    fn put(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
}

/// Who reads the text, which decides what is escaped and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The clipboard's reversible form: every character as it is, control characters included; only
    /// the backslash is written `\\`, so [`unescape`] gives back the exact bytes.
    Clipboard,
    /// A terminal's safe form, reversible as the clipboard's: anything a terminal would obey or that
    /// hides (control characters but newline, tab and the CR of a CR LF; invisible characters) is
    /// written as its bytes, `\xNN` each, and the backslash as `\\`.
    Terminal,
    /// One line of a label or a log: `\r`, `\n`, `\t` by name, the other ASCII controls as `\xNN`,
    /// C1 controls and invisible characters as `\u{XXXX}`. For reading only: a backslash stays.
    Line,
    /// The reply view's marks: a tab stays (the view draws it), `\r` by name, other control
    /// characters as their bytes (`\xNN` each), invisible characters as `\u{XXXX}`.
    View,
    /// Raw mode's typed escapes, which raw mode reads back: `\r`, `\n`, `\t`, `\\` by name, other
    /// control and invisible characters as their UTF-8 bytes, `\xNN` each.
    Raw,
}

/// How a style shows one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Itself,
    /// By name: `\r`, `\n`, `\t` or `\\`.
    Named(&'static str),
    /// Each of its UTF-8 bytes as `\xNN`.
    Bytes,
    /// Its code point, `\u{XXXX}`.
    CodePoint,
}

/// A run of escaped text: characters as they are, a name, or an escape that stands for hidden bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    Text(&'a str),
    Named(&'static str),
    Escape(&'a str),
}

impl Style {
    /// How `c` is shown in this style (the terminal's CR of a CR LF is decided by [`each_run`]).
    pub fn mark(self, c: char) -> Mark {
        let hidden = c.is_control() || is_invisible(c);
        match (self, c) {
            (Self::Clipboard | Self::Terminal | Self::Raw, '\\') => Mark::Named(r"\\"),
            (Self::Line | Self::View | Self::Raw, '\r') => Mark::Named(r"\r"),
            (Self::Line | Self::Raw, '\n') => Mark::Named(r"\n"),
            (Self::Line | Self::Raw, '\t') => Mark::Named(r"\t"),
            (Self::Terminal, '\n' | '\t') | (Self::View, '\t') | (Self::Clipboard, _) => Mark::Itself,
            (Self::Line, c) if c.is_ascii_control() => Mark::Bytes,
            (Self::Line, _) if hidden => Mark::CodePoint,
            (Self::View, c) if is_invisible(c) => Mark::CodePoint,
            _ if hidden => Mark::Bytes,
            _ => Mark::Itself,
        }
    }
}

/// Unicode's format characters (category Cf) and the line and paragraph separators: they draw as
/// nothing, join or reorder their neighbours (U+202E turns the text after it around), so text
/// could hide or disguise its bytes with them.
pub fn is_invisible(c: char) -> bool {
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

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// How long a byte's escape is: `\xNN`.
pub const BYTE_LEN: usize = 4;

/// One byte as `\xNN`.
pub fn push_byte(byte: u8, out: &mut impl Out) {
    let text = [b'\\', b'x', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xF)]];
    // Four ASCII bytes are always UTF-8.
    out.put(std::str::from_utf8(&text).unwrap_or_default());
}

/// How many hex digits `c`'s code point is written with: at least four.
fn code_point_digits(c: char) -> usize {
    ((u32::BITS - u32::from(c).leading_zeros()).div_ceil(4) as usize).max(4)
}

/// One character as its code point, `\u{XXXX}`.
pub fn push_code_point(c: char, out: &mut impl Out) {
    let mut text = [0; 10];
    let digits = code_point_digits(c);
    text[..3].copy_from_slice(br"\u{");
    for (i, digit) in text[3..3 + digits].iter_mut().enumerate() {
        let shift = 4 * (digits - 1 - i);
        *digit = HEX[(u32::from(c) >> shift & 0xF) as usize];
    }
    text[3 + digits] = b'}';
    out.put(std::str::from_utf8(&text[..4 + digits]).unwrap_or_default());
}

/// How long [`push_code_point`] writes `c`, counted rather than written.
pub fn code_point_len(c: char) -> usize {
    4 + code_point_digits(c)
}

/// Writes `c` as `mark` says.
fn push_mark(c: char, mark: Mark, out: &mut impl Out) {
    match mark {
        Mark::Itself => out.put(c.encode_utf8(&mut [0; 4])),
        Mark::Named(name) => out.put(name),
        Mark::Bytes => {
            for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                push_byte(byte, out);
            }
        }
        Mark::CodePoint => push_code_point(c, out),
    }
}

/// Calls `each` with `text` in `style`, run by run: characters that show as themselves together.
pub fn each_run<B>(style: Style, text: &str, each: &mut impl FnMut(Run<'_>) -> ControlFlow<B>) -> ControlFlow<B> {
    let mut start = 0;
    let mut escape = String::new();
    let mut marked = |i: usize, c: char, mark: Mark, start: &mut usize| {
        if *start < i {
            each(Run::Text(&text[*start..i]))?;
        }
        *start = i + c.len_utf8();
        if let Mark::Named(name) = mark {
            return each(Run::Named(name));
        }
        escape.clear();
        push_mark(c, mark, &mut escape);
        each(Run::Escape(&escape))
    };
    if style == Style::Clipboard {
        // Only the backslash is marked: found fast, as a copy may be of many megabytes.
        for i in memchr::memchr_iter(b'\\', text.as_bytes()) {
            marked(i, '\\', Mark::Named(r"\\"), &mut start)?;
        }
    } else {
        for (i, c) in text.char_indices() {
            let line_end = style == Style::Terminal && c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n');
            let mark = style.mark(c);
            if !line_end && !matches!(mark, Mark::Itself) {
                marked(i, c, mark, &mut start)?;
            }
        }
    }
    if start < text.len() {
        each(Run::Text(&text[start..]))?;
    }
    ControlFlow::Continue(())
}

/// Writes `text` in `style`; true when some character was written as an escape (not by name).
pub fn push_text(style: Style, text: &str, out: &mut impl Out) -> bool {
    let mut escaped = false;
    let _ = each_run::<()>(style, text, &mut |run| {
        match run {
            Run::Text(text) | Run::Named(text) => out.put(text),
            Run::Escape(text) => {
                escaped = true;
                out.put(text);
            }
        }
        ControlFlow::Continue(())
    });
    escaped
}

/// `bytes` whole in `style`, each byte that is not UTF-8 as `\xNN`.
pub fn escape(style: Style, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        push_text(style, chunk.valid(), &mut out);
        for &byte in chunk.invalid() {
            push_byte(byte, &mut out);
        }
    }
    out
}

/// `bytes` on one line in the [`Style::Line`] form, at most `max` characters and bytes of them,
/// each written as its escape; "…" ends a line that was cut.
pub fn line(bytes: &[u8], max: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max.saturating_mul(4)));
    let mut shown = 0;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if shown == max {
                out.push('…');
                return out;
            }
            push_mark(c, Style::Line.mark(c), &mut out);
            shown += 1;
        }
        for &byte in chunk.invalid() {
            if shown == max {
                out.push('…');
                return out;
            }
            push_byte(byte, &mut out);
            shown += 1;
        }
    }
    out
}

/// Text that is not in the reversible form: where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {at}: a backslash must be followed by another backslash or by x and two hex digits")]
pub struct UnescapeError {
    pub at: usize,
}

/// Turns the reversible form ([`Style::Clipboard`], [`Style::Terminal`]) back into the exact bytes:
/// `\\` is one backslash, `\xNN` the byte NN. Lower-case hex reads too, as older copies wrote it.
pub fn unescape(text: &[u8]) -> Result<Vec<u8>, UnescapeError> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        let at = text.len() - rest.len() + i;
        match rest.get(i + 1..) {
            Some([b'\\', ..]) => {
                out.push(b'\\');
                rest = &rest[i + 2..];
            }
            Some([b'x', high, low, ..]) => {
                let byte = hex(*high).zip(hex(*low)).map(|(h, l)| h << 4 | l).ok_or(UnescapeError { at })?;
                out.push(byte);
                rest = &rest[i + 4..];
            }
            _ => return Err(UnescapeError { at }),
        }
    }
    out.extend_from_slice(rest);
    Ok(out)
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const STYLES: [Style; 5] = [Style::Clipboard, Style::Terminal, Style::Line, Style::View, Style::Raw];

    /// Bytes rich in what matters here: controls, invisible characters, backslashes, broken UTF-8.
    fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
        let special =
            ["\r\n", "\r", "\n", "\t", "\\", "\\x41", "\u{85}", "\u{202E}", "\u{FEFF}", "\u{E007F}", "é€😀", "\x1b[2J"];
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            any::<char>().prop_map(|c| c.to_string().into_bytes()),
            proptest::sample::select(special.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        ];
        prop::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
    }

    /// The escapes `style` writes for `bytes` (not the text between them).
    fn escapes(style: Style, bytes: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        for chunk in bytes.utf8_chunks() {
            let _ = each_run::<()>(style, chunk.valid(), &mut |run| {
                if let Run::Escape(text) = run {
                    found.push(text.to_owned());
                }
                ControlFlow::Continue(())
            });
            found.extend(chunk.invalid().iter().map(|&b| escape(style, &[b])));
        }
        found
    }

    /// Whether a style lets `c` through as it is, at `i` in `shown`.
    fn allowed(style: Style, shown: &str, i: usize, c: char) -> bool {
        match style {
            Style::Clipboard => true,
            Style::Terminal => c == '\n' || c == '\t' || (c == '\r' && shown[i + 1..].starts_with('\n')),
            Style::View => c == '\t',
            Style::Line | Style::Raw => false,
        }
    }

    proptest! {
        #[test]
        fn the_reversible_styles_give_back_any_bytes(bytes in tricky_bytes()) {
            for style in [Style::Clipboard, Style::Terminal] {
                prop_assert_eq!(unescape(escape(style, &bytes).as_bytes()), Ok(bytes.clone()), "{:?}", style);
            }
        }

        #[test]
        fn escapes_are_upper_case(bytes in tricky_bytes()) {
            for style in STYLES {
                for shown in escapes(style, &bytes) {
                    let digits = shown.replace("\\x", "").replace("\\u{", "").replace('}', "");
                    prop_assert!(shown.starts_with('\\') && !digits.is_empty(), "{}", shown);
                    prop_assert!(digits.chars().all(|c| matches!(c, '0'..='9' | 'A'..='F')), "{}", shown);
                }
            }
        }

        #[test]
        fn no_control_or_invisible_character_gets_through(bytes in tricky_bytes()) {
            for style in STYLES {
                let shown = escape(style, &bytes);
                let hidden = shown
                    .char_indices()
                    .find(|&(i, c)| (c.is_control() || is_invisible(c)) && !allowed(style, &shown, i, c));
                prop_assert!(hidden.is_none(), "{:?}: {:?} in {:?}", style, hidden, shown);
            }
        }

        #[test]
        fn a_line_is_the_whole_text_when_it_fits(bytes in tricky_bytes()) {
            prop_assert_eq!(line(&bytes, usize::MAX), escape(Style::Line, &bytes));
        }
    }

    #[test]
    fn each_style_writes_the_canonical_form() {
        let bytes = "a\\\r\n\t\x1b\u{85}\u{202E}\u{E007F}\u{FEFF}\u{AD}é\r".as_bytes();
        let mut bytes = bytes.to_vec();
        bytes.push(0xFF);
        let want = [
            (Style::Clipboard, "a\\\\\r\n\t\x1b\u{85}\u{202E}\u{E007F}\u{FEFF}\u{AD}é\r\\xFF"),
            (
                Style::Terminal,
                "a\\\\\r\n\t\\x1B\\xC2\\x85\\xE2\\x80\\xAE\\xF3\\xA0\\x81\\xBF\\xEF\\xBB\\xBF\\xC2\\xADé\\x0D\\xFF",
            ),
            (Style::Line, "a\\\\r\\n\\t\\x1B\\u{0085}\\u{202E}\\u{E007F}\\u{FEFF}\\u{00AD}é\\r\\xFF"),
            (Style::View, "a\\\\r\\x0A\t\\x1B\\xC2\\x85\\u{202E}\\u{E007F}\\u{FEFF}\\u{00AD}é\\r\\xFF"),
            (
                Style::Raw,
                "a\\\\\\r\\n\\t\\x1B\\xC2\\x85\\xE2\\x80\\xAE\\xF3\\xA0\\x81\\xBF\\xEF\\xBB\\xBF\\xC2\\xADé\\r\\xFF",
            ),
        ];
        for (style, shown) in want {
            assert_eq!(escape(style, &bytes), shown, "{style:?}");
        }
    }

    #[test]
    fn code_points_are_counted_as_long_as_they_are_written() {
        for c in ['\u{AD}', '\u{85}', '\u{200B}', '\u{202E}', '\u{FEFF}', '\u{110BD}', '\u{E0001}', '\u{10FFFF}'] {
            let mut written = String::new();
            push_code_point(c, &mut written);
            assert_eq!(code_point_len(c), written.len(), "{written}");
        }
    }

    #[test]
    fn a_line_is_cut_with_an_ellipsis() {
        assert_eq!(line(b"a\r\nb\x1b[0m\xff\xfe", 80), "a\\r\\nb\\x1B[0m\\xFF\\xFE");
        assert_eq!(line(&[b'x'; 100], 48), format!("{}…", "x".repeat(48)));
        assert_eq!(line(b"\xff\xfe\xfd", 2), "\\xFF\\xFE…");
        assert_eq!(line(b"", 48), "");
    }

    #[test]
    fn older_lower_case_escapes_still_read_and_bad_ones_are_refused() {
        assert_eq!(unescape(b"\\xff\\x1b\\xAB"), Ok(vec![0xFF, 0x1B, 0xAB]));
        assert_eq!(unescape(b"ab\\q"), Err(UnescapeError { at: 2 }));
        assert_eq!(unescape(b"\\x4"), Err(UnescapeError { at: 0 }));
        assert_eq!(unescape(b"\\xZZ"), Err(UnescapeError { at: 0 }));
        assert_eq!(unescape(b"x\\"), Err(UnescapeError { at: 1 }));
    }
}
