//! Where the reply's display rows begin, kept small whatever their number.
//!
//! A row ends at a newline, or where it reaches [`MAX_ROW_BYTES`] without one, so binary data, a
//! run of one byte or one huge line never becomes one huge widget. The rule looks at nothing past
//! the cut, so the rows are the same however the bytes were split into chunks.
//!
//! The index does not keep every row's start: 256 MiB of `\n` is 268 million rows, and even 4 bytes
//! a row would be 1 GiB. It keeps one [`Mark`] per [`BLOCK_BYTES`] of the reply: the row that holds
//! the block's first byte. A row asked for is found by one look-up of the mark at or before it and a
//! memchr scan forward from there, which never covers more than a block and a row of bytes. So the
//! index costs 16 bytes per 4 KiB of reply (0.4 %) whether the reply is one line or all newlines.

use std::ops::Range;

use super::Row;

/// A line longer than this is shown as several rows, whatever its bytes are.
pub const MAX_ROW_BYTES: usize = 1024;

/// One mark per this many bytes of the reply; it bounds the scan a look-up needs.
const BLOCK_BYTES: usize = 4096;

/// The row that holds the first byte of a block.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Mark {
    row: usize,
    start: usize,
}

#[derive(Debug, Default)]
pub struct RowIndex {
    /// Rows so far, the open one included: 0 only while the reply is empty.
    rows: usize,
    /// Where the last row starts. It is still open: a later newline or cut ends it.
    open_row: usize,
    /// How much of the reply has been indexed.
    indexed: usize,
    /// `marks[k]` is the row that holds byte `k * BLOCK_BYTES`, for every such byte before the
    /// open row (a byte in the open row may still move to a new row when that row is cut).
    marks: Vec<Mark>,
}

impl RowIndex {
    /// Indexes what was added to `bytes`, the whole reply, since the last call.
    ///
    /// The work is per stretch of at most a row's budget, not per row: newlines are counted with
    /// memchr's vectorized count, and only where a block begins is a row looked at.
    pub fn extend(&mut self, bytes: &[u8]) {
        let end = bytes.len();
        if self.rows == 0 && end > 0 {
            self.rows = 1;
        }
        // Invariant: no newline in bytes[open_row..pos].
        let mut pos = self.indexed;
        while pos < end {
            // A byte at `limit` that is not preceded by a newline makes the open row too long.
            let limit = self.open_row + MAX_ROW_BYTES;
            let stretch_end = end.min(limit + 1);
            let stretch = &bytes[pos..stretch_end];
            if let Some(last) = memchr::memrchr(b'\n', stretch) {
                // The first newline ends the open row within its budget; rows between newlines of
                // the stretch are shorter than the stretch, so none of them needs a cut.
                let next_row = pos + last + 1;
                self.mark_blocks_before(next_row, bytes, pos);
                self.rows += memchr::memchr_iter(b'\n', stretch).count();
                self.open_row = next_row;
                pos = stretch_end;
            } else if stretch_end > limit {
                let cut = cut_at(bytes, limit);
                self.mark_blocks_before(cut, bytes, pos);
                self.rows += 1;
                self.open_row = cut;
                pos = limit + 1;
            } else {
                pos = end;
            }
        }
        self.indexed = end;
    }

    /// Marks the blocks that begin before `next_row`, where the row after the open one will start:
    /// their rows are settled. Only newlines at or after `scanned` may lie before them.
    fn mark_blocks_before(&mut self, next_row: usize, bytes: &[u8], scanned: usize) {
        loop {
            let at = self.marks.len() * BLOCK_BYTES;
            if at >= next_row {
                return;
            }
            // The row holding `at` is the open row, or the row after the last newline before `at`.
            let before = &bytes[scanned..at.max(scanned)];
            let mark = match memchr::memrchr(b'\n', before) {
                Some(last) => {
                    Mark { row: self.rows - 1 + memchr::memchr_iter(b'\n', before).count(), start: scanned + last + 1 }
                }
                None => Mark { row: self.rows - 1, start: self.open_row },
            };
            self.marks.push(mark);
        }
    }

    pub fn row_count(&self) -> usize {
        self.rows
    }

    /// Heap bytes the index holds.
    pub fn heap_bytes(&self) -> usize {
        self.marks.capacity() * size_of::<Mark>()
    }

    /// The rows in `range` (clamped to the rows there are): one mark look-up, then a scan.
    pub fn rows<'a>(&self, bytes: &'a [u8], range: Range<usize>) -> impl Iterator<Item = Row<'a>> + use<'a> {
        let end = range.end.min(self.rows);
        let first = range.start.min(end);
        let mark =
            self.marks.partition_point(|m| m.row <= first).checked_sub(1).map_or_else(Mark::default, |k| self.marks[k]);
        RowWalk { bytes, index: mark.row, start: Some(mark.start) }.skip(first - mark.row).take(end - first)
    }

    /// The row that holds byte `offset` (the last row for an offset at or past the end).
    pub fn row_of_byte(&self, bytes: &[u8], offset: usize) -> usize {
        let mark = self.marks.get(offset / BLOCK_BYTES).or(self.marks.last()).copied().unwrap_or_default();
        let mut row = mark.row;
        let mut start = mark.start;
        while let Some((_, next)) = row_end(bytes, start) {
            if next > offset {
                break;
            }
            row += 1;
            start = next;
        }
        row.min(self.rows.saturating_sub(1))
    }
}

/// Rows one after another from a known row start.
struct RowWalk<'a> {
    bytes: &'a [u8],
    index: usize,
    /// `None` after the last row.
    start: Option<usize>,
}

impl<'a> Iterator for RowWalk<'a> {
    type Item = Row<'a>;

    fn next(&mut self) -> Option<Row<'a>> {
        let start = self.start?;
        let (end, next) = row_end(self.bytes, start).map_or((self.bytes.len(), None), |(end, next)| (end, Some(next)));
        let row = Row { index: self.index, start, bytes: &self.bytes[start..end] };
        self.index += 1;
        self.start = next;
        Some(row)
    }
}

/// Where the row starting at `start` ends (its newline excluded) and where the next one starts;
/// `None` for the last row, which runs to the end of the reply. The same rule as
/// [`RowIndex::extend`], for one row.
fn row_end(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let limit = start + MAX_ROW_BYTES;
    let window = &bytes[start..bytes.len().min(limit + 1)];
    if let Some(newline) = memchr::memchr(b'\n', window) {
        Some((start + newline, start + newline + 1))
    } else if window.len() > MAX_ROW_BYTES {
        let cut = cut_at(bytes, limit);
        Some((cut, cut))
    } else {
        None
    }
}

/// Where a row that reaches `limit` without a newline is cut: at `limit`, or, when the byte there
/// continues a character begun at most three bytes before and valid UTF-8 so far, at that
/// character's first byte, so no valid character is split. A run of continuation bytes with no
/// valid start is cut at `limit` like any other bytes. Only bytes up to `limit` are looked at, so
/// the cut is the same whether or not the bytes after it have arrived.
fn cut_at(bytes: &[u8], limit: usize) -> usize {
    if !is_utf8_continuation(bytes[limit]) {
        return limit;
    }
    let Some(lead) = (limit.saturating_sub(3)..limit).rev().find(|i| !is_utf8_continuation(bytes[*i])) else {
        return limit;
    };
    match std::str::from_utf8(&bytes[lead..=limit]) {
        // One whole character (only `lead` starts one), or the valid beginning of one.
        Ok(_) => lead,
        Err(e) if e.valid_up_to() == 0 && e.error_len().is_none() => lead,
        Err(_) => limit,
    }
}

fn is_utf8_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::ReplyText;
    use super::*;

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
}
