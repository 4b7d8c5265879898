//! The window on an HTTPS fetch, headless with `egui_kittest`, on 127.0.0.1 only: six steps with the
//! handshake as step 4, numbered as the fetch runs them, and a certificate fault in its own words.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui_kittest::kittest::Queryable;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{FetchError, Step};
use socket_fetch::ui::StepState;
use window_harness::{finished, harness, shows_text, step_until};

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
