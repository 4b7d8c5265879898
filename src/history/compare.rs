//! Two kept replies compared: their heads line by line (a text diff), and how many body bytes differ.

use similar::{ChangeTag, TextDiff};

/// The most of a head compared: a hostile reply with no end to its head cannot make the diff slow.
const MAX_HEAD: usize = 64 << 10;

/// One line of the heads' diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadLine {
    Both(String),
    OnlyFirst(String),
    OnlySecond(String),
}

/// What two replies have in common and not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub heads: Vec<HeadLine>,
    pub first_body: u64,
    pub second_body: u64,
    /// Body bytes that differ: at the same offset and not equal, plus the longer body's extra bytes.
    pub body_bytes_differ: u64,
}

/// Compares two raw replies: the head is what comes before the first blank line (all of a reply
/// that has none, up to [`MAX_HEAD`]), the body the rest.
pub fn compare(first: &[u8], second: &[u8]) -> Comparison {
    let (head_a, body_a) = split(first);
    let (head_b, body_b) = split(second);
    let (head_a, head_b) = (String::from_utf8_lossy(head_a), String::from_utf8_lossy(head_b));
    let heads = TextDiff::from_lines(head_a.as_ref(), head_b.as_ref())
        .iter_all_changes()
        .map(|change| {
            let text = change.value().trim_end_matches(['\r', '\n']).to_owned();
            match change.tag() {
                ChangeTag::Equal => HeadLine::Both(text),
                ChangeTag::Delete => HeadLine::OnlyFirst(text),
                ChangeTag::Insert => HeadLine::OnlySecond(text),
            }
        })
        .collect();
    let same_offset = body_a.iter().zip(body_b).filter(|(a, b)| a != b).count() as u64;
    let extra = body_a.len().abs_diff(body_b.len()) as u64;
    Comparison {
        heads,
        first_body: body_a.len() as u64,
        second_body: body_b.len() as u64,
        body_bytes_differ: same_offset + extra,
    }
}

fn split(reply: &[u8]) -> (&[u8], &[u8]) {
    let end = memchr::memmem::find(reply, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(reply, b"\n\n").map(|i| i + 2))
        .unwrap_or(reply.len())
        .min(MAX_HEAD);
    reply.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_diffed_by_line_and_body_bytes_counted() {
        let first = b"HTTP/1.0 200 OK\r\nServer: a\r\nX-Same: 1\r\n\r\nhello world";
        let second = b"HTTP/1.0 200 OK\r\nServer: b\r\nX-Same: 1\r\n\r\nhellO world!!";
        let got = compare(first, second);
        assert_eq!(
            got.heads,
            vec![
                HeadLine::Both("HTTP/1.0 200 OK".into()),
                HeadLine::OnlyFirst("Server: a".into()),
                HeadLine::OnlySecond("Server: b".into()),
                HeadLine::Both("X-Same: 1".into()),
                HeadLine::Both(String::new()),
            ]
        );
        assert_eq!((got.first_body, got.second_body), (11, 13));
        assert_eq!(got.body_bytes_differ, 1 + 2, "one byte changed, two more in the second");
    }

    #[test]
    fn a_reply_without_a_blank_line_is_all_head_and_a_huge_one_is_cut() {
        let got = compare(b"no head end\n", b"");
        assert_eq!(got.heads, vec![HeadLine::OnlyFirst("no head end".into())]);
        assert_eq!(got.body_bytes_differ, 0);
        let huge = vec![b'x'; 3 * MAX_HEAD];
        let got = compare(&huge, &huge);
        assert_eq!(got.first_body, 2 * MAX_HEAD as u64, "past the cut it counts as body");
        assert_eq!(got.body_bytes_differ, 0);
    }
}
