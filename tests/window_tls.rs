//! The window on an HTTPS fetch, headless with `egui_kittest`, on 127.0.0.1 only: six steps with the
//! handshake as step 4, numbered as the fetch runs them; a certificate fault in its own words, naming
//! the window's own option; the Secure (HTTPS) toggle; the certificate card for the demo's real
//! certificate; and a self-signed server fetched with the check skipped, said to be not verified.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use egui::accesskit::Toggled;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{FetchError, Step};
use socket_fetch::ui::{Limits, SocketFetchApp, StartOptions, StepState};
use window_harness::{fill, finished, harness, harness_with, shows_text, step_until};

const SECURE: &str = "🔒 Secure (HTTPS)";
const SKIP_CHECK: &str = "Skip certificate check (unsafe)";
/// 2100-01-01 00:00:00 UTC: the end of the demo certificate's validity.
const DEMO_NOT_AFTER: i64 = 4_102_444_800;

/// Whether the toggle is drawn ticked: after a frame, since the fields that set it come after it.
fn secure_ticked(harness: &mut Harness<'_, SocketFetchApp>) -> bool {
    harness.step();
    harness.get_by_label(SECURE).accesskit_node().toggled() == Some(Toggled::True)
}

/// A TLS server on 127.0.0.1 with a self-signed certificate for localhost, for one fetch.
fn self_signed_server() -> (u16, JoinHandle<()>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::Builder::new()
        .name("self-signed-server".to_owned())
        .spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut tls = StreamOwned::new(ServerConnection::new(Arc::new(config)).unwrap(), stream);
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = tls.read(&mut buf).unwrap();
                assert!(n > 0, "the client hung up before its request was complete");
                request.extend_from_slice(&buf[..n]);
            }
            std::io::Write::write_all(&mut tls, b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").unwrap();
            tls.conn.send_close_notify();
            std::io::Write::flush(&mut tls).unwrap();
        })
        .unwrap();
    (port, server)
}

#[test]
fn an_https_fetch_shows_six_steps_and_an_untrusted_certificate_fails_at_the_handshake() {
    let server = DemoServer::start(0).unwrap();
    // The window trusts the bundled roots only: the demo's own authority is not among them.
    let mut harness = harness(&format!("https://localhost:{}/", server.https_addr().port()), "");
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let view = harness.state().view().unwrap();
    assert!(view.tls);
    assert_eq!(view.error(), Some(&FetchError::CertUntrusted));
    assert_eq!(view.steps[Step::Handshake.index()], StepState::Failed);
    assert_eq!(view.steps[Step::Send.index()], StepState::Waiting);
    for shown in ["4. Secure the connection", "5. Send the request", "6. Receive the reply"] {
        assert!(shows_text(&harness, shown), "{shown:?} is on screen");
    }
    assert!(shows_text(&harness, "Step 4 of 6: Secure the connection"), "the log numbers it as shown");
    assert!(shows_text(&harness, &FetchError::CertUntrusted.to_string()));
    // The card tells the ID card's story and names the window's own way to look anyway.
    assert!(shows_text(&harness, "nobody we trust signed it"));
    assert!(shows_text(&harness, &format!("tick \"{SKIP_CHECK}\" under ⚙ Limits")));
    assert!(!shows_text(&harness, "-k (--insecure)"), "the terminal's option is not the window's");
}

#[test]
fn the_secure_toggle_follows_the_scheme_and_port_443_and_moves_the_port() {
    let mut harness = harness("example.invalid", "80");
    assert!(!secure_ticked(&mut harness));
    fill(&mut harness, "Host", "https://example.invalid/");
    assert!(secure_ticked(&mut harness), "https:// ticks it");
    fill(&mut harness, "Host", "http://example.invalid/");
    assert!(!secure_ticked(&mut harness), "an explicit http:// unticks it");
    fill(&mut harness, "Host", "example.invalid");
    fill(&mut harness, "Port", "443");
    assert!(secure_ticked(&mut harness), "port 443 ticks it");
    harness.get_by_label(SECURE).click();
    harness.run_steps(2);
    assert!(!secure_ticked(&mut harness));
    assert_eq!(harness.state().form_fields(), ("example.invalid", "80"), "unticked, 443 goes back to 80");
    harness.get_by_label(SECURE).click();
    harness.run_steps(2);
    assert_eq!(harness.state().form_fields(), ("example.invalid", "443"), "ticked, 80 becomes 443");
}

#[test]
fn the_demo_over_https_through_use_demo_server_shows_its_certificate_as_an_id_card() {
    let mut harness = harness_with(StartOptions::default());
    harness.get_by_label(SECURE).click();
    harness.run_steps(2);
    harness.get_by_label("Use demo server").click();
    harness.run_steps(2);
    let (host, port) = harness.state().form_fields();
    assert_eq!(host, "localhost", "the demo's https address uses a name, so the server name is sent");
    assert!(port.parse::<u16>().is_ok_and(|p| p != 443), "{port}");
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), None, "the demo's own authority is trusted for this run");
    assert!(view.tls && view.agreed.as_ref().is_some_and(|a| a.verified));
    drop(view);

    harness.get_by_label("Show the ID card").click();
    harness.run_steps(3);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let days = (DEMO_NOT_AFTER.cast_unsigned() - now) / 86_400;
    let years = days / 365;
    for shown in [
        "The server's ID card (certificate)",
        "Checked: it is made out to the name asked for",
        "CN=localhost",
        "localhost, 127.0.0.1",
        "CN=socket-fetch demo authority",
        "2020",
        &format!("2100 +00:00 (expires in {years} years ({} days))", socket_fetch::format::count(days)),
        "1. CN=localhost, the server's own, is vouched for by CN=socket-fetch demo authority",
        "2. CN=socket-fetch demo authority vouches for itself: a root authority",
    ] {
        assert!(shows_text(&harness, shown), "{shown:?} is on the card");
    }
    assert!(!shows_text(&harness, "NOT VERIFIED"));
}

#[test]
fn demo_with_https_at_start_fills_in_the_demos_https_address() {
    let mut harness = harness_with(StartOptions { demo: true, https: true, ..StartOptions::default() });
    assert!(secure_ticked(&mut harness));
    assert_eq!(harness.state().form_fields().0, "localhost");
    let mut plain = harness_with(StartOptions { demo: true, ..StartOptions::default() });
    assert!(!secure_ticked(&mut plain));
    assert_eq!(plain.state().form_fields().0, "127.0.0.1");
}

#[test]
fn a_self_signed_server_fetched_with_the_check_skipped_is_said_to_be_not_verified() {
    let (port, server) = self_signed_server();
    let mut harness = harness(&format!("https://localhost:{port}/"), "");
    assert!(!Limits::default().skip_cert_check, "off at every start");
    // Ticked the way a person does: in the Limits menu.
    harness.get_by_label("⚙ Limits").click();
    harness.run_steps(2);
    harness.get_by_label(SKIP_CHECK).click();
    harness.run_steps(2);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label("⚙ Limits ⚠").is_some(), "the button says the check is off");
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    server.join().unwrap();
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), None);
    assert_eq!(view.reply.bytes(), b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert!(view.agreed.as_ref().is_some_and(|a| !a.verified));
    assert!(view.log.iter().any(|line| line.text.contains("NOT VERIFIED")), "the log says so");
    assert!(shows_text(&harness, "NOT VERIFIED. \"Skip certificate check (unsafe)\" is ticked"), "the card says so");
    assert!(shows_text(&harness, "Not verified (certificate check skipped)"), "the steps say so");
}

#[test]
fn a_plain_fetch_still_shows_five_steps() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    assert!(!harness.state().view().unwrap().tls);
    assert!(shows_text(&harness, "4. Send the request") && shows_text(&harness, "5. Receive the reply"));
    assert!(!shows_text(&harness, "Secure the connection"));
}

#[test]
fn at_250_percent_on_1024_by_768_the_toggle_shrinks_so_fetch_keeps_the_forms_row() {
    let options = StartOptions { zoom: Some(2.5), https: true, ..StartOptions::default() };
    let mut harness = window_harness::harness_sized(options, [1024.0, 768.0]);
    harness.run_steps(2);
    let padlock = harness.get_by_label("🔒").rect();
    let host = harness.get_by_label("Host").rect();
    let fetch = harness.get_by_label("▶ Fetch").rect();
    assert!(harness.query_by_label(SECURE).is_none(), "the full words would not fit");
    for (what, rect) in [("the padlock", padlock), ("Fetch", fetch)] {
        assert!((rect.center().y - host.center().y).abs() < host.height(), "{what} is on the Host row: {rect:?}");
    }
    // In a wide window the toggle has its full words.
    let wide = harness_with(StartOptions::default());
    assert!(wide.query_by_label(SECURE).is_some());
}
