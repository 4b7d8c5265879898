//! The window's intake, without drawing: a reply's bytes pushed into a fresh [`ReplyText`] (which
//! keeps them and indexes their rows), in the chunk sizes the engine reads (64 KiB and 1 MiB), for
//! each shape a hostile or ordinary server may send, at the 256 MiB keep limit.
//!
//! A run's time covers the fresh store's `reserve` (the window reserves when the reply announces
//! its length) and every `push`: the new memory's pages, the copy and the row index. The reply is
//! built before the clock starts. Rates are per on-CPU time of the thread, because on this shared
//! 2-core machine a run often waits for a core longer than it works; the wall-clock rate is printed
//! beside it. Next to each intake, for comparison, the same chunks copied into a fresh `Vec`.
//! Figures: the median of [`RUNS`] runs per chunk size, the index's heap memory, which must stay a
//! small part of the reply whatever its rows, and the time the view's look-ups take.

use std::time::{Duration, Instant};

use socket_fetch::demo_server::numbered_body;
use socket_fetch::ui::ReplyText;

use crate::{Figure, median, mib};

const REPLY: usize = 256 * 1024 * 1024;
const CHUNKS: [usize; 2] = [64 * 1024, 1024 * 1024];
const RUNS: usize = 5;
/// The window's intake of ordinary text must be well above what the network delivers.
const GOAL_RATE: f64 = 2.0;
/// Look-ups per shape, and the rows of one screen.
const LOOK_UPS: usize = 1000;
const SCREEN_ROWS: usize = 60;
const LOOK_UP_TRIES: usize = 5;
/// A look-up is a small part of a scrolling frame's 2 ms.
const LOOK_UP_GOAL: Duration = Duration::from_micros(200);
/// The window's whole memory goal is 1.5 × reply + 64 MiB; the index is to be a small part of it.
const GOAL_INDEX_SHARE: f64 = 0.01;

/// A shape of reply: its name and how to build `len` bytes of it.
struct Shape {
    name: &'static str,
    build: fn(usize) -> Vec<u8>,
}

const SHAPES: [Shape; 6] = [
    Shape { name: "all \\n", build: |len| vec![b'\n'; len] },
    Shape { name: "all 0x80", build: |len| vec![0x80; len] },
    Shape { name: "64 KiB lines", build: |len| lines(len, 64 * 1024) },
    Shape { name: "1 KiB lines", build: |len| lines(len, 1024) },
    Shape { name: "64-byte lines", build: numbered_body },
    Shape { name: "random bytes", build: random_bytes },
];

/// Lines of `line_len` bytes, newline included: printable ASCII, then `\n`.
fn lines(len: usize, line_len: usize) -> Vec<u8> {
    let mut line: Vec<u8> = (0..line_len - 1).map(|i| b' ' + u8::try_from(i % 95).unwrap()).collect();
    line.push(b'\n');
    line.iter().copied().cycle().take(len).collect()
}

/// Bytes from a xorshift generator: a newline about every 256 bytes, invalid UTF-8 throughout.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Wall and on-CPU time of one run.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

/// Times `work` by the wall clock and by the CPU time of this thread (user and kernel, page faults
/// included; not the time spent waiting for a core, which on a shared machine can be larger than
/// the work).
fn timed<T>(work: impl FnOnce() -> T) -> (Took, T) {
    let on_cpu = || {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
    };
    let (cpu, wall) = (on_cpu(), Instant::now());
    let out = work();
    (Took { wall: wall.elapsed(), cpu: on_cpu().saturating_sub(cpu) }, out)
}

/// For comparison: the same chunks copied into a fresh `Vec` of the same size, nothing indexed. Most
/// of it is the kernel's work of giving the new memory, a page fault per 4 KiB, which the store
/// avoids by asking for each chunk's pages at once.
fn vec_copy(body: &[u8], chunk: usize) -> Took {
    let (took, copy) = timed(|| {
        let mut copy = Vec::with_capacity(body.len());
        for piece in body.chunks(chunk) {
            copy.extend_from_slice(piece);
        }
        copy
    });
    drop(std::hint::black_box(copy));
    took
}

/// One intake into a fresh store; its time, and the store.
fn take_in(body: &[u8], chunk: usize) -> (Took, ReplyText) {
    timed(|| {
        let mut reply = ReplyText::default();
        reply.reserve(body.len());
        for piece in body.chunks(chunk) {
            reply.push(piece);
        }
        reply
    })
}

/// What the view asks of the store each frame, at [`LOOK_UPS`] places spread over the reply: one
/// screen of rows (`rows(range)`, every row's bytes touched) and the row of a byte (`row_of_byte`).
/// Each place is timed [`LOOK_UP_TRIES`] times and its fastest kept, so a time slice lost to
/// another process does not count as the look-up's. The median and slowest place.
fn look_ups(reply: &ReplyText) -> (Duration, Duration) {
    let mut times = Vec::new();
    for k in 0..LOOK_UPS {
        let row = reply.row_count() / LOOK_UPS * k + k % 64;
        let byte = reply.bytes().len() / LOOK_UPS * k + k * 97 % 4096;
        let fastest = (0..LOOK_UP_TRIES)
            .map(|_| {
                let start = Instant::now();
                let drawn: usize = reply.rows(row..row + SCREEN_ROWS).map(|r| r.bytes.len()).sum();
                let found = reply.row_of_byte(byte);
                let took = start.elapsed();
                std::hint::black_box((drawn, found));
                took
            })
            .min()
            .unwrap_or_default();
        times.push(fastest);
    }
    (median(&times).unwrap_or(Duration::MAX), times.iter().max().copied().unwrap_or_default())
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn gib_per_s(bytes: usize, took: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0 * 1024.0) / took.as_secs_f64()
}

/// The median of one kind of time over runs.
fn median_of(runs: &[Took], kind: fn(&Took) -> Duration) -> Duration {
    median(&runs.iter().map(kind).collect::<Vec<_>>()).unwrap_or(Duration::MAX)
}

/// What one shape and chunk size measured.
struct Intake {
    chunk: usize,
    /// Median on-CPU rate of the intake, GiB/s: what the goal is about.
    rate: f64,
    /// The slowest and fastest run's on-CPU rate.
    spread: (f64, f64),
    wall_rate: f64,
    copy_rate: f64,
}

/// The intake of `body` in chunks of `chunk` bytes, and the store of the last run.
fn measure(body: &[u8], chunk: usize) -> (Intake, ReplyText) {
    let mut runs = Vec::new();
    let mut vec_runs = Vec::new();
    let mut last = ReplyText::default();
    // Alternating, so both see the same load on a shared machine.
    for _ in 0..RUNS {
        vec_runs.push(vec_copy(body, chunk));
        drop(last);
        let took;
        (took, last) = take_in(body, chunk);
        runs.push(took);
    }
    let intake = Intake {
        chunk,
        rate: gib_per_s(body.len(), median_of(&runs, |t| t.cpu)),
        spread: (
            gib_per_s(body.len(), runs.iter().map(|t| t.cpu).max().unwrap_or(Duration::MAX)),
            gib_per_s(body.len(), runs.iter().map(|t| t.cpu).min().unwrap_or(Duration::MAX)),
        ),
        wall_rate: gib_per_s(body.len(), median_of(&runs, |t| t.wall)),
        copy_rate: gib_per_s(body.len(), median_of(&vec_runs, |t| t.cpu)),
    };
    (intake, last)
}

pub fn run(figures: &mut Vec<Figure>) {
    println!(
        "== intake: ReplyText::push of a {} reply into a fresh store, median of {RUNS} runs per chunk size ==",
        mib(REPLY as u64)
    );
    println!("  rates per on-CPU time of the thread (wall-clock rate in brackets: it includes waiting for a core)");
    for shape in &SHAPES {
        let body = (shape.build)(REPLY);
        let mut intakes = Vec::new();
        let mut reply = ReplyText::default();
        for chunk in CHUNKS {
            let intake;
            drop(reply);
            (intake, reply) = measure(&body, chunk);
            println!(
                "  {:<14} {:>4} KiB chunks: {:.2} GiB/s ({:.2} .. {:.2}; {:.2} GiB/s wall); a fresh Vec's copy alone \
                 {:.2} GiB/s",
                shape.name,
                chunk / 1024,
                intake.rate,
                intake.spread.0,
                intake.spread.1,
                intake.wall_rate,
                intake.copy_rate
            );
            intakes.push(intake);
        }
        let (rows, index) = (reply.row_count(), reply.index_bytes());
        let share = index as f64 / REPLY as f64;
        let (typical, slowest_look_up) = look_ups(&reply);
        println!(
            "  {:<14} {rows} rows, index {} ({:.3} % of the reply); a screen of rows + row_of_byte: {} median, \
             {} at the slowest of {LOOK_UPS} places",
            shape.name,
            mib(index as u64),
            share * 100.0,
            us(typical),
            us(slowest_look_up)
        );
        let rate_text: Vec<String> = intakes
            .iter()
            .map(|i| {
                format!(
                    "{:.2} GiB/s ({:.2} .. {:.2}) in {} KiB chunks (a fresh Vec's copy alone {:.2})",
                    i.rate,
                    i.spread.0,
                    i.spread.1,
                    i.chunk / 1024,
                    i.copy_rate
                )
            })
            .collect();
        let slowest = intakes.iter().map(|i| i.rate).fold(f64::INFINITY, f64::min);
        figures.push(Figure::new(
            &format!("intake: {}, 256 MiB, index memory", shape.name),
            format!(
                "{} for {rows} rows ({:.3} % of the reply); bytes + index {} of the window's {} budget",
                mib(index as u64),
                share * 100.0,
                mib((reply.bytes().len() + index) as u64),
                mib((REPLY * 3 / 2 + 64 * 1024 * 1024) as u64)
            ),
            "< 1 % of the reply",
            Some(share < GOAL_INDEX_SHARE),
        ));
        figures.push(Figure::new(
            &format!("intake: {}, 256 MiB, look-up of a screen of rows", shape.name),
            format!("{} median, {} at the slowest of {LOOK_UPS} places", us(typical), us(slowest_look_up)),
            "< 0.2 ms (a tenth of a scrolling frame)",
            Some(slowest_look_up < LOOK_UP_GOAL),
        ));
        if shape.name == "64-byte lines" {
            figures.push(Figure::new(
                "intake: 64-byte lines, 256 MiB (ReplyText::push, on-CPU, median)",
                rate_text.join(", "),
                ">= 2 GiB/s",
                Some(slowest >= GOAL_RATE),
            ));
        } else {
            figures
                .push(Figure::info(&format!("intake: {}, 256 MiB (on-CPU, median)", shape.name), rate_text.join(", ")));
        }
    }
}
