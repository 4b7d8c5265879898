//! The decoded body against real servers on 127.0.0.1: the demo server's `/chunked` and `/gzip`, and
//! Python's http.server compressing with Python's own gzip and zlib modules, a server the project did
//! not write. Each reply is fetched by the engine and its body decoded byte-exact.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::Path;

use common::python::PythonServer;
use common::{job_for, reply_bytes, run_job};
use socket_fetch::demo_server::{DATA_JSON, DemoServer, chunked_page, gzip_page};
use socket_fetch::fetch::decode::{Decoded, End, Plan, decode};
use socket_fetch::fetch::{Event, EventKind, Framing};

/// The reply's decode plan and its decoded body, as the window's decoder makes them.
fn decoded(events: &[Event]) -> Option<(Plan, Vec<u8>, Decoded)> {
    let head = events.iter().find_map(|e| match &e.kind {
        EventKind::Head(head) => Some(head.clone()),
        _ => None,
    })?;
    let plan = Plan::for_head(&head)?;
    let reply = reply_bytes(events);
    let mut body = Vec::new();
    let done = decode(&plan, &reply[head.head_len..], u64::MAX, &mut |piece| {
        body.extend_from_slice(piece);
        ControlFlow::Continue(())
    })
    .unwrap();
    Some((plan, body, done))
}

#[test]
fn the_demo_servers_chunked_page_is_unchunked_byte_exact() {
    let server = DemoServer::start(0).unwrap();
    let events = run_job(job_for(server.addr(), "/chunked"));
    let raw = reply_bytes(&events);
    let (plan, body, done) = decoded(&events).unwrap();
    assert_eq!(plan.framing, Framing::Chunked);
    assert!(plan.codings.is_empty());
    assert_eq!(String::from_utf8(body).unwrap(), chunked_page());
    assert_eq!(done.end, End::Complete);
    assert!(raw.len() > chunked_page().len() + 20, "the raw reply keeps its head and chunk sizes");
}

#[test]
fn the_demo_servers_gzip_page_is_unzipped_byte_exact() {
    let server = DemoServer::start(0).unwrap();
    let events = run_job(job_for(server.addr(), "/gzip"));
    let (plan, body, done) = decoded(&events).unwrap();
    assert_eq!(plan.framing, Framing::Length(done.unchunked));
    assert_eq!(String::from_utf8(body).unwrap(), gzip_page());
    assert_eq!(done.end, End::Complete);
    assert!(done.unchunked < done.decoded, "{done:?}");
}

#[test]
fn the_demo_servers_json_is_neither_chunked_nor_compressed() {
    let server = DemoServer::start(0).unwrap();
    let events = run_job(job_for(server.addr(), "/data.json"));
    assert!(decoded(&events).is_none(), "nothing to decode");
    let raw = String::from_utf8(reply_bytes(&events)).unwrap();
    assert!(raw.contains("\r\nContent-Type: application/json\r\n"), "{raw}");
    assert!(raw.ends_with(DATA_JSON));
}

/// Python's `http.server` with the handler in `tests/servers/compressing_server.py`, serving `text`.
fn compressing_server(text: &str) -> PythonServer {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/compressing_server.py");
    PythonServer::start(&[script.as_os_str(), text.as_ref()])
}

#[test]
fn pythons_gzip_and_deflate_bodies_are_decoded_byte_exact() {
    let text = "Grüße aus Python: ünïcödé, tabs\tand \\backslashes\\";
    let server = compressing_server(text);
    let want: String = (0..3000).fold(String::new(), |mut want, i| {
        let _ = writeln!(want, "line {i}: {text}");
        want
    });
    for (path, framing) in [
        ("/gzip", Framing::Length(0)),
        ("/zlib", Framing::Length(0)),
        ("/raw-deflate", Framing::Length(0)),
        ("/chunked-gzip", Framing::Chunked),
    ] {
        let events = run_job(job_for(server.addr, path));
        let (plan, body, done) = decoded(&events).unwrap_or_else(|| panic!("{path}: a body to decode"));
        assert!(plan.decompresses(), "{path}: {plan:?}");
        assert_eq!(plan.framing == Framing::Chunked, framing == Framing::Chunked, "{path}: {plan:?}");
        assert!(body == want.as_bytes(), "{path}: {} bytes decoded, {} wanted", body.len(), want.len());
        assert_eq!(done.end, End::Complete, "{path}");
    }
}
