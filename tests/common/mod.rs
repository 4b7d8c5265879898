//! Helpers shared by the integration tests: run a job on a real worker and collect its events.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod nginx;
pub mod openssl;
pub mod python;

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, unbounded};
use socket_fetch::fetch::{Event, EventKind, Job, Summary, Target, Worker};

/// No test waits longer than this for one event.
pub const EVENT_LIMIT: Duration = Duration::from_secs(20);

pub fn job_for(addr: SocketAddr, path: &str) -> Job {
    let mut target = Target::parse(&addr.ip().to_string(), &addr.port().to_string()).expect("valid target");
    path.clone_into(&mut target.path);
    Job::new(target)
}

pub fn start_worker() -> (Worker, Receiver<Event>) {
    let (tx, rx) = unbounded();
    let worker = Worker::spawn(tx, Arc::new(|| {})).expect("worker starts");
    (worker, rx)
}

/// Runs `job` to its end; every event, the last being `Finished`.
pub fn run_job(job: Job) -> Vec<Event> {
    let (mut worker, events) = start_worker();
    worker.fetch(job);
    collect_until_finished(&events)
}

pub fn collect_until_finished(events: &Receiver<Event>) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        let event = events.recv_timeout(EVENT_LIMIT).expect("the worker keeps reporting");
        let last = matches!(event.kind, EventKind::Finished(_));
        seen.push(event);
        if last {
            return seen;
        }
    }
}

/// Every reply byte the events carried, in order.
pub fn reply_bytes(events: &[Event]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Received { chunk, .. } => Some(&chunk[..]),
            _ => None,
        })
        .flatten()
        .copied()
        .collect()
}

pub fn summary(events: &[Event]) -> &Summary {
    match &events.last().expect("some events").kind {
        EventKind::Finished(summary) => summary,
        other => panic!("last event is {other:?}, not Finished"),
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound, read, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Reads up to the blank line that ends a request head.
pub fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut buf = [0; 4096];
    while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    request
}
