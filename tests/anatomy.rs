//! The explain panel tells this fetch's own request and reply, from their bytes: a table of real
//! replies served on 127.0.0.1, each fetched in the window (headless, with `egui_kittest`), and the
//! panel read by its labels. Then the texts that must be true for each case.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::thread;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{FetchError, Step};
use socket_fetch::teach::{UNKNOWN_REPLY_HEADER, step_text};
use socket_fetch::ui::{SocketFetchApp, StartOptions, StepState};
use window_harness::{copied_text, finished, harness, harness_with, shows_text, step_until};

/// A server on 127.0.0.1 that answers every connection with `reply` and hangs up, for as long as
/// the test runs.
fn serve(reply: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::Builder::new()
        .name("anatomy-server".to_owned())
        .spawn(move || {
            for mut stream in listener.incoming().flatten() {
                // The whole request first, so the reply does not cross an unread request.
                common::read_request(&mut stream);
                let _ = stream.write_all(&reply);
            }
        })
        .unwrap();
    addr
}

fn reply(status: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// `n` headers this tool has no sentence for, each with its own value.
fn made_up_headers(n: usize) -> Vec<(String, String)> {
    (1..=n).map(|i| (format!("X-Test-{i}"), format!("value {i}"))).collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// One reply to fetch, and what the explain panel must say of it.
struct Case {
    name: &'static str,
    path: &'static str,
    reply: Vec<u8>,
    /// The status line as shown and the plain meaning of its code.
    status: &'static [&'static str],
    /// Each header line, exactly as the panel shows it.
    headers: Vec<String>,
    /// What the panel says of the body.
    body: &'static [&'static str],
    /// What it must not say.
    never: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let html = b"<!DOCTYPE html>\n<html><body><h1>Hello</h1></body></html>\n";
    let not_found = b"<!DOCTYPE html>\n<html><body>There is no such page.</body></html>\n";
    let json = br#"{"name": "socket-fetch", "steps": 5}"#;
    let lines = |headers: &[(String, String)]| headers.iter().map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>();
    let mut forty = made_up_headers(40);
    forty.insert(0, header("Content-Type", "text/plain"));
    let hundred = made_up_headers(100);
    let with_length = |kind: &str, body: &[u8]| {
        vec![header("Content-Type", kind), header("Content-Length", &body.len().to_string()), header("Server", "t")]
    };
    vec![
        Case {
            name: "404",
            path: "/missing.html",
            reply: reply("404 Not Found", &with_length("text/html; charset=utf-8", not_found), not_found),
            status: &["HTTP/1.1 404 Not Found", "Status 404: Not found: the server has no page at this address."],
            headers: lines(&with_length("text/html; charset=utf-8", not_found)),
            body: &["An HTML page, its letters written in the utf-8 character set.", "<!DOCTYPE html>\\n<html>"],
            never: &["Status 200", "HTTP/1.0 200 OK"],
        },
        Case {
            name: "JSON",
            path: "/data.json",
            reply: reply("200 OK", &with_length("application/json", json), json),
            status: &["HTTP/1.1 200 OK", "Status 200: OK"],
            headers: lines(&with_length("application/json", json)),
            body: &[
                "JSON data. Data for a program to read",
                r#"{"name": "socket-fetch""#,
                "Its size as it came: 36 bytes",
            ],
            never: &["web browser would draw", "<!DOCTYPE html>"],
        },
        Case {
            name: "PNG",
            path: "/logo.png",
            reply: reply("200 OK", &with_length("image/png", PNG), PNG),
            status: &["Status 200: OK"],
            headers: lines(&with_length("image/png", PNG)),
            body: &["A PNG image. A browser would show it as a picture", "\\x89PNG\\r\\n\\x1A\\n"],
            never: &["web browser would draw", "<!DOCTYPE html>"],
        },
        Case {
            name: "empty 301",
            path: "/old",
            reply: reply(
                "301 Moved Permanently",
                &[header("Location", "http://example.invalid/new"), header("Content-Length", "0")],
                b"",
            ),
            status: &["HTTP/1.1 301 Moved Permanently", "Status 301: Moved for good"],
            headers: vec!["Location: http://example.invalid/new".to_owned(), "Content-Length: 0".to_owned()],
            body: &[
                "Nothing at all: the server sent no body",
                "Where to go instead: the address http://example.invalid/new.",
            ],
            never: &["web browser would draw", "<!DOCTYPE html>"],
        },
        Case {
            name: "HTML",
            path: "/page.html",
            reply: reply("200 OK", &with_length("text/html", html), html),
            status: &["HTTP/1.1 200 OK", "Status 200: OK"],
            headers: lines(&with_length("text/html", html)),
            body: &["An HTML page. A web browser would draw it as a page", "<!DOCTYPE html>\\n<html><body><h1>Hello"],
            never: &["main page"],
        },
        Case {
            name: "40 headers",
            path: "/forty",
            reply: reply("200 OK", &forty, b"forty headers\n"),
            status: &["Status 200: OK", "Headers (41 lines)"],
            headers: lines(&forty),
            body: &["Plain text. Text to read as it is", "forty headers\\n"],
            never: &["not ordinary HTTP"],
        },
        Case {
            name: "100 headers",
            path: "/hundred",
            reply: reply("418 I'm a teapot", &hundred, b"\0\x01\x02binary"),
            status: &["HTTP/1.1 418 I'm a teapot", "Status 418: I am a teapot", "Headers (100 lines)"],
            headers: lines(&hundred),
            body: &["The server does not say what kind it is; its first bytes look like bytes that are not text."],
            never: &["not ordinary HTTP"],
        },
    ]
}

/// Where the labels that say `text` are. A label's one row of text is also a node of its own, at
/// the same place: each place is counted once.
fn labels_with(harness: &Harness<'_, SocketFetchApp>, text: &str) -> Vec<egui::Rect> {
    let mut places: Vec<egui::Rect> = Vec::new();
    let found = harness.query_all_by(|node| {
        node.value().is_some_and(|v| v.contains(text)) || node.label().is_some_and(|l| l.contains(text))
    });
    for rect in found.map(|node| node.rect()) {
        if !places.contains(&rect) {
            places.push(rect);
        }
    }
    places
}

#[test]
fn the_explain_panel_tells_each_real_reply_part_by_part() {
    for case in cases() {
        let addr = serve(case.reply);
        let mut harness = harness(&format!("127.0.0.1{}", case.path), &addr.port().to_string());
        harness.get_by_label("▶ Fetch").click();
        step_until(&mut harness, &format!("{}: the fetch to end", case.name), finished);
        let view = harness.state().view().unwrap();
        assert!(view.error().is_none(), "{}: {:?}", case.name, view.error());
        drop(view);
        // Only the explain panel and the log tell the reply in words: hide the raw reply.
        harness.get_by_label("Timing").click();
        harness.run_steps(2);
        for text in case.status.iter().chain(case.body) {
            assert!(shows_text(&harness, text), "{}: the panel says {text:?}", case.name);
        }
        for line in &case.headers {
            assert!(shows_text(&harness, line), "{}: the header line {line:?} is on screen", case.name);
        }
        let generic = case.headers.iter().filter(|l| l.starts_with("X-Test-")).count();
        if generic > 0 {
            let said = labels_with(&harness, UNKNOWN_REPLY_HEADER).len();
            assert_eq!(said, generic, "{}: each made-up header gets the generic sentence", case.name);
        }
        for text in case.never {
            assert!(!shows_text(&harness, text), "{}: the panel must not say {text:?}", case.name);
        }
        // The request panel shows the path that was asked for, and what it means.
        let request_line = format!("GET {} HTTP/1.0", case.path);
        assert!(shows_text(&harness, &request_line), "{}: {request_line}", case.name);
        assert!(shows_text(&harness, &format!("Please give me the page {} (GET)", case.path)), "{}", case.name);
        // However many headers, the body's part stays within the window: the header list scrolls.
        let size = labels_with(&harness, "Its size");
        assert_eq!(size.len(), 1, "{}", case.name);
        assert!(size[0].bottom() < 780.0, "{}: the body's size is at {:?}, below the window", case.name, size[0]);
    }
}

#[test]
fn step_4_quotes_the_request_line_this_fetch_sends() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness_with(StartOptions {
        host: Some("127.0.0.1/page.html".to_owned()),
        port: Some(server.addr().port().to_string()),
        step_through: true,
        ..StartOptions::default()
    });
    harness.get_by_label("▶ Fetch").click();
    for step in [Step::Socket, Step::Resolve, Step::Connect] {
        step_until(&mut harness, &format!("the pause before {step:?}"), paused_before(step));
        harness.get_by_label("⏭ Next step").click();
    }
    step_until(&mut harness, "the pause before Send", paused_before(Step::Send));
    assert!(shows_text(&harness, "GET /page.html HTTP/1.0"));
    assert!(shows_text(&harness, "Please give me the page /page.html (GET)"));
    assert!(!shows_text(&harness, "GET / HTTP/1.0"), "no example request is quoted");
    assert!(!shows_text(&harness, "the main page"));
}

fn paused_before(step: Step) -> impl Fn(&SocketFetchApp) -> bool {
    move |app| app.view().and_then(|v| v.paused_before()) == Some(step)
}

fn step_through(host: &str, server: &DemoServer) -> Harness<'static, SocketFetchApp> {
    let mut harness = harness_with(StartOptions {
        host: Some(host.to_owned()),
        port: Some(server.addr().port().to_string()),
        step_through: true,
        ..StartOptions::default()
    });
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the pause before the socket", paused_before(Step::Socket));
    harness
}

fn log_says(harness: &Harness<'_, SocketFetchApp>, text: &str) -> bool {
    harness.state().view().unwrap().log.iter().any(|line| line.text.contains(text))
}

#[test]
fn paused_before_step_1_nothing_says_the_socket_is_there() {
    let server = DemoServer::start(0).unwrap();
    let harness = step_through("127.0.0.1", &server);
    assert!(shows_text(&harness, step_text(Step::Socket).next));
    for claim in ["The line is ready", "socket is open", "A TCP socket is open"] {
        assert!(!shows_text(&harness, claim), "before step 1 ran: {claim:?}");
    }
}

#[test]
fn the_log_names_the_button_as_it_is_labelled() {
    let server = DemoServer::start(0).unwrap();
    let harness = step_through("127.0.0.1", &server);
    assert!(harness.query_by_label("⏭ Next step").is_some(), "the button says Next step");
    assert!(log_says(&harness, "Press \"Next step\""), "{:?}", harness.state().view().unwrap().log);
    assert!(!log_says(&harness, "Press Next "), "never a button that is not there");
}

#[test]
fn cancel_while_paused_before_step_1_marks_it_not_run_not_failed() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through("127.0.0.1", &server);
    harness.get_by_label("⏹ Cancel").click();
    step_until(&mut harness, "the cancel", finished);
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), Some(&FetchError::Cancelled));
    assert_eq!(view.steps[Step::Socket.index()], StepState::NotRun);
    assert!(view.steps.iter().all(|s| *s != StepState::Failed), "{:?}", view.steps);
    assert!(shows_text(&harness, "not run"));
    assert!(shows_text(&harness, "Before step 1: Set up the socket, which did not run."));
    assert!(!shows_text(&harness, "At step 1"));
}

#[test]
fn a_typed_address_is_used_as_typed_and_a_name_is_looked_up() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let mut typed = harness("127.0.0.1", &port);
    typed.get_by_label("▶ Fetch").click();
    step_until(&mut typed, "the fetch to end", finished);
    assert!(log_says(&typed, "127.0.0.1 is an IP address, so it is used as typed"));
    assert!(!log_says(&typed, "The name lookup found"), "{:?}", typed.state().view().unwrap().log);

    let mut named = harness("localhost", &port);
    named.get_by_label("▶ Fetch").click();
    step_until(&mut named, "the fetch to end", finished);
    assert!(log_says(&named, "The name lookup found"), "{:?}", named.state().view().unwrap().log);
    assert!(!log_says(&named, "used as typed"));
}

#[test]
fn the_copied_log_never_goes_back_in_time() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Copy log").click();
    let log = copied_text(&mut harness).unwrap();
    let times: Vec<f64> = log
        .lines()
        .map(|line| {
            let stamp = line.strip_prefix('[').and_then(|l| l.split_once(" ms]")).unwrap().0;
            stamp.trim().parse().unwrap()
        })
        .collect();
    assert!(times.len() >= 8, "{log}");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "the times go back:\n{log}");
}

#[test]
fn sizes_are_told_in_words_with_the_exact_count_in_the_log() {
    let server = DemoServer::start(0).unwrap();
    let body = 5 * 1024 * 1024;
    let mut harness = harness(&format!("127.0.0.1/bytes/{body}"), &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let received = harness.state().view().unwrap().received();
    assert!(received > body, "{received}");
    assert!(shows_text(&harness, "5.2 million bytes (5 MB)"), "the size in words is on screen");
    assert!(!shows_text(&harness, "MiB"));
    let exact = socket_fetch::format::exact(received);
    assert!(log_says(&harness, &exact), "the log has every byte: {exact}");
}

#[test]
fn the_terminal_names_the_steps_as_the_window_does_and_uses_a_typed_address_as_typed() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let run = |host: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(["fetch", host, &port])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    let typed = run("127.0.0.1");
    for step in Step::PLAIN {
        let heading = socket_fetch::teach::step_heading(step, false);
        assert!(typed.contains(&format!("#   {heading} — done in ")), "{heading}:\n{typed}");
    }
    assert!(typed.contains("127.0.0.1 is an IP address, so it is used as typed"), "{typed}");
    assert!(!typed.contains("found"), "{typed}");
    let named = run("localhost");
    assert!(named.contains("The name lookup found: "), "{named}");
}

#[test]
fn a_head_of_thousands_of_headers_is_told_in_part_and_says_where_the_rest_are() {
    // 2,000 short lines: within the engine's 64 KiB head, far more than a panel can lay out each frame.
    let headers = made_up_headers(2000);
    let addr = serve(reply("200 OK", &headers, b"ok\n"));
    let mut harness = harness("127.0.0.1", &addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Timing").click();
    harness.run_steps(2);
    assert!(shows_text(&harness, "Headers (2,000 lines)"));
    assert!(shows_text(&harness, "X-Test-200: value 200"));
    assert!(!shows_text(&harness, "X-Test-201: value 201"), "the list stops at 200 lines");
    assert!(shows_text(&harness, "… and 1,800 more header lines: the Reply tab shows them all."));
    assert_eq!(labels_with(&harness, UNKNOWN_REPLY_HEADER).len(), 200);
}

#[test]
fn a_reply_that_is_not_http_is_said_to_be_with_its_first_bytes() {
    let addr = serve(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01".to_vec());
    let mut harness = harness("127.0.0.1", &addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Timing").click();
    harness.run_steps(2);
    assert!(shows_text(&harness, "This reply is not ordinary HTTP"));
    assert!(shows_text(&harness, "SSH-2.0-OpenSSH_9.6\\r\\n\\x00\\x01"));
    assert!(!shows_text(&harness, "Status line"), "no part is made up for it");
}

#[test]
fn chunked_and_compressed_bodies_are_said_to_be_with_what_that_means() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    for (path, says) in [
        ("/chunked", ["It comes in chunks", socket_fetch::teach::decoding::CHUNKS]),
        (
            "/gzip",
            ["Compressed bytes: the server squeezed the body with gzip", socket_fetch::teach::decoding::COMPRESSION],
        ),
    ] {
        let mut harness = harness(&format!("127.0.0.1{path}"), &port);
        harness.get_by_label("▶ Fetch").click();
        step_until(&mut harness, &format!("{path}: the fetch to end"), finished);
        harness.run_steps(2);
        for text in says {
            assert!(shows_text(&harness, text), "{path}: {text:?}");
        }
        assert!(shows_text(&harness, "Choose \"Decoded body\" above the reply"), "{path}");
    }
}

#[test]
fn a_server_that_keeps_the_line_open_is_said_to_and_bytes_after_the_reply_are_not_its_body() {
    let body = b"{\"kept\": \"open\"}";
    let reply =
        reply("200 OK", &[header("Content-Length", &body.len().to_string()), header("Connection", "keep-alive")], body);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::Builder::new()
        .name("keep-alive-server".to_owned())
        .spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            common::read_request(&mut stream);
            // Bytes after the reply's end come in the same write: kept, counted, and not its body.
            stream.write_all(&[&reply[..], b"after the end"].concat()).unwrap();
            // Keep the line open until the client hangs up.
            let _ = std::io::Read::read(&mut stream, &mut [0; 1]);
        })
        .unwrap();
    let mut harness = harness("127.0.0.1", &port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    assert!(harness.state().view().unwrap().error().is_none());
    assert!(shows_text(
        &harness,
        "The server kept the line open for more requests; the reply was complete, so socket-fetch hung up."
    ));
    assert!(shows_text(&harness, "The server offers to keep the line open for more requests after this reply."));
    assert!(shows_text(&harness, "13 more bytes came after the reply; they are kept in the raw reply."));
    assert!(shows_text(&harness, &format!("Its size as it came: {} bytes", body.len())));
}

#[test]
fn interim_replies_before_the_real_one_are_counted_and_the_real_head_is_told() {
    let interim: &[u8] =
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
    let body = b"<!DOCTYPE html><p>after hints</p>";
    let head = [header("Content-Type", "text/html"), header("Content-Length", &body.len().to_string())];
    let addr = serve([interim, &reply("200 OK", &head, body)].concat());
    let mut harness = harness("127.0.0.1", &addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Timing").click();
    harness.run_steps(2);
    assert!(shows_text(&harness, "HTTP/1.1 200 OK"), "the real status line, not the first interim one");
    assert!(shows_text(&harness, "Status 200: OK"));
    assert!(shows_text(&harness, &format!("Before this reply came {} bytes of interim replies", interim.len())));
    assert!(shows_text(&harness, "An HTML page."));
    assert!(shows_text(&harness, &format!("Its size as it came: {} bytes", body.len())));
}
