//! socket-fetch's benchmarks: figures printed, not pass/fail tests.
//!
//! Run them all with `cargo bench` (this is the only bench target; `cargo bench --bench perf` is the
//! same). `cargo bench -- throughput` or `cargo bench -- window` runs one part. Everything talks to
//! servers this process starts on 127.0.0.1; nothing else is contacted.
//!
//! - **throughput** ([`throughput`]): the terminal mode (`socket-fetch fetch 127.0.0.1 PORT`, stdout to
//!   /dev/null) against `curl -s -o /dev/null` on the same 1 GiB local reply, alternating, plus the peak
//!   memory of the socket-fetch process. The binary is the one cargo builds for this bench
//!   (`CARGO_BIN_EXE_socket-fetch`, i.e. `target/release/socket-fetch` under `cargo bench`), so no separate
//!   `cargo build --release` is needed.
//! - **tls** ([`tls`]): the same against curl over HTTPS, 1 GiB from the demo server's TLS side; the
//!   goal is the client's own CPU time (≤ 1.10 × curl's), with peak memory < 32 MiB.
//! - **window** ([`window`]): the real app's UI, headless (a plain `egui::Context`, layout and
//!   tessellation only, no GPU), with a 64 MiB reply: frame times, scrolling, peak memory, click to first
//!   step, cancel to stopped.
//!
//! - **intake** ([`intake`]): the window's `ReplyText::push` of 256 MiB replies of each shape (newlines,
//!   continuation bytes, long and short lines, random bytes): rate and row index memory.
//!
//! - **decode** ([`decode`]): the decoded body: 256 MiB unchunked and unzipped into the window's store,
//!   and a 1 GiB gzip bomb stopped at the keep limit, with the memory it added.
//!
//! At the end a summary block lists every figure with its target, the machine and its load.
//!
//! Run by `cargo test --all-targets` (no `--bench` argument), it only says how to run it: the figures
//! mean nothing in a debug build and the run moves several GiB.

#![allow(clippy::unwrap_used)] // a benchmark that cannot go on should stop loudly, as the tests do

mod decode;
mod intake;
mod throughput;
mod tls;
mod window;

use std::fmt::Write as _;
use std::time::Duration;

/// One measured figure, as the summary shows it.
pub struct Figure {
    pub name: String,
    pub value: String,
    /// The target, in words; empty for figures given for information.
    pub target: String,
    /// `Some(true)` met, `Some(false)` missed, `None` no target or not measurable.
    pub met: Option<bool>,
}

impl Figure {
    pub fn new(name: &str, value: String, target: &str, met: Option<bool>) -> Self {
        Self { name: name.to_owned(), value, target: target.to_owned(), met }
    }

    pub fn info(name: &str, value: String) -> Self {
        Self::new(name, value, "", None)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("perf: benchmarks only run under `cargo bench` (optimized); skipped here.");
        return;
    }
    let wanted: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).map(String::as_str).collect();
    let runs = |part: &str| wanted.is_empty() || wanted.iter().any(|w| part.contains(w));

    let load_before = load_average();
    println!("socket-fetch benchmarks");
    println!("machine: {}", machine());
    println!("load average before: {load_before}");
    println!();

    let mut figures = Vec::new();
    if runs("throughput") {
        throughput::run(&mut figures);
        println!();
    }
    if runs("tls") {
        tls::run(&mut figures);
        println!();
    }
    if runs("window") {
        window::run(&mut figures);
        println!();
    }
    if runs("intake") {
        intake::run(&mut figures);
        println!();
    }
    if runs("decode") {
        decode::run(&mut figures);
        println!();
    }

    print_summary(&figures, &load_before, &args);
}

fn print_summary(figures: &[Figure], load_before: &str, args: &[String]) {
    let extra: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).map(String::as_str).collect();
    let command =
        if extra.is_empty() { "cargo bench".to_owned() } else { format!("cargo bench -- {}", extra.join(" ")) };
    let name_width = figures.iter().map(|f| f.name.chars().count()).max().unwrap_or(0);
    let value_width = figures.iter().map(|f| f.value.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    let rule = "=".repeat(100);
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(out, "SUMMARY  socket-fetch benchmarks");
    let _ = writeln!(out, "command: {command}");
    let _ = writeln!(out, "machine: {}", machine());
    let _ = writeln!(out, "load average: before {load_before}, after {}", load_average());
    let _ = writeln!(out, "window figures are layout + tessellation only (headless egui, no GPU rendering)");
    let _ = writeln!(out, "{}", "-".repeat(100));
    for f in figures {
        let verdict = match f.met {
            Some(true) => "ok  ",
            Some(false) => "MISS",
            None => "    ",
        };
        let target = if f.target.is_empty() { String::new() } else { format!("  (target {})", f.target) };
        let _ = writeln!(out, "{verdict} {:<name_width$}  {:<value_width$}{target}", f.name, f.value);
    }
    let missed = figures.iter().filter(|f| f.met == Some(false)).count();
    let _ = writeln!(out, "{}", "-".repeat(100));
    let _ = writeln!(
        out,
        "{} figures, {} with a target, {missed} missed",
        figures.len(),
        figures.iter().filter(|f| f.met.is_some()).count()
    );
    let _ = writeln!(out, "{rule}");
    print!("{out}");
}

/// `N cores, MODEL` from /proc/cpuinfo.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("MemTotal:")).and_then(kib_field))
        .map_or_else(String::new, |bytes| format!(", {} RAM", mib(bytes)));
    format!("{cores} cores (nproc), {model}{memory}")
}

/// The 1, 5 and 15 minute load averages from /proc/loadavg.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".to_owned(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// The peak resident memory (`VmHWM`) of a process, in bytes: `None` once it has exited.
pub fn vm_hwm(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:")).and_then(kib_field)
}

/// `VmRSS` of this process, in bytes.
pub fn vm_rss_self() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:")).and_then(kib_field)
}

/// `Name:   1234 kB` to bytes.
fn kib_field(line: &str) -> Option<u64> {
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib * 1024)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub use socket_fetch::format::ms;

/// The value at quantile `q` (0..=1) of `values`, nearest rank; `None` when empty.
pub fn quantile(values: &[Duration], q: f64) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil();
    // rank is within 1..=len: a whole number, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = (rank as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[index])
}

/// The median of `values` (the lower middle for an even count).
pub fn median(values: &[Duration]) -> Option<Duration> {
    quantile(values, 0.5)
}
