//! The decoded body, as the window's `body-decoder` thread makes it: a 256 MiB body unchunked, or
//! unzipped, into a fresh [`ReplyText`] (the store and row index the reply view draws), and a gzip
//! bomb of 1 GiB of zeros stopped at the window's 256 MiB keep limit.
//!
//! The raw bodies are built before the clock starts (the gzip one takes a few seconds). Rates are of
//! decoded bytes per wall-clock second, the median of [`RUNS`] runs, next to the rate of the same bytes
//! pushed into a `ReplyText` without decoding (the raw view's intake), so the cost of decoding itself
//! shows. The decoder runs beside the window's intake and the worker, and a decoder slower than the
//! reply arrives holds the chunks not yet decoded; the bomb's memory figure is the resident memory the
//! decoding added, which the keep limit bounds.

use std::io::Write as _;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;
use socket_fetch::demo_server::numbered_body;
use socket_fetch::fetch::Framing;
use socket_fetch::fetch::decode::{Coding, End, Plan, decode};
use socket_fetch::ui::ReplyText;

use crate::{Figure, median, mib, ms, vm_rss_self};

const BODY: usize = 256 * 1024 * 1024;
const LIMIT: u64 = 256 * 1024 * 1024;
const RUNS: usize = 3;
/// The size of each chunk of the chunked body: a common server's.
const CHUNK: usize = 16 * 1024;

pub fn run(figures: &mut Vec<Figure>) {
    println!("decode: building a 256 MiB body, chunked and gzipped …");
    let body = numbered_body(BODY);
    let mut chunked = Vec::with_capacity(BODY + BODY / CHUNK * 10 + 5);
    for piece in body.chunks(CHUNK) {
        let _ = write!(chunked, "{:x}\r\n", piece.len());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&body).unwrap();
    let gzipped = encoder.finish().unwrap();
    println!("decode: gzip made {} of the {}", mib(gzipped.len() as u64), mib(BODY as u64));

    let intake = median(&(0..RUNS).map(|_| time(|| push_all(&body))).collect::<Vec<_>>()).unwrap();
    report(figures, "decode: raw intake of the same 256 MiB (no decoding), for reference", intake);
    let plan = |framing, codings: &[Coding]| Plan { framing, codings: codings.to_vec(), not_undone: None };
    for (name, plan, raw) in [
        ("decode: 256 MiB chunked (16 KiB chunks) unchunked into a ReplyText", plan(Framing::Chunked, &[]), &chunked),
        (
            "decode: 256 MiB gzipped (default level) unzipped into a ReplyText",
            plan(Framing::UntilClose, &[Coding::Gzip]),
            &gzipped,
        ),
    ] {
        let times: Vec<Duration> = (0..RUNS).map(|_| time(|| assert_eq!(decode_all(&plan, raw), BODY))).collect();
        report(figures, name, median(&times).unwrap());
    }
    bomb(figures);
}

fn report(figures: &mut Vec<Figure>, name: &str, took: Duration) {
    let rate = BODY as f64 / took.as_secs_f64() / 1e9;
    let value = format!("{rate:.2} GB/s ({})", ms(took));
    println!("{name}: {value}");
    figures.push(Figure::info(name, value));
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn push_all(body: &[u8]) {
    let mut text = ReplyText::default();
    for piece in body.chunks(256 * 1024) {
        text.push(piece);
    }
    assert_eq!(text.bytes().len(), body.len());
}

/// Decodes `raw` by `plan` into a fresh `ReplyText`; the decoded length.
fn decode_all(plan: &Plan, raw: &[u8]) -> usize {
    let mut text = ReplyText::default();
    let done = decode(plan, raw, LIMIT, &mut |piece| {
        text.push(piece);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(done.end, End::Complete);
    text.bytes().len()
}

/// 1 GiB of zeros, gzipped, decoded to the keep limit: how long until it stops, and the memory added.
fn bomb(figures: &mut Vec<Figure>) {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    let zeros = vec![0; 1024 * 1024];
    for _ in 0..1024 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    drop(zeros);
    let before = vm_rss_self().unwrap_or(0);
    let mut text = ReplyText::default();
    let plan = Plan { framing: Framing::UntilClose, codings: vec![Coding::Gzip], not_undone: None };
    let start = Instant::now();
    let done = decode(&plan, &bomb[..], LIMIT, &mut |piece| {
        text.push(piece);
        ControlFlow::Continue(())
    })
    .unwrap();
    let took = start.elapsed();
    let added = vm_rss_self().unwrap_or(0).saturating_sub(before);
    assert_eq!(done.end, End::TooLarge { limit: LIMIT });
    let value = format!(
        "stopped at {} after {} of its {} of gzip, in {}; resident memory added {}",
        mib(done.decoded),
        mib(done.unchunked),
        mib(bomb.len() as u64),
        ms(took),
        mib(added)
    );
    println!("decode: gzip bomb (1 GiB of zeros): {value}");
    let met = added <= LIMIT + 64 * 1024 * 1024;
    figures.push(Figure::new("decode: gzip bomb, memory added", mib(added), "≤ keep limit + 64 MiB", Some(met)));
    figures.push(Figure::info("decode: gzip bomb, time to stop at the keep limit", ms(took)));
}
