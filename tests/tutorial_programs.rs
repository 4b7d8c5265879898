//! The tutorial's two programs (assets/tutorial/fetch.py, examples/tutorial.rs) against servers on
//! 127.0.0.1: the demo server, and a small server here that sends a long reply in many pieces, which
//! the classic tutorial's single `recv(4096)` would have cut short.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

// The test calls only `fetch`; the program's `main` is unused here.
#[allow(dead_code)]
#[path = "../examples/tutorial.rs"]
mod tutorial;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use socket_fetch::demo_server::{DemoServer, numbered_body};

const PROGRESS: [&str; 5] = [
    "# Setting up the socket",
    "# Resolving server IP address",
    "# Establishing connection to 127.0.0.1 at IP: 127.0.0.1",
    "# Transmitting request to server",
    "# Retrieving data from server",
];

/// Runs the Python program, or `None` (after saying so) when python3 is not installed.
fn run_python(args: &[&str]) -> Option<Output> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tutorial/fetch.py");
    match Command::new("python3").arg(script).args(args).stdin(Stdio::null()).output() {
        Ok(output) => Some(output),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            println!("note: python3 is not installed, so the Python program was not run");
            None
        }
        Err(e) => panic!("cannot run python3: {e}"),
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The progress lines appear in order.
fn assert_progress_in_order(err: &str) {
    let mut from = 0;
    for line in PROGRESS {
        let at = err[from..].find(line).unwrap_or_else(|| panic!("{line:?} missing after byte {from} in:\n{err}"));
        from += at + line.len();
    }
}

/// A whole 200 reply from the demo server's page: the head, then exactly as many body bytes as the
/// head's Content-Length says, ending with the page's last line.
fn assert_whole_demo_page(reply: &[u8]) {
    assert!(reply.starts_with(b"HTTP/1.0 200 OK\r\n"), "{}", String::from_utf8_lossy(reply));
    let text = String::from_utf8(reply.to_vec()).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .expect("the demo server gives a Content-Length")
        .parse()
        .unwrap();
    assert_eq!(body.len(), length, "the whole body arrived");
    assert!(body.ends_with("</html>\n"), "the page's end arrived");
}

/// A server for one request: it keeps the request it got, then sends a reply of `body_len` body bytes
/// in 1000-byte pieces with pauses between, so the reply reaches the reader in many reads.
fn piecewise_server(body_len: usize) -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = thread::Builder::new()
        .name("piecewise-server".to_owned())
        .spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "the client hung up before its request was complete");
                request.extend_from_slice(&buf[..n]);
            }
            for (i, piece) in expected_piecewise_reply(body_len).chunks(1000).enumerate() {
                stream.write_all(piece).unwrap();
                if i % 10 == 0 {
                    thread::sleep(Duration::from_millis(5));
                }
            }
            request
        })
        .unwrap();
    (port, thread)
}

fn expected_piecewise_reply(body_len: usize) -> Vec<u8> {
    let mut reply = format!("HTTP/1.0 200 OK\r\nContent-Length: {body_len}\r\n\r\n").into_bytes();
    reply.extend_from_slice(&numbered_body(body_len));
    reply
}

/// A port on 127.0.0.1 where nothing listens: bound, then let go.
fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port()
}

#[test]
fn python_program_fetches_the_demo_page() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let Some(output) = run_python(&["127.0.0.1", &port]) else { return };
    assert!(output.status.success(), "{}", stderr(&output));
    assert_progress_in_order(&stderr(&output));
    assert_whole_demo_page(&output.stdout);
}

#[test]
fn python_program_reads_a_long_reply_to_the_end_and_sends_a_host_header() {
    let (port, server) = piecewise_server(100_000);
    let Some(output) = run_python(&["127.0.0.1", &port.to_string()]) else { return };
    let request = server.join().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(request).unwrap(), format!("GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
    assert!(output.stdout == expected_piecewise_reply(100_000), "the reply differs ({} bytes)", output.stdout.len());
}

#[test]
fn python_program_explains_failures_and_exits_non_zero() {
    let port = closed_port().to_string();
    let Some(output) = run_python(&["127.0.0.1", &port]) else { return };
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Error: could not connect to 127.0.0.1 port"), "{}", stderr(&output));
    assert!(output.stdout.is_empty());

    for args in [&["127.0.0.1", "70000"][..], &["127.0.0.1", "eighty"], &[]] {
        let Some(output) = run_python(args) else { return };
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).starts_with("Error: "), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("Traceback"), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn rust_program_fetches_the_demo_page() {
    let server = DemoServer::start(0).unwrap();
    let reply = tutorial::fetch("127.0.0.1", server.addr().port()).unwrap();
    assert_whole_demo_page(&reply);
}

#[test]
fn rust_program_reads_a_long_reply_to_the_end_and_sends_a_host_header() {
    let (port, server) = piecewise_server(100_000);
    let reply = tutorial::fetch("127.0.0.1", port).unwrap();
    let request = server.join().unwrap();
    assert_eq!(String::from_utf8(request).unwrap(), format!("GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
    assert!(reply == expected_piecewise_reply(100_000), "the reply differs ({} bytes)", reply.len());
}

#[test]
fn rust_program_explains_a_refused_connection() {
    let error = tutorial::fetch("127.0.0.1", closed_port()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused);
    assert!(error.to_string().starts_with("could not connect: "), "{error}");
}
