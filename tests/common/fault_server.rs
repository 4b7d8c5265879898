//! Servers on 127.0.0.1 that misbehave on purpose: one [`Fault`] enum and one server function ([`serve`])
//! that cover every case, shared by `tests/faults.rs` (the engine and the terminal) and
//! `tests/window_faults.rs` (the window). Each test binary adds its own `impl Fault` for what only it needs.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use socket_fetch::fetch::{FetchError, HeadProblem};

use crate::common::closed_port;

/// How long the fetches here wait through silence: short, so a timeout case takes under a second.
pub const READ_TIMEOUT: Duration = Duration::from_millis(800);
/// [`READ_TIMEOUT`] in seconds, as the terminal's `--read-timeout` and the window's limits take it.
pub const READ_TIMEOUT_ARG: &str = "0.8";
/// The size limit of the engine's and the terminal's fetch from the endless server.
pub const LIMIT: u64 = 1000;
/// No fault server waits longer than this for anything: a connection, a read, a write, the end of a test.
pub const SERVER_LIMIT: Duration = Duration::from_secs(10);
/// The endless server stops here at the latest, whatever the client does.
pub const ENDLESS_CAP: usize = 64 * 1024 * 1024;
/// The gap between the bytes of the trickling server.
pub const TRICKLE_GAP: Duration = Duration::from_millis(50);

pub const MID_BODY_HEAD: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n";
pub const MID_BODY_SENT: &[u8] = b"only the first part of the body";
pub const STALL_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nthe start, then nothing";
pub const RESET_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 5000\r\n\r\nhalf of it, then a reset";
/// 20 bytes, sent one at a time.
pub const TRICKLE_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\n\r\nx";
pub const EARLY_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 27\r\n\r\nsent before the request came";
pub const HALF_CLOSE_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 22\r\n\r\nthen the server's half";
/// 74 bytes in all, claiming a body of 2^64 - 6 bytes: added to the head's 57 bytes without a check
/// it wraps round to 51, and "74 of 51 bytes" looks complete.
pub const HUGE_LENGTH_REPLY: &[u8] =
    b"HTTP/1.0 200 OK\r\nContent-Length: 18446744073709551610\r\n\r\n17 bytes of body\n";
/// A length one past curl's limit of 2^63 - 1: it fits a u64, but no client takes it.
pub const PAST_LIMIT_LENGTH_REPLY: &[u8] =
    b"HTTP/1.0 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n17 bytes of body\n";
/// A length that is not a number.
pub const NOT_NUMBER_LENGTH_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 12abc\r\n\r\ntwelve bytes";
/// Two lengths that disagree: which one is meant cannot be known.
pub const CONFLICTING_LENGTHS_REPLY: &[u8] =
    b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\nContent-Length: 700\r\n\r\nfive!";
/// The length of the reason phrase of [`Fault::HugeReason`], in characters.
pub const HUGE_REASON_CHARS: usize = 60_000;
/// A reply that, written raw to a terminal, sets the window title, writes the terminal's clipboard
/// (OSC 52), clears the screen and switches to the alternate screen; also a C1 CSI and invalid UTF-8.
pub const TERMINAL_TAKEOVER_REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n\
\x1b]0;title set by the server\x07\x1b]52;c;c3RvbGVu\x07\x1b[2J\x1b[H\x1b[?1049h\xc2\x9b31m\xff\xfe\x7fnot shown raw\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
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
    /// Announces a `Content-Length` near 2^64 ([`HUGE_LENGTH_REPLY`]) and closes after a few bytes.
    HugeLength,
    /// Announces a `Content-Length` of 2^63 ([`PAST_LIMIT_LENGTH_REPLY`]) and closes after a few bytes.
    PastLimitLength,
    /// Announces a `Content-Length` that is not a number ([`NOT_NUMBER_LENGTH_REPLY`]).
    NotNumberLength,
    /// Sends two `Content-Length` headers that disagree ([`CONFLICTING_LENGTHS_REPLY`]).
    ConflictingLengths,
    /// Sends a status line with a 60,000-character reason phrase.
    HugeReason,
    /// Sends escape sequences that would take over a terminal ([`TERMINAL_TAKEOVER_REPLY`]).
    TerminalTakeover,
}

pub const FAULTS: [Fault; 19] = [
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
    Fault::HugeLength,
    Fault::PastLimitLength,
    Fault::NotNumberLength,
    Fault::ConflictingLengths,
    Fault::HugeReason,
    Fault::TerminalTakeover,
];

impl Fault {
    /// How the fetch ends, with the endless server's fetch limited to [`LIMIT`]: `None` is success.
    /// `big_request`: the request is larger than the network's buffers, so a server that never reads
    /// stalls the sending step, not the reply.
    pub fn expected_error(self, addr: SocketAddr, log: &ServerLog, big_request: bool) -> Option<FetchError> {
        self.expected_error_within(addr, log, big_request, LIMIT)
    }

    /// [`Fault::expected_error`] for a fetch whose size limit is `limit` bytes.
    pub fn expected_error_within(
        self,
        addr: SocketAddr,
        log: &ServerLog,
        big_request: bool,
        limit: u64,
    ) -> Option<FetchError> {
        let sent = log.written.len() as u64;
        match self {
            Self::Refuse => Some(FetchError::Refused { addr }),
            Self::AcceptNeverRead if big_request => Some(FetchError::SendTimedOut { after: READ_TIMEOUT }),
            // Not a byte came back to a plain request: a server that expects an encrypted one may do that.
            Self::AcceptNeverRead | Self::ReadNeverAnswer => {
                Some(FetchError::ReadTimedOut { after: READ_TIMEOUT, unanswered_plain: true })
            }
            Self::StallMidReply => Some(FetchError::ReadTimedOut { after: READ_TIMEOUT, unanswered_plain: false }),
            Self::CloseMidBody => {
                Some(FetchError::Truncated { expected: MID_BODY_HEAD.len() as u64 + 1000, received: sent })
            }
            Self::ResetMidStream => Some(FetchError::Reset { received: sent }),
            Self::Endless => Some(FetchError::TooLarge { limit }),
            Self::CloseWithoutByte => Some(FetchError::ClosedEmpty { plain: true }),
            Self::HugeLength => {
                Some(FetchError::BadLength(HeadProblem::LengthBeyondCounting("18446744073709551610".to_owned())))
            }
            Self::PastLimitLength => {
                Some(FetchError::BadLength(HeadProblem::LengthBeyondCounting("9223372036854775808".to_owned())))
            }
            Self::NotNumberLength => Some(FetchError::BadLength(HeadProblem::LengthNotNumber("12abc".to_owned()))),
            Self::ConflictingLengths => {
                Some(FetchError::BadLength(HeadProblem::LengthsDisagree { first: 5, second: 700 }))
            }
            Self::Trickle
            | Self::Garbage
            | Self::HugeHeader
            | Self::AnswerBeforeRequest
            | Self::HalfClose
            | Self::HugeReason
            | Self::TerminalTakeover => None,
        }
    }

    /// The size limit the engine's and the terminal's fetch gets: [`LIMIT`] for the endless server.
    pub fn max_bytes(self) -> Option<u64> {
        (self == Self::Endless).then_some(LIMIT)
    }

    /// The reply bytes the fetch must keep: everything the server wrote, up to the size limit.
    pub fn expected_reply(self, log: &ServerLog) -> &[u8] {
        log.written_within(self.max_bytes().unwrap_or(u64::MAX))
    }

    /// True when the server reads the whole request, so it can be compared with what was sent.
    pub fn reads_request(self) -> bool {
        !matches!(self, Self::Refuse | Self::AcceptNeverRead)
    }
}

/// What a fault server did.
#[derive(Debug, Default)]
pub struct ServerLog {
    /// Every byte the server wrote, in order.
    pub written: Vec<u8>,
    /// The request as the server read it (empty when it does not read).
    pub request: Vec<u8>,
    /// The client closed its end (the server read the end of the stream); only `HalfClose` looks.
    pub client_closed: bool,
}

impl ServerLog {
    /// The reply bytes a fetch whose size limit is `limit` bytes must keep: everything written, up to the limit.
    pub fn written_within(&self, limit: u64) -> &[u8] {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        &self.written[..self.written.len().min(limit)]
    }
}

/// One connection's worth of a fault, on 127.0.0.1 at a port the system picks.
pub struct FaultServer {
    pub addr: SocketAddr,
    /// Dropping it tells the server to stop waiting.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<ServerLog>>,
}

impl FaultServer {
    pub fn start(fault: Fault) -> Self {
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
    pub fn finish(mut self) -> ServerLog {
        drop(self.stop.take());
        self.thread.take().map_or_else(ServerLog::default, |t| t.join().expect("the fault server does not panic"))
    }
}

/// The fault server: accepts one connection and misbehaves on it as `fault` says.
pub fn serve(fault: Fault, listener: &TcpListener, stopped: &Receiver<()>) -> ServerLog {
    let mut log = ServerLog::default();
    let Some(mut stream) = accept(listener, stopped) else { return log };
    stream.set_read_timeout(Some(SERVER_LIMIT)).unwrap();
    stream.set_write_timeout(Some(SERVER_LIMIT)).unwrap();
    if fault == Fault::AnswerBeforeRequest {
        send(&mut stream, &mut log, EARLY_REPLY);
    }
    if fault.reads_request() {
        log.request = crate::common::read_request(&mut stream);
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
        Fault::HugeLength => drop(send(&mut stream, &mut log, HUGE_LENGTH_REPLY)),
        Fault::PastLimitLength => drop(send(&mut stream, &mut log, PAST_LIMIT_LENGTH_REPLY)),
        Fault::NotNumberLength => drop(send(&mut stream, &mut log, NOT_NUMBER_LENGTH_REPLY)),
        Fault::ConflictingLengths => drop(send(&mut stream, &mut log, CONFLICTING_LENGTHS_REPLY)),
        Fault::HugeReason => drop(send(&mut stream, &mut log, &huge_reason_reply())),
        Fault::TerminalTakeover => drop(send(&mut stream, &mut log, TERMINAL_TAKEOVER_REPLY)),
        Fault::HalfClose => {
            send(&mut stream, &mut log, HALF_CLOSE_REPLY);
            stream.shutdown(Shutdown::Write).unwrap();
            log.client_closed = read_until_closed(&mut stream);
        }
    }
    log
}

/// `HTTP/1.0 200 ` and a reason phrase of [`HUGE_REASON_CHARS`] characters, then a short body.
pub fn huge_reason_reply() -> Vec<u8> {
    let mut reply = b"HTTP/1.0 200 ".to_vec();
    reply.extend(std::iter::repeat_n(b'W', HUGE_REASON_CHARS));
    reply.extend_from_slice(b"\r\n\r\nafter a long reason\n");
    reply
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
pub fn assert_same_bytes(got: &[u8], want: &[u8], what: &str) {
    if got != want {
        let at = got.iter().zip(want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        panic!("{what}: {} bytes where {} were expected; the first difference is at byte {at}", got.len(), want.len());
    }
}
