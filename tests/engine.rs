//! The fetch engine against real servers on 127.0.0.1: the demo server and small servers made here.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::thread;
use std::time::{Duration, Instant};

use common::{closed_port, collect_until_finished, job_for, reply_bytes, run_job, start_worker, summary};
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{EventKind, FetchError, Job, Phase, Step, Target};

/// The kinds of events in order, as short names, with repeats of Received folded.
fn shape(events: &[socket_fetch::fetch::Event]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for event in events {
        let name = match &event.kind {
            EventKind::Started { .. } => "started".to_owned(),
            EventKind::Paused { next } => format!("paused {next:?}"),
            EventKind::StepStarted(step) => format!("start {step:?}"),
            EventKind::Resolved { .. } => "resolved".to_owned(),
            EventKind::Connecting { .. } => "connecting".to_owned(),
            EventKind::AttemptFailed { .. } => "attempt failed".to_owned(),
            EventKind::Connected { .. } => "connected".to_owned(),
            EventKind::Secured(_) => "secured".to_owned(),
            // What crossed the wire comes in batches when the engine has some: tests/wire.rs checks them.
            EventKind::Wire(_) => continue,
            EventKind::UnprovenEnd => "unproven end".to_owned(),
            EventKind::Sent { .. } => "sent".to_owned(),
            EventKind::Received { .. } => "received".to_owned(),
            EventKind::Head(_) => "head".to_owned(),
            EventKind::HeadUnreadable { .. } => "head unreadable".to_owned(),
            EventKind::ReplyComplete { .. } => "complete".to_owned(),
            EventKind::RawEnd { by } => format!("raw end {by:?}"),
            EventKind::StepDone { step, .. } => format!("done {step:?}"),
            EventKind::Finished(_) => "finished".to_owned(),
        };
        if !(name == "received" && names.last().is_some_and(|n| n == "received")) {
            names.push(name);
        }
    }
    names
}

#[test]
fn events_arrive_in_the_tutorials_order() {
    let server = DemoServer::start(0).unwrap();
    let events = run_job(job_for(server.addr(), "/"));
    assert_eq!(
        shape(&events),
        [
            "started",
            "start Socket",
            "done Socket",
            "start Resolve",
            "resolved",
            "done Resolve",
            "start Connect",
            "connecting",
            "connected",
            "done Connect",
            "start Send",
            "sent",
            "done Send",
            "start Receive",
            "head",
            "received",
            "complete",
            "done Receive",
            "finished",
        ]
    );
    assert!(summary(&events).error.is_none());
    let reply = String::from_utf8(reply_bytes(&events)).unwrap();
    assert!(reply.starts_with("HTTP/1.0 200 OK\r\n"), "{reply}");
    assert!(reply.contains("You just fetched a web page by hand."));
    for step in Step::PLAIN {
        let title = socket_fetch::teach::step_text(step).title;
        assert!(reply.contains(&format!("<b>{title}.</b>")), "the page explains {step:?} in the window's words");
    }
}

#[test]
fn replies_are_byte_exact_for_edge_sizes() {
    let server = DemoServer::start(0).unwrap();
    for len in [0, 1, 4096, 4097, 10 * 1024 * 1024] {
        let events = run_job(job_for(server.addr(), &format!("/bytes/{len}")));
        let reply = reply_bytes(&events);
        let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
        assert_eq!(reply[head_end..], numbered_body(len), "body of {len} bytes");
        let s = summary(&events);
        assert_eq!(s.received, reply.len() as u64);
        assert!(s.error.is_none(), "{len}: {:?}", s.error);
        let head = events.iter().find_map(|e| match &e.kind {
            EventKind::Head(h) => Some(h.clone()),
            _ => None,
        });
        assert_eq!(head.unwrap().expected_total, Some(reply.len() as u64));
    }
}

#[test]
fn default_request_has_the_host_header() {
    let target = Target::parse("127.0.0.1", "8080").unwrap();
    assert_eq!(&*Job::new(target).payload.bytes(), b"GET / HTTP/1.0\r\nHost: 127.0.0.1:8080\r\n\r\n");
}

#[test]
fn a_refused_port_says_refused() {
    let events = run_job(job_for(SocketAddr::from((Ipv4Addr::LOCALHOST, closed_port())), "/"));
    assert!(matches!(summary(&events).error, Some(FetchError::Refused { .. })), "{:?}", summary(&events).error);
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::AttemptFailed { .. })));
}

#[test]
fn a_name_under_dot_invalid_fails_without_a_lookup() {
    let started = Instant::now();
    let events = run_job(Job::new(Target::parse("no-such-host.invalid", "80").unwrap()));
    assert!(matches!(summary(&events).error, Some(FetchError::NameNotFound { .. })));
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A server that accepts one connection and runs `behave` on it.
fn one_shot_server(behave: impl FnOnce(std::net::TcpStream) + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::Builder::new()
        .name("test-server".into())
        .spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                behave(stream);
            }
        })
        .unwrap();
    addr
}

#[test]
fn a_silent_server_times_out_on_read() {
    let addr = one_shot_server(|s| {
        thread::sleep(Duration::from_secs(3));
        drop(s);
    });
    let mut job = job_for(addr, "/");
    job.read_timeout = Duration::from_millis(300);
    let events = run_job(job);
    assert!(matches!(summary(&events).error, Some(FetchError::ReadTimedOut { .. })), "{:?}", summary(&events).error);
}

#[test]
fn cancel_mid_read_stops_quickly_and_keeps_what_arrived() {
    let addr = one_shot_server(|mut s| {
        let _ = s.write_all(b"HTTP/1.0 200 OK\r\n\r\npartial");
        thread::sleep(Duration::from_secs(5));
    });
    let (mut worker, events) = start_worker();
    let id = worker.fetch(job_for(addr, "/"));
    // Wait for the bytes, then cancel.
    let mut seen = Vec::new();
    while !seen.iter().any(|e: &socket_fetch::fetch::Event| matches!(e.kind, EventKind::Received { .. })) {
        seen.push(events.recv_timeout(common::EVENT_LIMIT).unwrap());
    }
    let asked = Instant::now();
    worker.cancel(id);
    seen.extend(collect_until_finished(&events));
    assert!(asked.elapsed() < Duration::from_millis(100), "cancel took {:?}", asked.elapsed());
    assert_eq!(summary(&seen).error, Some(FetchError::Cancelled));
    assert_eq!(reply_bytes(&seen), b"HTTP/1.0 200 OK\r\n\r\npartial");
}

/// A listener whose accept queue is full: the kernel drops further handshakes, so connect hangs.
fn listener_that_never_accepts() -> (socket2::Socket, SocketAddr, Vec<std::net::TcpStream>) {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into()).unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let fillers =
        (0..4).filter_map(|_| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()).collect();
    (socket, addr, fillers)
}

#[test]
fn cancel_while_connecting_stops_quickly() {
    let (_listener, addr, _fillers) = listener_that_never_accepts();
    let (mut worker, events) = start_worker();
    let mut job = job_for(addr, "/");
    job.connect_timeout = Duration::from_secs(10);
    let id = worker.fetch(job);
    let mut seen = Vec::new();
    while !seen.iter().any(|e: &socket_fetch::fetch::Event| matches!(e.kind, EventKind::Connecting { .. })) {
        seen.push(events.recv_timeout(common::EVENT_LIMIT).unwrap());
    }
    thread::sleep(Duration::from_millis(200));
    let asked = Instant::now();
    worker.cancel(id);
    seen.extend(collect_until_finished(&events));
    assert!(asked.elapsed() < Duration::from_millis(100), "cancel took {:?}", asked.elapsed());
    assert_eq!(summary(&seen).error, Some(FetchError::Cancelled));
}

#[test]
fn cancel_while_paused_ends_cleanly_and_the_next_job_works() {
    let server = DemoServer::start(0).unwrap();
    let (mut worker, events) = start_worker();
    let mut job = job_for(server.addr(), "/");
    job.step_through = true;
    let id = worker.fetch(job);
    let mut seen = Vec::new();
    loop {
        let event = events.recv_timeout(common::EVENT_LIMIT).unwrap();
        let paused_before_connect = matches!(event.kind, EventKind::Paused { next: Step::Connect });
        let paused = matches!(event.kind, EventKind::Paused { .. });
        seen.push(event);
        if paused_before_connect {
            break;
        }
        if paused {
            worker.next(id);
        }
    }
    let asked = Instant::now();
    worker.cancel(id);
    seen.extend(collect_until_finished(&events));
    assert!(asked.elapsed() < Duration::from_millis(100));
    assert_eq!(summary(&seen).error, Some(FetchError::Cancelled));
    assert!(!seen.iter().any(|e| matches!(e.kind, EventKind::StepStarted(Step::Connect))));
    worker.fetch(job_for(server.addr(), "/"));
    let next = collect_until_finished(&events);
    assert!(summary(&next).error.is_none(), "{:?}", summary(&next).error);
}

#[test]
fn a_reset_mid_stream_keeps_what_arrived() {
    let addr = one_shot_server(|mut s| {
        let mut buf = [0; 1024];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nhalf of it");
        thread::sleep(Duration::from_millis(100));
        socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO)).unwrap();
        drop(s); // linger 0: the close sends RST
    });
    let events = run_job(job_for(addr, "/"));
    assert!(matches!(summary(&events).error, Some(FetchError::Reset { .. })), "{:?}", summary(&events).error);
    assert_eq!(reply_bytes(&events), b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\nhalf of it");
}

#[test]
fn a_server_that_closes_without_a_byte_is_explained() {
    let addr = one_shot_server(|mut s| {
        let mut buf = [0; 1024];
        let _ = s.read(&mut buf);
    });
    let events = run_job(job_for(addr, "/"));
    assert_eq!(summary(&events).error, Some(FetchError::ClosedEmpty { plain: true }));
}

#[test]
fn a_reply_over_the_limit_keeps_the_first_bytes() {
    let server = DemoServer::start(0).unwrap();
    let mut job = job_for(server.addr(), "/bytes/100000");
    job.max_bytes = 5000;
    let events = run_job(job);
    assert_eq!(summary(&events).error, Some(FetchError::TooLarge { limit: 5000 }));
    let reply = reply_bytes(&events);
    assert_eq!(reply.len(), 5000);
    assert!(reply.starts_with(b"HTTP/1.0 200 OK\r\n"));
}

#[test]
fn phase_times_are_in_order_and_add_up_to_the_total() {
    let server = DemoServer::start(0).unwrap();
    let events = run_job(job_for(server.addr(), "/bytes/100000"));
    let timings = &summary(&events).timings;
    let phases: Vec<Phase> = timings.phases.iter().map(|(p, _)| *p).collect();
    let plain: Vec<Phase> = Phase::ALL.into_iter().filter(|p| *p != Phase::Handshake).collect();
    assert_eq!(phases, plain);
    let sum: Duration = timings.phases.iter().map(|(_, d)| *d).sum();
    let gap = timings.total.abs_diff(sum);
    assert!(gap < Duration::from_millis(1), "phases add to {sum:?}, total {:?}", timings.total);
}

#[test]
fn invalid_input_is_refused_in_plain_words() {
    use socket_fetch::fetch::InputError;
    let cases: [(&str, &str, InputError); 7] = [
        ("", "80", InputError::EmptyHost),
        ("exa mple.com", "80", InputError::HostHasSpace("exa mple.com".into())),
        ("a\u{7}b", "80", InputError::HostHasControl),
        (&"a".repeat(254), "80", InputError::HostTooLong(254)),
        ("example.com", "0", InputError::PortZero),
        ("example.com", "70000", InputError::PortTooLarge("70000".into())),
        ("example.com", "abc", InputError::PortNotNumber("abc".into())),
    ];
    for (host, port, expected) in cases {
        assert_eq!(Target::parse(host, port), Err(expected), "{host:?} {port:?}");
    }
}

#[test]
fn a_slow_event_reader_does_not_make_the_steps_look_slow() {
    let server = DemoServer::start(0).unwrap();
    let (tx, events) = crossbeam_channel::unbounded();
    // A reader that takes 20 ms to wake up for every event, like a window busy drawing.
    let slow_wake = std::sync::Arc::new(|| thread::sleep(Duration::from_millis(20)));
    let mut worker = socket_fetch::fetch::Worker::spawn(tx, slow_wake).unwrap();
    worker.fetch(job_for(server.addr(), "/"));
    let seen = collect_until_finished(&events);
    let timings = &summary(&seen).timings;
    for phase in [Phase::Socket, Phase::Resolve, Phase::Send] {
        let took = timings.get(phase).unwrap();
        assert!(took < Duration::from_millis(15), "{phase:?} took {took:?}: the reporting was counted");
    }
    let sum: Duration = timings.phases.iter().map(|(_, d)| *d).sum();
    assert!(timings.total.abs_diff(sum) < Duration::from_millis(1), "phases {sum:?}, total {:?}", timings.total);
}

#[test]
fn a_reader_that_stops_reading_holds_few_chunks_and_cancel_still_ends_the_job() {
    use socket_fetch::fetch::{EVENT_QUEUE, Worker, event_channel};
    // An endless server that says when the client hung up.
    let (hung_up, hung_up_at) = crossbeam_channel::bounded(1);
    let addr = one_shot_server(move |mut s| {
        let mut request = [0; 1024];
        let _ = s.read(&mut request);
        let block = vec![b'x'; 64 * 1024];
        let _ = s.write_all(b"HTTP/1.0 200 OK\r\n\r\n");
        while s.write_all(&block).is_ok() {}
        let _ = hung_up.send(Instant::now());
    });
    let (tx, events) = event_channel();
    let mut worker = Worker::spawn(tx, std::sync::Arc::new(|| {})).unwrap();
    let id = worker.fetch(job_for(addr, "/"));
    while !matches!(events.recv_timeout(common::EVENT_LIMIT).unwrap().kind, EventKind::Received { .. }) {}
    // The reader stops; the worker fills the channel and waits.
    thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    worker.cancel(id);
    let hung_up_at = hung_up_at.recv_timeout(Duration::from_secs(2)).ok();
    // Read again before judging, so a worker stuck in a send is freed and the test ends either way.
    let rest = collect_until_finished(&events);
    let took = hung_up_at.map(|at| at.saturating_duration_since(asked));
    assert!(
        took.is_some_and(|took| took < Duration::from_millis(100)),
        "the connection closed {took:?} after Cancel (None: not within 2 s while nobody read)"
    );
    // What was in flight when the reader stopped is all that is left: a few chunks, a few MiB.
    assert_eq!(summary(&rest).error, Some(FetchError::Cancelled));
    let chunks = rest.iter().filter(|e| matches!(e.kind, EventKind::Received { .. })).count();
    let bytes = reply_bytes(&rest).len();
    assert!(chunks <= EVENT_QUEUE, "{chunks} chunks were waiting for the reader");
    assert!(bytes <= 8 * 1024 * 1024, "{bytes} bytes were waiting for the reader");
    assert!(bytes > 0, "the worker went on reading while the reader was busy");
}
