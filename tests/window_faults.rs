//! The window against the servers that misbehave on purpose (the same [`Fault`] table and server as
//! `tests/faults.rs`), driven headless with `egui_kittest` (no GPU, no display), on 127.0.0.1 only:
//! a clear message on the error card (or no card when the fetch ends well), every byte that arrived kept
//! exactly, no panic, and the next fetch in the same window works. Also: bad input typed into the form.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/fault_server.rs"]
mod fault_server;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fault_server::{FAULTS, Fault, FaultServer, READ_TIMEOUT, assert_same_bytes};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{FetchError, InputError, Place, Target, default_request};
use socket_fetch::ui::{Limits, SocketFetchApp, StartOptions};
use window_harness::{fill, finished, harness_with, shows_text, step_until};

/// The window's size limit here, in MiB: the endless server is cut there, while the 1 MiB head of
/// `Fault::HugeHeader` (just over 1 MiB in all) still fits.
const WINDOW_MAX_MIB: u64 = 2;
const WINDOW_LIMIT: u64 = WINDOW_MAX_MIB * 1024 * 1024;

/// A window whose fetches give up after [`READ_TIMEOUT`] of silence and keep at most [`WINDOW_LIMIT`] bytes.
fn harness() -> Harness<'static, SocketFetchApp> {
    let limits = Limits { read_timeout_s: READ_TIMEOUT.as_secs_f64(), max_mib: WINDOW_MAX_MIB, ..Limits::default() };
    let options = StartOptions {
        host: Some("127.0.0.1".to_owned()),
        port: Some(String::new()),
        limits: Some(limits),
        ..StartOptions::default()
    };
    harness_with(options)
}

/// Clicks Fetch, checks that a new fetch started, and steps until it has ended.
fn fetch_to_the_end(harness: &mut Harness<'_, SocketFetchApp>, what: &str) {
    let before = harness.state().view().map(|v| v.job);
    harness.get_by_label("▶ Fetch").click();
    harness.step();
    let after = harness.state().view().map(|v| v.job);
    assert!(after.is_some() && after != before, "{what}: Fetch started a new fetch");
    step_until(harness, &format!("{what} to end"), finished);
}

/// The error card is there, with the error's own words and its hint, and says whether bytes were kept.
fn assert_error_card(harness: &Harness<'_, SocketFetchApp>, error: &FetchError, title: &str, kept: bool, what: &str) {
    assert!(shows_text(harness, &format!("✖ {title}")), "{what}: the card's title {title:?}");
    assert!(shows_text(harness, &error.to_string()), "{what}: the message {:?}", error.to_string());
    let hint = format!("What to try: {}", error.hint(Place::Window));
    assert!(shows_text(harness, &hint), "{what}: the hint {hint:?}");
    assert_eq!(shows_text(harness, "is kept below."), kept, "{what}: the card says the bytes that arrived are kept");
}

fn assert_no_error_card(harness: &Harness<'_, SocketFetchApp>, what: &str) {
    for text in ["What to try:", "✖ The fetch did not finish", "✖ Check the host and port"] {
        assert!(!shows_text(harness, text), "{what}: no error card, yet {text:?} is on screen");
    }
}

#[test]
fn each_fault_in_the_window_shows_a_clear_message_keeps_the_bytes_and_the_next_fetch_works() {
    let demo = DemoServer::start(0).unwrap();
    let demo_port = demo.addr().port().to_string();
    let mut harness = harness();
    for fault in FAULTS {
        let what = format!("{fault:?}");
        let server = FaultServer::start(fault);
        let addr = server.addr;
        let port = addr.port().to_string();
        fill(&mut harness, "Host", "127.0.0.1");
        fill(&mut harness, "Port", &port);
        fetch_to_the_end(&mut harness, &what);
        let log = server.finish();

        let view = harness.state().view().unwrap();
        let expected = fault.expected_error_within(addr, &log, false, WINDOW_LIMIT);
        assert_eq!(view.error(), expected.as_ref(), "{what}");
        let want = log.written_within(WINDOW_LIMIT);
        assert_same_bytes(view.reply.bytes(), want, &format!("{what}: the reply kept"));
        assert_eq!(view.received(), want.len() as u64, "{what}: the count of bytes received");
        if fault == Fault::Endless {
            assert_eq!(want.len() as u64, WINDOW_LIMIT, "the endless server sent more than the limit");
        }
        if fault.reads_request() {
            let target = Target::parse("127.0.0.1", &port).unwrap();
            assert_same_bytes(&log.request, &default_request(&target), &format!("{what}: the request the server read"));
        }
        if fault == Fault::HalfClose {
            assert!(log.client_closed, "after the server's half-close, the window's fetch closed its end too");
        }
        drop(view);
        match &expected {
            Some(error) => assert_error_card(&harness, error, "The fetch did not finish", !want.is_empty(), &what),
            None => assert_no_error_card(&harness, &what),
        }
        if want.starts_with(b"HTTP/1.0 200 OK") {
            assert!(shows_text(&harness, "HTTP/1.0 200 OK"), "{what}: the reply's first line is on screen");
        }

        // The same window goes on to fetch from the demo server.
        fill(&mut harness, "Port", &demo_port);
        fetch_to_the_end(&mut harness, &format!("the fetch after {what}"));
        let view = harness.state().view().unwrap();
        assert!(view.error().is_none(), "after {what}: {:?}", view.error());
        assert!(view.reply.bytes().starts_with(b"HTTP/1.0 200 OK"), "after {what}");
        assert_no_error_card(&harness, &format!("the fetch after {what}"));
    }
}

#[test]
fn bad_input_typed_into_the_window_shows_the_card_and_starts_no_fetch() {
    let cases = [
        ("", "80", InputError::EmptyHost),
        ("127.0.0.1", "0", InputError::PortZero),
        ("127.0.0.1", "70000", InputError::PortTooLarge("70000".to_owned())),
        ("127.0.0.1", "abc", InputError::PortNotNumber("abc".to_owned())),
        ("exa mple.com", "80", InputError::HostHasSpace("exa mple.com".to_owned())),
        ("ftp://example.com/", "80", InputError::UnsupportedScheme("ftp".to_owned())),
    ];
    let mut harness = harness();
    for (host, port, input_error) in cases {
        let what = format!("host {host:?}, port {port:?}");
        fill(&mut harness, "Host", host);
        fill(&mut harness, "Port", port);
        harness.get_by_label("▶ Fetch").click();
        harness.step();
        assert!(harness.state().view().is_none(), "{what}: no fetch started");
        let error = FetchError::Input(input_error);
        assert_eq!(harness.state().input_error(), Some(&error), "{what}");
        assert_error_card(&harness, &error, "Check the host and port", false, &what);
    }

    // Corrected, the same window fetches, and the card goes.
    let demo = DemoServer::start(0).unwrap();
    fill(&mut harness, "Host", "127.0.0.1");
    fill(&mut harness, "Port", &demo.addr().port().to_string());
    fetch_to_the_end(&mut harness, "the corrected fetch");
    assert!(harness.state().input_error().is_none());
    assert!(harness.state().view().unwrap().error().is_none());
    assert_no_error_card(&harness, "the corrected fetch");
}
