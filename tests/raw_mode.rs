//! Raw mode against services that are not web servers (an echo server, an SMTP-like greeter) and
//! the demo server: each stop rule ends the fetch at the right place, with every byte kept.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/tcp_services.rs"]
mod tcp_services;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{Event, EventKind, FetchError, Step, StopRule, raw_bytes};

/// Runs `typed` (with escapes) in raw mode to `addr` until `stop`; the events, and how long it took.
fn raw_fetch(addr: SocketAddr, typed: &str, stop: StopRule) -> (Vec<Event>, Duration) {
    let mut job = common::job_for(addr, "/");
    job.set_raw(raw_bytes(typed).unwrap(), stop);
    let started = Instant::now();
    let events = common::run_job(job);
    (events, started.elapsed())
}

/// Why the fetch stopped, and checks it succeeded with the same five steps as an HTTP fetch and no
/// HTTP reading at all.
fn ended_by(events: &[Event]) -> StopRule {
    assert!(common::summary(events).error.is_none(), "{:?}", common::summary(events).error);
    let steps: Vec<Step> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::StepDone { step, .. } => Some(step),
            _ => None,
        })
        .collect();
    assert_eq!(steps, Step::PLAIN);
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::Head(_) | EventKind::HeadUnreadable { .. })));
    let ends: Vec<StopRule> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RawEnd { by } => Some(by),
            _ => None,
        })
        .collect();
    assert_eq!(ends.len(), 1, "one end");
    ends[0]
}

#[test]
fn the_greeter_is_talked_to_until_it_hangs_up() {
    let (events, _) = raw_fetch(tcp_services::greeter(), r"HELO me\r\nNOOP\r\nQUIT\r\n", StopRule::Hangup);
    assert_eq!(ended_by(&events), StopRule::Hangup);
    assert_eq!(common::reply_bytes(&events), b"220 hello\r\n250 hello me\r\n500 what?\r\n221 bye\r\n");
}

#[test]
fn a_quiet_rule_ends_the_fetch_after_that_much_silence_with_the_echo_kept() {
    let quiet = Duration::from_millis(300);
    let (events, took) = raw_fetch(tcp_services::echo(), r"ping\n\x00\xff", StopRule::Quiet(quiet));
    assert_eq!(ended_by(&events), StopRule::Quiet(quiet));
    assert_eq!(common::reply_bytes(&events), b"ping\n\x00\xff");
    assert!(took >= quiet, "stopped after {took:?}, before {quiet:?} of quiet");
    assert!(took < quiet + Duration::from_secs(1), "stopped only after {took:?}");
    // A service that says nothing at all: the quiet ends it too, with nothing to show.
    let (events, _) = raw_fetch(tcp_services::echo(), "", StopRule::Quiet(quiet));
    assert_eq!(ended_by(&events), StopRule::Quiet(quiet));
    assert_eq!(common::summary(&events).received, 0);
}

#[test]
fn a_byte_count_ends_the_fetch_at_that_byte() {
    let (events, _) = raw_fetch(tcp_services::echo(), "abcdefghij", StopRule::Bytes(4));
    assert_eq!(ended_by(&events), StopRule::Bytes(4));
    assert_eq!(common::reply_bytes(&events), b"abcd");
    // Fewer bytes before a hang-up: the hang-up ends it, with what came.
    let (events, _) = raw_fetch(tcp_services::greeter(), r"QUIT\r\n", StopRule::Bytes(1000));
    assert_eq!(ended_by(&events), StopRule::Hangup);
    assert_eq!(common::reply_bytes(&events), b"220 hello\r\n221 bye\r\n");
}

#[test]
fn bytes_that_look_like_tls_are_no_failure_in_raw_mode() {
    let (events, _) = raw_fetch(tcp_services::echo(), r"\x16\x03\x01\x00", StopRule::Bytes(4));
    assert_eq!(ended_by(&events), StopRule::Bytes(4));
    assert_eq!(common::reply_bytes(&events), b"\x16\x03\x01\x00");
}

#[test]
fn the_demo_server_answers_a_typed_request_read_with_no_http_framing() {
    let server = DemoServer::start(0).unwrap();
    let (events, _) = raw_fetch(server.addr(), r"GET /bytes/100 HTTP/1.0\r\nHost: x\r\n\r\n", StopRule::Hangup);
    assert_eq!(ended_by(&events), StopRule::Hangup);
    let reply = common::reply_bytes(&events);
    assert!(reply.starts_with(b"HTTP/1.0 200 OK\r\n"), "{}", String::from_utf8_lossy(&reply));
    assert!(reply.ends_with(&numbered_body(100)));
    // The request went as typed.
    let EventKind::Started { request, .. } = &events[0].kind else { panic!("starts with Started") };
    assert_eq!(&request[..], b"GET /bytes/100 HTTP/1.0\r\nHost: x\r\n\r\n");
}

#[test]
fn the_size_limit_still_holds_in_raw_mode() {
    let mut job = common::job_for(tcp_services::echo(), "/");
    job.set_raw(vec![b'x'; 100], StopRule::Hangup);
    job.max_bytes = 10;
    let events = common::run_job(job);
    assert_eq!(common::reply_bytes(&events), [b'x'; 10]);
    assert!(matches!(common::summary(&events).error, Some(FetchError::TooLarge { limit: 10 })));
}

#[test]
fn the_terminal_talks_raw_and_says_why_it_stopped() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_socket-fetch")).args(args).stdin(Stdio::null()).output().unwrap()
    };
    let greeter = tcp_services::greeter().port().to_string();
    let output = run(&["fetch", "127.0.0.1", &greeter, "--raw-request", r"HELO you\r\nQUIT\r\n"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert_eq!(output.stdout, b"220 hello\r\n250 hello you\r\n221 bye\r\n");
    assert!(err.contains("The server hung up: everything it sent is kept."), "{err}");
    assert!(err.contains("There is no status line and there are no headers"), "raw mode is explained: {err}");
    let echo = tcp_services::echo().port().to_string();
    let output = run(&["fetch", "127.0.0.1", &echo, "--raw-request", r"a\tb\\", "--stop", "quiet=0.2"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert_eq!(output.stdout, b"a\tb\\");
    assert!(err.contains("The server sent nothing for 0.2 s"), "{err}");
    // A stop rule is raw mode's only: refused without --raw-request, as is a rule that means nothing.
    for args in [&["--stop", "bytes=3"][..], &["--raw-request", "x", "--stop", "bytes=0"]] {
        let output = run(&[&["fetch", "127.0.0.1", &echo][..], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn raw_mode_over_tls_has_the_handshake_step() {
    let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "--demo", "--https", "--raw-request", r"GET /bytes/10 HTTP/1.0\r\nHost: x\r\n\r\n"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("Step 6 of 6: Receive the reply"), "{err}");
    assert!(output.stdout.starts_with(b"HTTP/1.0 200 OK\r\n"));
    assert!(output.stdout.ends_with(&numbered_body(10)));
}
