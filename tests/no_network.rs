//! A name lookup on a computer with no network, for real: the terminal fetch runs in a fresh network
//! namespace (`unshare -n`), where only a loopback interface exists and it is down, so the resolver
//! cannot reach its name server and no packet can leave. It must say the computer is not on a
//! network, not that the name is misspelt.
//!
//! Tests and CI run as root, which `unshare -n` needs: without it this test fails, never skips.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly

use std::process::{Command, Output, Stdio};

/// A name under `.test` (RFC 6761, reserved for testing) that no name server knows. Only ever looked
/// up inside the namespace, where no packet can leave; names under `.invalid` are never looked up.
const NAME: &str = "no-network-check.test";

/// `socket-fetch fetch NAME 80` run inside a new network namespace.
fn fetch_without_network() -> Output {
    Command::new("unshare")
        .args(["-n", env!("CARGO_BIN_EXE_socket-fetch"), "fetch", NAME, "80"])
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs (it is part of util-linux)")
}

#[test]
fn a_lookup_with_no_network_says_so_and_not_that_the_name_is_misspelt() {
    let output = fetch_without_network();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // unshare's own failure (no permission, no namespaces) would also exit 1: the fetch must have run.
    assert!(stderr.contains("# Resolving server IP address"), "socket-fetch did not run in the namespace:\n{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing can arrive: {:?}", output.stdout);
    let failed = format!("# Failed: This computer is not on a network, so the name \"{NAME}\" could not be looked up.");
    assert!(stderr.contains(&failed), "{stderr}");
    assert!(
        stderr.contains("# Try: Connect this computer to a network")
            && stderr.contains("The built-in demo server works without one: socket-fetch fetch --demo."),
        "{stderr}"
    );
    assert!(!stderr.to_lowercase().contains("spelling"), "{stderr}");
    assert!(!stderr.contains("could be found"), "{stderr}");
}
