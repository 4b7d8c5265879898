//! Servers on 127.0.0.1 that misbehave on purpose, and what the engine and the terminal make of them:
//! the right error (or success), every byte that arrived kept exactly, no panic, and the next fetch works.
//!
//! One [`Fault`] enum and one server function (`serve`, in `common/fault_server.rs`, shared with
//! `tests/window_faults.rs`) cover every case; the tests walk the table.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/fault_server.rs"]
mod fault_server;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{collect_until_finished, job_for, reply_bytes, start_worker, summary};
use fault_server::{FAULTS, Fault, FaultServer, MID_BODY_HEAD, READ_TIMEOUT, READ_TIMEOUT_ARG, assert_same_bytes};
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{
    Event, EventKind, HeadProblem, HeaderField, Job, Place, ReplyHead, RequestSpec, Target, default_request,
};

/// The engine's request to the server that never reads: far more than the kernel buffers, so the send stalls.
const STALLED_REQUEST: usize = 16 * 1024 * 1024;

/// What the reply's head looks like to the engine.
#[derive(Debug, PartialEq, Eq)]
enum HeadSeen {
    None,
    Http,
    Unreadable(HeadProblemKind),
}

/// Which problem made a head unreadable (the parser's own detail left out).
#[derive(Debug, PartialEq, Eq)]
enum HeadProblemKind {
    NotHttp,
    TooLong,
}

impl Fault {
    fn head_seen(self) -> HeadSeen {
        match self {
            Self::Refuse | Self::AcceptNeverRead | Self::ReadNeverAnswer | Self::CloseWithoutByte => HeadSeen::None,
            Self::Garbage => HeadSeen::Unreadable(HeadProblemKind::NotHttp),
            Self::HugeHeader => HeadSeen::Unreadable(HeadProblemKind::TooLong),
            Self::StallMidReply
            | Self::CloseMidBody
            | Self::ResetMidStream
            | Self::Trickle
            | Self::Endless
            | Self::AnswerBeforeRequest
            | Self::HalfClose
            | Self::HugeLength
            | Self::PastLimitLength
            | Self::NotNumberLength
            | Self::ConflictingLengths
            | Self::HugeReason
            | Self::TerminalTakeover => HeadSeen::Http,
        }
    }

    /// The engine's job against this fault. The server that never reads gets a request too large for
    /// the kernel's buffers, so the send step itself stalls and must time out.
    fn job(self, addr: SocketAddr) -> Job {
        let mut job = job_for(addr, "/");
        job.read_timeout = READ_TIMEOUT;
        if let Some(limit) = self.max_bytes() {
            job.max_bytes = limit;
        }
        if self == Self::AcceptNeverRead {
            let mut spec = RequestSpec::new(&job.target);
            spec.headers.push(HeaderField::new("X-Padding", &"p".repeat(STALLED_REQUEST)));
            job.set_request(spec.build().expect("a padded request"));
        }
        job
    }
}

fn head_seen(events: &[Event]) -> Vec<HeadSeen> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Head(_) => Some(HeadSeen::Http),
            EventKind::HeadUnreadable { problem: HeadProblem::NotHttp(_) } => {
                Some(HeadSeen::Unreadable(HeadProblemKind::NotHttp))
            }
            EventKind::HeadUnreadable { problem: HeadProblem::TooLong } => {
                Some(HeadSeen::Unreadable(HeadProblemKind::TooLong))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn each_fault_gives_its_error_keeps_the_bytes_and_the_worker_fetches_again() {
    let demo = DemoServer::start(0).unwrap();
    let (mut worker, events) = start_worker();
    for fault in FAULTS {
        let server = FaultServer::start(fault);
        let addr = server.addr;
        let job = fault.job(addr);
        let request = job.payload.bytes().into_owned();
        worker.fetch(job);
        let seen = collect_until_finished(&events);
        let log = server.finish();
        let result = summary(&seen);

        assert_eq!(connected_to(&seen, fault), addr);
        assert_eq!(result.error, fault.expected_error(addr, &log, true), "{fault:?}");
        let reply = reply_bytes(&seen);
        assert_same_bytes(&reply, fault.expected_reply(&log), &format!("{fault:?}: the reply kept"));
        assert_eq!(result.received, reply.len() as u64, "{fault:?}: the count of bytes received");
        if fault.reads_request() {
            assert_same_bytes(&log.request, &request, &format!("{fault:?}: the request the server read"));
        }
        let heads = head_seen(&seen);
        match fault.head_seen() {
            HeadSeen::None => assert!(heads.is_empty(), "{fault:?}: {heads:?}"),
            expected => assert_eq!(heads, [expected], "{fault:?}"),
        }
        let sent = seen.iter().any(|e| matches!(e.kind, EventKind::Sent { .. }));
        assert_eq!(sent, !matches!(fault, Fault::Refuse | Fault::AcceptNeverRead), "{fault:?}: the request was sent");
        if fault == Fault::HalfClose {
            assert!(log.client_closed, "after the server's half-close, the client closed its end too");
        }

        // The same worker goes on to fetch normally.
        worker.fetch(job_for(demo.addr(), "/bytes/100"));
        let next = collect_until_finished(&events);
        assert!(summary(&next).error.is_none(), "after {fault:?}: {:?}", summary(&next).error);
        assert!(reply_bytes(&next).ends_with(&numbered_body(100)), "after {fault:?}");
    }
}

/// The address the job tried to connect to.
fn connected_to(events: &[Event], fault: Fault) -> SocketAddr {
    events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::Connecting { address, .. } => Some(address),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{fault:?}: no connection was tried"))
}

#[test]
fn each_fault_in_the_terminal_gives_the_bytes_on_stdout_a_plain_message_and_the_exit_code() {
    for fault in FAULTS {
        let server = FaultServer::start(fault);
        let addr = server.addr;
        let port = addr.port().to_string();
        let limit = fault.max_bytes().map(|l| l.to_string());
        let mut args = vec!["fetch", "127.0.0.1", &port, "--read-timeout", READ_TIMEOUT_ARG];
        if let Some(limit) = &limit {
            args.extend(["--max-bytes", limit]);
        }
        let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("the program runs");
        let log = server.finish();
        let stderr = String::from_utf8_lossy(&output.stderr);

        assert_same_bytes(&output.stdout, fault.expected_reply(&log), &format!("{fault:?}: stdout"));
        let received = format!("# {} bytes received.", output.stdout.len());
        assert!(stderr.contains(&received), "{fault:?}: {received:?} missing from:\n{stderr}");
        match fault.expected_error(addr, &log, false) {
            None => {
                assert_eq!(output.status.code(), Some(0), "{fault:?}:\n{stderr}");
                assert!(!stderr.contains("# Failed"), "{fault:?}:\n{stderr}");
            }
            Some(error) => {
                // A timeout exits 28, as in curl; any other failure 1.
                let code = if error.is_timeout() { 28 } else { 1 };
                assert_eq!(output.status.code(), Some(code), "{fault:?}:\n{stderr}");
                let message = format!("# Failed: {error}\n# Try: {}\n", error.hint(Place::Terminal));
                assert!(stderr.contains(&message), "{fault:?}: {message:?} missing from:\n{stderr}");
            }
        }
        if fault.reads_request() {
            let target = Target::parse("127.0.0.1", &port).unwrap();
            assert_same_bytes(&log.request, &default_request(&target), &format!("{fault:?}: the request"));
        }
    }
}

/// The head the engine read from `fault`'s reply.
fn head_of(fault: Fault) -> ReplyHead {
    let server = FaultServer::start(fault);
    let seen = common::run_job(fault.job(server.addr));
    server.finish();
    seen.iter()
        .find_map(|e| match &e.kind {
            EventKind::Head(head) => Some(head.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{fault:?}: no head read"))
}

#[test]
fn a_content_length_is_only_a_claim_checked_before_use() {
    // Near 2^64, and just past curl's limit of 2^63 - 1: no wrap round to a small total that looks complete.
    let head = head_of(Fault::HugeLength);
    assert_eq!(head.expected_total, None);
    assert_eq!(head.length_problem, Some(HeadProblem::LengthBeyondCounting("18446744073709551610".to_owned())));
    let head = head_of(Fault::PastLimitLength);
    assert_eq!(head.length_problem, Some(HeadProblem::LengthBeyondCounting("9223372036854775808".to_owned())));
    // Not a number at all.
    let head = head_of(Fault::NotNumberLength);
    assert_eq!(head.length_problem, Some(HeadProblem::LengthNotNumber("12abc".to_owned())));
    // Two that disagree: neither is used.
    let head = head_of(Fault::ConflictingLengths);
    assert_eq!(head.expected_total, None);
    assert_eq!(head.length_problem, Some(HeadProblem::LengthsDisagree { first: 5, second: 700 }));
    // One that is fine is used, and is no problem.
    let head = head_of(Fault::CloseMidBody);
    assert_eq!((head.expected_total, head.length_problem), (Some(MID_BODY_HEAD.len() as u64 + 1000), None));

    // The terminal says so, never that the reply is complete by its length, and fails as curl does
    // (RFC 9112, section 6.3), with what arrived on stdout.
    for (fault, problem) in [
        (Fault::HugeLength, "more than any reply can be"),
        (Fault::PastLimitLength, "more than any reply can be"),
        (Fault::NotNumberLength, "\"12abc\" is not a number of bytes"),
        (Fault::ConflictingLengths, "two different lengths"),
    ] {
        let (output, log) = terminal_fetch(fault);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("its length cannot be used") && stderr.contains(problem), "{fault:?}:\n{stderr}");
        assert!(stderr.contains("# Failed: The reply's length cannot be used"), "{fault:?}:\n{stderr}");
        assert!(!stderr.contains(" of 51 "), "{fault:?}:\n{stderr}");
        assert_eq!(output.status.code(), Some(1), "{fault:?}:\n{stderr}");
        assert_same_bytes(&output.stdout, &log.written, &format!("{fault:?}: stdout"));
    }
}

#[test]
fn a_huge_reason_phrase_is_one_short_line_on_stderr() {
    let (output, log) = terminal_fetch(Fault::HugeReason);
    assert_same_bytes(&output.stdout, &log.written, "stdout keeps the whole reason");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let longest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 200, "a stderr line of {longest} characters:\n{stderr}");
    assert!(stderr.contains(&format!("#   reply: 200 {}…\n", "W".repeat(80))), "{stderr}");
}

/// Runs `socket-fetch fetch` against `fault`, stdout a pipe.
fn terminal_fetch(fault: Fault) -> (std::process::Output, fault_server::ServerLog) {
    let server = FaultServer::start(fault);
    let port = server.addr.port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "127.0.0.1", &port, "--read-timeout", READ_TIMEOUT_ARG])
        .stdin(Stdio::null())
        .output()
        .expect("the program runs");
    (output, server.finish())
}

#[test]
fn a_huge_reason_phrase_does_not_size_the_window() {
    use egui_kittest::kittest::Queryable as _;

    let server = FaultServer::start(Fault::HugeReason);
    let mut harness = window_harness::harness("127.0.0.1", &server.addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    window_harness::step_until(&mut harness, "the fetch to end", window_harness::finished);
    harness.run_steps(3);
    server.finish();
    let window = harness.ctx.content_rect();
    let copy = harness.get_by_label("Copy reply").rect();
    assert!(window.contains_rect(copy), "Copy reply at {copy:?}, outside the window {window:?}");
    // The log under the steps is still on screen: its Copy log button is inside the window.
    let copy_log = harness.get_by_label("Copy log").rect();
    assert!(window.contains_rect(copy_log), "Copy log at {copy_log:?}, outside the window {window:?}");
    let log = harness.state().view().unwrap().log_text();
    let longest = log.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 300, "a log line of {longest} characters");
}

/// `socket-fetch serve-demo` as a child process, run by `sh -c SCRIPT` (`$0` is the program), and the
/// address it reports on stderr; the rest of stderr stays readable.
struct DemoProcess {
    child: std::process::Child,
    addr: SocketAddr,
    stderr: std::io::BufReader<std::process::ChildStderr>,
}

impl DemoProcess {
    fn start(script: &str) -> Self {
        use std::io::BufRead as _;
        let mut child = Command::new("sh")
            .args(["-c", script, env!("CARGO_BIN_EXE_socket-fetch")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh runs");
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { child, addr, stderr }
    }

    /// CPU time the server used so far (user + system), from /proc.
    fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
        let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
    }

    /// Stops the server; what it said on stderr after its first line.
    fn stop(mut self) -> String {
        use std::io::Read as _;
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        rest
    }
}

/// One plain request for `/`, timed: the status line, and how long the whole reply took.
fn timed_get(addr: SocketAddr, limit: Duration) -> (String, Duration) {
    use std::io::{Read as _, Write as _};
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, limit).unwrap();
    stream.set_read_timeout(Some(limit)).unwrap();
    stream.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let status = String::from_utf8_lossy(&reply).lines().next().unwrap_or_default().to_owned();
    (status, started.elapsed())
}

/// The demo server's figure: 500 silent or trickling clients hold connections, and a well-behaved
/// client still gets its real reply within 1 s; the silent and trickling ones are dropped at the
/// request deadline.
#[test]
fn the_demo_server_answers_within_1_s_while_500_clients_hold_connections() {
    use std::io::{Read as _, Write as _};
    let demo = DemoProcess::start("exec \"$0\" serve-demo");
    let silent: Vec<TcpStream> = (0..250).map(|_| TcpStream::connect(demo.addr).unwrap()).collect();
    let mut trickling: Vec<TcpStream> = (0..250).map(|_| TcpStream::connect(demo.addr).unwrap()).collect();
    for stream in &mut trickling {
        stream.write_all(b"GET / HTTP/1.0\r\nX-Slow: ").unwrap();
    }
    let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
    let trickler = std::thread::Builder::new()
        .name("trickler".into())
        .spawn(move || {
            // One byte a client every 100 ms, a header that never ends.
            while stopped.recv_timeout(Duration::from_millis(100)) == Err(crossbeam_channel::RecvTimeoutError::Timeout)
            {
                for stream in &mut trickling {
                    let _ = stream.write_all(b"a");
                }
            }
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(300)); // the server takes them all in

    let (status, took) = timed_get(demo.addr, Duration::from_secs(5));
    assert_eq!(status, "HTTP/1.0 200 OK", "the real reply, not a 503");
    assert!(took < Duration::from_secs(1), "the reply took {took:?} with 500 connections held");

    // Past the request deadline, a silent client has been dropped.
    std::thread::sleep(socket_fetch::demo_server::REQUEST_DEADLINE + Duration::from_millis(500));
    let mut first = &silent[0];
    first.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0; 16];
    // Closed (end of stream, or reset), not still open (the read timing out).
    let read = first.read(&mut buf);
    let dropped = match &read {
        Ok(n) => *n == 0,
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    };
    assert!(dropped, "a silent client still held its connection after the deadline: {read:?}");
    drop(stop);
    trickler.join().unwrap();
    demo.stop();
}

/// Out of file descriptors (`ulimit -n 64`, 100 connections held), the demo server waits instead of
/// spinning, says so once, and serves again once connections close.
#[test]
fn the_demo_server_out_of_file_descriptors_backs_off_and_recovers() {
    let demo = DemoProcess::start("ulimit -n 64 && exec \"$0\" serve-demo");
    let held: Vec<TcpStream> = (0..100).map(|_| TcpStream::connect(demo.addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = demo.cpu_time();
    std::thread::sleep(Duration::from_secs(2));
    let used = demo.cpu_time().saturating_sub(before);
    assert!(used <= Duration::from_millis(200), "{used:?} of CPU in 2 s: the accept loop spins");

    drop(held);
    let (status, took) = timed_get(demo.addr, Duration::from_secs(5));
    assert_eq!(status, "HTTP/1.0 200 OK", "served again after the held connections closed");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let said = demo.stop();
    let times = said.matches("cannot take a new connection").count();
    assert!((1..=3).contains(&times), "said {times} times, not once per streak:\n{said}");
}

/// Past its cap, the demo server answers a short 503 at once instead of queueing the client.
#[test]
fn the_demo_server_past_its_cap_answers_503_at_once() {
    use std::io::Read as _;
    let server = DemoServer::start_capped(0, 3).unwrap();
    let held: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(server.addr()).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let mut extra = TcpStream::connect(server.addr()).unwrap();
    extra.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut reply = Vec::new();
    let _ = extra.read_to_end(&mut reply);
    assert!(reply.starts_with(b"HTTP/1.0 503 Service Unavailable\r\n"), "{}", String::from_utf8_lossy(&reply));
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    drop(held);
}
