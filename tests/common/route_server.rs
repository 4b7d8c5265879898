//! A server on 127.0.0.1 that answers each request by its path, for the redirect tests of the
//! terminal and the window: it serves a known number of connections, then tells which paths it was
//! asked for.
#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(clippy::unwrap_used)] // a test server that cannot go on should fail loudly

use std::io::{ErrorKind, Write};
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::common::read_request;

/// The server stops waiting for a connection after this long.
const WAIT: Duration = Duration::from_secs(20);

pub struct RouteServer {
    pub port: u16,
    thread: JoinHandle<Vec<String>>,
}

impl RouteServer {
    /// Serves `connections` connections on `listener`, each with `reply(path)`, then hangs up.
    pub fn start(listener: TcpListener, connections: usize, reply: impl Fn(&str) -> Vec<u8> + Send + 'static) -> Self {
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let thread = thread::Builder::new()
            .name("route-server".into())
            .spawn(move || {
                let mut paths = Vec::new();
                let deadline = Instant::now() + WAIT;
                while paths.len() < connections && Instant::now() < deadline {
                    let mut stream = match listener.accept() {
                        Ok((stream, _)) => stream,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            thread::sleep(Duration::from_millis(2));
                            continue;
                        }
                        Err(e) => panic!("accept: {e}"),
                    };
                    stream.set_nonblocking(false).unwrap();
                    stream.set_read_timeout(Some(WAIT)).unwrap();
                    let request = read_request(&mut stream);
                    let path = String::from_utf8_lossy(&request).split(' ').nth(1).unwrap_or_default().to_owned();
                    stream.write_all(&reply(&path)).unwrap();
                    paths.push(path);
                }
                paths
            })
            .unwrap();
        Self { port, thread }
    }

    /// The paths asked for, in order, once every connection was served (or the wait ran out).
    pub fn finish(self) -> Vec<String> {
        self.thread.join().unwrap()
    }
}

pub fn listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").unwrap()
}

/// A redirect with an empty body.
pub fn redirect(status: &str, location: &str) -> Vec<u8> {
    format!("HTTP/1.0 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

/// A small page saying `text`.
pub fn page(text: &str) -> Vec<u8> {
    format!("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{text}", text.len()).into_bytes()
}
