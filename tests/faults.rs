//! Servers on 127.0.0.1 that misbehave on purpose, and what the engine and the terminal make of them:
//! the right error (or success), every byte that arrived kept exactly, no panic, and the next fetch works.
//!
//! One [`Fault`] enum and one server function ([`serve`]) cover every case; the tests walk the table.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{closed_port, collect_until_finished, job_for, reply_bytes, start_worker, summary};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{Event, EventKind, FetchError, Job, Target, default_request};

/// How long the engine waits through silence here: short, so a timeout case takes under a second.
const READ_TIMEOUT: Duration = Duration::from_millis(800);
const READ_TIMEOUT_ARG: &str = "0.8";
/// The size limit of the fetch from the endless server.
const LIMIT: u64 = 1000;
/// No fault server waits longer than this for anything: a connection, a read, a write, the end of a test.
const SERVER_LIMIT: Duration = Duration::from_secs(10);
/// The endless server stops here at the latest, whatever the client does.
const ENDLESS_CAP: usize = 64 * 1024 * 1024;
/// The gap between the bytes of the trickling server.
const TRICKLE_GAP: Duration = Duration::from_millis(50);
/// The engine's request to the server that never reads: far more than the kernel buffers, so the send stalls.
const STALLED_REQUEST: usize = 16 * 1024 * 1024;

const MID_BODY_HEAD: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n";
const MID_BODY_SENT: &[u8] = b"only the first part of the body";
const STALL_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nthe start, then nothing";
const RESET_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 5000\r\n\r\nhalf of it, then a reset";
/// 20 bytes, sent one at a time.
const TRICKLE_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\n\r\nx";
const EARLY_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 27\r\n\r\nsent before the request came";
const HALF_CLOSE_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 22\r\n\r\nthen the server's half";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Nothing listens on the port.
    Refuse,
    /// Accepts the connection and never reads from it.
    AcceptNeverRead,
    /// Reads the request and never answers.
    ReadNeverAnswer,
    /// Sends part of a reply, then goes silent with the connection open.
    StallMidReply,
    /// Announces a 1000-byte body, sends part of it, and closes.
    CloseMidBody,
    /// Sends part of a reply, then resets the connection (`SO_LINGER` 0).
    ResetMidStream,
    /// Sends a 20-byte reply one byte every 50 ms.
    Trickle,
    /// Sends without end (the fetch has a small size limit).
    Endless,
    /// Sends binary garbage and NULs instead of HTTP.
    Garbage,
    /// Sends a reply whose head has a 1 MiB header line.
    HugeHeader,
    /// Reads the request and closes without sending a byte.
    CloseWithoutByte,
    /// Sends its whole reply before reading the request.
    AnswerBeforeRequest,
    /// Sends its reply, shuts down its sending half, and keeps reading until the client closes.
    HalfClose,
}

const FAULTS: [Fault; 13] = [
    Fault::Refuse,
    Fault::AcceptNeverRead,
    Fault::ReadNeverAnswer,
    Fault::StallMidReply,
    Fault::CloseMidBody,
    Fault::ResetMidStream,
    Fault::Trickle,
    Fault::Endless,
    Fault::Garbage,
    Fault::HugeHeader,
    Fault::CloseWithoutByte,
    Fault::AnswerBeforeRequest,
    Fault::HalfClose,
];

/// What the reply's head looks like to the engine.
#[derive(Debug, PartialEq, Eq)]
enum HeadSeen {
    None,
    Http,
    Unreadable(&'static str),
}

impl Fault {
    /// How the fetch ends: `None` is success. `big_request`: the request is larger than the
    /// network's buffers, so a server that never reads stalls the sending step, not the reply.
    fn expected_error(self, addr: SocketAddr, log: &ServerLog, big_request: bool) -> Option<FetchError> {
        let sent = log.written.len() as u64;
        match self {
            Self::Refuse => Some(FetchError::Refused { addr }),
            Self::AcceptNeverRead if big_request => Some(FetchError::SendTimedOut { after: READ_TIMEOUT }),
            Self::AcceptNeverRead | Self::ReadNeverAnswer | Self::StallMidReply => {
                Some(FetchError::ReadTimedOut { after: READ_TIMEOUT })
            }
            Self::CloseMidBody => {
                Some(FetchError::Truncated { expected: MID_BODY_HEAD.len() as u64 + 1000, received: sent })
            }
            Self::ResetMidStream => Some(FetchError::Reset { received: sent }),
            Self::Endless => Some(FetchError::TooLarge { limit: LIMIT }),
            Self::CloseWithoutByte => Some(FetchError::ClosedEmpty),
            Self::Trickle | Self::Garbage | Self::HugeHeader | Self::AnswerBeforeRequest | Self::HalfClose => None,
        }
    }

    fn max_bytes(self) -> Option<u64> {
        (self == Self::Endless).then_some(LIMIT)
    }

    /// The reply bytes the fetch must keep: everything the server wrote, up to the size limit.
    fn expected_reply(self, log: &ServerLog) -> &[u8] {
        let limit = self.max_bytes().map_or(usize::MAX, |l| usize::try_from(l).unwrap());
        &log.written[..log.written.len().min(limit)]
    }

    /// True when the server reads the whole request, so it can be compared with what was sent.
    fn reads_request(self) -> bool {
        !matches!(self, Self::Refuse | Self::AcceptNeverRead)
    }

    fn head_seen(self) -> HeadSeen {
        match self {
            Self::Refuse | Self::AcceptNeverRead | Self::ReadNeverAnswer | Self::CloseWithoutByte => HeadSeen::None,
            Self::Garbage => HeadSeen::Unreadable("it does not start like an HTTP reply"),
            Self::HugeHeader => HeadSeen::Unreadable("its head is longer than 64 KiB"),
            Self::StallMidReply
            | Self::CloseMidBody
            | Self::ResetMidStream
            | Self::Trickle
            | Self::Endless
            | Self::AnswerBeforeRequest
            | Self::HalfClose => HeadSeen::Http,
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
            let mut request = b"GET / HTTP/1.0\r\nX-Padding: ".to_vec();
            request.resize(STALLED_REQUEST, b'p');
            request.extend_from_slice(b"\r\n\r\n");
            job.request = request;
        }
        job
    }
}

/// What a fault server did.
#[derive(Debug, Default)]
struct ServerLog {
    /// Every byte the server wrote, in order.
    written: Vec<u8>,
    /// The request as the server read it (empty when it does not read).
    request: Vec<u8>,
    /// The client closed its end (the server read the end of the stream); only `HalfClose` looks.
    client_closed: bool,
}

/// One connection's worth of a fault, on 127.0.0.1 at a port the system picks.
struct FaultServer {
    addr: SocketAddr,
    /// Dropping it tells the server to stop waiting.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<ServerLog>>,
}

impl FaultServer {
    fn start(fault: Fault) -> Self {
        if fault == Fault::Refuse {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, closed_port()));
            return Self { addr, stop: None, thread: None };
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = bounded(1);
        let thread = thread::Builder::new()
            .name(format!("fault-server-{fault:?}"))
            .spawn(move || serve(fault, &listener, &stopped))
            .unwrap();
        Self { addr, stop: Some(stop), thread: Some(thread) }
    }

    /// Stops the server (if it still waits) and says what it did.
    fn finish(mut self) -> ServerLog {
        drop(self.stop.take());
        self.thread.take().map_or_else(ServerLog::default, |t| t.join().expect("the fault server does not panic"))
    }
}

/// The fault server: accepts one connection and misbehaves on it as `fault` says.
fn serve(fault: Fault, listener: &TcpListener, stopped: &Receiver<()>) -> ServerLog {
    let mut log = ServerLog::default();
    let Some(mut stream) = accept(listener, stopped) else { return log };
    stream.set_read_timeout(Some(SERVER_LIMIT)).unwrap();
    stream.set_write_timeout(Some(SERVER_LIMIT)).unwrap();
    if fault == Fault::AnswerBeforeRequest {
        send(&mut stream, &mut log, EARLY_REPLY);
    }
    if fault.reads_request() {
        log.request = read_request(&mut stream);
    }
    match fault {
        Fault::Refuse | Fault::CloseWithoutByte | Fault::AnswerBeforeRequest => {}
        Fault::AcceptNeverRead | Fault::ReadNeverAnswer => hold(stopped),
        Fault::StallMidReply => {
            send(&mut stream, &mut log, STALL_REPLY);
            hold(stopped);
        }
        Fault::CloseMidBody => {
            send(&mut stream, &mut log, MID_BODY_HEAD);
            send(&mut stream, &mut log, MID_BODY_SENT);
        }
        Fault::ResetMidStream => {
            send(&mut stream, &mut log, RESET_REPLY);
            thread::sleep(Duration::from_millis(50));
            socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO)).unwrap();
        }
        Fault::Trickle => {
            for byte in TRICKLE_REPLY {
                thread::sleep(TRICKLE_GAP);
                send(&mut stream, &mut log, &[*byte]);
            }
        }
        Fault::Endless => {
            send(&mut stream, &mut log, b"HTTP/1.0 200 OK\r\n\r\n");
            let chunk: Vec<u8> = (0..16 * 1024u32).map(|i| b'a' + u8::try_from(i % 26).unwrap()).collect();
            // Ends when the client hangs up (the write fails) or at the cap.
            while log.written.len() < ENDLESS_CAP && send(&mut stream, &mut log, &chunk) {}
        }
        Fault::Garbage => {
            let mut garbage = b"\0\0\0\xff\xfe\0garbage\r\n\0\r\n\r\n".to_vec();
            garbage.extend(0..=255u8);
            garbage.extend([0; 64]);
            send(&mut stream, &mut log, &garbage);
        }
        Fault::HugeHeader => {
            let mut reply = b"HTTP/1.0 200 OK\r\nX-Huge: ".to_vec();
            reply.resize(reply.len() + 1024 * 1024, b'h');
            reply.extend_from_slice(b"\r\n\r\nthe body after a huge header\n");
            send(&mut stream, &mut log, &reply);
        }
        Fault::HalfClose => {
            send(&mut stream, &mut log, HALF_CLOSE_REPLY);
            stream.shutdown(Shutdown::Write).unwrap();
            log.client_closed = read_until_closed(&mut stream);
        }
    }
    log
}

/// Waits for one connection, until the test says stop or [`SERVER_LIMIT`] passes.
fn accept(listener: &TcpListener, stopped: &Receiver<()>) -> Option<TcpStream> {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + SERVER_LIMIT;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return Some(stream);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => match stopped.recv_timeout(Duration::from_millis(5)) {
                Err(RecvTimeoutError::Timeout) => {}
                Ok(()) | Err(RecvTimeoutError::Disconnected) => return None,
            },
            Err(_) => return None,
        }
    }
    None
}

/// Keeps the connection open, doing nothing, until the test is done with it.
fn hold(stopped: &Receiver<()>) {
    let _ = stopped.recv_timeout(SERVER_LIMIT);
}

/// Writes `bytes`, logging each byte the network took; false once the client is gone.
fn send(stream: &mut TcpStream, log: &mut ServerLog, bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while !rest.is_empty() {
        match stream.write(rest) {
            Ok(0) | Err(_) => return false,
            Ok(n) => {
                log.written.extend_from_slice(&rest[..n]);
                rest = &rest[n..];
            }
        }
    }
    true
}

/// Reads up to the blank line that ends a request head.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut buf = [0; 4096];
    while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    request
}

/// Reads (and drops) until the client closes; false when it does not within the limits.
fn read_until_closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0; 4096];
    for _ in 0..1000 {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// Equal bytes, or a short report of where they differ (a 1 MiB reply would drown `assert_eq!`).
fn assert_same_bytes(got: &[u8], want: &[u8], what: &str) {
    if got != want {
        let at = got.iter().zip(want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        panic!("{what}: {} bytes where {} were expected; the first difference is at byte {at}", got.len(), want.len());
    }
}

fn head_seen(events: &[Event]) -> Vec<HeadSeen> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Head(_) => Some(HeadSeen::Http),
            EventKind::HeadUnreadable { reason } => {
                ["it does not start like an HTTP reply", "its head is longer than 64 KiB"]
                    .into_iter()
                    .find(|known| reason.starts_with(known))
                    .map(HeadSeen::Unreadable)
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
        let request = job.request.clone();
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
                assert_eq!(output.status.code(), Some(1), "{fault:?}:\n{stderr}");
                let message = format!("# Failed: {error}\n# Try: {}\n", error.hint());
                assert!(stderr.contains(&message), "{fault:?}: {message:?} missing from:\n{stderr}");
            }
        }
        if fault.reads_request() {
            let target = Target::parse("127.0.0.1", &port).unwrap();
            assert_same_bytes(&log.request, &default_request(&target), &format!("{fault:?}: the request"));
        }
    }
}
