//! The decoded body in the window, driven headless with `egui_kittest` against the demo server on
//! 127.0.0.1: the "Raw reply | Decoded body" switch, the note of what was undone, the decoded text,
//! and "Copy decoded body" beside "Copy reply", which still copies the raw reply.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::io::{self, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener};
use std::thread;

use egui::accesskit::Toggled;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use flate2::Compression;
use flate2::read::GzEncoder;
use socket_fetch::demo_server::{DemoServer, chunked_page, gzip_page};
use socket_fetch::ui::{DecodedBody, Limits, SocketFetchApp, StartOptions};
use window_harness::{copied_text, demo_options, fetch, harness_for_any_bytes, shows_text, step_until};

/// A window that has fetched `path` from the demo server, and decoded its body.
fn decoded_from(server: &DemoServer, path: &str) -> Harness<'static, SocketFetchApp> {
    let mut harness = fetch(harness_for_any_bytes(demo_options(server, path)));
    // The explain panel tells the reply's head line by line: hide it, so what is on screen is the reply view's.
    harness.get_by_label("🎓 Explain").click();
    step_until(&mut harness, "the body to be decoded", |app| {
        app.view().is_some_and(|v| v.decoded.as_ref().is_some_and(DecodedBody::is_done))
    });
    harness
}

fn decoded(harness: &Harness<'_, SocketFetchApp>) -> Vec<u8> {
    harness.state().view().unwrap().decoded.as_ref().unwrap().lock().text.bytes().to_vec()
}

fn raw(harness: &Harness<'_, SocketFetchApp>) -> Vec<u8> {
    harness.state().view().unwrap().reply.bytes().to_vec()
}

#[test]
fn a_chunked_page_shows_the_switch_and_its_decoded_body_without_the_sizes() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = decoded_from(&server, "/chunked");
    assert!(shows_text(&harness, "Transfer-Encoding: chunked"), "the raw reply is shown first");
    assert!(!shows_text(&harness, "Chunk sizes removed"), "no decoded note on the raw view");
    harness.get_by_label("Decoded body").click();
    harness.run_steps(2);
    let note = format!("Decoded body: Chunk sizes removed; the body is {} bytes.", chunked_page().len());
    assert!(shows_text(&harness, &note), "the view says what it shows: {note}");
    assert!(shows_text(&harness, "\"Decoded body\" shows it without its chunk sizes."), "the log says so");
    assert!(shows_text(&harness, "<h1>Sent in chunks</h1>"), "the decoded page is drawn");
    assert!(!shows_text(&harness, "Transfer-Encoding: chunked"), "the head is not part of the body");
    assert_eq!(String::from_utf8(decoded(&harness)).unwrap(), chunked_page());

    harness.get_by_label("Copy decoded body").click();
    assert_eq!(copied_text(&mut harness), Some(chunked_page()), "the decoded bytes land on the clipboard");
    harness.step();
    assert!(shows_text(&harness, "Copied the decoded body"), "the notice names what was copied");

    harness.get_by_label("Copy reply").click();
    let copied = copied_text(&mut harness).unwrap();
    assert_eq!(copied.into_bytes(), raw(&harness), "Copy reply still copies the raw reply, chunk sizes and all");
}

#[test]
fn a_gzip_page_is_shown_unzipped_with_its_sizes_and_a_new_fetch_goes_back_to_raw() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = decoded_from(&server, "/gzip");
    assert!(!shows_text(&harness, "<h1>Sent compressed</h1>"), "the raw reply is compressed bytes");
    harness.get_by_label("Decoded body").click();
    harness.run_steps(2);
    let done = harness.state().view().unwrap().decoded.as_ref().unwrap().lock().outcome.clone().unwrap();
    let note = format!(
        "Unzipped from {} to {}.",
        socket_fetch::format::bytes(done.unchunked),
        socket_fetch::format::bytes(done.decoded)
    );
    assert!(shows_text(&harness, &note), "{note}");
    assert!(shows_text(&harness, "<h1>Sent compressed</h1>"), "the unzipped page is drawn");
    assert_eq!(String::from_utf8(decoded(&harness)).unwrap(), gzip_page());

    let toggled = |harness: &Harness<'_, SocketFetchApp>, label| harness.get_by_label(label).accesskit_node().toggled();
    assert_eq!(toggled(&harness, "Decoded body"), Some(Toggled::True));
    let first = harness.state().view().unwrap().job;
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the second fetch to be decoded", |app| {
        app.view().is_some_and(|v| v.job != first && v.decoded.as_ref().is_some_and(DecodedBody::is_done))
    });
    assert_eq!(toggled(&harness, "Raw reply"), Some(Toggled::True), "a new fetch shows the raw reply");
    assert_eq!(toggled(&harness, "Decoded body"), Some(Toggled::False));
}

#[test]
fn a_reply_that_is_neither_chunked_nor_compressed_has_no_switch() {
    let server = DemoServer::start(0).unwrap();
    let harness = fetch(harness_for_any_bytes(demo_options(&server, "/data.json")));
    assert!(shows_text(&harness, "\"name\": \"socket-fetch demo\","));
    assert!(harness.query_by_label("Decoded body").is_none());
    assert!(harness.query_by_label("Copy decoded body").is_none());
}

/// The window's keep limit in the bomb test, in MiB.
const WINDOW_MAX_MIB: u64 = 8;

/// A server on 127.0.0.1 that answers one request with `head`, then the bytes `body` reads, then hangs
/// up; a window keeping at most [`WINDOW_MAX_MIB`] fetches from it to the end and decodes the body.
fn fetched_once(head: &'static [u8], mut body: impl io::Read + Send + 'static) -> Harness<'static, SocketFetchApp> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::Builder::new().name("one-reply-server".to_owned()).spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        common::read_request(&mut stream);
        stream.write_all(head).unwrap();
        io::copy(&mut body, &mut stream).unwrap();
    });
    let server = server.unwrap();
    let limits = Limits { max_mib: WINDOW_MAX_MIB, ..Limits::default() };
    let options = StartOptions {
        host: Some("127.0.0.1".to_owned()),
        port: Some(port.to_string()),
        limits: Some(limits),
        ..StartOptions::default()
    };
    let mut harness = fetch(harness_for_any_bytes(options));
    server.join().unwrap();
    step_until(&mut harness, "the decoding to stop", |app| {
        app.view().is_some_and(|v| v.decoded.as_ref().is_some_and(DecodedBody::is_done))
    });
    harness.get_by_label("Decoded body").click();
    harness.run_steps(2);
    harness
}

const GZIP_HEAD: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\n";

#[test]
fn a_gzip_bomb_stops_at_the_windows_keep_limit_and_says_so() {
    // 64 MiB of zeros gzipped (about 64 KiB), made as it is sent.
    let harness = fetched_once(GZIP_HEAD, GzEncoder::new(io::repeat(0).take(64 << 20), Compression::fast()));
    let limit = WINDOW_MAX_MIB << 20;
    assert_eq!(decoded(&harness).len() as u64, limit, "the first bytes, up to the limit, are kept");
    let why = format!("The decoded body would be larger than {}", socket_fetch::format::short_bytes(limit));
    assert!(shows_text(&harness, &why), "the view says why it stopped: {why}");
    assert!(
        harness.state().view().unwrap().error().is_none(),
        "the fetch itself went well: {raw_len} raw bytes",
        raw_len = raw(&harness).len()
    );
}

#[test]
fn damaged_gzip_is_told_and_what_was_unzipped_is_shown() {
    let page: Vec<u8> = (0..20_000).flat_map(|i| format!("line {i} of a page\n").into_bytes()).collect();
    let mut zipped = Vec::new();
    GzEncoder::new(&page[..], Compression::default()).read_to_end(&mut zipped).unwrap();
    let middle = zipped.len() / 2;
    zipped[middle..middle + 32].fill(0xFF);
    let harness = fetched_once(GZIP_HEAD, io::Cursor::new(zipped));
    assert!(shows_text(&harness, "The compressed data is damaged or incomplete"), "the view says what went wrong");
    let shown = decoded(&harness);
    assert!(!shown.is_empty() && page.starts_with(&shown[..shown.len().min(1000)]), "the page's start is kept");
    assert!(shows_text(&harness, "line 0 of a page"), "and drawn");
}
