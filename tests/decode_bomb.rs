//! A decompression bomb: a gzip body that would decode to 1 GiB of zeros. Decoding stops at the keep
//! limit and says so, and memory never holds much more than the limit. Alone in its own test binary,
//! so the process's peak memory is this test's.

use std::io::{self, Read as _};
use std::ops::ControlFlow;

use flate2::Compression;
use flate2::read::GzEncoder;
use socket_fetch::fetch::Framing;
use socket_fetch::fetch::decode::{Coding, End, Plan, decode};

const GIB: u64 = 1 << 30;
const LIMIT: u64 = 48 << 20;

/// The process's peak resident memory so far (Linux's `VmHWM`), in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("a VmHWM line");
    let kib: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of kB");
    kib * 1024
}

#[test]
fn a_gzip_bomb_stops_at_the_limit_and_says_so() {
    // Built from zeros as it is read, never whole: about 1 MiB of gzip for each GiB.
    let bomb = GzEncoder::new(io::repeat(0).take(GIB), Compression::best());
    let before = peak_memory();
    // Room for the limit at once, as the window's store has, so the figure is not a Vec's doubling.
    let mut kept = Vec::with_capacity(usize::try_from(LIMIT).expect("64-bit"));
    let plan = Plan { framing: Framing::UntilClose, codings: vec![Coding::Gzip], not_undone: None };
    let decoded = decode(&plan, bomb, LIMIT, &mut |piece| {
        kept.extend_from_slice(piece);
        ControlFlow::Continue(())
    })
    .expect("the sink never stops");
    assert_eq!(decoded.end, End::TooLarge { limit: LIMIT });
    assert_eq!(decoded.decoded, LIMIT);
    assert_eq!(kept.len() as u64, LIMIT);
    assert!(kept.iter().all(|b| *b == 0));
    // Far less than the 1 GiB it would become was read: decoding went no further than needed.
    assert!(decoded.unchunked < LIMIT / 100, "{} compressed bytes read", decoded.unchunked);
    let grew = peak_memory().saturating_sub(before);
    // The kept bytes and the decoders' small buffers; decoding it all would take 1 GiB.
    assert!(grew < LIMIT + (16 << 20), "memory grew by {grew} bytes for a {LIMIT}-byte limit");
}
