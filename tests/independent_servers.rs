//! The engine against servers the project did not write: nginx (keep-alive, chunked, gzip).

mod common;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::nginx::Nginx;
use socket_fetch::fetch::decode::{End, Plan, decode};
use socket_fetch::fetch::{EventKind, Framing, HeaderField, RequestSpec, Version};

/// A page large enough that nginx compresses it, and varied enough that a misplaced byte shows.
fn page() -> Vec<u8> {
    let mut page = b"<!DOCTYPE html>\n<title>Independent</title>\n".to_vec();
    for i in 0..2000 {
        page.extend_from_slice(format!("<p>Line {i} of a page served by nginx.</p>\n").as_bytes());
    }
    page
}

#[test]
fn nginx_page_over_http_1_0_arrives_byte_exact_with_its_length() {
    let page = page();
    let Some(nginx) = Nginx::start("plain", &[("page.html", &page)]) else { return };
    let events = common::run_job(common::job_for(nginx.addr, "/page.html"));
    assert_eq!(common::summary(&events).error, None);
    let reply = common::reply_bytes(&events);
    let head = final_head(&events);
    assert_eq!(head.status, 200);
    assert_eq!(head.framing, Framing::Length(page.len() as u64));
    assert!(head.headers.iter().any(|h| h.name.eq_ignore_ascii_case("server") && h.value.starts_with(b"nginx")));
    assert_eq!(&reply[head.head_len..], &page[..]);
}

/// The first real head among `events` (interim 1xx heads skipped).
fn final_head(events: &[socket_fetch::fetch::Event]) -> socket_fetch::fetch::ReplyHead {
    events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::Head(head) if !head.is_interim() => Some(head.clone()),
            _ => None,
        })
        .expect("a head")
}

#[test]
fn nginx_keep_alive_chunked_gzip_reply_ends_at_its_last_chunk_and_decodes_byte_exact() {
    let page = page();
    let Some(nginx) = Nginx::start("gzip", &[("page.txt", &page)]) else { return };
    let mut job = common::job_for(nginx.addr, "/page.txt");
    // What a browser sends: HTTP/1.1 keeps the line open, and gzip is welcome. nginx then answers
    // with a compressed body in chunks, since it cannot know the compressed length beforehand.
    let mut spec = RequestSpec::new(&job.target);
    spec.version = Version::Http11;
    spec.headers.push(HeaderField::removed("Connection"));
    spec.headers.push(HeaderField::new("Accept-Encoding", "gzip"));
    job.set_request(spec.build().expect("a browser's request"));
    let started = Instant::now();
    let events = common::run_job(job);
    // The read timeout is 10 s: a fetch that waited for nginx to hang up would take that long.
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(common::summary(&events).error, None);
    let completion = events.iter().find_map(|e| match e.kind {
        EventKind::ReplyComplete { extra, line_open } => Some((extra, line_open)),
        _ => None,
    });
    assert_eq!(completion, Some((0, true)), "nginx keeps the line open; nothing came after the reply");

    let head = final_head(&events);
    assert_eq!(head.framing, Framing::Chunked);
    let reply = common::reply_bytes(&events);
    assert!(reply.ends_with(b"0\r\n\r\n"), "the raw reply keeps its chunk framing, last chunk included");
    let plan = Plan::for_head(&head).expect("chunked and gzip: something to undo");
    assert!(plan.decompresses());
    let mut body = Vec::new();
    let decoded = decode(&plan, &reply[head.head_len..], 1 << 30, &mut |piece| {
        body.extend_from_slice(piece);
        ControlFlow::Continue(())
    })
    .expect("decoded to the end");
    assert_eq!(decoded.end, End::Complete);
    assert!(decoded.unchunked < page.len() as u64 / 5, "the page compresses: {} bytes", decoded.unchunked);
    assert_eq!(body, page);
}

#[test]
fn nginx_head_reply_announces_a_length_but_has_no_body_and_ends_at_once() {
    let page = page();
    let Some(nginx) = Nginx::start("head", &[("page.html", &page)]) else { return };
    let mut job = common::job_for(nginx.addr, "/page.html");
    let mut spec = RequestSpec::new(&job.target);
    "HEAD".clone_into(&mut spec.method);
    spec.version = Version::Http11;
    // The line stays open after the reply, as nginx keeps it: the reply must end by its head alone.
    spec.headers.push(HeaderField::removed("Connection"));
    job.set_request(spec.build().expect("a HEAD request"));
    let started = Instant::now();
    let events = common::run_job(job);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(common::summary(&events).error, None);
    let head = final_head(&events);
    assert_eq!(head.framing, Framing::NoBody);
    let announced = format!("{}", page.len());
    assert!(
        head.headers.iter().any(|h| h.name.eq_ignore_ascii_case("content-length") && h.value == announced.as_bytes()),
        "nginx announces the page's length: {:?}",
        head.headers
    );
    assert_eq!(common::reply_bytes(&events).len(), head.head_len, "the reply is its head alone");
}
