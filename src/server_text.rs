//! Text that came from a server (a status reason, a header value) or from a paste, made fit for one
//! line of a label or of the terminal's stderr: control and invisible formatting characters made
//! visible, and cut short.
//!
//! A server chooses this text: a 60,000-character reason phrase would otherwise size the window, and
//! an escape sequence in it would reach the terminal. The whole text stays in the reply view (and in
//! labels, on hover).

use std::fmt::Write as _;

/// How many characters of server text a label or a terminal line shows.
pub const LINE_CHARS: usize = 80;

/// `text` with each control character written as an escape (`\r`, `\x1b`, `\u{85}`), cut after
/// [`LINE_CHARS`] characters with "…" when longer.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(LINE_CHARS * 4));
    for (shown, c) in text.chars().enumerate() {
        if shown == LINE_CHARS {
            out.push('…');
            break;
        }
        push_visible(&mut out, c);
    }
    out
}

/// `text` whole, each control character written as an escape: for a hover text or a log.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        // Writing to a String cannot fail.
        c if c.is_ascii_control() => drop(write!(out, "\\x{:02X}", u32::from(c))),
        c if c.is_control() || is_invisible_format(c) => drop(write!(out, "\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// Unicode's format characters (category Cf) and the line and paragraph separators: they draw as
/// nothing, join or reorder their neighbours (U+202E turns the text after it around), so a reply
/// could hide or disguise its bytes with them.
pub fn is_invisible_format(c: char) -> bool {
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
    fn controls_show_and_long_text_is_cut() {
        assert_eq!(one_line("OK"), "OK");
        assert_eq!(one_line("a\x1b]0;title\x07\r\n\u{9b}b"), "a\\x1B]0;title\\x07\\r\\n\\u{9b}b");
        let long = "é".repeat(60_000);
        let shown = one_line(&long);
        assert_eq!(shown.chars().count(), LINE_CHARS + 1);
        assert!(shown.ends_with("é…"));
        assert_eq!(one_line(&"x".repeat(LINE_CHARS)), "x".repeat(LINE_CHARS));
        assert_eq!(visible("a\0b"), "a\\x00b");
        assert_eq!(one_line("a\u{202E}b\u{200B}"), "a\\u{202e}b\\u{200b}");
    }
}
