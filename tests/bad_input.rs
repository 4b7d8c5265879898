//! What the host and port fields accept, what they refuse and with which error; and an IPv6 fetch end to end.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::io::{ErrorKind, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::{reply_bytes, run_job, summary};
use socket_fetch::fetch::{EventKind, InputError, Job, Target};

const REPLY: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nhello, IPv6\n";

/// What parsing gives: host, port and path, or the error.
type Parsed = Result<(String, u16, String), InputError>;

/// An accepted target: host, port, path.
fn ok(host: &str, port: u16, path: &str) -> (String, u16, String) {
    (host.to_owned(), port, path.to_owned())
}

fn path_control(path: &str, bad: char) -> InputError {
    InputError::PathHasControl { path: path.to_owned(), bad }
}

fn bad_char(host: &str, bad: char) -> InputError {
    InputError::HostBadChar { host: host.to_owned(), bad }
}

#[test]
fn host_and_port_fields_give_the_right_target_or_the_exact_error() {
    let long_name = "a".repeat(254);
    let longest_name = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
    // 231 characters, but 255 once converted to xn-- form.
    let long_international = format!("{}.example", vec!["ü".repeat(55); 4].join("."));
    let cases: Vec<(&str, &str, Parsed)> = vec![
        // Empty, blank, spaces and invisible characters.
        ("", "80", Err(InputError::EmptyHost)),
        ("   ", "80", Err(InputError::EmptyHost)),
        ("exa mple.com", "80", Err(InputError::HostHasSpace("exa mple.com".into()))),
        ("exa\u{a0}mple.com", "80", Err(InputError::HostHasSpace("exa\u{a0}mple.com".into()))),
        ("  example.com\n", "80", Ok(ok("example.com", 80, "/"))), // a paste's spaces and line end are fine
        ("exa\u{7}mple.com", "80", Err(InputError::HostHasControl)),
        ("exa\tmple.com", "80", Err(InputError::HostHasControl)),
        ("example.com\0", "80", Err(InputError::HostHasControl)),
        // Length: 253 characters at most, counted after international names are converted.
        (&long_name, "80", Err(InputError::HostTooLong(254))),
        (&longest_name, "80", Ok(ok(&longest_name, 80, "/"))),
        (&long_international, "80", Err(InputError::HostTooLong(255))),
        // International names become their xn-- form; look-alike and invisible characters are mapped away.
        ("bücher.example", "80", Ok(ok("xn--bcher-kva.example", 80, "/"))),
        ("BÜCHER.example", "80", Ok(ok("xn--bcher-kva.example", 80, "/"))),
        ("☃.net", "80", Ok(ok("xn--n3h.net", 80, "/"))),
        ("ＥＸＡＭＰＬＥ.com", "80", Ok(ok("example.com", 80, "/"))),
        ("exa\u{200b}mple.com", "80", Ok(ok("example.com", 80, "/"))),
        ("xn--bcher-kva.example", "80", Ok(ok("xn--bcher-kva.example", 80, "/"))),
        ("ex!ample.com", "80", Err(bad_char("ex!ample.com", '!'))),
        ("fe80::1%eth0", "80", Err(bad_char("fe80::1%eth0", ':'))), // zone ids are not supported
        // Pasted URLs.
        ("http://example.com/", "80", Ok(ok("example.com", 80, "/"))),
        ("HTTP://Example.com", "8080", Ok(ok("Example.com", 8080, "/"))),
        ("http://example.com:8080/x?y=1#frag", "80", Ok(ok("example.com", 8080, "/x?y=1"))),
        ("example.com/a/b", "80", Ok(ok("example.com", 80, "/a/b"))),
        ("example.com?q", "80", Ok(ok("example.com", 80, "/?q"))),
        ("https://example.com/", "80", Ok(ok("example.com", 443, "/"))),
        ("ftp://example.com/", "80", Err(InputError::UnsupportedScheme("ftp".into()))),
        ("http:/example.com", "80", Ok(ok("example.com", 80, "/"))), // a slash short, read as a browser does
        ("https:example.com", "80", Ok(ok("example.com", 443, "/"))),
        ("http://", "80", Err(InputError::EmptyHost)),
        ("user@example.com", "80", Ok(ok("example.com", 80, "/"))),
        ("http://user:secret@example.com:8080/x", "80", Ok(ok("example.com", 8080, "/x"))),
        ("user@", "80", Err(InputError::EmptyHost)),
        // A port in the host field wins over the port field.
        ("example.com:80", "8080", Ok(ok("example.com", 80, "/"))),
        ("example.com:", "8080", Ok(ok("example.com", 8080, "/"))), // an empty port is no port, as in a URL
        ("example.com:0", "80", Err(InputError::PortZero)),
        ("example.com:99999", "80", Err(InputError::PortTooLarge("99999".into()))),
        ("example.com:http", "80", Err(InputError::PortNotNumber("http".into()))),
        ("example.com:80:90", "80", Err(bad_char("example.com:80:90", ':'))),
        // IP addresses.
        ("127.0.0.1", "80", Ok(ok("127.0.0.1", 80, "/"))),
        ("256.1.1.1", "80", Err(InputError::BadIpv4("256.1.1.1".into()))),
        ("01.02.03.04", "80", Err(InputError::BadIpv4("01.02.03.04".into()))),
        ("::1", "8080", Ok(ok("::1", 8080, "/"))),
        ("[::1]", "8080", Ok(ok("::1", 8080, "/"))),
        ("[::1]:8080", "80", Ok(ok("::1", 8080, "/"))),
        ("[::1]:", "8080", Ok(ok("::1", 8080, "/"))),
        ("http://[::1]:8080/x", "80", Ok(ok("::1", 8080, "/x"))),
        ("::1:8080", "80", Ok(ok("::1:8080", 80, "/"))), // a valid IPv6 address: a port needs [::1]:8080
        ("[::1]junk", "80", Err(bad_char("[::1]junk", 'j'))),
        ("[::1", "80", Err(bad_char("[::1", '['))),
        // The port field.
        ("example.com", "0", Err(InputError::PortZero)),
        ("example.com", "65535", Ok(ok("example.com", 65535, "/"))),
        ("example.com", "65536", Err(InputError::PortTooLarge("65536".into()))),
        ("example.com", "99999999999999999999", Err(InputError::PortTooLarge("99999999999999999999".into()))),
        ("example.com", "-1", Err(InputError::PortNotNumber("-1".into()))),
        ("example.com", "+80", Err(InputError::PortNotNumber("+80".into()))),
        ("example.com", "abc", Err(InputError::PortNotNumber("abc".into()))),
        ("example.com", "８０", Err(InputError::PortNotNumber("８０".into()))),
        ("example.com", " 80 ", Ok(ok("example.com", 80, "/"))),
        ("example.com", "0080", Ok(ok("example.com", 80, "/"))),
        ("example.com", "", Ok(ok("example.com", 80, "/"))), // an empty port field means the web's port, 80
        ("example.com", "   ", Ok(ok("example.com", 80, "/"))),
        // The path of a pasted URL: encoded as a browser does, control characters refused by name.
        ("http://example.com/a b/ü?q=x y", "80", Ok(ok("example.com", 80, "/a%20b/%C3%BC?q=x%20y"))),
        ("example.com/%41\"<>`{}", "80", Ok(ok("example.com", 80, "/%41%22%3C%3E%60%7B%7D"))),
        ("example.com/x\r\nX-Injected: 1", "80", Err(path_control("/x\r\nX-Injected: 1", '\r'))),
        ("http://example.com/\0", "80", Err(path_control("/\0", '\0'))),
        ("exa mple.com/a b", "80", Err(InputError::HostHasSpace("exa mple.com".into()))),
        // A backslash is a slash in a URL's path, as browsers read it; an error about the path names the path.
        ("http://example.com\\a b\\c?q=\\", "80", Ok(ok("example.com", 80, "/a%20b/c?q=\\"))),
        ("http://example.com/a\tb c", "80", Err(path_control("/a\tb c", '\t'))),
        ("http:\\\\example.com\\x", "80", Ok(ok("example.com", 80, "/x"))),
    ];
    let mut wrong = Vec::new();
    for (host, port, expected) in cases {
        let got = Target::parse(host, port).map(|t| (t.host, t.port, t.path));
        if got != expected {
            wrong.push(format!("{host:?} {port:?}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} cases parsed wrongly:\n{}", wrong.len(), wrong.join("\n"));

    // Another scheme than http and https is simply another way of talking.
    let ftp = InputError::UnsupportedScheme("ftp".into()).to_string();
    assert!(ftp.contains("\"ftp://\"") && !ftp.contains("encryption"), "{ftp}");
}

/// Serves `count` connections on `listener`: reads each request, answers with [`REPLY`], and hands the
/// requests back. Gives up waiting for connections after 20 s.
fn serve_requests(listener: TcpListener, count: usize) -> thread::JoinHandle<Vec<Vec<u8>>> {
    thread::Builder::new()
        .name("ipv6-server".into())
        .spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut requests = Vec::new();
            while requests.len() < count && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => requests.push(answer(stream)),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(5)),
                    Err(e) => panic!("accept: {e}"),
                }
            }
            requests
        })
        .unwrap()
}

fn answer(mut stream: TcpStream) -> Vec<u8> {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let request = common::read_request(&mut stream);
    stream.write_all(REPLY).unwrap();
    request
}

#[test]
fn an_ipv6_literal_fetches_end_to_end_over_ipv6_loopback() {
    let listener = match TcpListener::bind((Ipv6Addr::LOCALHOST, 0)) {
        Ok(listener) => listener,
        Err(e) => {
            println!("NOTE: skipped, this machine has no IPv6 loopback (binding [::1] failed: {e})");
            return;
        }
    };
    let server = SocketAddr::from((Ipv6Addr::LOCALHOST, listener.local_addr().unwrap().port()));
    let port = server.port().to_string();
    let handle = serve_requests(listener, 3);

    let inputs = [
        ("::1".to_owned(), port.clone(), "/"),
        ("[::1]".to_owned(), port.clone(), "/"),
        (format!("http://[::1]:{port}/over-v6?x=1"), "80".to_owned(), "/over-v6?x=1"),
    ];
    for (host, port_field, _) in &inputs {
        let events = run_job(Job::new(Target::parse(host, port_field).unwrap()));
        assert!(summary(&events).error.is_none(), "{host}: {:?}", summary(&events).error);
        assert_eq!(reply_bytes(&events), REPLY, "{host}");
        let connected = events.iter().find_map(|e| match e.kind {
            EventKind::Connected { local, remote } => Some((local, remote)),
            _ => None,
        });
        let (local, remote) = connected.unwrap_or_else(|| panic!("{host}: never connected"));
        assert_eq!(remote, server, "{host}");
        assert!(local.is_ipv6(), "{host}: from {local}");
    }
    let requests = handle.join().unwrap();
    let expected: Vec<Vec<u8>> = inputs
        .iter()
        .map(|(_, _, path)| format!("GET {path} HTTP/1.0\r\nHost: [::1]:{port}\r\n\r\n").into_bytes())
        .collect();
    assert_eq!(requests, expected);
}

/// Runs `socket-fetch ARGS` with nothing on stdin.
fn socket_fetch(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the program runs")
}

#[test]
fn a_path_with_control_characters_is_refused_before_anything_is_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    for path in [
        "/x HTTP/1.0\r\nX-Injected: yes\r\nCookie: session=stolen\r\n\r\nGET /second",
        "/a\nb",
        "/tab\there", // NUL cannot be an argument; the pasted URL case above has it
        "/esc\x1b[2J",
        "/del\x7f",
        "/c1\u{85}",
    ] {
        let output = socket_fetch(&["fetch", "127.0.0.1", &port, "--path", path]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{path:?}:\n{stderr}");
        assert!(stderr.contains("# The path \"/"), "{path:?}: the message names the path:\n{stderr}");
        assert!(!stderr.contains("host"), "{path:?}: the message is about the path, not the host:\n{stderr}");
        assert!(!stderr.contains("Setting up the socket"), "{path:?}: nothing was started:\n{stderr}");
        assert!(output.stdout.is_empty());
        assert_eq!(listener.accept().map(|_| ()).unwrap_err().kind(), ErrorKind::WouldBlock, "{path:?}: connected");
    }
}

#[test]
fn a_path_with_spaces_and_letters_beyond_ascii_is_sent_percent_encoded() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let handle = serve_requests(listener, 1);
    let output = socket_fetch(&["fetch", "127.0.0.1", &port, "--path", "/a b c/ü?q=x y"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let request = handle.join().unwrap();
    let want = format!("GET /a%20b%20c/%C3%BC?q=x%20y HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    assert_eq!(String::from_utf8_lossy(&request[0]), want);
}

#[test]
fn timeouts_and_the_size_limit_are_checked_where_they_enter_the_terminal() {
    let port = common::closed_port().to_string();
    let refused = [
        ("--connect-timeout", "nan", "is not a number of seconds"),
        ("--read-timeout", "NaN", "is not a number of seconds"),
        ("--connect-timeout", "-1", "is negative"),
        ("--read-timeout", "-0.5", "is negative"),
        ("--read-timeout", "1e300", "is longer than one day"),
        ("--connect-timeout", "inf", "is longer than one day"),
        ("--connect-timeout", "86401", "is longer than one day"),
        ("--read-timeout", "ten", "is not a number of seconds"),
        ("--max-bytes", "-1", "is not a whole number of bytes"),
        ("--max-bytes", "1e6", "is not a whole number of bytes"),
    ];
    for (option, value, says) in refused {
        let output = socket_fetch(&["fetch", "127.0.0.1", &port, option, value]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{option} {value}:\n{stderr}");
        assert!(stderr.contains(says), "{option} {value}: {says:?} missing from:\n{stderr}");
        assert!(!stderr.contains("Setting up the socket"), "{option} {value}:\n{stderr}");
    }
    // 0 is no limit, as in curl: the fetch runs (and is refused by the closed port, not by a limit).
    for (option, value) in
        [("--connect-timeout", "0"), ("--read-timeout", "0"), ("--max-bytes", "0"), ("--read-timeout", "86400")]
    {
        let output = socket_fetch(&["fetch", "127.0.0.1", &port, option, value]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{option} {value}:\n{stderr}");
        assert!(stderr.contains("the server refused the connection"), "{option} {value}:\n{stderr}");
    }
}

#[test]
fn a_read_timeout_of_0_waits_past_a_silence_and_a_max_bytes_of_0_keeps_everything() {
    let server = socket_fetch::demo_server::DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    // /slow is silent 300 ms between lines: a 0 that meant "no time at all" would fail at once.
    let output =
        socket_fetch(&["fetch", "127.0.0.1", &port, "--path", "/slow", "--read-timeout", "0", "--max-bytes", "0"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stdout.ends_with(b"line 10 of 10\n"));
}

#[test]
fn limits_the_window_cannot_use_give_a_message_not_a_panic() {
    use socket_fetch::fetch::FetchError;
    use socket_fetch::ui::{Limits, StartOptions};

    let cases = [
        (Limits { connect_timeout_s: -1.0, ..Limits::default() }, "is negative"),
        (Limits { read_timeout_s: f64::NAN, ..Limits::default() }, "is not a number of seconds"),
        (Limits { read_timeout_s: 1e300, ..Limits::default() }, "is longer than one day"),
        (Limits { max_mib: 0, ..Limits::default() }, "cannot be used"),
        (Limits { max_mib: 1 << 40, ..Limits::default() }, "cannot be used"),
    ];
    for (limits, says) in cases {
        let options = StartOptions {
            host: Some("127.0.0.1".to_owned()),
            port: Some("1".to_owned()),
            limits: Some(limits),
            fetch_now: true,
            ..StartOptions::default()
        };
        let mut harness = window_harness::harness_with(options);
        harness.run_steps(2);
        let app = harness.state();
        assert!(app.view().is_none(), "{limits:?}: no fetch started");
        let error = app.input_error().unwrap_or_else(|| panic!("{limits:?}: no message"));
        assert!(matches!(error, FetchError::Input(InputError::Limit(_))), "{limits:?}: {error:?}");
        assert!(error.to_string().contains(says), "{limits:?}: {error}");
        assert!(window_harness::shows_text(&harness, "Check the limits"), "{limits:?}: the card");
    }
}
