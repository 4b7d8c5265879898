//! The wire as an eavesdropper sees it, against servers on 127.0.0.1: the records the engine reports
//! add up to exactly the bytes that crossed the socket, counted independently by a relay between
//! socket-fetch and the server; over TLS they are records in the handshake's order whose bytes are
//! not the reply; over plain HTTP they are the request and the reply themselves.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use common::openssl::OpenSsl;
use common::{job_for, reply_bytes, run_job, summary};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use socket_fetch::demo_server::tls::Pki;
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{ContentType, Direction, Event, EventKind, Job, Piece, Target, Trust, WireRecord};

/// A relay on 127.0.0.1 in front of `server`, for one connection: it passes every byte on and
/// counts them, as an eavesdropper on the way would. Joined, it gives (bytes sent to the server,
/// bytes received from it).
struct Relay {
    port: u16,
    thread: JoinHandle<(u64, u64)>,
}

impl Relay {
    fn start(server: SocketAddr) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = named("wire-relay", move || {
            let (client, _) = listener.accept().unwrap();
            let upstream = TcpStream::connect(server).unwrap();
            let (client_in, upstream_out) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let to_server = named("wire-relay-up", move || pump(client_in, upstream_out));
            let from_server = pump(upstream, client);
            (to_server.join().unwrap(), from_server)
        });
        Self { port, thread }
    }

    fn counts(self) -> (u64, u64) {
        self.thread.join().unwrap()
    }
}

fn named<T: Send + 'static>(name: &str, body: impl FnOnce() -> T + Send + 'static) -> JoinHandle<T> {
    thread::Builder::new().name(name.to_owned()).spawn(body).unwrap()
}

/// Copies until the sender is done, then says so to the receiver; the bytes copied.
fn pump(mut from: TcpStream, mut to: TcpStream) -> u64 {
    let mut buf = vec![0; 64 * 1024];
    let mut moved = 0;
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                moved += n as u64;
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    moved
}

/// A rustls server that answers each connection with the next reply, without a length, then ends
/// the session properly (`close_notify`), so socket-fetch reads every byte the server sends.
fn tls_server(config: Arc<ServerConfig>, replies: Vec<Vec<u8>>) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = named("wire-tls-server", move || {
        for reply in replies {
            let (stream, _) = listener.accept().unwrap();
            let mut tls = StreamOwned::new(ServerConnection::new(Arc::clone(&config)).unwrap(), stream);
            let mut request = Vec::new();
            let mut buf = [0; 4096];
            while !request.ends_with(b"\r\n\r\n") {
                let n = tls.read(&mut buf).unwrap();
                assert!(n > 0, "the request came whole");
                request.extend_from_slice(&buf[..n]);
            }
            tls.write_all(&reply).unwrap();
            tls.conn.send_close_notify();
            tls.flush().unwrap();
            // Whatever the client still sends is read before hanging up, so nothing is lost to a reset.
            let _ = io::copy(&mut tls.sock, &mut io::sink());
        }
    });
    (addr, thread)
}

fn https_job(port: u16, path: &str, pki: &Pki) -> Job {
    let mut job = Job::new(Target::parse(&format!("https://localhost:{port}{path}"), "").unwrap());
    job.trust = Trust::Only(vec![pki.ca.clone()]);
    job
}

fn wire(events: &[Event]) -> Vec<WireRecord> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Wire(records) => Some(records.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn total(records: &[WireRecord], direction: Direction) -> u64 {
    records.iter().filter(|r| r.direction == direction).map(|r| r.wire).sum()
}

fn kinds(records: &[WireRecord], direction: Direction) -> Vec<Piece> {
    records.iter().filter(|r| r.direction == direction).map(|r| r.piece).collect()
}

const HANDSHAKE: Piece = Piece::Record(ContentType::Handshake);
const APPLICATION_DATA: Piece = Piece::Record(ContentType::ApplicationData);

/// What holds for the records of any TLS fetch that ended well: whole records, each direction's in
/// order of time, starting with the handshake, and what socket-fetch reads never the reply's own bytes.
fn check_tls_records(records: &[WireRecord], reply: &[u8]) {
    assert!(records.iter().all(|r| r.is_whole() && !r.is_too_long()), "{records:?}");
    for direction in Direction::BOTH {
        let times: Vec<_> = records.iter().filter(|r| r.direction == direction).map(|r| r.at).collect();
        assert!(times.is_sorted(), "{direction:?}: {times:?}");
        assert_eq!(kinds(records, direction).first(), Some(&HANDSHAKE), "{direction:?} starts with a hello");
    }
    let received = kinds(records, Direction::Received);
    assert!(received.contains(&APPLICATION_DATA), "{received:?}");
    let encrypted: Vec<&[u8]> = records
        .iter()
        .filter(|r| r.direction == Direction::Received && r.piece == APPLICATION_DATA)
        .map(WireRecord::first_bytes)
        .collect();
    assert!(encrypted.iter().all(|bytes| bytes.len() == 16), "{encrypted:?}");
    assert!(encrypted.iter().all(|bytes| !reply.starts_with(bytes)), "the reply's first bytes are not on the wire");
}

#[test]
fn tls_records_add_up_to_every_byte_each_way_and_are_not_the_reply() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let sizes = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 1024 * 1024];
    let replies: Vec<Vec<u8>> =
        sizes.iter().map(|&n| [&b"HTTP/1.0 200 OK\r\n\r\n"[..], &numbered_body(n)].concat()).collect();
    let (server, thread) = tls_server(pki.server_config().unwrap(), replies.clone());
    for reply in &replies {
        let relay = Relay::start(server);
        let events = run_job(https_job(relay.port, "/", &pki));
        let (to_server, from_server) = relay.counts();
        assert_eq!(summary(&events).error, None);
        assert!(reply_bytes(&events) == *reply, "the reply of {} bytes came whole", reply.len());
        let records = wire(&events);
        assert_eq!(total(&records, Direction::Sent), to_server, "every byte sent is in a record");
        assert_eq!(total(&records, Direction::Received), from_server, "every byte received is in a record");
        let headers_and_lengths: u64 = records.iter().map(|r| 5 + r.length).sum();
        assert_eq!(headers_and_lengths, to_server + from_server);
        check_tls_records(&records, reply);
        // A record carries at most 16 KiB of the reply, and each adds a header and encryption's own bytes.
        let data: Vec<u64> = records
            .iter()
            .filter(|r| r.direction == Direction::Received && r.piece == APPLICATION_DATA)
            .map(|r| r.length)
            .collect();
        assert!(data.iter().sum::<u64>() > reply.len() as u64, "{data:?}");
        assert!(data.len() as u64 > reply.len() as u64 / (16 * 1024), "{data:?}");
    }
    thread.join().unwrap();
}

#[test]
fn records_from_openssl_s_server_add_up_to_the_bytes_on_the_wire() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let body = numbered_body(200_000);
    let Some(server) = OpenSsl::start(&pki, &[("f.txt", &body)]) else { return };
    let relay = Relay::start(SocketAddr::from((Ipv4Addr::LOCALHOST, server.port)));
    let events = run_job(https_job(relay.port, "/f.txt", &pki));
    let (to_server, from_server) = relay.counts();
    assert_eq!(summary(&events).error, None);
    let reply = reply_bytes(&events);
    assert!(reply.ends_with(&body));
    let records = wire(&events);
    assert_eq!(total(&records, Direction::Sent), to_server);
    assert_eq!(total(&records, Direction::Received), from_server);
    check_tls_records(&records, &reply);
}

#[test]
fn plain_http_on_the_wire_is_exactly_the_request_and_the_reply() {
    let server = DemoServer::start(0).unwrap();
    for path in ["/", "/bytes/0", "/bytes/1000000"] {
        let relay = Relay::start(server.addr());
        let job = job_for(SocketAddr::from((Ipv4Addr::LOCALHOST, relay.port)), path);
        let request_len = job.payload.bytes().len() as u64;
        let events = run_job(job);
        let (to_server, from_server) = relay.counts();
        assert_eq!(summary(&events).error, None);
        let records = wire(&events);
        assert!(records.iter().all(|r| r.piece == Piece::Plain && r.length == r.wire), "{records:?}");
        assert_eq!(total(&records, Direction::Sent), request_len);
        assert_eq!(total(&records, Direction::Received), reply_bytes(&events).len() as u64);
        assert_eq!((to_server, from_server), (request_len, reply_bytes(&events).len() as u64));
    }
}

#[test]
fn a_plain_server_on_the_tls_port_is_shown_as_what_it_sent_every_byte_counted() {
    let reply = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = reply.clone();
    let server = named("wire-plain-server", move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut hello = [0; 4096];
        let _ = stream.read(&mut hello);
        stream.write_all(&answer).unwrap();
    });
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let events = run_job(https_job(port, "/", &pki));
    server.join().unwrap();
    assert_eq!(summary(&events).error, Some(socket_fetch::fetch::FetchError::NotTls));
    let records = wire(&events);
    assert_eq!(kinds(&records, Direction::Sent).first(), Some(&HANDSHAKE));
    let received: Vec<&WireRecord> = records.iter().filter(|r| r.direction == Direction::Received).collect();
    // "HTTP/" read as a record header: type 'H', a length of "P/" (20,527 bytes), more than TLS allows.
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].piece, Piece::Record(ContentType::Other(b'H')));
    assert_eq!(received[0].length, u64::from(u16::from_be_bytes([b'P', b'/'])));
    assert!(received[0].is_too_long() && !received[0].is_whole());
    assert_eq!(received[0].wire, reply.len() as u64, "every byte that came is counted");
}

#[test]
fn the_terminal_ends_with_the_totals_on_the_wire() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "--demo", "--https", "--path", "/bytes/100000"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let line = err.lines().find(|l| l.starts_with("# On the wire (what anyone on the way sees): ")).expect(&err);
    // The decrypted reply is on stdout; more than that came on the wire, in records.
    let received = line.split(", received ").nth(1).unwrap().split(" bytes in ").next().unwrap();
    let received: u64 = received.replace(',', "").parse().unwrap();
    assert!(received > output.stdout.len() as u64, "{line}");
    assert!(line.ends_with(" TLS records."), "{line}");
}
