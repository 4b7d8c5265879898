//! A plain http fetch sent to a port that expects TLS: `openssl s_server` (OpenSSL 3) sends no alert
//! to plain text, so not a byte comes back. The hint must name HTTPS among the possibilities, in the
//! engine's words for both places and in the terminal's output.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::openssl::OpenSsl;
use common::{job_for, run_job, summary};
use socket_fetch::demo_server::tls::Pki;
use socket_fetch::fetch::{FetchError, Place};

const TRY_HTTPS: &str = "If this port expects an encrypted connection, try https://";

#[test]
fn a_plain_fetch_to_a_tls_port_that_answers_nothing_is_told_to_try_https() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let Some(server) = OpenSsl::start(&pki, &[]) else { return };
    let mut job = job_for(SocketAddr::from((Ipv4Addr::LOCALHOST, server.port)), "/");
    job.read_timeout = Duration::from_secs(2);
    let events = run_job(job);
    let error = summary(&events).error.clone().expect("the fetch fails");
    // OpenSSL hangs up on the plain request; a server that stayed silent would time out instead.
    assert!(
        matches!(
            error,
            FetchError::ClosedEmpty { plain: true } | FetchError::ReadTimedOut { unanswered_plain: true, .. }
        ),
        "{error:?}"
    );
    for place in [Place::Window, Place::Terminal] {
        let hint = error.hint(place).to_string();
        assert!(hint.contains(TRY_HTTPS), "{place:?}: {hint}");
    }
    assert!(error.hint(Place::Window).as_str().contains(socket_fetch::fetch::window_label::SECURE));

    let output = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "127.0.0.1", &server.port.to_string(), "--read-timeout", "2"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.stdout.is_empty(), "{stderr}");
    assert!(matches!(output.status.code(), Some(1 | 28)), "{stderr}");
    let tried = stderr.lines().find(|line| line.starts_with("# Try: ")).unwrap_or_default();
    assert!(tried.contains(&format!("{TRY_HTTPS} in front of the host")), "{stderr}");
}

#[test]
fn over_tls_a_server_that_sends_nothing_is_not_told_to_try_https() {
    // The same hang-up after an encrypted request: https is already in use, so it is no advice.
    for error in [
        FetchError::ClosedEmpty { plain: false },
        FetchError::ReadTimedOut { after: Duration::from_secs(1), unanswered_plain: false },
    ] {
        for place in [Place::Window, Place::Terminal] {
            assert!(!error.hint(place).as_str().contains("https://"), "{error:?} {place:?}");
        }
    }
}
