//! The terminal mode as a process: stdout byte-exact, progress on stderr, exit codes.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/fault_server.rs"]
mod fault_server;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::Duration;

use socket_fetch::demo_server::{DemoServer, numbered_body};

fn socket_fetch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socket-fetch")).args(args).stdin(Stdio::null()).output().expect("runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn demo_fetch_prints_the_five_steps_and_a_200_reply() {
    let output = socket_fetch(&["fetch", "--demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    let lines = [
        "# Setting up the socket",
        "# Resolving server IP address",
        "# Establishing connection to 127.0.0.1 at IP: 127.0.0.1 port ",
        "# Transmitting request to server",
        "# Retrieving data from server",
    ];
    let mut from = 0;
    for line in lines {
        let at = err[from..].find(line).unwrap_or_else(|| panic!("{line:?} missing after byte {from} in:\n{err}"));
        from += at + line.len();
    }
    assert!(err.contains("time: resolve "), "{err}");
    assert!(output.stdout.starts_with(b"HTTP/1.0 200 OK\r\n"));
}

#[test]
fn a_refused_port_fails_with_a_plain_message() {
    let port = common::closed_port().to_string();
    let output = socket_fetch(&["fetch", "127.0.0.1", &port]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("the server refused the connection"), "{}", stderr(&output));
    assert!(stderr(&output).contains("# Try: Check the port number"));
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_input_exits_2_before_any_fetch() {
    for (host, port) in [("", "80"), ("example.com", "70000"), ("example.com", "abc"), ("example.com", "0")] {
        let output = socket_fetch(&["fetch", host, port]);
        assert_eq!(output.status.code(), Some(2), "{host:?} {port:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("Setting up the socket"));
    }
}

#[test]
fn stdout_is_byte_exact_for_a_large_numbered_body() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let len = 3 * 1024 * 1024 + 7;
    let output = socket_fetch(&["fetch", "127.0.0.1", &port, "--path", &format!("/bytes/{len}")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.ends_with(&numbered_body(len)));
    assert_eq!(output.stdout.len(), len + output.stdout.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4);
}

#[test]
fn arbitrary_binary_bytes_reach_stdout_exactly_and_bytes_before_a_reset_are_kept() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let sent: Vec<u8> = (0..70_000u32).map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[1]).collect();
    let to_send = sent.clone();
    thread::Builder::new()
        .name("binary-server".into())
        .spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0; 1024];
            let _ = s.read(&mut buf);
            s.write_all(&to_send).unwrap();
            thread::sleep(Duration::from_millis(100));
            socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO)).unwrap();
        })
        .unwrap();
    let output = socket_fetch(&["fetch", "127.0.0.1", &port]);
    assert_eq!(output.stdout, sent);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cut the connection"), "{}", stderr(&output));
}

/// Runs `socket-fetch fetch --demo --step` with `input` on stdin.
fn step_mode(input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["fetch", "--demo", "--step"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin); // closed: no more Enter presses will come
    child.wait_with_output().unwrap()
}

#[test]
fn step_mode_with_enter_fed_on_stdin_completes_and_says_what_comes_next() {
    let output = step_mode(b"\n\n\n\n\n");
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(output.stdout.starts_with(b"HTTP/1.0 200 OK\r\n"));
    for step in socket_fetch::fetch::Step::ALL {
        let next = socket_fetch::teach::step_text(step).next;
        assert!(err.contains(next), "{step:?}: {next:?} missing from:\n{err}");
    }
    assert_eq!(err.matches("Press Enter to go on.").count(), 5);
}

#[test]
fn step_mode_with_stdin_closed_stops_cleanly_with_a_message() {
    let started = std::time::Instant::now();
    let output = step_mode(b"\n\n");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("The input was closed, so the fetch stops before this step."), "{err}");
    assert!(!err.contains("# Establishing connection"), "no step after the input closed:\n{err}");
    assert!(err.contains("# Resolving server IP address"), "the two steps Enter was given for ran:\n{err}");
    assert!(output.stdout.is_empty());
    assert!(started.elapsed() < Duration::from_secs(10), "no hang");
}

/// Runs `socket-fetch ARGS` in a pseudo-terminal (util-linux's `script`), as a person at a terminal
/// would; what the terminal received (stdout and stderr both).
fn in_a_terminal(args: &[&str]) -> Vec<u8> {
    let command = std::iter::once(env!("CARGO_BIN_EXE_socket-fetch"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux's `script` runs the program in a pseudo-terminal");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    output.stdout
}

#[test]
fn a_reply_cannot_take_over_the_terminal() {
    let server = fault_server::FaultServer::start(fault_server::Fault::TerminalTakeover);
    let port = server.addr.port().to_string();
    let screen = in_a_terminal(&["fetch", "127.0.0.1", &port]);
    server.finish();
    let text = String::from_utf8_lossy(&screen);
    assert!(!screen.contains(&0x1b), "a raw ESC reached the terminal:\n{text}");
    assert!(!screen.windows(2).any(|w| w == b"\xc2\x9b"), "a raw C1 CSI reached the terminal:\n{text}");
    for shown in [
        "\\x1B]0;title set by the server\\x07",
        "\\x1B]52;c;c3RvbGVu\\x07",
        "\\x1B[2J\\x1B[H\\x1B[?1049h",
        "\\xC2\\x9B31m\\xFF\\xFE\\x7Fnot shown raw",
        socket_fetch::cli::TERMINAL_NOTE,
    ] {
        assert!(text.contains(shown), "{shown:?} missing from:\n{text}");
    }
}

#[test]
fn a_character_split_between_two_packets_reaches_the_terminal_whole() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::Builder::new()
        .name("split-server".into())
        .spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            common::read_request(&mut s);
            s.set_nodelay(true).unwrap();
            s.write_all(b"HTTP/1.0 200 OK\r\n\r\nna\xc3").unwrap();
            thread::sleep(Duration::from_millis(200));
            s.write_all(b"\xafve caf\xc3\xa9\n").unwrap();
        })
        .unwrap();
    let screen = in_a_terminal(&["fetch", "127.0.0.1", &port]);
    server.join().unwrap();
    let text = String::from_utf8_lossy(&screen);
    assert!(text.contains("naïve café"), "{text}");
    assert!(!text.contains("\\x"), "nothing was escaped:\n{text}");
    assert!(!text.contains(socket_fetch::cli::TERMINAL_NOTE), "no note without an escape:\n{text}");
}
