//! HTTPS in the engine against TLS servers started here on 127.0.0.1, with certificates made here:
//! byte-exact decrypted replies, how a reply may end without `close_notify`, and each TLS fault in
//! its own words, with the next fetch still working.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::openssl::OpenSsl;
use common::{collect_until_finished, read_request, reply_bytes, run_job, start_worker, summary};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use socket_fetch::demo_server::numbered_body;
use socket_fetch::demo_server::tls::Pki;
use socket_fetch::fetch::{Event, EventKind, FetchError, Job, Place, Step, Target, Trust};

/// How the test server ends its reply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// `close_notify`, then the hang-up: the proper end.
    CloseNotify,
    /// A hang-up with no `close_notify`, as many servers in the wild do.
    HangUp,
}

/// A TLS server that answers each of its connections, in turn, with the next reply.
struct TlsServer {
    port: u16,
    thread: JoinHandle<()>,
}

impl TlsServer {
    fn start(config: Arc<ServerConfig>, replies: Vec<(Vec<u8>, Ending)>) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = named("tls-test-server", move || {
            for (reply, ending) in replies {
                let (stream, _) = listener.accept().unwrap();
                serve(&config, stream, &reply, ending);
            }
        });
        Self { port, thread }
    }

    fn finish(self) {
        self.thread.join().unwrap();
    }
}

fn named(name: &str, body: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    thread::Builder::new().name(name.to_owned()).spawn(body).unwrap()
}

fn serve(config: &Arc<ServerConfig>, stream: TcpStream, reply: &[u8], ending: Ending) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = StreamOwned::new(ServerConnection::new(Arc::clone(config)).unwrap(), stream);
    let mut request = Vec::new();
    let mut buf = [0; 4096];
    while !request.ends_with(b"\r\n\r\n") {
        match tls.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
            Err(_) => {
                // The handshake failed: send the alert rustls has ready, as a real server does.
                let _ = tls.conn.write_tls(&mut tls.sock);
                return;
            }
        }
    }
    if tls.write_all(reply).is_err() {
        return;
    }
    if ending == Ending::CloseNotify {
        tls.conn.send_close_notify();
    }
    let _ = tls.flush();
}

fn demo_pki() -> Pki {
    Pki::issue(&["localhost"], (2020, 2100)).unwrap()
}

/// An HTTPS job to `localhost` on `port`, trusting `pki`'s authority only.
fn https_job(port: u16, path: &str, pki: &Pki) -> Job {
    let target = Target::parse(&format!("https://localhost:{port}{path}"), "").unwrap();
    let mut job = Job::new(target);
    job.trust = Trust::Only(vec![pki.ca.clone()]);
    job
}

fn with_length(body: &[u8]) -> Vec<u8> {
    let mut reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(body);
    reply
}

fn error(events: &[Event]) -> Option<FetchError> {
    summary(events).error.clone()
}

fn secured(events: &[Event]) -> &socket_fetch::fetch::Agreed {
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Secured(agreed) => Some(&**agreed),
            _ => None,
        })
        .expect("a Secured event")
}

#[test]
fn decrypted_replies_are_byte_exact_at_every_size_and_the_handshake_is_its_own_step() {
    let pki = demo_pki();
    let sizes = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 10 * 1024 * 1024];
    let replies: Vec<_> = sizes.iter().map(|&n| (with_length(&numbered_body(n)), Ending::CloseNotify)).collect();
    let server = TlsServer::start(pki.server_config().unwrap(), replies.clone());
    for (reply, _) in &replies {
        let events = run_job(https_job(server.port, "/", &pki));
        assert_eq!(error(&events), None);
        let got = reply_bytes(&events);
        assert!(got == *reply, "{} bytes came for a reply of {}", got.len(), reply.len());
        let started: Vec<Step> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::StepStarted(step) => Some(step),
                _ => None,
            })
            .collect();
        assert_eq!(started, Step::ALL);
        let agreed = secured(&events);
        assert!(agreed.verified);
        // The server's certificates make its side of the handshake the larger.
        assert!(agreed.wire_sent > 0 && agreed.wire_received > agreed.wire_sent, "{agreed:?}");
        assert_eq!(agreed.server_name.as_deref(), Some("localhost"));
        assert_eq!(agreed.alpn.as_deref(), Some("http/1.1"));
        assert!(agreed.version.starts_with("TLS 1."), "{}", agreed.version);
        assert_eq!(agreed.certificates.len(), 2);
        assert_eq!(agreed.certificates[0].names, ["localhost"]);
        assert!(agreed.certificates[0].subject.contains("CN=localhost"), "{}", agreed.certificates[0].subject);
        assert!(agreed.certificates[0].issuer.contains("socket-fetch demo authority"));
        assert!(agreed.certificates[0].not_after.contains("2100"), "{}", agreed.certificates[0].not_after);
        assert!(agreed.certificates[0].key.starts_with("EC"), "{}", agreed.certificates[0].key);
        assert!(summary(&events).timings.get(socket_fetch::fetch::Phase::Handshake).is_some());
    }
    server.finish();
}

#[test]
fn a_hang_up_without_close_notify_is_fine_after_a_complete_reply_and_an_error_mid_body() {
    let pki = demo_pki();
    let whole = with_length(b"all of it");
    let mut cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".to_vec();
    let until_close = b"HTTP/1.0 200 OK\r\n\r\nbody to the hang-up".to_vec();
    let replies = vec![
        (whole.clone(), Ending::HangUp),
        (cut.clone(), Ending::HangUp),
        (until_close.clone(), Ending::HangUp),
        (until_close.clone(), Ending::CloseNotify),
    ];
    let server = TlsServer::start(pki.server_config().unwrap(), replies);
    let unproven = |events: &[Event]| events.iter().any(|e| matches!(e.kind, EventKind::UnprovenEnd));

    let events = run_job(https_job(server.port, "/", &pki));
    assert_eq!((error(&events), reply_bytes(&events)), (None, whole));

    let events = run_job(https_job(server.port, "/", &pki));
    let received = cut.len() as u64;
    let expected = received - 9 + 100;
    assert_eq!(error(&events), Some(FetchError::Truncated { expected, received }));
    assert_eq!(reply_bytes(&events), std::mem::take(&mut cut), "what came is kept");

    let events = run_job(https_job(server.port, "/", &pki));
    assert_eq!((error(&events), reply_bytes(&events)), (None, until_close.clone()));
    assert!(unproven(&events), "an end by hang-up without close_notify is said to be unproven");

    let events = run_job(https_job(server.port, "/", &pki));
    assert_eq!((error(&events), reply_bytes(&events)), (None, until_close));
    assert!(!unproven(&events), "close_notify proves the end");
    server.finish();
}

#[test]
fn each_certificate_fault_has_its_own_words_and_the_next_fetch_works() {
    let good = demo_pki();
    let wrong_name = Pki::issue(&["other.invalid"], (2020, 2100)).unwrap();
    let expired = Pki::issue(&["localhost"], (2000, 2001)).unwrap();
    let not_yet = Pki::issue(&["localhost"], (2090, 2100)).unwrap();
    let (mut worker, events) = start_worker();
    for (pki, trust, want) in [
        (&wrong_name, None, FetchError::CertWrongName),
        (&expired, None, FetchError::CertExpired),
        (&not_yet, None, FetchError::CertNotYetValid),
        // A server whose authority nobody told this computer about: the bundled roots do not know it.
        (&good, Some(Trust::Bundled), FetchError::CertUntrusted),
    ] {
        let server = TlsServer::start(pki.server_config().unwrap(), vec![(with_length(b"x"), Ending::CloseNotify)]);
        let mut job = https_job(server.port, "/", pki);
        if let Some(trust) = trust {
            job.trust = trust;
        }
        worker.fetch(job);
        let seen = collect_until_finished(&events);
        assert_eq!(error(&seen), Some(want.clone()));
        assert!(reply_bytes(&seen).is_empty(), "{want}: nothing is sent before the server is known");
        assert!(!want.hint(Place::Terminal).as_str().is_empty());
        server.finish();
    }
    // -k: the same untrusted server is fetched, and the event says it was not verified.
    let server = TlsServer::start(wrong_name.server_config().unwrap(), vec![(with_length(b"x"), Ending::CloseNotify)]);
    let mut job = https_job(server.port, "/", &wrong_name);
    job.trust = Trust::Insecure;
    worker.fetch(job);
    let seen = collect_until_finished(&events);
    assert_eq!(error(&seen), None);
    assert!(!secured(&seen).verified);
    server.finish();
}

#[test]
fn a_plain_http_server_on_the_tls_port_is_named() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = named("plain-on-tls-port", move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut hello = [0; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let events = run_job(https_job(port, "/", &demo_pki()));
    server.join().unwrap();
    assert_eq!(error(&events), Some(FetchError::NotTls));
}

#[test]
fn a_tls_server_fetched_with_plain_http_says_try_https_and_keeps_its_bytes() {
    let pki = demo_pki();
    let server = TlsServer::start(pki.server_config().unwrap(), vec![(Vec::new(), Ending::CloseNotify)]);
    let target = Target::parse(&format!("http://localhost:{}/", server.port), "").unwrap();
    let events = run_job(Job::new(target));
    server.finish();
    assert_eq!(error(&events), Some(FetchError::SpeaksTls));
    let reply = reply_bytes(&events);
    assert_eq!(&reply[..2], [0x15, 0x03], "the server's alert is kept as it came");
    assert_eq!(FetchError::SpeaksTls.hint(Place::Terminal).as_str(), "Try https:// in front of the host.");
}

#[test]
fn an_alert_from_the_server_is_told() {
    let pki = demo_pki();
    let mut config = (*pki.server_config().unwrap()).clone();
    // The server only speaks a protocol this tool does not offer: it must refuse with an alert.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let server = TlsServer::start(Arc::new(config), vec![(Vec::new(), Ending::CloseNotify)]);
    let events = run_job(https_job(server.port, "/", &pki));
    server.finish();
    let Some(FetchError::TlsAlert { alert }) = error(&events) else { panic!("{:?}", error(&events)) };
    assert!(alert.contains("NoApplicationProtocol"), "{alert}");
}

/// A server that takes the call and then says nothing.
fn silent_server() -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = named("silent-server", move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = read_request(&mut stream);
    });
    (port, thread)
}

#[test]
fn a_stalled_handshake_times_out_and_a_cancel_mid_handshake_stops_at_once() {
    let pki = demo_pki();
    let (port, silent) = silent_server();
    let mut job = https_job(port, "/", &pki);
    job.read_timeout = Duration::from_millis(500);
    let events = run_job(job);
    assert_eq!(error(&events), Some(FetchError::HandshakeTimedOut { after: Duration::from_millis(500) }));
    silent.join().unwrap();

    let (port, silent) = silent_server();
    let (mut worker, events) = start_worker();
    let id = worker.fetch(https_job(port, "/", &pki));
    loop {
        let event = events.recv_timeout(Duration::from_secs(10)).unwrap();
        if matches!(event.kind, EventKind::StepStarted(Step::Handshake)) {
            break;
        }
    }
    let asked = Instant::now();
    worker.cancel(id);
    let rest = collect_until_finished(&events);
    assert_eq!(error(&rest), Some(FetchError::Cancelled));
    assert!(asked.elapsed() < Duration::from_secs(1), "cancel took {:?}", asked.elapsed());
    silent.join().unwrap();

    // The next fetch on the same worker works.
    let server = TlsServer::start(pki.server_config().unwrap(), vec![(with_length(b"fine"), Ending::CloseNotify)]);
    worker.fetch(https_job(server.port, "/", &pki));
    let seen = collect_until_finished(&events);
    assert_eq!((error(&seen), reply_bytes(&seen)), (None, with_length(b"fine")));
    server.finish();
}

#[test]
fn openssl_s_server_replies_arrive_decrypted_byte_exact() {
    let pki = demo_pki();
    let sizes = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 10 * 1024 * 1024];
    let files: Vec<(String, Vec<u8>)> = sizes.iter().map(|&n| (format!("f{n}.txt"), numbered_body(n))).collect();
    let named: Vec<(&str, &[u8])> = files.iter().map(|(name, body)| (name.as_str(), body.as_slice())).collect();
    let Some(server) = OpenSsl::start(&pki, &named) else { return };
    let (mut worker, events) = start_worker();
    for (name, body) in &files {
        worker.fetch(https_job(server.port, &format!("/{name}"), &pki));
        let seen = collect_until_finished(&events);
        assert_eq!(error(&seen), None, "{name}");
        let reply = reply_bytes(&seen);
        // s_server -WWW sends a head without a length, then the file, then hangs up.
        let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
        assert!(reply.starts_with(b"HTTP/1.0 200 ok\r\n"), "{}", String::from_utf8_lossy(&reply[..head_end]));
        assert!(reply[head_end..] == body[..], "{name}: {} bytes came for {}", reply.len() - head_end, body.len());
        assert!(secured(&seen).certificates[0].names == ["localhost"]);
    }
}

fn socket_fetch(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_terminal_fetches_the_demo_over_https_with_six_steps_and_the_handshake_line() {
    let output = socket_fetch(&["fetch", "--demo", "--https", "--path", "/bytes/100000"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(output.stdout.starts_with(b"HTTP/1.0 200 OK\r\n"));
    assert!(output.stdout.ends_with(&numbered_body(100_000)), "the decrypted reply, byte-exact, on stdout");
    assert!(err.contains("#   Step 4 of 6: Secure the connection — done in "), "{err}");
    assert!(err.contains("#   Secured with TLS 1.3, cipher "), "{err}");
    assert!(err.contains("Certificate for CN=localhost, valid until "), "{err}");
    assert!(err.contains(", handshake "), "the summary gives the handshake time: {err}");
    assert!(!err.contains("NOT VERIFIED"), "{err}");
}

#[test]
fn the_terminal_pauses_before_the_handshake_too_in_step_mode() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "--demo", "--https", "--step"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\n\n\n\n\n\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("Press Enter to go on.").count(), 6, "{err}");
    assert!(err.contains(socket_fetch::teach::step_text(Step::Handshake).next), "{err}");
}

/// `serve-demo --ca-out FILE`, and its HTTPS port read from what it prints. Its stderr stays open
/// while it runs: a server whose messages can no longer be written would stop.
struct ServeDemo {
    child: std::process::Child,
    _stderr: std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
}

impl ServeDemo {
    fn start(ca_out: &std::path::Path) -> (Self, u16) {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(["serve-demo", "--ca-out"])
            .arg(ca_out)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let port = first.split("https://localhost:").nth(1).and_then(|rest| rest.split('/').next()).unwrap();
        let port = port.parse().unwrap();
        // The line saying where the certificate authority went comes after it was written.
        assert!(lines.next().unwrap().unwrap().contains("certificate authority"));
        (Self { child, _stderr: lines }, port)
    }
}

impl Drop for ServeDemo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_demo_writes_its_authority_for_cacert_and_k_says_every_time_it_did_not_verify() {
    let ca = std::env::temp_dir().join(format!("socket-fetch-demo-ca-{}.pem", std::process::id()));
    let (_server, port) = ServeDemo::start(&ca);
    let url = format!("https://localhost:{port}/data.json");
    let trusted = socket_fetch(&["fetch", &url, "--cacert", ca.to_str().unwrap()]);
    let untrusted = socket_fetch(&["fetch", &url]);
    let insecure = socket_fetch(&["fetch", &url, "-k"]);
    let missing = socket_fetch(&["fetch", &url, "--cacert", "/nonexistent.invalid/ca.pem"]);
    std::fs::remove_file(&ca).unwrap();
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    assert_eq!(trusted.status.code(), Some(0), "{}", err(&trusted));
    assert!(trusted.stdout.ends_with(socket_fetch::demo_server::DATA_JSON.as_bytes()));

    assert_eq!(untrusted.status.code(), Some(1), "{}", err(&untrusted));
    assert!(err(&untrusted).contains(&FetchError::CertUntrusted.to_string()), "{}", err(&untrusted));
    assert!(err(&untrusted).contains("--cacert FILE"), "the hint names the way out: {}", err(&untrusted));
    assert!(untrusted.stdout.is_empty());

    assert_eq!(insecure.status.code(), Some(0), "{}", err(&insecure));
    assert!(err(&insecure).contains("NOT VERIFIED (--insecure)"), "{}", err(&insecure));

    assert_eq!(missing.status.code(), Some(2), "{}", err(&missing));
    assert!(err(&missing).contains("--cacert /nonexistent.invalid/ca.pem: cannot be read"), "{}", err(&missing));
}

#[test]
fn a_tls_record_in_answer_to_plain_http_is_named_at_once_even_if_the_server_stays() {
    let alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46];
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let server = named("tls-alert-then-silence", move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = read_request(&mut stream);
        stream.write_all(&alert).unwrap();
        // Holds the line open until the test is over.
        let _ = done_rx.recv();
    });
    let target = Target::parse(&format!("127.0.0.1:{port}"), "").unwrap();
    let events = run_job(Job::new(target));
    done_tx.send(()).unwrap();
    server.join().unwrap();
    assert_eq!(error(&events), Some(FetchError::SpeaksTls));
    assert_eq!(reply_bytes(&events), alert);
}

#[test]
fn records_already_waiting_are_handed_over_together_as_a_plain_read_would() {
    let pki = demo_pki();
    let body = numbered_body(1 << 20);
    let server = TlsServer::start(pki.server_config().unwrap(), vec![(with_length(&body), Ending::CloseNotify)]);
    let (mut worker, events) = start_worker();
    let mut job = https_job(server.port, "/", &pki);
    job.step_through = true;
    let id = worker.fetch(job);
    // Steps through to the receive step, and lets the reply's records pile up before it starts.
    loop {
        match events.recv_timeout(Duration::from_secs(10)).unwrap().kind {
            EventKind::Paused { next: Step::Receive } => break,
            EventKind::Paused { .. } => worker.next(id),
            _ => {}
        }
    }
    thread::sleep(Duration::from_millis(300));
    worker.next(id);
    let events = collect_until_finished(&events);
    assert_eq!(error(&events), None);
    assert!(reply_bytes(&events).ends_with(&body));
    let largest = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Received { chunk, .. } => Some(chunk.len()),
            _ => None,
        })
        .max()
        .unwrap();
    // A TLS record holds at most 16 KiB: more means several were taken in at once.
    assert!(largest > 32 * 1024, "the largest chunk was {largest} bytes");
    server.finish();
}
