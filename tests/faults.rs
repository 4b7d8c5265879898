//! Servers on 127.0.0.1 that misbehave on purpose, and what the engine and the terminal make of them:
//! the right error (or success), every byte that arrived kept exactly, no panic, and the next fetch works.
//!
//! One [`Fault`] enum and one server function (`serve`, in `common/fault_server.rs`, shared with
//! `tests/window_faults.rs`) cover every case; the tests walk the table.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/fault_server.rs"]
mod fault_server;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::net::SocketAddr;
use std::process::{Command, Stdio};

use common::{collect_until_finished, job_for, reply_bytes, start_worker, summary};
use fault_server::{FAULTS, Fault, FaultServer, MID_BODY_HEAD, READ_TIMEOUT, READ_TIMEOUT_ARG, assert_same_bytes};
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{Event, EventKind, Job, ReplyHead, Target, default_request};

/// The engine's request to the server that never reads: far more than the kernel buffers, so the send stalls.
const STALLED_REQUEST: usize = 16 * 1024 * 1024;

/// What the reply's head looks like to the engine.
#[derive(Debug, PartialEq, Eq)]
enum HeadSeen {
    None,
    Http,
    Unreadable(&'static str),
}

impl Fault {
    fn head_seen(self) -> HeadSeen {
        match self {
            Self::Refuse | Self::AcceptNeverRead | Self::ReadNeverAnswer | Self::CloseWithoutByte => HeadSeen::None,
            Self::Garbage => HeadSeen::Unreadable("it does not start like an HTTP reply"),
            Self::HugeHeader => HeadSeen::Unreadable("its head is longer than 64 KiB"),
            Self::StallMidReply
            | Self::CloseMidBody
            | Self::ResetMidStream
            | Self::Trickle
            | Self::Endless
            | Self::AnswerBeforeRequest
            | Self::HalfClose
            | Self::HugeLength
            | Self::ConflictingLengths
            | Self::HugeReason
            | Self::TerminalTakeover => HeadSeen::Http,
        }
    }

    /// The engine's job against this fault. The server that never reads gets a request too large for
    /// the kernel's buffers, so the send step itself stalls and must time out.
    fn job(self, addr: SocketAddr) -> Job {
        let mut job = job_for(addr, "/");
        job.read_timeout = READ_TIMEOUT;
        if let Some(limit) = self.max_bytes() {
            job.max_bytes = limit;
        }
        if self == Self::AcceptNeverRead {
            let mut request = b"GET / HTTP/1.0\r\nX-Padding: ".to_vec();
            request.resize(STALLED_REQUEST, b'p');
            request.extend_from_slice(b"\r\n\r\n");
            job.request = request;
        }
        job
    }
}

fn head_seen(events: &[Event]) -> Vec<HeadSeen> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Head(_) => Some(HeadSeen::Http),
            EventKind::HeadUnreadable { reason } => {
                ["it does not start like an HTTP reply", "its head is longer than 64 KiB"]
                    .into_iter()
                    .find(|known| reason.starts_with(known))
                    .map(HeadSeen::Unreadable)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn each_fault_gives_its_error_keeps_the_bytes_and_the_worker_fetches_again() {
    let demo = DemoServer::start(0).unwrap();
    let (mut worker, events) = start_worker();
    for fault in FAULTS {
        let server = FaultServer::start(fault);
        let addr = server.addr;
        let job = fault.job(addr);
        let request = job.request.clone();
        worker.fetch(job);
        let seen = collect_until_finished(&events);
        let log = server.finish();
        let result = summary(&seen);

        assert_eq!(connected_to(&seen, fault), addr);
        assert_eq!(result.error, fault.expected_error(addr, &log, true), "{fault:?}");
        let reply = reply_bytes(&seen);
        assert_same_bytes(&reply, fault.expected_reply(&log), &format!("{fault:?}: the reply kept"));
        assert_eq!(result.received, reply.len() as u64, "{fault:?}: the count of bytes received");
        if fault.reads_request() {
            assert_same_bytes(&log.request, &request, &format!("{fault:?}: the request the server read"));
        }
        let heads = head_seen(&seen);
        match fault.head_seen() {
            HeadSeen::None => assert!(heads.is_empty(), "{fault:?}: {heads:?}"),
            expected => assert_eq!(heads, [expected], "{fault:?}"),
        }
        let sent = seen.iter().any(|e| matches!(e.kind, EventKind::Sent { .. }));
        assert_eq!(sent, !matches!(fault, Fault::Refuse | Fault::AcceptNeverRead), "{fault:?}: the request was sent");
        if fault == Fault::HalfClose {
            assert!(log.client_closed, "after the server's half-close, the client closed its end too");
        }

        // The same worker goes on to fetch normally.
        worker.fetch(job_for(demo.addr(), "/bytes/100"));
        let next = collect_until_finished(&events);
        assert!(summary(&next).error.is_none(), "after {fault:?}: {:?}", summary(&next).error);
        assert!(reply_bytes(&next).ends_with(&numbered_body(100)), "after {fault:?}");
    }
}

/// The address the job tried to connect to.
fn connected_to(events: &[Event], fault: Fault) -> SocketAddr {
    events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::Connecting { address, .. } => Some(address),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{fault:?}: no connection was tried"))
}

#[test]
fn each_fault_in_the_terminal_gives_the_bytes_on_stdout_a_plain_message_and_the_exit_code() {
    for fault in FAULTS {
        let server = FaultServer::start(fault);
        let addr = server.addr;
        let port = addr.port().to_string();
        let limit = fault.max_bytes().map(|l| l.to_string());
        let mut args = vec!["fetch", "127.0.0.1", &port, "--read-timeout", READ_TIMEOUT_ARG];
        if let Some(limit) = &limit {
            args.extend(["--max-bytes", limit]);
        }
        let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("the program runs");
        let log = server.finish();
        let stderr = String::from_utf8_lossy(&output.stderr);

        assert_same_bytes(&output.stdout, fault.expected_reply(&log), &format!("{fault:?}: stdout"));
        let received = format!("# {} bytes received.", output.stdout.len());
        assert!(stderr.contains(&received), "{fault:?}: {received:?} missing from:\n{stderr}");
        match fault.expected_error(addr, &log, false) {
            None => {
                assert_eq!(output.status.code(), Some(0), "{fault:?}:\n{stderr}");
                assert!(!stderr.contains("# Failed"), "{fault:?}:\n{stderr}");
            }
            Some(error) => {
                assert_eq!(output.status.code(), Some(1), "{fault:?}:\n{stderr}");
                let message = format!("# Failed: {error}\n# Try: {}\n", error.hint());
                assert!(stderr.contains(&message), "{fault:?}: {message:?} missing from:\n{stderr}");
            }
        }
        if fault.reads_request() {
            let target = Target::parse("127.0.0.1", &port).unwrap();
            assert_same_bytes(&log.request, &default_request(&target), &format!("{fault:?}: the request"));
        }
    }
}

/// The head the engine read from `fault`'s reply.
fn head_of(fault: Fault) -> ReplyHead {
    let server = FaultServer::start(fault);
    let seen = common::run_job(fault.job(server.addr));
    server.finish();
    seen.iter()
        .find_map(|e| match &e.kind {
            EventKind::Head(head) => Some(head.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{fault:?}: no head read"))
}

#[test]
fn a_content_length_is_only_a_claim_checked_before_use() {
    // Near 2^64: no wrap round to a small total that looks complete.
    let head = head_of(Fault::HugeLength);
    assert_eq!(head.expected_total, None);
    let problem = head.length_problem.unwrap();
    assert!(problem.contains("18,446,744,073,709,551,610 bytes, more than any reply can be"), "{problem}");
    // Two that disagree: neither is used.
    let head = head_of(Fault::ConflictingLengths);
    assert_eq!(head.expected_total, None);
    assert!(head.length_problem.unwrap().contains("two different lengths (5 and 700 bytes)"));
    // One that is fine is used, and is no problem.
    let head = head_of(Fault::CloseMidBody);
    assert_eq!((head.expected_total, head.length_problem), (Some(MID_BODY_HEAD.len() as u64 + 1000), None));

    // The terminal says so, and never that the reply is complete by its length.
    for (fault, problem) in
        [(Fault::HugeLength, "more than any reply can be"), (Fault::ConflictingLengths, "two different lengths")]
    {
        let (output, _) = terminal_fetch(fault);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("its length cannot be used") && stderr.contains(problem), "{fault:?}:\n{stderr}");
        assert!(!stderr.contains(" of 51 "), "{fault:?}:\n{stderr}");
    }
}

#[test]
fn a_huge_reason_phrase_is_one_short_line_on_stderr() {
    let (output, log) = terminal_fetch(Fault::HugeReason);
    assert_same_bytes(&output.stdout, &log.written, "stdout keeps the whole reason");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let longest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 200, "a stderr line of {longest} characters:\n{stderr}");
    assert!(stderr.contains(&format!("#   reply: 200 {}…\n", "W".repeat(80))), "{stderr}");
}

/// Runs `socket-fetch fetch` against `fault`, stdout a pipe.
fn terminal_fetch(fault: Fault) -> (std::process::Output, fault_server::ServerLog) {
    let server = FaultServer::start(fault);
    let port = server.addr.port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "127.0.0.1", &port, "--read-timeout", READ_TIMEOUT_ARG])
        .stdin(Stdio::null())
        .output()
        .expect("the program runs");
    (output, server.finish())
}

#[test]
fn a_huge_reason_phrase_does_not_size_the_window() {
    use egui_kittest::kittest::Queryable as _;

    let server = FaultServer::start(Fault::HugeReason);
    let mut harness = window_harness::harness("127.0.0.1", &server.addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    window_harness::step_until(&mut harness, "the fetch to end", window_harness::finished);
    harness.run_steps(3);
    server.finish();
    let window = harness.ctx.content_rect();
    let copy = harness.get_by_label("Copy reply").rect();
    assert!(window.contains_rect(copy), "Copy reply at {copy:?}, outside the window {window:?}");
    // The log under the steps is still on screen: its Copy log button is inside the window.
    let copy_log = harness.get_by_label("Copy log").rect();
    assert!(window.contains_rect(copy_log), "Copy log at {copy_log:?}, outside the window {window:?}");
    let log = harness.state().view().unwrap().log_text();
    let longest = log.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 300, "a log line of {longest} characters");
}
