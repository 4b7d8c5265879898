//! A thousand fetches in a row on one worker, from the demo server in this same process: open files,
//! threads and memory stay flat. The only test in this binary, so nothing else runs beside it in the process.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers
#![cfg(target_os = "linux")] // counts come from /proc

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::{collect_until_finished, job_for, reply_bytes, start_worker, summary};
use crossbeam_channel::Receiver;
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{Event, Worker};

const FETCHES: usize = 1000;
const WARM_UP: usize = 20;
/// Files and threads may be this many above the count after the warm-up.
const SLACK: usize = 5;
const MEMORY_SLACK_KIB: u64 = 20 * 1024;
/// The longest the counts may take to settle (threads of finished connections take a moment to exit).
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Usage {
    open_files: usize,
    threads: usize,
    rss_kib: u64,
}

impl Usage {
    fn now() -> Self {
        let count = |dir: &str| std::fs::read_dir(dir).unwrap().count();
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let rss_kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/self/status");
        Self { open_files: count("/proc/self/fd"), threads: count("/proc/self/task"), rss_kib }
    }

    /// Polls (boundedly) until the counts are at most `limit`'s, or the settle limit passes.
    fn settled_within(limit: Self) -> Self {
        let deadline = Instant::now() + SETTLE_LIMIT;
        loop {
            let usage = Self::now();
            let settled = usage.open_files <= limit.open_files && usage.threads <= limit.threads;
            if settled || Instant::now() >= deadline {
                return usage;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Polls (boundedly) until two readings 50 ms apart agree on files and threads.
    fn steady() -> Self {
        let deadline = Instant::now() + SETTLE_LIMIT;
        let mut last = Self::now();
        loop {
            thread::sleep(Duration::from_millis(50));
            let usage = Self::now();
            let same = usage.open_files == last.open_files && usage.threads == last.threads;
            if same || Instant::now() >= deadline {
                return usage;
            }
            last = usage;
        }
    }
}

fn fetch_once(worker: &mut Worker, events: &Receiver<Event>, server: &DemoServer, body: &[u8], n: usize) {
    worker.fetch(job_for(server.addr(), "/bytes/100"));
    let seen = collect_until_finished(events);
    assert!(summary(&seen).error.is_none(), "fetch {n}: {:?}", summary(&seen).error);
    assert!(reply_bytes(&seen).ends_with(body), "fetch {n}: the body differs");
}

#[test]
fn a_thousand_fetches_on_one_worker_leave_files_threads_and_memory_flat() {
    let server = DemoServer::start(0).unwrap();
    let (mut worker, events) = start_worker();
    let body = numbered_body(100);
    for n in 0..WARM_UP {
        fetch_once(&mut worker, &events, &server, &body, n);
    }
    let before = Usage::steady();

    let started = Instant::now();
    for n in 0..FETCHES {
        fetch_once(&mut worker, &events, &server, &body, WARM_UP + n);
    }
    let took = started.elapsed();
    let limit = Usage { open_files: before.open_files + SLACK, threads: before.threads + SLACK, rss_kib: 0 };
    let after = Usage::settled_within(limit);

    println!("{FETCHES} fetches in {took:?}; before {before:?}, after {after:?}");
    assert!(after.open_files <= limit.open_files, "open files grew: {before:?} -> {after:?}");
    assert!(after.threads <= limit.threads, "threads grew: {before:?} -> {after:?}");
    let grew = after.rss_kib.saturating_sub(before.rss_kib);
    assert!(grew < MEMORY_SLACK_KIB, "memory grew by {grew} KiB: {before:?} -> {after:?}");
}
