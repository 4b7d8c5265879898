//! A piece of the reply as it arrived, in a buffer that goes back to the worker when dropped.
//!
//! A fresh buffer per read costs page faults on every event (a 1 GiB reply faulted 120,000 pages
//! and ran at 60 % of curl's speed); reusing a few buffers costs them once. The buffer that came back
//! last is used first, so reads land in memory that is still in the CPU's cache.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes of one read. Dereferences to `[u8]`.
pub struct Chunk {
    buf: Vec<u8>,
    len: usize,
    /// Where the buffer goes when the chunk is dropped; `None` for a copy.
    home: Option<Arc<Spare>>,
}

impl Chunk {
    /// A chunk that owns its bytes outright (nothing goes back to a worker).
    fn from_vec(bytes: Vec<u8>) -> Self {
        Self { len: bytes.len(), buf: bytes, home: None }
    }
}

impl Deref for Chunk {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        if let Some(home) = &self.home {
            home.put(std::mem::take(&mut self.buf));
        }
    }
}

impl Clone for Chunk {
    fn clone(&self) -> Self {
        Self::from_vec(self.to_vec())
    }
}

impl fmt::Debug for Chunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chunk({} bytes)", self.len)
    }
}

/// Buffers back from their readers, last in first out (the most recently used is the warmest).
struct Spare(Mutex<Vec<Vec<u8>>>);

impl Spare {
    fn put(&self, buf: Vec<u8>) {
        // A poisoned lock only means another holder panicked mid-push: the stack is still valid.
        let mut stack = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // A full stack lets the buffer be freed instead.
        if stack.len() < SPARE_BUFFERS {
            stack.push(buf);
        }
    }

    fn pop(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }
}

/// The worker's spare read buffers.
pub(super) struct BufferPool {
    spare: Arc<Spare>,
}

/// Bytes per read buffer: a read takes all the socket holds, up to this. Measured on 1 GiB from
/// loopback (terminal mode against curl, README's table): below 128 KiB the kernel time swung most
/// with the machine's load, 1 MiB spills the copy out of the CPU's cache; 256 KiB was the steadiest.
const BUFFER_BYTES: usize = 256 * 1024;
/// Spare buffers kept; the rest are freed. With a bounded event queue this bounds memory too.
const SPARE_BUFFERS: usize = 8;
/// A read smaller than this is copied out, so its large buffer can serve the next read.
const SMALL_READ: usize = 4096;

impl BufferPool {
    pub(super) fn new() -> Self {
        Self { spare: Arc::new(Spare(Mutex::new(Vec::with_capacity(SPARE_BUFFERS)))) }
    }

    /// A zero-filled buffer of [`BUFFER_BYTES`], reused when one has come back.
    pub(super) fn take(&self) -> Vec<u8> {
        self.spare.pop().unwrap_or_else(|| vec![0; BUFFER_BYTES])
    }

    /// Wraps the first `len` bytes of `buf` as a chunk. A small read is copied and its buffer kept
    /// in `keep` for the next read, so a slow trickle never holds many large buffers.
    pub(super) fn chunk(&self, buf: Vec<u8>, len: usize, keep: &mut Option<Vec<u8>>) -> Chunk {
        if len < SMALL_READ {
            let chunk = Chunk::from_vec(buf[..len].to_vec());
            *keep = Some(buf);
            chunk
        } else {
            Chunk { buf, len, home: Some(Arc::clone(&self.spare)) }
        }
    }
}
