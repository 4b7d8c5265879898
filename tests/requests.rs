//! Shaping the request: the exact bytes a server receives for each builder input and each terminal
//! flag, injection attempts refused with nothing sent, `-o` byte for byte, and the curl command line
//! that sends the same bytes, run with real curl.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/recording_server.rs"]
mod recording_server;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use proptest::prelude::*;
use recording_server::RecordingServer;
use socket_fetch::curl_command::curl_command;
use socket_fetch::fetch::{Field, HeaderField, Job, RequestSpec, Target, Version};

fn socket_fetch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socket-fetch")).args(args).stdin(Stdio::null()).output().expect("runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn target(server: &RecordingServer) -> Target {
    Target::parse("127.0.0.1", &server.port()).unwrap()
}

/// Runs `spec` through the engine against `server`; the requests it recorded.
fn send(server: RecordingServer, spec: &RequestSpec) -> Vec<Vec<u8>> {
    let mut job = Job::new(target(&server));
    job.set_request(spec.build().unwrap());
    let events = common::run_job(job);
    assert!(common::summary(&events).error.is_none(), "{:?}", common::summary(&events).error);
    server.requests()
}

/// Builder inputs, each an edit of the default spec, and the exact bytes sent (`{host}` stands for
/// the server's Host value).
/// An edit of the default spec.
type Edit = fn(&mut RequestSpec);

const CASES: [(&str, Edit, &str); 8] = [
    ("default", |_| {}, "GET / HTTP/1.0\r\nHost: {host}\r\n\r\n"),
    (
        "path with spaces and non-ASCII",
        |s| "/a b/ü?q=x y".clone_into(&mut s.path),
        "GET /a%20b/%C3%BC?q=x%20y HTTP/1.0\r\nHost: {host}\r\n\r\n",
    ),
    (
        "HEAD in HTTP/1.1",
        |s| {
            "HEAD".clone_into(&mut s.method);
            s.version = Version::Http11;
        },
        "HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
    ),
    (
        "headers added, Host edited",
        |s| {
            "example.invalid".clone_into(&mut s.headers[0].value);
            s.headers.push(HeaderField::new("Accept", "  text/html  "));
            s.headers.push(HeaderField::new("X-Empty", ""));
        },
        "GET / HTTP/1.0\r\nHost: example.invalid\r\nAccept: text/html\r\nX-Empty:\r\n\r\n",
    ),
    (
        "Host removed, Connection kept out of HTTP/1.1",
        |s| {
            s.headers[0].on = false;
            s.headers.push(HeaderField::removed("connection"));
            s.version = Version::Http11;
            "OPTIONS".clone_into(&mut s.method);
            "*".clone_into(&mut s.path);
        },
        "OPTIONS * HTTP/1.1\r\n\r\n",
    ),
    (
        "POST body with its length",
        |s| {
            "POST".clone_into(&mut s.method);
            s.body = b"a=1&b=\xff\x00\r\n".to_vec().into();
        },
        "POST / HTTP/1.0\r\nHost: {host}\r\nContent-Length: 10\r\n\r\na=1&b=\u{ff}\u{0}\r\n",
    ),
    (
        "a typed Content-Length is sent as typed, not doubled",
        |s| {
            "PUT".clone_into(&mut s.method);
            s.headers.push(HeaderField::new("Content-Length", "3"));
            s.body = b"abc".to_vec().into();
        },
        "PUT / HTTP/1.0\r\nHost: {host}\r\nContent-Length: 3\r\n\r\nabc",
    ),
    ("any token is a method", |s| "PROPFIND".clone_into(&mut s.method), "PROPFIND / HTTP/1.0\r\nHost: {host}\r\n\r\n"),
];

/// The expected text as bytes: `\u{ff}` and `\u{0}` in the table stand for those single bytes.
fn expected(text: &str, host: &str) -> Vec<u8> {
    text.replace("{host}", host).chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()
}

#[test]
fn each_builder_input_sends_exactly_its_bytes() {
    for (what, edit, bytes) in CASES {
        let server = RecordingServer::ok();
        let host = format!("127.0.0.1:{}", server.port());
        let mut spec = RequestSpec::new(&target(&server));
        edit(&mut spec);
        assert_eq!(send(server, &spec), [expected(bytes, &host)], "{what}");
    }
}

#[test]
fn each_injection_is_refused_naming_its_field_and_nothing_is_sent() {
    let attempts: [(Edit, Field); 6] = [
        (|s| "GET / HTTP/1.1\r\nX: y\r\n\r\nGET".clone_into(&mut s.method), Field::Method),
        (|s| "G\0T".clone_into(&mut s.method), Field::Method),
        (|s| "/ HTTP/1.1\r\nHost: evil.invalid\r\n\r\n".clone_into(&mut s.path), Field::Path),
        (|s| s.headers.push(HeaderField::new("X-A\r\nEvil", "1")), Field::Header(1)),
        (|s| s.headers.push(HeaderField::new("X-A", "1\r\nEvil: 2")), Field::Header(1)),
        (|s| "h\nEvil: 1".clone_into(&mut s.headers[0].value), Field::Header(0)),
    ];
    for (edit, field) in attempts {
        let server = RecordingServer::ok();
        let mut spec = RequestSpec::new(&target(&server));
        edit(&mut spec);
        let problem = spec.build().unwrap_err();
        assert_eq!(problem.field(), field, "{problem}");
        assert!(!problem.hint().is_empty());
        assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "{problem}");
    }
    // The same through the terminal: exit 2, a message, no connection.
    for args in [
        &["-H", "X-A: 1\r\nEvil: 2"][..],
        &["-H", "X A: 1"],
        &["-X", "GET /x HTTP/1.0\r\n"],
        &["--path", "/x\r\nEvil: 1"],
        &["--raw-request", r"bad \q escape"],
    ] {
        let server = RecordingServer::ok();
        let port = server.port();
        let output = socket_fetch(&[&["fetch", "127.0.0.1", &port], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("Setting up the socket"), "{}", stderr(&output));
        assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "{args:?}");
    }
}

#[test]
fn terminal_flags_send_what_curl_would_mean() {
    let dir = tempdir();
    let file = dir.join("body.bin");
    std::fs::write(&file, b"line1\r\nline2\n\x00\xff").unwrap();
    let at_file = format!("@{}", file.display());
    let cases: [(Vec<&str>, &str); 8] = [
        (vec![], "GET / HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        (vec!["-I", "-i", "--http1.1"], "HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        (vec!["-X", "DELETE", "--path", "/x y"], "DELETE /x%20y HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        (
            vec!["-H", "X-A: 1", "-H", "Host: other.invalid", "-H", "X-B;", "-H", "X-C:"],
            "GET / HTTP/1.0\r\nHost: other.invalid\r\nX-A: 1\r\nX-B:\r\n\r\n",
        ),
        (vec!["--http1.1", "-H", "Connection:", "-H", "Host:"], "GET / HTTP/1.1\r\n\r\n"),
        (
            vec!["-d", "a=1", "-d", "b=2"],
            "POST / HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2",
        ),
        (
            vec!["--data-binary", &at_file, "-X", "PUT", "-H", "Content-Type: application/octet-stream"],
            "PUT / HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\nContent-Length: 15\r\n\r\nline1\r\nline2\n\u{0}\u{ff}",
        ),
        (
            vec!["-d", &at_file, "-H", "Content-Type:"],
            "POST / HTTP/1.0\r\nHost: {host}\r\nContent-Length: 12\r\n\r\nline1line2\u{0}\u{ff}",
        ),
    ];
    for (flags, bytes) in cases {
        let server = RecordingServer::ok();
        let port = server.port();
        let output = socket_fetch(&[&["fetch", "127.0.0.1", &port][..], &flags].concat());
        assert!(output.status.success(), "{flags:?}: {}", stderr(&output));
        assert_eq!(output.stdout, b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "{flags:?}");
        assert_eq!(server.requests(), [expected(bytes, &format!("127.0.0.1:{port}"))], "{flags:?}");
    }
}

#[test]
fn output_file_gets_a_10_mib_binary_reply_byte_for_byte() {
    let body: Vec<u8> = (0..10u32 << 20).map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[1]).collect();
    let mut reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(&body);
    let server = RecordingServer::start(reply.clone());
    let port = server.port();
    let dir = tempdir();
    let path = dir.join("reply.bin");
    let output = socket_fetch(&["fetch", "127.0.0.1", &port, "-o", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the reply goes to the file only");
    assert!(stderr(&output).contains("# Retrieving data from server"), "progress stays on stderr");
    assert!(std::fs::read(&path).unwrap() == reply, "the file holds the reply exactly");
    assert_eq!(server.requests().len(), 1);
    // A fetch that gets nothing leaves the file as it was; a shorter reply replaces it whole.
    let refused = common::closed_port().to_string();
    let output = socket_fetch(&["fetch", "127.0.0.1", &refused, "-o", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(std::fs::read(&path).unwrap() == reply, "a refused fetch loses nothing");
    let server = RecordingServer::ok();
    let output = socket_fetch(&["fetch", "127.0.0.1", &server.port(), "-o", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap(), b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

#[test]
fn an_output_file_that_cannot_be_written_is_told_and_nothing_is_lost() {
    let server = RecordingServer::ok();
    let port = server.port();
    let dir = tempdir();
    let regular = dir.join("a-file");
    std::fs::write(&regular, b"kept").unwrap();
    // Under a regular file: no folder there, even for root.
    let under = regular.join("reply.bin");
    let output = socket_fetch(&["fetch", "127.0.0.1", &port, "-o", under.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("the file cannot be written"), "{}", stderr(&output));
    assert!(stderr(&output).contains("# Try: "), "{}", stderr(&output));
    assert_eq!(std::fs::read(&regular).unwrap(), b"kept");
    assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "nothing is sent");
    // A disk that fills up mid-reply: the fetch stops and says why, with curl's write error.
    let server = RecordingServer::start(b"HTTP/1.0 200 OK\r\n\r\nbody".to_vec());
    let output = socket_fetch(&["fetch", "127.0.0.1", &server.port(), "-o", "/dev/full"]);
    assert_eq!(output.status.code(), Some(23), "{}", stderr(&output));
    assert!(stderr(&output).contains("the reply could not be written to /dev/full"), "{}", stderr(&output));
    assert_eq!(server.requests().len(), 1);
}

/// Specs whose curl command is checked with real curl: each sends the same bytes as socket-fetch.
const CURL_CASES: [fn(&mut RequestSpec); 7] = [
    |_| {},
    |s| s.version = Version::Http11,
    |s| {
        "HEAD".clone_into(&mut s.method);
        "/a b?ü=1".clone_into(&mut s.path);
    },
    |s| {
        "POST".clone_into(&mut s.method);
        s.version = Version::Http11;
        s.headers.push(HeaderField::new("Content-Type", "text/plain; charset=\"utf-8\""));
        s.headers.push(HeaderField::new("X-Quote", "it's $HOME `x` \\ !"));
        s.body = "héllo\n\twörld 'quoted' $(no)".as_bytes().to_vec().into();
    },
    |s| {
        "PUT".clone_into(&mut s.method);
        s.body = Arc::new((0..=255u8).chain(*b"@%\\'").collect());
    },
    |s| {
        "GET".clone_into(&mut s.method);
        s.headers.push(HeaderField::new("X-Empty", ""));
        s.headers.push(HeaderField::new("Accept", "*/*"));
        s.headers.push(HeaderField::new("User-Agent", "me"));
        s.body = b"@not-a-file".to_vec().into();
    },
    |s| {
        s.headers[0].on = false;
        "DELETE".clone_into(&mut s.method);
        "/x?y={z}[0]".clone_into(&mut s.path);
    },
];

#[test]
fn the_curl_command_sends_the_same_bytes_as_socket_fetch() {
    let home = tempdir(); // no ~/.curlrc of the machine's
    for (i, edit) in CURL_CASES.iter().enumerate() {
        let server = RecordingServer::ok();
        let mut spec = RequestSpec::new(&target(&server));
        edit(&mut spec);
        let command = curl_command(&target(&server), &spec.build().unwrap());
        let curl = Command::new("sh")
            .args(["-c", &command])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .output()
            .expect("sh runs");
        assert!(curl.status.success(), "case {i}: {command}\n{}", String::from_utf8_lossy(&curl.stderr));
        let mut job = Job::new(target(&server));
        job.set_request(spec.build().unwrap());
        assert!(common::summary(&common::run_job(job)).error.is_none());
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "case {i}: {command}");
        assert_eq!(
            String::from_utf8_lossy(&requests[0]),
            String::from_utf8_lossy(&requests[1]),
            "case {i}: curl's request, then socket-fetch's, for {command}"
        );
        assert_eq!(requests[0], requests[1], "case {i}: {command}");
    }
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "socket-fetch-requests-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A request head read back: method, path, version, and each header's name and value.
type Head = (String, String, String, Vec<(String, String)>);

/// Reads a request's head back: its method, path, version and header fields. `None` when it is not
/// one well-formed head.
fn parse_head(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let mut words = lines.next()?.split(' ');
    let (method, path, version) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Some((method.to_owned(), path.to_owned(), version.to_owned(), headers))
}

proptest! {
    /// Any method, path, header name and value: either refused, or a head that reads back as exactly
    /// those fields (the path percent-encoded, the value without its surrounding blanks).
    #[test]
    fn any_field_builds_a_head_that_reads_back_or_is_refused(
        method in "[A-Za-z!#*~ \\r\\n\\x00:/]{0,8}",
        path in "[/a-z ü\\r\\n\\x00\\t%?]{0,12}",
        name in "[A-Za-z0-9_\\- :\\r\\n\\x00é]{0,8}",
        value in "[ -~\\t\\r\\n\\x00é€]{0,16}",
    ) {
        let target = Target::parse("127.0.0.1", "8080").unwrap();
        let mut spec = RequestSpec::new(&target);
        spec.method.clone_from(&method);
        spec.path.clone_from(&path);
        spec.headers.push(HeaderField::new(&name, &value));
        match spec.build() {
            Err(problem) => {
                let token = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                let bad = !token(&method) || path.chars().any(char::is_control) || !token(name.trim())
                    || value.contains(['\r', '\n', '\0']);
                prop_assert!(bad, "refused a sendable request: {problem}");
            }
            Ok(request) => {
                let (m, p, v, headers) = parse_head(&request.bytes()).expect("a well-formed head");
                prop_assert_eq!(m, method);
                prop_assert_eq!(v, "HTTP/1.0");
                let decoded = percent_encoding::percent_decode_str(&p).decode_utf8_lossy().into_owned();
                let typed = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
                let typed = percent_encoding::percent_decode_str(&typed).decode_utf8_lossy().into_owned();
                prop_assert_eq!(decoded, typed);
                prop_assert_eq!(
                    headers,
                    vec![
                        ("Host".to_owned(), "127.0.0.1:8080".to_owned()),
                        (name.trim().to_owned(), value.trim_matches([' ', '\t']).to_owned()),
                    ]
                );
            }
        }
    }
}

#[test]
fn the_jobs_method_follows_the_request_so_a_reply_to_head_has_no_body() {
    let head_only = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".to_vec();
    for (method, complete) in [("HEAD", true), ("GET", false)] {
        let server = RecordingServer::start(head_only.clone());
        let mut spec = RequestSpec::new(&target(&server));
        method.clone_into(&mut spec.method);
        let mut job = Job::new(target(&server));
        job.set_request(spec.build().unwrap());
        assert_eq!(job.payload.asks_head_only(), method == "HEAD");
        let events = common::run_job(job);
        assert_eq!(
            common::summary(&events).error.is_none(),
            complete,
            "{method}: {:?}",
            common::summary(&events).error
        );
        assert_eq!(common::reply_bytes(&events), head_only);
        assert_eq!(server.requests().len(), 1);
    }
}

#[test]
fn following_a_redirect_turns_a_post_into_a_get_as_curl_does() {
    for (status, flags, second) in [
        ("302 Found", &["-d", "a=1"][..], "GET /next HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        ("303 See Other", &["-d", "a=1"], "GET /next HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        (
            "307 Temporary Redirect",
            &["-d", "a=1"],
            "POST /next HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1",
        ),
        (
            "302 Found",
            &["-X", "POST", "-d", "a=1"],
            "POST /next HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1",
        ),
    ] {
        let reply = format!("HTTP/1.0 {status}\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n").into_bytes();
        let server = RecordingServer::start(reply);
        let port = server.port();
        // /next redirects to itself: the loop ends the chain after its first fetch.
        let output = socket_fetch(&[&["fetch", "127.0.0.1", &port, "-L"][..], flags].concat());
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{status} {flags:?}");
        assert_eq!(requests[1], expected(second, &format!("127.0.0.1:{port}")), "{status} {flags:?}");
    }
}
