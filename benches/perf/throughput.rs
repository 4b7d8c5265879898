//! Throughput of the terminal mode against curl, on a 1 GiB reply from a server that is not the
//! bottleneck.
//!
//! The server (a thread of this process) sends its reply with `sendfile` from a file in a tmpfs
//! (`/dev/shm`), so it copies nothing itself. With two or more cores it is pinned to cpu 0 and the
//! clients to cpu 1 (they inherit this thread's affinity), so a client never competes with the server
//! for a core. The two clients take turns (socket-fetch, curl, socket-fetch, ...) after one warm-up run
//! each, so a change in the machine's load hits both alike: three rounds of [`RUNS`] pairs. Each run's
//! user and kernel time come from `wait4`'s resource usage of that very process; its peak memory is
//! `VmHWM`, read every few milliseconds by a watcher on the server's core (`ru_maxrss` would also count
//! this process's memory: a spawned child starts in its parent's address space).
//!
//! The goal per round: the median of the per-pair wall ratios (socket-fetch / curl) ≤ 1.03 and the
//! median kernel time ≤ 1.05 × curl's; socket-fetch's peak memory < 32 MiB.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use rustix::thread::CpuSet;
use wait4::Wait4 as _;

use crate::{Figure, median, mib, vm_hwm};

const BODY: u64 = 1024 * 1024 * 1024;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const ROUNDS: usize = 3;
/// Pairs of runs (socket-fetch, then curl) per round.
const RUNS: usize = 15;
/// How often a running client's `VmHWM` is read.
const WATCH: Duration = Duration::from_millis(5);
/// The server waits this long for a client's request or for it to read.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
const PEAK_TARGET: u64 = 32 * 1024 * 1024;
const WALL_TARGET: f64 = 1.03;
const KERNEL_TARGET: f64 = 1.05;
const SERVER_CPU: usize = 0;
const CLIENT_CPU: usize = 1;

fn head() -> String {
    format!(
        "HTTP/1.0 200 OK\r\nServer: socket-fetch-bench\r\nContent-Type: text/plain\r\nContent-Length: {BODY}\r\n\r\n"
    )
}

/// One client run that counted.
pub struct Sample {
    pub wall: Duration,
    pub user: Duration,
    pub kernel: Duration,
    /// The last `VmHWM` seen while the process ran.
    pub peak: Option<u64>,
}

/// A client: its name and how to start one run of it.
pub struct Client<'a> {
    pub name: &'static str,
    pub command: Box<dyn Fn() -> Command + 'a>,
    /// For socket-fetch: its summary line must count this many bytes.
    pub expected: Option<u64>,
}

pub fn run(figures: &mut Vec<Figure>) {
    println!("== throughput: 1 GiB from a local sendfile server (127.0.0.1), {ROUNDS} rounds of {RUNS} pairs ==");
    let socket_fetch = env!("CARGO_BIN_EXE_socket-fetch");
    println!("socket-fetch binary: {socket_fetch}");
    let curl = match Command::new("curl").arg("--version").stderr(Stdio::null()).output() {
        Ok(out) if out.status.success() => {
            println!("curl: {}", String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("?"));
            true
        }
        _ => {
            println!("curl: not found, so there is no comparison; socket-fetch is measured alone");
            false
        }
    };
    let body = match BodyFile::create() {
        Ok(body) => body,
        Err(e) => {
            figures.push(Figure::new("throughput", format!("not measured: no body file: {e}"), "", Some(false)));
            return;
        }
    };
    let pinned = pin_clients();
    let clients_count = if curl { 2 } else { 1 };
    let server = match start_server(&body, clients_count * (ROUNDS * RUNS + 1), pinned) {
        Ok(server) => server,
        Err(e) => {
            figures.push(Figure::new("throughput", format!("not measured: server failed: {e}"), "", Some(false)));
            restore_affinity(pinned);
            return;
        }
    };
    let port = server.port.to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let mut clients = vec![Client {
        name: "socket-fetch",
        command: Box::new(|| {
            let mut cmd = Command::new(socket_fetch);
            cmd.args(["fetch", "127.0.0.1", &port]);
            cmd
        }),
        expected: Some(head().len() as u64 + BODY),
    }];
    if curl {
        clients.push(Client {
            name: "curl",
            command: Box::new(|| {
                let mut cmd = Command::new("curl");
                cmd.args(["-s", "-o", "/dev/null", "--max-time", "120", &url]);
                cmd
            }),
            expected: None,
        });
    }

    let mut serving = Vec::new();
    let mut run_one = |client: &Client<'_>, what: &str| {
        let outcome = timed_run(client);
        let took = server.took();
        report(client.name, what, &outcome, took);
        serving.extend(took);
        outcome.ok()
    };
    for client in &clients {
        run_one(client, "warm-up");
    }
    let mut peaks = vec![None; clients.len()];
    let mut last_rate = None;
    for round in 1..=ROUNDS {
        let load = crate::load_average();
        println!("-- round {round} of {ROUNDS} (load average {load}) --");
        let mut samples: Vec<Vec<Option<Sample>>> = clients.iter().map(|_| Vec::new()).collect();
        for i in 1..=RUNS {
            for (c, client) in clients.iter().enumerate() {
                samples[c].push(run_one(client, &format!("run {i}")));
            }
        }
        for (c, client) in clients.iter().enumerate() {
            let done: Vec<&Sample> = samples[c].iter().flatten().collect();
            let failed = RUNS - done.len();
            let spread = Spread::of(&done);
            let line = spread.map_or_else(|| "no successful run".to_owned(), |s| s.describe(failed));
            println!("{:<12} {line}", client.name);
            figures.push(Figure::info(&format!("throughput round {round}: {}", client.name), line));
            let peak = done.iter().filter_map(|s| s.peak).max();
            peaks[c] = peaks[c].max(peak);
            if c == 0 {
                last_rate = spread.map(|s| BODY as f64 / GIB / s.wall[1].as_secs_f64());
            }
        }
        if let [ours, theirs] = &samples[..] {
            round_verdicts(round, ours, theirs, &load, figures);
        }
    }
    if let Some(rate) = last_rate {
        figures.push(Figure::info(
            "throughput: socket-fetch's network rate (median, last round)",
            format!("{rate:.2} GiB/s"),
        ));
    }
    let (busy, serving) = serving.iter().fold((Duration::ZERO, Duration::ZERO), |(b, s), (cb, cs)| (b + *cb, s + *cs));
    if !serving.is_zero() {
        let share = busy.as_secs_f64() / serving.as_secs_f64();
        println!("the server's thread was busy {:.0} % of the time it spent serving", share * 100.0);
        figures.push(Figure::info(
            "throughput: server busy (its CPU time / its serving time)",
            format!("{:.0} %", share * 100.0),
        ));
    }
    match peaks[0] {
        Some(peak) => figures.push(Figure::new(
            "throughput: socket-fetch peak memory (VmHWM, highest run)",
            mib(peak),
            "< 32 MiB",
            Some(peak < PEAK_TARGET),
        )),
        None => figures.push(Figure::new("throughput: socket-fetch peak memory", "not seen".to_owned(), "", None)),
    }
    if let Some(peak) = peaks.get(1).copied().flatten() {
        figures.push(Figure::info("throughput: curl peak memory (VmHWM), for reference", mib(peak)));
    }
    restore_affinity(pinned);
}

/// The round's two goals, from the runs of both clients in the order they ran.
fn round_verdicts(
    round: usize,
    ours: &[Option<Sample>],
    theirs: &[Option<Sample>],
    load: &str,
    figures: &mut Vec<Figure>,
) {
    let ratios: Vec<f64> = ours
        .iter()
        .zip(theirs)
        .filter_map(|pair| match pair {
            (Some(a), Some(b)) => Some(a.wall.as_secs_f64() / b.wall.as_secs_f64()),
            _ => None,
        })
        .collect();
    let kernel = |runs: &[Option<Sample>]| median(&runs.iter().flatten().map(|s| s.kernel).collect::<Vec<_>>());
    match median_f64(&ratios) {
        Some(ratio) => {
            let (low, high) = min_max(&ratios);
            println!(
                "round {round}: wall ratio, median of {} pairs: {ratio:.3} (pairs {low:.2}–{high:.2})",
                ratios.len()
            );
            figures.push(Figure::new(
                &format!("throughput round {round}: wall socket-fetch / curl, median of pairs"),
                format!("{ratio:.3} (pairs {low:.2}–{high:.2}; load {load})"),
                "<= 1.03",
                Some(ratio <= WALL_TARGET),
            ));
        }
        None => figures.push(Figure::new(
            &format!("throughput round {round}: wall ratio"),
            "no pair".to_owned(),
            "",
            Some(false),
        )),
    }
    if let (Some(a), Some(b)) = (kernel(ours), kernel(theirs)) {
        let ratio = a.as_secs_f64() / b.as_secs_f64();
        println!("round {round}: kernel time ratio of medians: {ratio:.3}");
        figures.push(Figure::new(
            &format!("throughput round {round}: kernel time socket-fetch / curl, medians"),
            format!("{ratio:.3} ({:.3} s / {:.3} s)", a.as_secs_f64(), b.as_secs_f64()),
            "<= 1.05",
            Some(ratio <= KERNEL_TARGET),
        ));
    }
}

/// Min, median and max of wall, user and kernel time over a round's runs of one client.
#[derive(Clone, Copy)]
pub struct Spread {
    wall: [Duration; 3],
    user: [Duration; 3],
    kernel: [Duration; 3],
    runs: usize,
}

impl Spread {
    pub fn of(samples: &[&Sample]) -> Option<Self> {
        let three = |pick: fn(&Sample) -> Duration| {
            let values: Vec<Duration> = samples.iter().map(|s| pick(s)).collect();
            Some([*values.iter().min()?, median(&values)?, *values.iter().max()?])
        };
        Some(Self {
            wall: three(|s| s.wall)?,
            user: three(|s| s.user)?,
            kernel: three(|s| s.kernel)?,
            runs: samples.len(),
        })
    }

    pub fn describe(&self, failed: usize) -> String {
        let secs = |t: [Duration; 3]| {
            format!("{:.3} / {:.3} / {:.3}", t[0].as_secs_f64(), t[1].as_secs_f64(), t[2].as_secs_f64())
        };
        let failed = if failed > 0 { format!(", {failed} failed") } else { String::new() };
        format!(
            "wall {} s, user {} s, kernel {} s (min / median / max of {}{failed})",
            secs(self.wall),
            secs(self.user),
            secs(self.kernel),
            self.runs
        )
    }
}

pub fn median_f64(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len().checked_sub(1)? / 2).copied()
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

fn report(client: &str, what: &str, outcome: &Result<Sample, String>, server_took: Option<(Duration, Duration)>) {
    let server = server_took.map_or_else(String::new, |(busy, serving)| {
        format!("  server {:.3} s CPU in {:.3} s", busy.as_secs_f64(), serving.as_secs_f64())
    });
    match outcome {
        Ok(s) => println!(
            "  {client:<12} {what:<8} wall {:.3} s  user {:.3} s  kernel {:.3} s  {:>5.2} GiB/s  VmHWM {}{server}",
            s.wall.as_secs_f64(),
            s.user.as_secs_f64(),
            s.kernel.as_secs_f64(),
            BODY as f64 / GIB / s.wall.as_secs_f64(),
            s.peak.map_or_else(|| "-".to_owned(), mib),
        ),
        Err(why) => println!("  {client:<12} {what:<8} FAILED: {why}"),
    }
}

/// Runs a client once with its output thrown away: wall time from start to exit, and the resource
/// usage `wait4` reports for it.
pub fn timed_run(client: &Client<'_>) -> Result<Sample, String> {
    let mut cmd = (client.command)();
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    let stderr = child.stderr.take();
    let (stop, stopped) = mpsc::channel();
    let watcher = watch_peak(child.id(), stopped);
    let used = child.wait4();
    let wall = start.elapsed();
    let _ = stop.send(());
    let peak = watcher.join().ok().flatten();
    let used = used.map_err(|e| format!("cannot wait for it: {e}"))?;
    let mut text = String::new();
    if let Some(mut pipe) = stderr {
        let _ = pipe.read_to_string(&mut text);
    }
    if !used.status.success() {
        return Err(format!("{}; stderr: {}", used.status, text.trim()));
    }
    if let Some(bytes) = client.expected {
        let counted = format!("# {bytes} bytes received");
        if !text.contains(&counted) {
            return Err(format!("expected \"{counted}\" in: {}", text.trim()));
        }
    }
    Ok(Sample { wall, user: used.rusage.utime, kernel: used.rusage.stime, peak })
}

/// Reads `VmHWM` of `pid` until told to stop, on the server's core so the client's is left alone.
fn watch_peak(pid: u32, stop: Receiver<()>) -> thread::JoinHandle<Option<u64>> {
    let watch = move || {
        let _ = set_affinity(&[SERVER_CPU]);
        let pid = pid.to_string();
        let mut peak = None;
        loop {
            if let Some(hwm) = vm_hwm(&pid) {
                peak = Some(hwm);
            }
            match stop.recv_timeout(WATCH) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => return peak,
            }
        }
    };
    thread::Builder::new().name("bench-peak-watch".to_owned()).spawn(watch).unwrap()
}

/// The reply body, in a file in a tmpfs so that `sendfile` reads it from memory; removed when dropped.
struct BodyFile {
    path: PathBuf,
    file: File,
}

impl BodyFile {
    fn create() -> io::Result<Self> {
        let tmpfs = std::fs::read_to_string("/proc/mounts")
            .is_ok_and(|mounts| mounts.lines().any(|l| l.split_whitespace().skip(1).take(2).eq(["/dev/shm", "tmpfs"])));
        let dir = if tmpfs { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        println!(
            "body: 1 GiB in {}{}",
            dir.display(),
            if tmpfs { " (tmpfs)" } else { " (no tmpfs at /dev/shm: the server may be slower)" }
        );
        let path = dir.join(format!("socket-fetch-bench-{}", std::process::id()));
        let mut out = BufWriter::new(File::create(&path)?);
        let line = b"socket-fetch throughput bench: 64-byte lines, 16 Mi of them....\n";
        for _ in 0..BODY / line.len() as u64 {
            out.write_all(line)?;
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        Ok(Self { file: File::open(&path)?, path })
    }
}

impl Drop for BodyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The server thread: its port, and how long it was busy per connection.
struct Server {
    port: u16,
    /// (CPU time, serving time) of each connection, as they end.
    took: Receiver<(Duration, Duration)>,
}

impl Server {
    /// The figures of the next connection to end: each run makes one.
    fn took(&self) -> Option<(Duration, Duration)> {
        self.took.recv_timeout(Duration::from_secs(2)).ok()
    }
}

/// Starts the server for `connections` requests, one after another.
fn start_server(body: &BodyFile, connections: usize, pinned: Option<CpuSet>) -> io::Result<Server> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    let file = body.file.try_clone()?;
    let (tell, took) = mpsc::channel();
    thread::Builder::new().name("bench-server".to_owned()).spawn(move || {
        if pinned.is_some() {
            let _ = set_affinity(&[SERVER_CPU]);
        }
        for _ in 0..connections {
            match listener.accept() {
                Ok((stream, _)) => {
                    let started = (Instant::now(), thread_cpu());
                    if let Err(e) = serve(stream, &file) {
                        eprintln!("bench server: {e}");
                    }
                    let _ = tell.send((thread_cpu().saturating_sub(started.1), started.0.elapsed()));
                }
                Err(e) => eprintln!("bench server: accept failed: {e}"),
            }
        }
    })?;
    Ok(Server { port, took })
}

fn serve(mut stream: TcpStream, file: &File) -> io::Result<()> {
    stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
    let mut request = Vec::new();
    let mut chunk = [0; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024 {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the client closed before its request ended"));
        }
        request.extend_from_slice(&chunk[..n]);
    }
    stream.write_all(head().as_bytes())?;
    let mut offset = 0;
    while offset < BODY {
        let left = usize::try_from(BODY - offset).unwrap_or(usize::MAX);
        if rustix::fs::sendfile(&stream, file, Some(&mut offset), left)? == 0 {
            return Err(io::Error::new(io::ErrorKind::WriteZero, "sendfile sent nothing"));
        }
    }
    stream.shutdown(Shutdown::Write)
}

fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec.unsigned_abs(), u32::try_from(t.tv_nsec).unwrap_or(0))
}

/// Pins this thread, and so the clients it starts, to [`CLIENT_CPU`] when there are two cores or more;
/// the affinity it had before, to restore.
fn pin_clients() -> Option<CpuSet> {
    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cores < 2 {
        println!("pinning: only one core, so server and clients share it (figures are less clean)");
        return None;
    }
    let before = rustix::thread::sched_getaffinity(None).ok()?;
    match set_affinity(&[CLIENT_CPU]) {
        Ok(()) => {
            println!("pinning: server on cpu {SERVER_CPU}, clients on cpu {CLIENT_CPU}");
            Some(before)
        }
        Err(e) => {
            println!("pinning: not possible ({e}), so server and clients may share cores");
            None
        }
    }
}

fn restore_affinity(before: Option<CpuSet>) {
    if let Some(set) = before {
        let _ = rustix::thread::sched_setaffinity(None, &set);
    }
}

fn set_affinity(cpus: &[usize]) -> io::Result<()> {
    let mut set = CpuSet::new();
    for &cpu in cpus {
        set.set(cpu);
    }
    Ok(rustix::thread::sched_setaffinity(None, &set)?)
}
