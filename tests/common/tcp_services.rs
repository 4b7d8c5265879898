//! Two services that are not web servers, on 127.0.0.1, for raw mode: an echo server and a tiny
//! line-based greeter in the manner of SMTP. Each serves connections on its own thread until the
//! test ends.
#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(clippy::unwrap_used)] // a test server that cannot go on should fail loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// Serves each connection with `serve` on a thread of its own.
fn serve_each(name: &'static str, serve: fn(TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::Builder::new().name(format!("{name}-connection")).spawn(move || serve(stream)).unwrap();
            }
        })
        .unwrap();
    addr
}

/// Sends back every byte it gets, and hangs up only when the other side does.
pub fn echo() -> SocketAddr {
    serve_each("echo-server", |mut stream| {
        let mut buf = [0; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 || stream.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    })
}

/// Greets first with `220 hello`, answers `HELO name` with `250 hello name`, `QUIT` with
/// `221 bye` and a hang-up, and any other line with `500 what?`.
pub fn greeter() -> SocketAddr {
    serve_each("greeter", |stream| {
        let mut out = stream.try_clone().unwrap();
        if out.write_all(b"220 hello\r\n").is_err() {
            return;
        }
        for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line).trim_end_matches('\r').to_owned();
            let answer = match line.split_once(' ') {
                Some(("HELO", name)) => format!("250 hello {name}\r\n"),
                _ if line == "QUIT" => "221 bye\r\n".to_owned(),
                _ => "500 what?\r\n".to_owned(),
            };
            if out.write_all(answer.as_bytes()).is_err() || line == "QUIT" {
                return;
            }
        }
    })
}
