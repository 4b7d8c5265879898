//! The engine against servers the project did not write: nginx (keep-alive, chunked, gzip).

mod common;

use common::nginx::Nginx;
use socket_fetch::fetch::{EventKind, Framing};

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
    let head = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Head(head) => Some(head.clone()),
            _ => None,
        })
        .expect("a head");
    assert_eq!(head.status, 200);
    assert_eq!(head.framing, Framing::Length(page.len() as u64));
    assert!(head.headers.iter().any(|h| h.name.eq_ignore_ascii_case("server") && h.value.starts_with(b"nginx")));
    assert_eq!(&reply[head.head_len..], &page[..]);
}
