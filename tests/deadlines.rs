//! A deadline on every wait: servers started here on 127.0.0.1 that trickle their TLS handshake, a
//! reply record or a body byte by byte, or flood session tickets, cannot hold a fetch past its limits
//! nor keep Cancel waiting; the terminal exits 28 for a timeout, as curl does.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{collect_until_finished, job_for, read_request, run_job, start_worker, summary};
use egui_kittest::kittest::Queryable as _;
use rustls::{ServerConfig, ServerConnection};
use socket_fetch::demo_server::tls::Pki;
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::wire::WireRecord;
use socket_fetch::fetch::{Event, EventKind, FetchError, Job, Step, Target, Trust};
use socket_fetch::ui::{Limits, StartOptions};

/// How a paced server sends its TLS bytes.
#[derive(Clone, Copy)]
enum Pace {
    /// Its handshake one byte at a time, this far apart.
    Handshake(Duration),
    /// A normal handshake, then the reply's first record (16 KiB) one byte at a time, this far apart.
    Record(Duration),
    /// A normal handshake, then [`TICKETS`] session tickets in small records, 4 KiB of them every
    /// 2 ms, and never a reply byte.
    Flood,
}

/// How many session tickets the flooding server sends: some 4.5 MB of records. rustls makes them all
/// at the handshake's end, a second or two on a busy machine, and they take seconds more to send:
/// the flood is on well past the read timeout of 3 s, whenever it starts.
const TICKETS: usize = 50_000;
/// The read timeout the flood is fetched with.
const FLOOD_READ_TIMEOUT: Duration = Duration::from_secs(3);

fn pki() -> Pki {
    Pki::issue(&["localhost"], (2020, 2100)).unwrap()
}

/// A TLS server on 127.0.0.1 built on rustls's connection without a stream, so the test chooses
/// when every encrypted byte leaves; it serves `connections` connections in turn.
fn paced_server(pki: &Pki, pace: Pace, connections: usize) -> (u16, JoinHandle<()>) {
    let mut config = Arc::unwrap_or_clone(pki.server_config().unwrap());
    if matches!(pace, Pace::Flood) {
        config.send_tls13_tickets = TICKETS;
        // Small records, as a server that sends each ticket in a record of its own.
        config.max_fragment_size = Some(128);
    }
    let config = Arc::new(config);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = named("paced-tls-server", move || {
        for _ in 0..connections {
            let (stream, _) = listener.accept().unwrap();
            serve_paced(&config, stream, pace);
        }
    });
    (port, thread)
}

fn named(name: &str, body: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    thread::Builder::new().name(name.to_owned()).spawn(body).unwrap()
}

/// Serves one connection; returns when the client has gone.
fn serve_paced(config: &Arc<ServerConfig>, mut stream: TcpStream, pace: Pace) {
    stream.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut tls = ServerConnection::new(Arc::clone(config)).unwrap();
    let (handshake_piece, handshake_gap) = match pace {
        Pace::Handshake(gap) => (1, gap),
        Pace::Record(_) | Pace::Flood => (usize::MAX, Duration::ZERO),
    };
    let mut request = Vec::new();
    // Until the request has come: the handshake, then the request's records.
    while !request.ends_with(b"\r\n\r\n") {
        match tls.read_tls(&mut stream) {
            Ok(0) => return,
            Ok(_) => {
                if tls.process_new_packets().is_err() {
                    return;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
        let mut buf = [0; 4096];
        while let Ok(n) = tls.reader().read(&mut buf) {
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buf[..n]);
        }
        // The tickets wait until the request is in, so the flood comes where the reply should.
        if !tls.is_handshaking() && matches!(pace, Pace::Flood) {
            continue;
        }
        if !send(&mut tls, &mut stream, handshake_piece, handshake_gap) {
            return;
        }
    }
    match pace {
        Pace::Handshake(_) => {}
        Pace::Flood => {
            send(&mut tls, &mut stream, 4096, Duration::from_millis(2));
        }
        Pace::Record(gap) => {
            // One record: no reply byte can be read before its last byte has come.
            let mut reply = b"HTTP/1.1 200 OK\r\nContent-Length: 16000\r\n\r\n".to_vec();
            reply.resize(reply.len() + 16_000, b'x');
            tls.writer().write_all(&reply).unwrap();
            send(&mut tls, &mut stream, 1, gap);
        }
    }
}

/// Writes the records rustls has ready, `piece` bytes at a time, `gap` apart. False when the client
/// has gone.
fn send(tls: &mut ServerConnection, stream: &mut TcpStream, piece: usize, gap: Duration) -> bool {
    let mut out = Vec::new();
    while tls.wants_write() {
        tls.write_tls(&mut out).unwrap();
    }
    for bytes in out.chunks(piece) {
        if stream.write_all(bytes).is_err() {
            return false;
        }
        thread::sleep(gap);
    }
    true
}

/// An HTTPS job to `localhost` on `port`, trusting `pki`'s authority only.
fn https_job(port: u16, pki: &Pki) -> Job {
    let mut job = Job::new(Target::parse(&format!("https://localhost:{port}/"), "").unwrap());
    job.trust = Trust::Only(vec![pki.ca.clone()]);
    job
}

fn error(events: &[Event]) -> Option<FetchError> {
    summary(events).error.clone()
}

/// When the fetch ended, on its own clock.
fn ended_at(events: &[Event]) -> Duration {
    events.last().unwrap().at
}

/// Runs `socket-fetch fetch ARGS`, and how long it took.
fn terminal(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .arg("fetch")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the program runs");
    (output, started.elapsed())
}

#[test]
fn the_connect_timeout_covers_a_handshake_trickled_byte_by_byte() {
    let pki = pki();
    let (port, server) = paced_server(&pki, Pace::Handshake(Duration::from_millis(100)), 2);
    let mut job = https_job(port, &pki);
    job.connect_timeout = Duration::from_secs(1);
    job.read_timeout = Duration::from_secs(3);
    let events = run_job(job);
    assert_eq!(error(&events), Some(FetchError::HandshakeTooSlow { after: Duration::from_secs(1) }));
    assert!(ended_at(&events) < Duration::from_millis(1500), "ended at {:?}", ended_at(&events));

    let port = port.to_string();
    let url = format!("https://localhost:{port}/");
    let (output, took) = terminal(&[&url, "-k", "--connect-timeout", "1", "--read-timeout", "3"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(28), "{stderr}");
    assert!(stderr.contains("--connect-timeout"), "{stderr}");
    // The process's own start and end are in this, on a shared machine.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    server.join().unwrap();
}

#[test]
fn a_record_trickled_byte_by_byte_is_silence_to_the_read_timeout() {
    let pki = pki();
    let (port, server) = paced_server(&pki, Pace::Record(Duration::from_millis(10)), 1);
    let mut job = https_job(port, &pki);
    job.read_timeout = Duration::from_secs(1);
    let events = run_job(job);
    assert_eq!(
        error(&events),
        Some(FetchError::ReadTimedOut { after: Duration::from_secs(1), unanswered_plain: false })
    );
    assert_eq!(summary(&events).received, 0);
    assert!(ended_at(&events) < Duration::from_secs(2), "ended at {:?}", ended_at(&events));
    server.join().unwrap();
}

#[test]
fn a_flood_of_session_tickets_is_silence_and_the_wire_is_reported_in_bounded_batches() {
    let pki = pki();
    let (port, server) = paced_server(&pki, Pace::Flood, 1);
    let mut job = https_job(port, &pki);
    job.read_timeout = FLOOD_READ_TIMEOUT;
    let events = run_job(job);
    assert_eq!(error(&events), Some(FetchError::ReadTimedOut { after: FLOOD_READ_TIMEOUT, unanswered_plain: false }));
    let receiving =
        events.iter().find_map(|e| matches!(e.kind, EventKind::StepStarted(Step::Receive)).then_some(e.at)).unwrap();
    let ended = ended_at(&events);
    let receive_took = ended.checked_sub(receiving).unwrap();
    assert!(receive_took < FLOOD_READ_TIMEOUT + Duration::from_secs(1), "receiving took {receive_took:?}");
    let batches: Vec<&[WireRecord]> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Wire(records) => Some(&records[..]),
            _ => None,
        })
        .collect();
    let records = batches.iter().map(|batch| batch.len()).sum::<usize>();
    assert!(records > 2048, "the flood came: {records} records");
    // The timeout held while the flood was on: records were still coming in its last second.
    let last = batches.iter().flat_map(|batch| batch.iter().map(|r| r.at)).max().unwrap();
    assert!(last + Duration::from_secs(1) > ended, "the last record came at {last:?}, the end at {ended:?}");
    // The engine holds no more than a batch of records at a time, whatever the server sends.
    let largest = batches.iter().map(|batch| batch.len()).max().unwrap_or(0);
    assert!(largest <= 2048, "a batch of {largest} records");
    server.join().unwrap();
}

/// Cancel's promise on these shared machines: a median under 100 ms, and every try under 300 ms.
fn assert_quick(mut took: Vec<Duration>) {
    took.sort_unstable();
    assert!(took[took.len() / 2] < Duration::from_millis(100), "median of {took:?}");
    assert!(took.iter().all(|t| *t < Duration::from_millis(300)), "slowest of {took:?}");
}

#[test]
fn cancel_stops_a_trickled_record_at_once() {
    const TRIES: usize = 7;
    let pki = pki();
    let (port, server) = paced_server(&pki, Pace::Record(Duration::from_millis(5)), TRIES);
    let (mut worker, events) = start_worker();
    let mut took = Vec::new();
    for _ in 0..TRIES {
        let id = worker.fetch(https_job(port, &pki));
        loop {
            let event = events.recv_timeout(Duration::from_secs(10)).unwrap();
            if matches!(event.kind, EventKind::Sent { .. }) {
                break;
            }
        }
        // The record is arriving, a byte at a time.
        thread::sleep(Duration::from_millis(200));
        let asked = Instant::now();
        worker.cancel(id);
        let rest = collect_until_finished(&events);
        took.push(asked.elapsed());
        assert_eq!(error(&rest), Some(FetchError::Cancelled));
    }
    assert_quick(took);
    server.join().unwrap();
}

#[test]
fn the_windows_cancel_stops_a_trickled_record_at_once() {
    const TRIES: usize = 5;
    let pki = pki();
    let (port, server) = paced_server(&pki, Pace::Record(Duration::from_millis(5)), TRIES);
    let mut took = Vec::new();
    for _ in 0..TRIES {
        let mut harness = window_harness::harness_with(StartOptions {
            host: Some(format!("https://localhost:{port}/")),
            fetch_now: true,
            // The window trusts no authority of the test's own: the encryption is the same.
            limits: Some(Limits { skip_cert_check: true, ..Limits::default() }),
            ..StartOptions::default()
        });
        window_harness::step_until(&mut harness, "the receive step", |app| {
            app.view().is_some_and(|v| v.current_step() == Some(Step::Receive))
        });
        // The record is arriving, a byte at a time.
        thread::sleep(Duration::from_millis(200));
        harness.get_by_label("⏹ Cancel").click();
        // The frame that takes the click in tells the worker; from then on the window's fold takes
        // the end in without a frame. Frames are the window's own work, not counted here: a debug
        // build draws one in some 60 ms, a release build in a few.
        harness.step();
        let asked = Instant::now();
        while !window_harness::finished(harness.state()) {
            assert!(asked.elapsed() < Duration::from_secs(10), "the cancel never took effect");
            thread::sleep(Duration::from_millis(1));
        }
        took.push(asked.elapsed());
        assert_eq!(harness.state().view().unwrap().error(), Some(&FetchError::Cancelled));
    }
    assert_quick(took);
    server.join().unwrap();
}

/// A plain HTTP server that sends `head`, then a body byte every 100 ms until the client goes.
fn trickling_server(head: &'static [u8], connections: usize) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = named("trickling-server", move || {
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().unwrap();
            let _ = read_request(&mut stream);
            let _ = stream.write_all(head);
            while stream.write_all(b"x").is_ok() {
                thread::sleep(Duration::from_millis(100));
            }
        }
    });
    (addr, thread)
}

#[test]
fn max_time_ends_a_trickled_body_and_a_trickled_raw_reply() {
    let head = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n";
    let (addr, server) = trickling_server(head, 3);
    let mut job = job_for(addr, "/");
    job.max_time = Duration::from_secs(1);
    let events = run_job(job);
    assert_eq!(error(&events), Some(FetchError::FetchTimedOut { after: Duration::from_secs(1) }));
    assert!(summary(&events).received > 0, "the trickle came");
    assert!(ended_at(&events) < Duration::from_millis(1500), "ended at {:?}", ended_at(&events));

    let port = addr.port().to_string();
    for extra in [&[][..], &["--raw-request", "GET / HTTP/1.0\\r\\n\\r\\n", "--stop", "quiet=2"][..]] {
        let mut args = vec!["127.0.0.1", &port, "-m", "1"];
        args.extend(extra);
        let (output, took) = terminal(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(28), "{args:?}: {stderr}");
        assert!(stderr.contains("time limit of 1 s") && stderr.contains("--max-time"), "{stderr}");
        assert!(took < Duration::from_secs(3), "{args:?} took {took:?}");
    }
    server.join().unwrap();
}

/// An HTTPS job to the demo server's `path`, trusting its authority.
fn demo_job(demo: &DemoServer, path: &str) -> Job {
    let url = format!("https://localhost:{}{path}", demo.https_addr().port());
    let mut job = Job::new(Target::parse(&url, "").unwrap());
    job.trust = Trust::Only(vec![demo.ca().clone()]);
    job
}

/// A client that sends the header of a `ClientHello` record, then a byte every 500 ms: how long the
/// server kept it, once it hangs up (or `None` when it still held it after 10 s).
fn slow_tls_client(addr: SocketAddr) -> JoinHandle<Option<Duration>> {
    thread::Builder::new()
        .name("slow-tls-client".to_owned())
        .spawn(move || {
            let started = Instant::now();
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
            if stream.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00]).is_err() {
                return Some(started.elapsed());
            }
            while started.elapsed() < Duration::from_secs(10) {
                match stream.read(&mut [0; 64]) {
                    Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                    // A hang-up, whatever the server sent (an alert), or a reset: it is letting go.
                    Ok(_) | Err(_) => return Some(started.elapsed()),
                }
                if stream.write_all(&[0]).is_err() {
                    return Some(started.elapsed());
                }
            }
            None
        })
        .unwrap()
}

#[test]
fn the_demo_server_drops_a_trickled_tls_handshake_at_5_s_and_serves_others_meanwhile() {
    let demo = DemoServer::start(0).unwrap();
    let slow: Vec<_> = (0..50).map(|_| slow_tls_client(demo.https_addr())).collect();
    thread::sleep(Duration::from_millis(500));
    let events = run_job(demo_job(&demo, "/bytes/1000"));
    assert_eq!(error(&events), None);
    assert!(common::reply_bytes(&events).ends_with(&numbered_body(1000)), "the whole body came");
    for client in slow {
        let held = client.join().unwrap().expect("the server let go within 10 s");
        assert!(held > Duration::from_millis(4500) && held < Duration::from_millis(6500), "held for {held:?}");
    }
}

#[test]
fn the_demo_server_past_its_cap_says_busy_on_its_tls_port_as_a_tls_alert() {
    let demo = DemoServer::start_capped(0, 2).unwrap();
    let held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(demo.https_addr()).unwrap()).collect();
    thread::sleep(Duration::from_millis(200));
    let events = run_job(demo_job(&demo, "/"));
    let Some(FetchError::TlsAlert { alert }) = error(&events) else { panic!("{:?}", error(&events)) };
    assert!(alert.starts_with("internal error"), "{alert}");
    assert!(ended_at(&events) < Duration::from_secs(1), "ended at {:?}", ended_at(&events));
    drop(held);
}

#[test]
fn after_the_demos_https_reply_its_close_notify_is_waited_for() {
    let demo = DemoServer::start(0).unwrap();
    let (mut worker, events) = start_worker();
    for run in 0..30 {
        worker.fetch(demo_job(&demo, "/"));
        let events = collect_until_finished(&events);
        assert_eq!(error(&events), None, "run {run}");
        let line_open = events.iter().find_map(|e| match e.kind {
            EventKind::ReplyComplete { line_open, .. } => Some(line_open),
            _ => None,
        });
        assert_eq!(line_open, Some(false), "run {run}: the server closed properly");
    }
}
