//! The reply's bytes, in one anonymous memory mapping that never moves.
//!
//! A `Vec` would hold them as well, but the pages of fresh memory arrive one page fault at a time
//! (4 KiB each), and on a virtual machine most of the cost of taking in a large reply is those
//! faults: 256 MiB copied into a fresh `Vec` took 145 ms of CPU here, against 105 ms when each
//! chunk's pages are asked for in one call (`MADV_POPULATE_WRITE`), which a mapping allows in safe
//! Rust. The mapping takes address space for the largest reply the window keeps at the first byte,
//! so a reply that grows is never copied (a copy of 128 MiB would stall a frame); only the pages
//! written become memory.

use std::ops::Deref;

use memmap2::{Advice, MmapMut, MmapOptions};

/// Address space taken at the first byte: the largest keep limit the window allows.
const ADDRESS_SPACE: usize = 4 << 30;

#[derive(Debug, Default)]
pub struct ReplyBytes {
    /// `None` until the first byte.
    map: Option<MmapMut>,
    len: usize,
}

impl Deref for ReplyBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.map.as_deref().map_or(&[], |map| &map[..self.len])
    }
}

impl ReplyBytes {
    /// Makes room for `more` bytes after the ones kept.
    pub fn reserve(&mut self, more: usize) {
        let needed = self.len.saturating_add(more);
        let capacity = self.map.as_ref().map_or(0, |map| map.len());
        if more == 0 || needed <= capacity {
            return;
        }
        let mut map = map_at_least(needed, capacity.saturating_mul(2));
        if let Some(old) = &self.map {
            map[..self.len].copy_from_slice(&old[..self.len]);
        }
        self.map = Some(map);
    }

    pub fn extend(&mut self, piece: &[u8]) {
        self.reserve(piece.len());
        let Some(map) = &mut self.map else { return };
        let end = self.len + piece.len();
        // The pages this piece fills in one call, instead of a fault for each. Only a hint: where
        // the kernel lacks it (before Linux 5.14) the pages fault in as they are written.
        let _ = map.advise_range(Advice::PopulateWrite, self.len, piece.len());
        map[self.len..end].copy_from_slice(piece);
        self.len = end;
    }
}

/// A new mapping of at least `needed` bytes: [`ADDRESS_SPACE`] or `wanted` if larger, or just
/// `needed` where the system will not give that much address space. Like a `Vec` that cannot
/// grow, the process stops when not even `needed` can be had.
fn map_at_least(needed: usize, wanted: usize) -> MmapMut {
    let roomy = needed.max(wanted).max(ADDRESS_SPACE);
    // No swap is set aside for pages never written: the address space costs nothing until used.
    MmapOptions::new().len(roomy).no_reserve_swap().map_anon().or_else(|_| MmapMut::map_anon(needed)).unwrap_or_else(
        |_| {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(needed, 1).unwrap_or(std::alloc::Layout::new::<u8>()),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_kept_in_order_and_kept_when_the_mapping_grows() {
        let mut bytes = ReplyBytes::default();
        assert!(bytes.is_empty());
        bytes.extend(b"");
        bytes.extend(b"HTTP/1.0 200 OK\r\n");
        bytes.extend(&[0x80; 10_000]);
        // Past the address space taken at the first byte: a new mapping, the bytes copied over.
        bytes.reserve(ADDRESS_SPACE + 1);
        bytes.extend(b"end");
        let mut want = b"HTTP/1.0 200 OK\r\n".to_vec();
        want.extend([0x80; 10_000]);
        want.extend(b"end");
        assert!(*bytes == want[..]);
        assert!(bytes.map.as_ref().is_some_and(|map| map.len() > ADDRESS_SPACE));
    }
}
