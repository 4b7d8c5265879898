//! Throughput of the terminal mode against curl, on a 1 GiB reply from a fast server on 127.0.0.1.
//!
//! The server (a thread of this process) reads each request, writes a short HTTP/1.0 head and the same
//! 1 MiB buffer 1024 times, then closes. The two clients take turns (socket-fetch, curl, socket-fetch,
//! ...) after one warm-up run each, so a change in the machine's load hits both alike. Each client's
//! `/proc/PID/status` is read every 2 ms while it runs; `VmHWM` only grows, so the last value seen is
//! the process's peak memory.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{Figure, median, mib, vm_hwm};

const BUFFER: usize = 1024 * 1024;
const BUFFERS: usize = 1024;
const BODY: u64 = (BUFFER * BUFFERS) as u64;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Measured runs of each client.
const RUNS: usize = 7;
/// One run that takes longer than this is stopped and counted as failed.
const RUN_LIMIT: Duration = Duration::from_mins(2);
const POLL: Duration = Duration::from_millis(2);
/// The server waits this long for a client's request or for it to read.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
const PEAK_TARGET: u64 = 32 * 1024 * 1024;

fn head() -> String {
    format!(
        "HTTP/1.0 200 OK\r\nServer: socket-fetch-bench\r\nContent-Type: text/plain\r\nContent-Length: {BODY}\r\n\r\n"
    )
}

struct Run {
    took: Duration,
    /// The last `VmHWM` seen while the process ran.
    peak: Option<u64>,
    /// Why the run does not count, if it does not.
    failed: Option<String>,
}

pub fn run(figures: &mut Vec<Figure>) {
    println!("== throughput: 1 GiB from a local server (127.0.0.1), {RUNS} runs each, alternating ==");
    let socket_fetch = env!("CARGO_BIN_EXE_socket-fetch");
    println!("socket-fetch binary: {socket_fetch}");
    let curl = match Command::new("curl").arg("--version").stdout(Stdio::piped()).stderr(Stdio::null()).output() {
        Ok(out) if out.status.success() => {
            let version = String::from_utf8_lossy(&out.stdout);
            println!("curl: {}", version.lines().next().unwrap_or("?"));
            true
        }
        _ => {
            println!("curl: not found, so there is no comparison; socket-fetch is measured alone");
            false
        }
    };
    let clients = if curl { 2 } else { 1 };
    let port = match start_server(clients * (RUNS + 1)) {
        Ok(port) => port,
        Err(e) => {
            println!("the bench server could not start: {e}");
            figures.push(Figure::new("throughput", format!("not measured: server failed: {e}"), "", Some(false)));
            return;
        }
    };
    let port = port.to_string();
    let expected = head().len() as u64 + BODY;
    let sf = || {
        let mut cmd = Command::new(socket_fetch);
        cmd.args(["fetch", "127.0.0.1", &port]);
        timed_run(cmd, Some(expected))
    };
    let url = format!("http://127.0.0.1:{port}/");
    let cu = || {
        let mut cmd = Command::new("curl");
        cmd.args(["-s", "-o", "/dev/null", "--max-time", "120", &url]);
        timed_run(cmd, None)
    };

    let warm = sf();
    report("socket-fetch", "warm-up", &warm);
    if curl {
        report("curl", "warm-up", &cu());
    }
    let (mut sf_runs, mut curl_runs) = (Vec::new(), Vec::new());
    for i in 1..=RUNS {
        let r = sf();
        report("socket-fetch", &format!("run {i}"), &r);
        sf_runs.push(r);
        if curl {
            let r = cu();
            report("curl", &format!("run {i}"), &r);
            curl_runs.push(r);
        }
    }

    let sf_median = median_of(&sf_runs);
    let curl_median = median_of(&curl_runs);
    let failed = sf_runs.iter().chain(&curl_runs).filter(|r| r.failed.is_some()).count();
    if failed > 0 {
        println!("{failed} run(s) failed and are left out of the medians");
    }
    let rate = |d: Duration| BODY as f64 / GIB / d.as_secs_f64();
    match sf_median {
        Some(d) => {
            println!("socket-fetch median: {:.3} s, {:.2} GiB/s", d.as_secs_f64(), rate(d));
            figures.push(Figure::info(
                "throughput: socket-fetch, median of 7",
                format!("{:.3} s, {:.2} GiB/s", d.as_secs_f64(), rate(d)),
            ));
        }
        None => figures.push(Figure::new("throughput: socket-fetch", "no successful run".to_owned(), "", Some(false))),
    }
    if let Some(d) = curl_median {
        println!("curl median:         {:.3} s, {:.2} GiB/s", d.as_secs_f64(), rate(d));
        figures.push(Figure::info(
            "throughput: curl, median of 7",
            format!("{:.3} s, {:.2} GiB/s", d.as_secs_f64(), rate(d)),
        ));
    }
    match (sf_median, curl_median) {
        (Some(s), Some(c)) => {
            let ratio = s.as_secs_f64() / c.as_secs_f64();
            println!("time ratio socket-fetch / curl: {ratio:.2} (below 1: socket-fetch is faster)");
            figures.push(Figure::new(
                "throughput: time socket-fetch / curl",
                format!("{ratio:.2}"),
                "<= 1.00, no slower than curl",
                Some(ratio <= 1.0),
            ));
        }
        _ if !curl => figures.push(Figure::info("throughput: socket-fetch / curl", "skipped: no curl".to_owned())),
        _ => figures.push(Figure::new("throughput: socket-fetch / curl", "not measured".to_owned(), "", Some(false))),
    }
    let peak = sf_runs.iter().chain(std::iter::once(&warm)).filter_map(|r| r.peak).max();
    match peak {
        Some(peak) => {
            println!("socket-fetch peak memory (VmHWM, highest of all runs): {}", mib(peak));
            figures.push(Figure::new(
                "throughput: socket-fetch peak memory (VmHWM)",
                mib(peak),
                "< 32 MiB",
                Some(peak < PEAK_TARGET),
            ));
        }
        None => figures.push(Figure::new("throughput: socket-fetch peak memory", "not seen".to_owned(), "", None)),
    }
    if let Some(peak) = curl_runs.iter().filter_map(|r| r.peak).max() {
        figures.push(Figure::info("throughput: curl peak memory (VmHWM), for reference", mib(peak)));
    }
}

fn median_of(runs: &[Run]) -> Option<Duration> {
    let times: Vec<Duration> = runs.iter().filter(|r| r.failed.is_none()).map(|r| r.took).collect();
    median(&times)
}

fn report(client: &str, what: &str, run: &Run) {
    let peak = run.peak.map_or_else(|| "-".to_owned(), mib);
    match &run.failed {
        None => println!(
            "  {client:<12} {what:<8} {:>7.3} s  {:>5.2} GiB/s  VmHWM {peak}",
            run.took.as_secs_f64(),
            BODY as f64 / GIB / run.took.as_secs_f64()
        ),
        Some(why) => println!("  {client:<12} {what:<8} FAILED: {why}"),
    }
}

/// Runs a client with its output thrown away; the time from start to exit and its peak memory.
/// With `expected`, the client is socket-fetch and its summary line must count that many bytes.
fn timed_run(mut cmd: Command, expected: Option<u64>) -> Run {
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Run { took: start.elapsed(), peak: None, failed: Some(format!("cannot start: {e}")) },
    };
    let pid = child.id().to_string();
    let mut peak = None;
    let status = loop {
        if let Some(hwm) = vm_hwm(&pid) {
            peak = Some(hwm);
        }
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(format!("cannot wait for it: {e}")),
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break Err(format!("still running after {} s, stopped", RUN_LIMIT.as_secs()));
        }
        thread::sleep(POLL);
    };
    let took = start.elapsed();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let failed = match status {
        Err(why) => Some(why),
        Ok(status) if !status.success() => Some(format!("{status}; stderr: {}", stderr.trim())),
        Ok(_) => expected.and_then(|bytes| {
            let counted = format!("# {bytes} bytes received");
            (!stderr.contains(&counted)).then(|| format!("expected \"{counted}\" in: {}", stderr.trim()))
        }),
    };
    Run { took, peak, failed }
}

/// Starts the server for `connections` requests, one after another; its port.
fn start_server(connections: usize) -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    thread::Builder::new().name("bench-server".to_owned()).spawn(move || {
        let line = b"socket-fetch throughput bench: the same 1 MiB buffer, 1024 times.\n";
        let buffer: Vec<u8> = line.iter().copied().cycle().take(BUFFER).collect();
        for _ in 0..connections {
            match listener.accept() {
                Ok((stream, _)) => {
                    if let Err(e) = serve(stream, &buffer) {
                        eprintln!("bench server: {e}");
                    }
                }
                Err(e) => eprintln!("bench server: accept failed: {e}"),
            }
        }
    })?;
    Ok(port)
}

fn serve(mut stream: TcpStream, buffer: &[u8]) -> io::Result<()> {
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
    for _ in 0..BUFFERS {
        stream.write_all(buffer)?;
    }
    stream.shutdown(Shutdown::Write)
}
