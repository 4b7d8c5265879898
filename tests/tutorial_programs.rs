//! The tutorial's programs (assets/tutorial/fetch.py, examples/tutorial.rs, and their HTTPS versions
//! `fetch_https.py` and `tutorial_https.rs`) against servers on 127.0.0.1: the demo server, and a small
//! server here that sends a long reply in many pieces, which the classic tutorial's single
//! `recv(4096)` would have cut short, plain or over TLS with a certificate made here.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

// The test calls only `fetch`; the program's `main` is unused here.
#[allow(dead_code)]
#[path = "../examples/tutorial.rs"]
mod tutorial;
#[allow(dead_code)]
#[path = "../examples/tutorial_https.rs"]
mod tutorial_https;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::{RootCertStore, ServerConnection, StreamOwned};
use socket_fetch::demo_server::tls::Pki;
use socket_fetch::demo_server::{DemoServer, numbered_body};

const PROGRESS: [&str; 5] = [
    "# Setting up the socket",
    "# Resolving server IP address",
    "# Establishing connection to 127.0.0.1 at IP: 127.0.0.1",
    "# Transmitting request to server",
    "# Retrieving data from server",
];

/// The HTTPS programs' progress lines for `localhost`, the handshake's among them.
const HTTPS_PROGRESS: [&str; 6] = [
    "# Setting up the socket",
    "# Resolving server IP address",
    "# Establishing connection to localhost at IP: 127.0.0.1",
    "# Securing the connection (TLS handshake)",
    "# Transmitting request to server",
    "# Retrieving data from server",
];

/// Runs the Python program; a missing python3 fails the test.
fn run_python(args: &[&str]) -> Output {
    run_script("fetch.py", args, None)
}

/// Runs the Python HTTPS program trusting only the authority in `ca_file` (`SSL_CERT_FILE`).
fn run_python_https(args: &[&str], ca_file: &Path) -> Output {
    run_script("fetch_https.py", args, Some(ca_file))
}

fn run_script(name: &str, args: &[&str], ca_file: Option<&Path>) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tutorial").join(name);
    let mut command = Command::new("python3");
    command.arg(script).args(args).stdin(Stdio::null());
    if let Some(file) = ca_file {
        command.env("SSL_CERT_FILE", file).env_remove("SSL_CERT_DIR");
    }
    match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("python3 is not installed: the tests of the tutorial's Python program need it")
        }
        Err(e) => panic!("cannot run python3: {e}"),
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The progress lines appear in order.
fn assert_progress_in_order(err: &str) {
    assert_lines_in_order(err, &PROGRESS);
}

fn assert_lines_in_order(err: &str, lines: &[&str]) {
    let mut from = 0;
    for line in lines {
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

/// A certificate authority's certificate as a PEM file, for Python's `SSL_CERT_FILE`; removed on drop.
struct CaFile(PathBuf);

impl CaFile {
    fn new(pem: &str, tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!("socket-fetch-tutorial-ca-{}-{tag}.pem", std::process::id()));
        std::fs::write(&path, pem).unwrap();
        Self(path)
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// [`piecewise_server`] over TLS, with `pki`'s certificate for localhost; it ends with `close_notify`.
fn piecewise_tls_server(pki: &Pki, body_len: usize) -> (u16, JoinHandle<Vec<u8>>) {
    let config = pki.server_config().unwrap();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = thread::Builder::new()
        .name("piecewise-tls-server".to_owned())
        .spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut tls: StreamOwned<ServerConnection, TcpStream> =
                StreamOwned::new(ServerConnection::new(Arc::clone(&config)).unwrap(), stream);
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = tls.read(&mut buf).unwrap();
                assert!(n > 0, "the client hung up before its request was complete");
                request.extend_from_slice(&buf[..n]);
            }
            for (i, piece) in expected_piecewise_reply(body_len).chunks(1000).enumerate() {
                tls.write_all(piece).unwrap();
                if i % 10 == 0 {
                    thread::sleep(Duration::from_millis(5));
                }
            }
            tls.conn.send_close_notify();
            tls.flush().unwrap();
            request
        })
        .unwrap();
    (port, thread)
}

fn roots_with(ca: &CertificateDer<'static>) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    roots
}

/// A port on 127.0.0.1 where nothing listens: bound, then let go.
fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port()
}

#[test]
fn python_program_fetches_the_demo_page() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let output = run_python(&["127.0.0.1", &port]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_progress_in_order(&stderr(&output));
    assert_whole_demo_page(&output.stdout);
}

#[test]
fn python_program_reads_a_long_reply_to_the_end_and_sends_a_host_header() {
    let (port, server) = piecewise_server(100_000);
    let output = run_python(&["127.0.0.1", &port.to_string()]);
    let request = server.join().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(request).unwrap(), format!("GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
    assert!(output.stdout == expected_piecewise_reply(100_000), "the reply differs ({} bytes)", output.stdout.len());
}

#[test]
fn python_program_explains_failures_and_exits_non_zero() {
    let port = closed_port().to_string();
    let output = run_python(&["127.0.0.1", &port]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Error: could not connect to 127.0.0.1 port"), "{}", stderr(&output));
    assert!(output.stdout.is_empty());

    for args in [&["127.0.0.1", "70000"][..], &["127.0.0.1", "eighty"], &[]] {
        let output = run_python(args);
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

#[test]
fn python_https_program_reads_a_long_encrypted_reply_byte_exact_and_sends_the_name() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let ca = CaFile::new(&pki.ca_pem, "piecewise");
    let (port, server) = piecewise_tls_server(&pki, 100_000);
    let output = run_python_https(&["localhost", &port.to_string()], &ca.0);
    let request = server.join().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_lines_in_order(&stderr(&output), &HTTPS_PROGRESS);
    assert_eq!(String::from_utf8(request).unwrap(), format!("GET / HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"));
    assert!(output.stdout == expected_piecewise_reply(100_000), "the reply differs ({} bytes)", output.stdout.len());
}

#[test]
fn python_https_program_fetches_the_demo_page_and_refuses_a_server_nobody_vouches_for() {
    let server = DemoServer::start(0).unwrap();
    let port = server.https_addr().port().to_string();
    let ca = CaFile::new(server.ca_pem(), "demo");
    let output = run_python_https(&["localhost", &port], &ca.0);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_lines_in_order(&stderr(&output), &HTTPS_PROGRESS);
    assert_whole_demo_page(&output.stdout);

    // Another authority than the demo's: its certificate is signed by nobody trusted.
    let other = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let other_ca = CaFile::new(&other.ca_pem, "other");
    let output = run_python_https(&["localhost", &port], &other_ca.0);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Error: the server's certificate was not accepted: "), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Traceback"), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn rust_https_program_reads_a_long_encrypted_reply_byte_exact_and_fetches_the_demo_page() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let (port, server) = piecewise_tls_server(&pki, 100_000);
    let reply = tutorial_https::fetch("localhost", port, roots_with(&pki.ca)).unwrap();
    let request = server.join().unwrap();
    assert_eq!(String::from_utf8(request).unwrap(), format!("GET / HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"));
    assert!(reply == expected_piecewise_reply(100_000), "the reply differs ({} bytes)", reply.len());

    let demo = DemoServer::start(0).unwrap();
    let reply = tutorial_https::fetch("localhost", demo.https_addr().port(), roots_with(demo.ca())).unwrap();
    assert_whole_demo_page(&reply);
    let untrusted = tutorial_https::fetch("localhost", demo.https_addr().port(), roots_with(&pki.ca)).unwrap_err();
    assert!(untrusted.to_string().starts_with("the secure handshake failed: "), "{untrusted}");
}
