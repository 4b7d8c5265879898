//! A server on 127.0.0.1 that records the exact bytes of each request it gets and answers each with
//! the same reply, for the request-shaping tests: what socket-fetch (or curl) sent, byte for byte,
//! and whether anything connected at all.
#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(clippy::unwrap_used)] // a test server that cannot go on should fail loudly

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// After the head, a request without a Content-Length may still carry a body: the server waits
/// this long for more before it answers.
const QUIET: Duration = Duration::from_millis(300);

pub struct RecordingServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Vec<u8>>>,
}

impl RecordingServer {
    /// Answers every connection with `reply`, then hangs up.
    pub fn start(reply: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("recording-server".into())
            .spawn(move || {
                let mut requests = Vec::new();
                while !stopping.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            stream.set_nonblocking(false).unwrap();
                            requests.push(record(&mut stream));
                            // The client may hang up first (a HEAD reply it stops reading): no matter.
                            let _ = stream.write_all(&reply);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(2)),
                        Err(e) => panic!("accept: {e}"),
                    }
                }
                requests
            })
            .unwrap();
        Self { addr, stop, thread }
    }

    /// A server whose reply is a small empty 200.
    pub fn ok() -> Self {
        Self::start(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec())
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    /// Stops serving; every request it recorded, in order (none: nothing connected).
    pub fn requests(self) -> Vec<Vec<u8>> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// Reads one request: its head, then as many body bytes as its Content-Length says, or whatever
/// comes before [`QUIET`] when it says none.
fn record(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return request,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length = head
        .split("\r\n")
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok());
    if length.is_none() {
        stream.set_read_timeout(Some(QUIET)).unwrap();
    }
    while length.is_none_or(|length| request.len() < head_end + length) {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    request
}
