//! The row index, tested through the store that feeds it, chunk by chunk as a reply arrives.

use proptest::prelude::*;

use super::ReplyText;
use super::row_index::{MAX_ROW_BYTES, Row};

fn fed(bytes: &[u8], chunk_sizes: &[usize]) -> ReplyText {
    let mut reply = ReplyText::default();
    let mut rest = bytes;
    for size in chunk_sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = rest.split_at((*size).min(rest.len()));
        reply.push(chunk);
        rest = after;
    }
    reply
}

fn all_rows(reply: &ReplyText) -> Vec<(usize, usize, Vec<u8>)> {
    reply.rows(0..usize::MAX).map(|r| (r.index, r.start, r.bytes.to_vec())).collect()
}

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
fn an_empty_reply_has_no_rows() {
    let mut reply = ReplyText::default();
    reply.push(b"");
    assert_eq!((reply.row_count(), reply.rows(0..10).count(), reply.row_of_byte(5)), (0, 0, 0));
    assert_eq!((reply.row(0), reply.row_start(0)), (&b""[..], 0));
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
    let whole = all_rows(&fed(&bytes, &[bytes.len()]));
    for chunk_size in [1, 7, 1000, 65536] {
        assert_eq!(all_rows(&fed(&bytes, &[chunk_size])), whole, "chunks of {chunk_size}");
    }
    assert!(whole.iter().all(|(_, _, row)| row.len() <= MAX_ROW_BYTES));
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
fn a_character_across_the_budget_moves_to_the_next_row() {
    let mut reply = ReplyText::default();
    reply.push(&[b'a'; MAX_ROW_BYTES - 1]);
    reply.push("€b".as_bytes());
    assert_eq!(reply.row(0), &[b'a'; MAX_ROW_BYTES - 1][..]);
    assert_eq!(reply.row(1), "€b".as_bytes());
}

#[test]
fn a_run_of_continuation_bytes_is_cut_at_the_budget() {
    // Once a single row (it froze the window); now rows of the budget like any other bytes.
    let mut reply = ReplyText::default();
    reply.push(b"\xE2");
    reply.push(&[0x80; 10 * MAX_ROW_BYTES]);
    assert_eq!(reply.row_count(), 11);
    assert!((0..10).all(|i| reply.row(i).len() == MAX_ROW_BYTES));
    assert_eq!(reply.row(10).len(), 1);
}

#[test]
fn a_million_short_rows_keep_a_small_index() {
    let len = 1 << 20;
    let mut reply = ReplyText::default();
    for chunk in vec![b'\n'; len].chunks(65536) {
        reply.push(chunk);
    }
    assert_eq!(reply.row_count(), len + 1);
    assert!(reply.index_bytes() <= len / 100, "{} bytes of index", reply.index_bytes());
    let middle: Vec<(usize, usize, usize)> =
        reply.rows(700_001..700_004).map(|r| (r.index, r.start, r.bytes.len())).collect();
    assert_eq!(middle, [(700_001, 700_001, 0), (700_002, 700_002, 0), (700_003, 700_003, 0)]);
    assert_eq!((reply.row_start(len), reply.row(len)), (len, &b""[..]));
    assert_eq!(
        (reply.row_of_byte(123_456), reply.row_of_byte(len), reply.row_of_byte(usize::MAX)),
        (123_456, len, len)
    );
}

/// The length of the valid UTF-8 character that starts at `i`, if one does.
fn char_len_at(bytes: &[u8], i: usize) -> Option<usize> {
    let head = &bytes[i..bytes.len().min(i + 4)];
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap(),
    };
    valid.chars().next().map(char::len_utf8)
}

/// Replies as hostile servers send them: runs of newlines, continuation bytes and other single
/// bytes, lines around the budget, text with multi-byte characters, and random bytes.
fn reply_bytes() -> impl Strategy<Value = Vec<u8>> {
    let run = (prop::sample::select(vec![b'\n', 0x80, 0xBF, b'a', 0xE2, 0xF0, 0xFF]), 0..3000usize)
        .prop_map(|(byte, n)| vec![byte; n]);
    let line = (0..2100usize).prop_map(|n| {
        let mut line = vec![b'x'; n];
        line.push(b'\n');
        line
    });
    let wide = (0..4usize, 0..800usize).prop_map(|(skew, n)| {
        let mut text = "a".repeat(skew);
        text.push_str(&"é€😀".repeat(n));
        text.into_bytes()
    });
    let text =
        prop::collection::vec(any::<char>(), 0..400).prop_map(|cs| cs.into_iter().collect::<String>().into_bytes());
    let random = prop::collection::vec(any::<u8>(), 0..600);
    prop::collection::vec(prop_oneof![run, line, wide, text, random], 0..8).prop_map(|parts| parts.concat())
}

fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![1..8usize, 1..2000usize, Just(65536)], 1..6)
}

proptest! {
    #[test]
    fn rows_rebuild_the_input_within_the_budget(bytes in reply_bytes(), chunks in chunk_sizes()) {
        let reply = fed(&bytes, &chunks);
        let rows = all_rows(&reply);
        prop_assert_eq!(rows.len(), reply.row_count());
        prop_assert_eq!(rows.is_empty(), bytes.is_empty());
        let mut rebuilt = Vec::new();
        for (i, (index, start, row)) in rows.iter().enumerate() {
            prop_assert_eq!((*index, *start), (i, rebuilt.len()));
            prop_assert!(row.len() <= MAX_ROW_BYTES, "row {} has {} bytes", i, row.len());
            prop_assert!(!row.contains(&b'\n'));
            rebuilt.extend(row);
            let next = rows.get(i + 1).map_or(bytes.len(), |(_, start, _)| *start);
            if next == rebuilt.len() + 1 {
                prop_assert_eq!(bytes[rebuilt.len()], b'\n');
                rebuilt.push(b'\n');
            } else if next < bytes.len() {
                // Cut without a newline: only a full row, and never inside a valid character.
                prop_assert_eq!(next, rebuilt.len());
                prop_assert!(row.len() + 3 >= MAX_ROW_BYTES, "row {} cut at {} bytes", i, row.len());
                for lead in next - 3..next {
                    prop_assert!(char_len_at(&bytes, lead).is_none_or(|len| lead + len <= next), "character at {} split at {}", lead, next);
                }
            }
        }
        prop_assert!(rebuilt == bytes, "the rows do not rebuild the input");
        prop_assert!(rows == all_rows(&fed(&bytes, &[bytes.len().max(1)])), "rows differ from the whole reply's");
    }

    #[test]
    fn look_ups_agree_with_the_rows(
        bytes in reply_bytes(),
        chunks in chunk_sizes(),
        picks in prop::collection::vec((any::<usize>(), 0..100usize), 16),
    ) {
        let reply = fed(&bytes, &chunks);
        let rows = all_rows(&reply);
        let count = rows.len();
        for (pick, len) in picks {
            let first = pick % (count + 2);
            let range: Vec<_> = reply.rows(first..first + len).map(|r| (r.index, r.start, r.bytes.to_vec())).collect();
            prop_assert!(range[..] == rows[first.min(count)..(first + len).min(count)], "rows({}..{})", first, first + len);
            if let Some((_, start, row)) = rows.get(first) {
                prop_assert_eq!((reply.row_start(first), reply.row(first)), (*start, &row[..]));
            }
            let offset = pick % (bytes.len() + 3);
            let at = reply.row_of_byte(offset);
            let start = |i: usize| rows.get(i).map_or(usize::MAX, |(_, start, _)| *start);
            prop_assert!(count == 0 || (start(at) <= offset && offset < start(at + 1)) || (at + 1 == count && offset >= start(at)), "byte {} in row {}", offset, at);
        }
    }
}
