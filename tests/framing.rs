//! Where a reply ends, as curl finds it: at its Content-Length, at its last chunk, with its head when it
//! has no body, or when the server hangs up. Each case runs against a server on 127.0.0.1 that keeps
//! the line open (or hangs up) as told, through the engine and through the terminal: the fetch ends
//! within 1 s of the server's last byte (the read timeout is 10 s, so waiting for it fails), with the
//! right outcome, and every byte the server sent kept exactly.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::python::PythonServer;
use common::{collect_until_finished, job_for, reply_bytes, start_worker, summary};
use socket_fetch::fetch::{
    ChunkProblem, Event, EventKind, FetchError, Framing, HeaderField, Job, RequestSpec, Version,
};

/// The most a fetch may take after the server's last byte.
const AFTER_LAST_BYTE: Duration = Duration::from_secs(1);
/// How long a server that keeps the line open waits for the client to hang up.
const HOLD_LIMIT: Duration = Duration::from_secs(15);
/// The pause between the pieces a server sends, so they arrive in separate reads.
const GAP: Duration = Duration::from_millis(30);

/// What the server does once its reply is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Keeps the connection open, as a keep-alive server does, until the client hangs up.
    HoldOpen,
    /// Hangs up.
    Close,
}

/// How the fetch must end.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Complete by its framing: `extra` bytes after its end, the line open or not.
    Complete {
        extra: u64,
        line_open: bool,
    },
    Failed(FetchError),
}

struct Case {
    name: &'static str,
    head_request: bool,
    /// What the server sends, piece by piece, [`GAP`] apart.
    pieces: &'static [&'static [u8]],
    then: Then,
    /// The framing of the last head the engine reads.
    framing: Framing,
    outcome: Outcome,
}

const fn complete(extra: u64, line_open: bool) -> Outcome {
    Outcome::Complete { extra, line_open }
}

const CASES: &[Case] = &[
    Case {
        name: "keep-alive with Content-Length",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 37\r\n\r\n<p>Thirty-seven bytes of a page.</p>\n"],
        then: Then::HoldOpen,
        framing: Framing::Length(37),
        outcome: complete(0, true),
    },
    Case {
        name: "keep-alive with Content-Length, head and body apart",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", b"hello, ", b"world"],
        then: Then::HoldOpen,
        framing: Framing::Length(12),
        outcome: complete(0, true),
    },
    Case {
        name: "keep-alive chunked",
        head_request: false,
        pieces: &[
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nMozilla\r\n",
            b"12\r\nDeveloper Network!\r\nb\r\n",
            b" is useful.\r\n0\r\n\r\n",
        ],
        then: Then::HoldOpen,
        framing: Framing::Chunked,
        outcome: complete(0, true),
    },
    Case {
        name: "chunked with trailers",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n4;ext=1\r\nWiki\r\n0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n", b"X-Sum: 9\r\n\r\n"],
        then: Then::HoldOpen,
        framing: Framing::Chunked,
        outcome: complete(0, true),
    },
    Case {
        name: "a reply to HEAD",
        head_request: true,
        pieces: &[b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"],
        then: Then::HoldOpen,
        framing: Framing::NoBody,
        outcome: complete(0, true),
    },
    Case {
        name: "100 Continue and 103 Early Hints, then 200",
        head_request: false,
        pieces: &[
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ],
        then: Then::HoldOpen,
        framing: Framing::Length(2),
        outcome: complete(0, true),
    },
    Case {
        name: "204 No Content",
        head_request: false,
        pieces: &[b"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"],
        then: Then::HoldOpen,
        framing: Framing::NoBody,
        outcome: complete(0, true),
    },
    Case {
        name: "304 Not Modified",
        head_request: false,
        pieces: &[b"HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n"],
        then: Then::HoldOpen,
        framing: Framing::NoBody,
        outcome: complete(0, true),
    },
    Case {
        name: "Content-Length shorter than the data",
        head_request: false,
        // Five bytes of body, and 12 after it in the same read.
        pieces: &[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhellotwelve bytes"],
        then: Then::HoldOpen,
        framing: Framing::Length(5),
        outcome: complete(12, true),
    },
    Case {
        name: "Content-Length, then the server hangs up",
        head_request: false,
        pieces: &[b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\ndone"],
        then: Then::Close,
        framing: Framing::Length(4),
        outcome: complete(0, false),
    },
    Case {
        name: "no length: the end is the hang-up",
        head_request: false,
        pieces: &[b"HTTP/1.0 200 OK\r\n\r\nuntil the server hangs up"],
        then: Then::Close,
        framing: Framing::UntilClose,
        outcome: complete(0, false),
    },
    Case {
        name: "a Transfer-Encoding that is not chunked wins over a Content-Length",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nmore than three bytes"],
        then: Then::Close,
        framing: Framing::UntilClose,
        outcome: complete(0, false),
    },
    Case {
        name: "Content-Length longer than the data, then the server hangs up",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"],
        then: Then::Close,
        framing: Framing::Length(100),
        // A head of 40 bytes: 140 announced, 49 came.
        outcome: Outcome::Failed(FetchError::Truncated { expected: 140, received: 49 }),
    },
    Case {
        name: "a broken chunk size",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nnot a size\r\n"],
        then: Then::HoldOpen,
        framing: Framing::Chunked,
        outcome: Outcome::Failed(FetchError::BrokenChunks(ChunkProblem::SizeNotHex { found: b'z' })),
    },
    Case {
        name: "a hang-up in the middle of a chunk",
        head_request: false,
        pieces: &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly half"],
        then: Then::Close,
        framing: Framing::Chunked,
        outcome: Outcome::Failed(FetchError::ChunkedCutShort { received: 60 }),
    },
];

/// What the server did.
struct Served {
    /// Every byte it sent, in order.
    written: Vec<u8>,
    /// When its last byte went out.
    last_write: Instant,
    /// The client hung up while the server held the line open.
    client_hung_up: bool,
}

/// A server on 127.0.0.1 for one connection: it reads the request, sends `pieces` and does as `then` says.
fn serve(pieces: &'static [&'static [u8]], then: Then) -> (SocketAddr, JoinHandle<Served>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::Builder::new()
        .name("framing-server".into())
        .spawn(move || {
            let mut stream = accept(&listener);
            stream.set_nodelay(true).unwrap();
            common::read_request(&mut stream);
            let mut written = Vec::new();
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    thread::sleep(GAP);
                }
                stream.write_all(piece).unwrap();
                written.extend_from_slice(piece);
            }
            let last_write = Instant::now();
            let client_hung_up = then == Then::HoldOpen && waits_for_hang_up(&mut stream);
            Served { written, last_write, client_hung_up }
        })
        .unwrap();
    (addr, server)
}

/// Waits for the one connection, at most [`HOLD_LIMIT`].
fn accept(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + HOLD_LIMIT;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return stream;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("no client came: {e}"),
        }
    }
}

/// Holds the line open until the client hangs up (true), or [`HOLD_LIMIT`] passes (false).
fn waits_for_hang_up(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(HOLD_LIMIT)).unwrap();
    let mut buf = [0; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => return e.kind() == ErrorKind::ConnectionReset,
        }
    }
}

fn job(case: &Case, addr: SocketAddr) -> Job {
    let mut job = job_for(addr, "/");
    assert_eq!(job.read_timeout, Duration::from_secs(10), "waiting for the read timeout must fail these tests");
    if case.head_request {
        let mut spec = RequestSpec::new(&job.target);
        "HEAD".clone_into(&mut spec.method);
        job.set_request(spec.build().expect("a HEAD request"));
    }
    job
}

/// The outcome the events tell.
fn outcome(events: &[Event]) -> Outcome {
    let completions: Vec<Outcome> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ReplyComplete { extra, line_open } => Some(Outcome::Complete { extra, line_open }),
            _ => None,
        })
        .collect();
    match (&summary(events).error, completions.as_slice()) {
        (None, [complete]) => complete.clone(),
        (Some(error), []) => Outcome::Failed(error.clone()),
        (error, completions) => panic!("the error {error:?} with the completions {completions:?}"),
    }
}

#[test]
fn the_engine_ends_each_reply_where_its_framing_says() {
    let (mut worker, events) = start_worker();
    for case in CASES {
        let (addr, server_thread) = serve(case.pieces, case.then);
        worker.fetch(job(case, addr));
        let seen = collect_until_finished(&events);
        let finished = Instant::now();
        let served = server_thread.join().unwrap();
        let name = case.name;

        let took = finished.saturating_duration_since(served.last_write);
        assert!(took < AFTER_LAST_BYTE, "{name}: the fetch ended {took:?} after the last byte");
        assert_eq!(reply_bytes(&seen), served.written, "{name}: the reply, byte-exact");
        assert_eq!(summary(&seen).received, served.written.len() as u64, "{name}");
        assert_eq!(outcome(&seen), case.outcome, "{name}");
        let last_head = seen.iter().rev().find_map(|e| match &e.kind {
            EventKind::Head(head) => Some(head.clone()),
            _ => None,
        });
        assert_eq!(last_head.map(|h| h.framing), Some(case.framing), "{name}");
        if case.then == Then::HoldOpen {
            assert!(served.client_hung_up, "{name}: socket-fetch did not hang up itself");
        }
    }
}

#[test]
fn interim_heads_are_each_an_event_before_the_real_one() {
    let case = CASES.iter().find(|c| c.name.starts_with("100 Continue")).unwrap();
    let (addr, server_thread) = serve(case.pieces, case.then);
    let seen = common::run_job(job(case, addr));
    server_thread.join().unwrap();
    let heads: Vec<(u16, u64, bool)> = seen
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Head(head) => Some((head.status, head.offset, head.is_interim())),
            _ => None,
        })
        .collect();
    let first = case.pieces[0].len() as u64;
    let second = first + case.pieces[1].len() as u64;
    assert_eq!(heads, [(100, 0, true), (103, first, true), (200, second, false)]);
}

#[test]
fn the_terminal_ends_each_reply_where_its_framing_says() {
    // The terminal has no way to send HEAD; that case is the engine's alone.
    for case in CASES.iter().filter(|c| !c.head_request) {
        let (addr, server_thread) = serve(case.pieces, case.then);
        let port = addr.port().to_string();
        let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(["fetch", "127.0.0.1", &port])
            .stdin(Stdio::null())
            .output()
            .expect("the program runs");
        let finished = Instant::now();
        let served = server_thread.join().unwrap();
        let name = case.name;
        let stderr = String::from_utf8_lossy(&output.stderr);

        let took = finished.saturating_duration_since(served.last_write);
        assert!(took < AFTER_LAST_BYTE, "{name}: the program ended {took:?} after the last byte:\n{stderr}");
        assert_eq!(output.stdout, served.written, "{name}: stdout, byte-exact");
        match &case.outcome {
            Outcome::Complete { extra, line_open } => {
                assert_eq!(output.status.code(), Some(0), "{name}:\n{stderr}");
                assert_eq!(stderr.contains("the server kept the line open"), *line_open, "{name}:\n{stderr}");
                let extra_line = format!("#   {extra} more bytes came after the reply");
                assert_eq!(stderr.contains(&extra_line), *extra > 0, "{name}:\n{stderr}");
            }
            Outcome::Failed(error) => {
                assert_eq!(output.status.code(), Some(1), "{name}:\n{stderr}");
                assert!(stderr.contains(&format!("# Failed: {error}\n")), "{name}:\n{stderr}");
            }
        }
        if case.then == Then::HoldOpen {
            assert!(served.client_hung_up, "{name}: socket-fetch did not hang up itself");
        }
    }
}

/// Python's own `http.server`, a server this project did not write, answering HTTP/1.1 and keeping
/// the line open after each reply: `/` with a Content-Length, `/chunked` in chunks. It prints its port.
const PYTHON_SERVER: &str = r#"
import http.server

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"Mozilla", b"Developer Network"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        # Wait for the next request on the same line, as keep-alive servers do (an HTTP/1.0 request
        # would otherwise be answered and closed).
        self.close_connection = False

    def log_message(self, *args):
        pass

BODY = b"<p>Thirty-seven bytes of a page.</p>\n"
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

#[test]
fn a_keep_alive_reply_from_pythons_http_server_ends_at_its_length_and_its_last_chunk() {
    let python = PythonServer::start(&["-c".as_ref(), PYTHON_SERVER.as_ref()]);
    let addr = python.addr;
    for (path, body, framing) in [
        ("/", &b"<p>Thirty-seven bytes of a page.</p>\n"[..], Framing::Length(37)),
        ("/chunked", b"7\r\nMozilla\r\n11\r\nDeveloper Network\r\n0\r\n\r\n", Framing::Chunked),
    ] {
        let started = Instant::now();
        let seen = common::run_job(job_for(addr, path));
        let took = started.elapsed();
        assert!(took < AFTER_LAST_BYTE, "{path}: the fetch took {took:?}");
        assert_eq!(outcome(&seen), complete(0, true), "{path}");
        let reply = reply_bytes(&seen);
        assert!(reply.starts_with(b"HTTP/1.1 200 OK\r\n"), "{path}: {}", String::from_utf8_lossy(&reply));
        assert!(reply.ends_with(body), "{path}: {}", String::from_utf8_lossy(&reply));
        let framings: Vec<Framing> = seen
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Head(head) => Some(head.framing),
                _ => None,
            })
            .collect();
        assert_eq!(framings, [framing], "{path}");

        let started = Instant::now();
        let port = python.addr.port().to_string();
        let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(["fetch", "127.0.0.1", &port, "--path", path])
            .stdin(Stdio::null())
            .output()
            .expect("the program runs");
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(took < AFTER_LAST_BYTE, "{path}: the program took {took:?}:\n{stderr}");
        assert_eq!(output.status.code(), Some(0), "{path}:\n{stderr}");
        // The same reply as the engine's, apart from its Date, which may have ticked on (same length).
        assert!(output.stdout.starts_with(b"HTTP/1.1 200 OK\r\n"), "{path}:\n{stderr}");
        assert!(output.stdout.ends_with(body), "{path}:\n{stderr}");
        assert_eq!(output.stdout.len(), reply.len(), "{path}:\n{stderr}");
        assert!(stderr.contains("the server kept the line open"), "{path}:\n{stderr}");
    }
}

/// nginx, asked in HTTP/1.1 with `Connection: keep-alive`, keeps the line open after each reply: a
/// static file comes with its Content-Length, and the same file compressed (gzip) comes chunked, since
/// nginx does not know the compressed length in advance.
#[test]
fn keep_alive_replies_from_nginx_end_at_their_length_and_their_last_chunk() {
    let text: Vec<u8> = (0..3000).flat_map(|i| format!("line {i} of a text nginx serves\n").into_bytes()).collect();
    let Some(nginx) = common::nginx::Nginx::start("framing", &[("page.txt", &text)]) else { return };
    for (gzip, framing) in [(false, Framing::Length(text.len() as u64)), (true, Framing::Chunked)] {
        let mut job = job_for(nginx.addr, "/page.txt");
        let mut spec = RequestSpec::new(&job.target);
        spec.version = Version::Http11;
        spec.headers.push(HeaderField::new("Connection", "keep-alive"));
        if gzip {
            spec.headers.push(HeaderField::new("Accept-Encoding", "gzip"));
        }
        job.set_request(spec.build().expect("a keep-alive request"));
        let started = Instant::now();
        let seen = common::run_job(job);
        let took = started.elapsed();
        assert!(took < AFTER_LAST_BYTE, "gzip {gzip}: the fetch took {took:?}");
        assert_eq!(outcome(&seen), complete(0, true), "gzip {gzip}");
        let head = seen
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Head(head) => Some(head.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(head.framing, framing, "gzip {gzip}");
        let reply = reply_bytes(&seen);
        let body = &reply[head.head_len..];
        if gzip {
            assert!(body.ends_with(b"\r\n0\r\n\r\n"), "gzip: the body ends with its last chunk");
        } else {
            assert_eq!(body, text, "the body, byte-exact");
        }
    }
}

/// The window's log, folded from the engine's events, says in plain words how the reply ended.
#[test]
fn the_window_log_says_the_server_kept_the_line_open_and_counts_bytes_after_the_reply() {
    use socket_fetch::ui::FetchView;
    let cases = [
        ("Content-Length shorter than the data", true, Some("12 more bytes came after the reply")),
        ("Content-Length, then the server hangs up", false, None),
    ];
    for (name, line_open, extra) in cases {
        let case = CASES.iter().find(|c| c.name == name).unwrap();
        let (addr, server_thread) = serve(case.pieces, case.then);
        let seen = common::run_job(job(case, addr));
        server_thread.join().unwrap();
        let mut view = FetchView::new(seen[0].job, addr.ip().to_string(), addr.port(), u64::MAX);
        for event in seen {
            view.apply(event);
        }
        let log = view.log_text();
        let kept_open = log.contains("The server kept the line open") && log.contains("so socket-fetch hung up");
        assert_eq!(kept_open, line_open, "{name}:\n{log}");
        assert_eq!(log.contains("the server hung up"), !line_open, "{name}:\n{log}");
        assert_eq!(log.contains("came after the reply"), extra.is_some(), "{name}:\n{log}");
        if let Some(extra) = extra {
            assert!(log.contains(extra), "{name}:\n{log}");
        }
        assert!(!log.contains("does not say how long"), "{name}:\n{log}");
    }
}
