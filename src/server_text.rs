//! Text that came from a server (a status reason, a header value) or from a paste, made fit for one
//! line of a label or of the terminal's stderr: control and invisible formatting characters made
//! visible (in the line style of [`crate::escape`]), and cut short.
//!
//! A server chooses this text: a 60,000-character reason phrase would otherwise size the window, and
//! an escape sequence in it would reach the terminal. The whole text stays in the reply view (and in
//! labels, on hover).

use crate::escape;

/// How many characters of server text a label or a terminal line shows.
pub const LINE_CHARS: usize = 80;

/// `text` with each control character written as an escape (`\r`, `\x1B`, `\u{0085}`), cut after
/// [`LINE_CHARS`] characters with "…" when longer.
pub fn one_line(text: &str) -> String {
    escape::line(text.as_bytes(), LINE_CHARS)
}

/// `text` whole, each control character written as an escape: for a hover text or a log.
pub fn visible(text: &str) -> String {
    escape::escape(escape::Style::Line, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_show_and_long_text_is_cut() {
        assert_eq!(one_line("OK"), "OK");
        assert_eq!(one_line("a\x1b]0;title\x07\r\n\u{9b}b"), "a\\x1B]0;title\\x07\\r\\n\\u{009B}b");
        let long = "é".repeat(60_000);
        let shown = one_line(&long);
        assert_eq!(shown.chars().count(), LINE_CHARS + 1);
        assert!(shown.ends_with("é…"));
        assert_eq!(one_line(&"x".repeat(LINE_CHARS)), "x".repeat(LINE_CHARS));
        assert_eq!(visible("a\0b"), "a\\x00b");
        assert_eq!(one_line("a\u{202E}b\u{200B}"), "a\\u{202E}b\\u{200B}");
    }
}
