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

/// One display row: its number, where it starts in the reply, and its bytes without the newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub index: usize,
    pub start: usize,
    pub bytes: &'a [u8],
}

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
