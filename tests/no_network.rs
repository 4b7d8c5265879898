//! A name lookup on a computer with no network, for real: the terminal fetch runs in a fresh network
//! namespace (`unshare -n`), where only a loopback interface exists and it is down, so the resolver
//! cannot reach its name server and no packet can leave. It must say the computer is not on a
//! network, not that the name is misspelt; and where a name server is reachable but silent, it must
//! say that instead.
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

#[test]
fn a_name_server_that_does_not_answer_is_not_called_no_network() {
    // A namespace whose loopback is up, with a resolv.conf (bound over the real one in a private
    // mount namespace) that names 127.0.0.1, where no name server listens: the computer has a
    // route to its name server, which does not answer.
    let resolv_conf = std::env::temp_dir().join(format!("socket-fetch-resolv-{}.conf", std::process::id()));
    std::fs::write(&resolv_conf, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n").unwrap();
    let output = Command::new("unshare")
        .args([
            "-n",
            "-m",
            "sh",
            "-c",
            "ip link set lo up && mount --bind \"$1\" /etc/resolv.conf && exec \"$2\" fetch \"$3\" 80",
        ])
        .args(["sh".as_ref(), resolv_conf.as_os_str(), env!("CARGO_BIN_EXE_socket-fetch").as_ref(), NAME.as_ref()])
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs (it is part of util-linux)");
    std::fs::remove_file(&resolv_conf).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("# Resolving server IP address"), "socket-fetch did not run in the namespace:\n{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let failed =
        format!("# Failed: The name server did not answer in time, so the name \"{NAME}\" could not be looked up.");
    assert!(stderr.contains(&failed), "{stderr}");
    assert!(!stderr.contains("not on a network") && !stderr.to_lowercase().contains("spelling"), "{stderr}");
}
