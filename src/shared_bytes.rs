//! A part of bytes that someone else owns and never changes again (a finished reply), handed to
//! another thread without copying them: copy, save and history read a frozen reply through this.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// `range` of the bytes `owner` holds; cloning it shares them.
#[derive(Clone)]
pub struct SharedBytes {
    owner: Arc<dyn AsRef<[u8]> + Send + Sync>,
    range: Range<usize>,
}

impl SharedBytes {
    /// All of `owner`'s bytes.
    pub fn whole(owner: Arc<dyn AsRef<[u8]> + Send + Sync>) -> Self {
        Self::part(owner, 0..usize::MAX)
    }

    /// `range` of `owner`'s bytes, cut to the bytes there are.
    pub fn part(owner: Arc<dyn AsRef<[u8]> + Send + Sync>, range: Range<usize>) -> Self {
        let len = (*owner).as_ref().len();
        let range = range.start.min(len)..range.end.min(len);
        Self { owner, range }
    }
}

impl Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &(*self.owner).as_ref()[self.range.clone()]
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} shared bytes", self.range.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_cut_to_the_bytes_there_are_and_shares_them() {
        let owner: Arc<Vec<u8>> = Arc::new(b"HTTP/1.0 200 OK".to_vec());
        let part = SharedBytes::part(owner.clone(), 9..100);
        assert_eq!(&*part, b"200 OK");
        assert_eq!(&*SharedBytes::whole(owner.clone()), b"HTTP/1.0 200 OK");
        assert_eq!(Arc::strong_count(&owner), 2, "the part holds the owner's bytes, not a copy");
    }
}
