//! What the host and port fields accept, what they refuse and with which error; and an IPv6 fetch end to end.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;

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
        ("https://example.com/", "80", Err(InputError::UnsupportedScheme("https".into()))),
        ("ftp://example.com/", "80", Err(InputError::UnsupportedScheme("ftp".into()))),
        ("http:/example.com", "80", Ok(ok("example.com", 80, "/"))), // a slash short, read as a browser does
        ("https:example.com", "80", Err(InputError::UnsupportedScheme("https".into()))),
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
    ];
    let mut wrong = Vec::new();
    for (host, port, expected) in cases {
        let got = Target::parse(host, port).map(|t| (t.host, t.port, t.path));
        if got != expected {
            wrong.push(format!("{host:?} {port:?}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} cases parsed wrongly:\n{}", wrong.len(), wrong.join("\n"));

    // Only https is refused for its encryption; another scheme is simply not http.
    let https = InputError::UnsupportedScheme("https".into()).to_string();
    assert!(https.contains("needs encryption (TLS)"), "{https}");
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
