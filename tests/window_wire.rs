//! The window's "On the wire" tab and the explanation's paragraph on what someone on the way learns,
//! headless with `egui_kittest`, against the window's own demo server on 127.0.0.1.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{ContentType, Direction, Piece};
use socket_fetch::format;
use socket_fetch::ui::{SocketFetchApp, StartOptions};
use window_harness::{fetch, fill, harness_with, shows_text};

/// A window that fetched from its own demo server the address `address` makes of it, showing the
/// "On the wire" tab.
fn on_the_wire(address: impl Fn(&DemoServer) -> String) -> Harness<'static, SocketFetchApp> {
    let mut harness = harness_with(StartOptions { demo: true, ..StartOptions::default() });
    let host = address(harness.state().demo_server().unwrap());
    fill(&mut harness, "Host", &host);
    let mut harness = fetch(harness);
    harness.get_by_label("On the wire").click();
    harness.run_steps(2);
    harness
}

#[test]
fn an_https_fetch_of_the_demo_shows_its_records_totals_and_what_an_onlooker_learns() {
    let harness = on_the_wire(|demo| format!("https://localhost:{}/bytes/100000", demo.https_addr().port()));
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), None);
    let (sent, received, reply) =
        (view.wire.total(Direction::Sent), view.wire.total(Direction::Received), view.received());
    for shown in ["→ sent", "← received", "hellos, the certificate, the keys", "ms ← received encrypted data"] {
        assert!(shows_text(&harness, shown), "{shown:?} is on screen");
    }
    for total in [sent.bytes, received.bytes] {
        assert!(shows_text(&harness, &format::exact(total)), "the total {total} is on screen");
    }
    let decrypted =
        format!("What was decrypted: a reply of {}, from {}", format::exact(reply), format::exact(received.bytes));
    assert!(shows_text(&harness, &decrypted), "{decrypted}");
    // The first encrypted record's first bytes, in hex, on its row.
    let first = view.wire.records().iter().find(|r| r.piece == Piece::Record(ContentType::ApplicationData)).unwrap();
    let hex: Vec<String> = first.first_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert!(shows_text(&harness, &format!("B {}", hex.join(" "))), "{hex:?} is on its row");
    assert!(shows_text(&harness, "\"localhost\": it is sent unencrypted"), "the onlooker learns the real name sent");
    assert!(shows_text(&harness, "(here /bytes/100000)"), "and not the page, which is named");
}

#[test]
fn a_plain_fetch_on_the_wire_is_the_request_and_the_reply() {
    let harness = on_the_wire(|demo| format!("{}/bytes/1000", demo.addr()));
    let view = harness.state().view().unwrap();
    assert_eq!(view.wire.total(Direction::Received).bytes, view.received());
    assert_eq!(view.wire.total(Direction::Sent).bytes, view.request.len() as u64);
    assert!(shows_text(&harness, "these bytes are exactly the request and the reply"));
    assert!(shows_text(&harness, "ms ← received reply bytes"), "a row of the reply's bytes");
    assert!(shows_text(&harness, "The page asked for: /bytes/1000."), "over plain HTTP the page shows");
}
