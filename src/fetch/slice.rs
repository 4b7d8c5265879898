//! Waiting in short slices: the engine's socket reads and writes give up after one [`SLICE`], so a
//! job looks at its commands (Cancel, Next) between them.

use std::io;
use std::time::Duration;

/// The longest a socket read or write, or a wait for the event reader, blocks before the job looks at
/// its commands again: this bounds how long Cancel takes.
pub const SLICE: Duration = Duration::from_millis(20);

/// True for the read/write timeout of one [`SLICE`], which only means "nothing yet".
pub fn is_slice_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted)
}
