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
    for step in socket_fetch::fetch::Step::PLAIN {
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

#[path = "common/route_server.rs"]
mod route_server;

use route_server::{RouteServer, listener, page, redirect};

/// `socket-fetch fetch -L` from `path` on `port`.
fn follow(port: u16, path: &str) -> Output {
    socket_fetch(&["fetch", "-L", "127.0.0.1", &port.to_string(), "--path", path])
}

#[test]
fn with_l_the_demo_redirect_is_followed_and_both_replies_reach_stdout() {
    let output = socket_fetch(&["fetch", "--demo", "-L", "--path", "/redirect"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    let first = b"HTTP/1.0 302 Found\r\nServer: socket-fetch-demo\r\nLocation: /\r\nContent-Length: 0\r\n\r\n";
    assert!(output.stdout.starts_with(first), "{}", String::from_utf8_lossy(&output.stdout));
    let second = &output.stdout[first.len()..];
    assert!(second.starts_with(b"HTTP/1.0 200 OK\r\n"));
    // The whole page and nothing more: its head's Content-Length says how long its body is.
    let text = String::from_utf8_lossy(second);
    let head_len = text.find("\r\n\r\n").unwrap() + 4;
    let length =
        text.lines().find_map(|l| l.strip_prefix("Content-Length: ")).unwrap().trim().parse::<usize>().unwrap();
    assert_eq!(second.len(), head_len + length, "{text}");
    assert!(second.ends_with(b"</html>\n"), "{text}");
    assert!(err.contains("# hop 2: following the redirect from http://127.0.0.1:"), "{err}");
    assert_eq!(err.matches("# Retrieving data from server").count(), 2, "{err}");
}

#[test]
fn a_relative_location_is_followed_on_the_same_server_byte_exact() {
    let server = RouteServer::start(listener(), 2, |path| match path {
        "/dir/start" => redirect("302 Found", "next?x=1"),
        _ => page(&format!("you asked for {path}")),
    });
    let output = follow(server.port, "/dir/start");
    let port = server.port;
    assert_eq!(server.finish(), ["/dir/start", "/dir/next?x=1"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let want = [redirect("302 Found", "next?x=1"), page("you asked for /dir/next?x=1")].concat();
    assert_eq!(output.stdout, want);
    let hop = format!(
        "# hop 2: following the redirect from http://127.0.0.1:{port}/dir/start to http://127.0.0.1:{port}/dir/next?x=1"
    );
    assert!(err.contains(&hop), "{hop:?} missing from:\n{err}");
}

#[test]
fn an_absolute_location_to_another_port_is_followed() {
    let second = RouteServer::start(listener(), 1, |path| page(&format!("second server, {path}")));
    let to = format!("http://127.0.0.1:{}/b%20c", second.port);
    let location = to.clone();
    let first = RouteServer::start(listener(), 1, move |_| redirect("301 Moved Permanently", &location));
    let output = follow(first.port, "/");
    assert_eq!(first.finish(), ["/"]);
    assert_eq!(second.finish(), ["/b%20c"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, [redirect("301 Moved Permanently", &to), page("second server, /b%20c")].concat());
}

#[test]
fn a_redirect_loop_stops_with_a_clear_message() {
    let server =
        RouteServer::start(listener(), 2, |path| redirect("302 Found", if path == "/a" { "/b" } else { "/a" }));
    let output = follow(server.port, "/a");
    assert_eq!(server.finish(), ["/a", "/b"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("which hop 1 already fetched. This is a loop"), "{err}");
    assert_eq!(output.stdout, [redirect("302 Found", "/b"), redirect("302 Found", "/a")].concat());
}

#[test]
fn a_chain_of_eleven_redirects_stops_after_ten() {
    let next = |path: &str| {
        let n: u32 = path.trim_start_matches("/n/").parse().unwrap_or(0);
        format!("/n/{}", n + 1)
    };
    let server = RouteServer::start(listener(), 11, move |path| redirect("307 Temporary Redirect", &next(path)));
    let output = follow(server.port, "/n/0");
    let paths = server.finish();
    let want: Vec<String> = (0..=10).map(|n| format!("/n/{n}")).collect();
    assert_eq!(paths, want, "the first fetch and ten redirects followed");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("Stopped: more than 10 redirects"), "{err}");
    assert!(err.contains("/n/11; a chain this long"), "{err}");
    assert_eq!(err.matches("# hop ").count(), 10, "{err}");
    assert_eq!(output.stdout.windows(9).filter(|w| w == b"HTTP/1.0 ").count(), 11);
}

#[test]
fn an_https_location_is_followed_into_tls_with_l() {
    let server = RouteServer::start(listener(), 2, |_| redirect("301 Moved Permanently", "https://secure.invalid/x"));
    let with_l = follow(server.port, "/");
    let without = socket_fetch(&["fetch", "127.0.0.1", &server.port.to_string()]);
    server.finish();
    // The next hop is https: its name (under .invalid) is never looked up, so it fails at step 2.
    assert_eq!(with_l.status.code(), Some(1));
    assert!(stderr(&with_l).contains("to https://secure.invalid/x"), "{}", stderr(&with_l));
    assert!(stderr(&with_l).contains("No computer called \"secure.invalid\""), "{}", stderr(&with_l));
    assert_eq!(without.status.code(), Some(0));
    assert!(stderr(&without).contains("add -L"), "{}", stderr(&without));
}

#[test]
fn without_l_a_redirect_ends_with_a_hint_to_follow_it() {
    let output = socket_fetch(&["fetch", "--demo", "--path", "/redirect"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("/: add -L (--location) to follow it, as curl does."), "{err}");
    assert_eq!(err.matches("# Retrieving data from server").count(), 1, "{err}");
}
