//! "Exactly what will be sent": the request's bytes as lines a person can read, written in raw
//! mode's escapes (`\r`, `\n`, `\t`, `\\`, `\xNN`) by raw mode's own printer, so every byte shows,
//! a line end included, and a preview typed back into raw mode sends the same bytes.

use std::ops::ControlFlow;

use crate::escape::Run;
use crate::fetch::raw_text_runs;

/// A piece of a preview line: text as it is, or the escape standing for a byte that is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub escape: bool,
}

/// The preview of `bytes`: one line per line sent (each ends after its `\n`), at most `max_lines`
/// of them; true when more were left out.
pub fn preview_lines(bytes: &[u8], max_lines: usize) -> (Vec<Vec<Piece>>, bool) {
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut line = Vec::new();
    let more = raw_text_runs(bytes, &mut |run| {
        if lines.len() == max_lines {
            return ControlFlow::Break(());
        }
        match run {
            Run::Text(text) => push(&mut line, text, false),
            Run::Named(text) | Run::Escape(text) => push(&mut line, text, true),
        }
        if run == Run::Named(r"\n") {
            lines.push(std::mem::take(&mut line));
        }
        ControlFlow::Continue(())
    })
    .is_break();
    if !more && !line.is_empty() {
        lines.push(line);
    }
    (lines, more)
}

/// Appends `text` to the line, to its last piece when that is of the same kind.
fn push(line: &mut Vec<Piece>, text: &str, escape: bool) {
    match line.last_mut() {
        Some(last) if last.escape == escape => last.text.push_str(text),
        _ => line.push(Piece { text: text.to_owned(), escape }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fetch::raw_bytes;

    fn joined(lines: &[Vec<Piece>]) -> Vec<String> {
        lines.iter().map(|l| l.iter().map(|p| p.text.as_str()).collect()).collect()
    }

    #[test]
    fn each_request_line_is_a_preview_line_with_its_line_end_shown() {
        let (lines, more) = preview_lines(b"GET / HTTP/1.0\r\nHost: a\r\n\r\nbody\x00\xff\xe2\x80\xae", 10);
        assert!(!more);
        assert_eq!(
            joined(&lines),
            ["GET / HTTP/1.0\\r\\n", "Host: a\\r\\n", "\\r\\n", "body\\x00\\xFF\\xE2\\x80\\xAE"]
        );
        assert_eq!(lines[0][1], Piece { text: r"\r\n".to_owned(), escape: true });
    }

    #[test]
    fn lines_past_the_most_shown_are_left_out_and_said() {
        assert_eq!(preview_lines(b"a\nb\nc", 2).0.len(), 2);
        assert!(preview_lines(b"a\nb\nc", 2).1);
        assert!(!preview_lines(b"a\nb\n", 2).1);
        assert_eq!(preview_lines(b"", 2), (vec![], false));
    }

    proptest! {
        #[test]
        fn the_preview_typed_into_raw_mode_sends_the_same_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let (lines, more) = preview_lines(&bytes, usize::MAX);
            prop_assert!(!more);
            prop_assert_eq!(raw_bytes(&joined(&lines).concat()).unwrap(), bytes);
        }
    }
}
