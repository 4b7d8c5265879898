//! The built-in web server: a small HTTP/1.0 server on 127.0.0.1, so a fetch works with no internet
//! (a classroom, a CI machine). Each connection gets one reply and is then closed, as in HTTP/1.0.
//! It listens twice: plain http, and https on a second port with a certificate made at its start
//! ([`tls`]), the same pages on both; over TLS each reply ends with `close_notify`.
//!
//! Routes: `/` a page that explains the fetch; `/bytes/N` exactly N body bytes ([`numbered_body`]);
//! `/slow` ten lines, 300 ms apart; `/binary` all 256 byte values, four times; `/redirect` a 302 to `/`;
//! `/chunked` a page sent in chunks; `/gzip` a page compressed with gzip; `/data.json` a small JSON
//! document; anything else a 404.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;

use rustls::ServerConfig;

use crate::fetch::Step;
use crate::teach::decoding::{CHUNKS, COMPRESSION};
use crate::teach::step_text;

/// A client that stops reading this long is dropped, so no connection thread lingers.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// A client's whole request head must arrive within this, however it trickles, and over TLS its
/// handshake too: a silent or slow client cannot hold a connection longer.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);
/// The most connections served at once, by default; past it a client gets a short `503` at once (on
/// the TLS port, a TLS alert).
/// Well above what a classroom or a test sends, well below what the machine can hold.
pub const MAX_CONNECTIONS: usize = 1000;
/// What a client past the cap gets.
const BUSY_REPLY: &[u8] =
    b"HTTP/1.0 503 Service Unavailable\r\nServer: socket-fetch-demo\r\nContent-Length: 38\r\n\r\nToo many connections at once. Retry.\r\n";
/// The first pause after `accept()` fails (out of file descriptors, say); it doubles up to the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);
/// A connection thread's stack: serving needs little, and a thousand of them stay small.
const CONNECTION_STACK: usize = 256 * 1024;
/// The longest request head the server reads.
const MAX_REQUEST: usize = 16 * 1024;
/// The pause between lines of `/slow`.
pub const SLOW_LINE_GAP: Duration = Duration::from_millis(300);
pub const SLOW_LINES: usize = 10;
/// Each line of [`numbered_body`] is this long, newline included.
const LINE_LEN: usize = 64;

pub mod tls;

use tls::{Line, Pki};

/// A running demo server; dropping it stops it.
pub struct DemoServer {
    addr: SocketAddr,
    https_addr: SocketAddr,
    pki: Pki,
    stopping: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl DemoServer {
    /// Starts on 127.0.0.1 at `port`, or at a free port the system picks when `port` is 0.
    pub fn start(port: u16) -> io::Result<Self> {
        Self::start_capped(port, MAX_CONNECTIONS)
    }

    /// [`DemoServer::start`], serving at most `max_connections` at once (on each of its two ports).
    pub fn start_capped(port: u16, max_connections: usize) -> io::Result<Self> {
        // Compressed here, on the caller's stack: the compressor's state is larger than a connection
        // thread's small stack holds.
        gzip_body();
        let pki = Pki::for_demo().map_err(io::Error::other)?;
        let config = pki.server_config().map_err(io::Error::other)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        let https_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let https_addr = https_listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for (listener, tls, name) in
            [(listener, None, "demo-server"), (https_listener, Some(config), "demo-server-tls")]
        {
            let flag = Arc::clone(&stopping);
            threads.push(
                thread::Builder::new()
                    .name(name.to_owned())
                    .spawn(move || accept_loop(&listener, tls.as_ref(), &flag, max_connections))?,
            );
        }
        Ok(Self { addr, https_addr, pki, stopping, threads })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the same pages are served over HTTPS (fetch them as `https://localhost:PORT/`).
    pub fn https_addr(&self) -> SocketAddr {
        self.https_addr
    }

    /// The certificate authority that signed the HTTPS certificate: trusted by the app for this run.
    pub fn ca(&self) -> &rustls::pki_types::CertificateDer<'static> {
        &self.pki.ca
    }

    /// The same, as PEM text, for curl's `--cacert` (`serve-demo --ca-out FILE`).
    pub fn ca_pem(&self) -> &str {
        &self.pki.ca_pem
    }

    /// Blocks until the server is stopped from elsewhere (the terminal's `serve-demo`, until Ctrl+C).
    pub fn wait(mut self) {
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // accept() has no timeout: a connection of our own wakes each listener to see the flag.
        for addr in [self.addr, self.https_addr] {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, tls: Option<&Arc<ServerConfig>>, stopping: &AtomicBool, max_connections: usize) {
    let open = Arc::new(AtomicUsize::new(0));
    // Some(pause) while accepting fails: retried less and less often, and said once, not per retry.
    let mut backoff: Option<Duration> = None;
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                let pause = backoff.map_or(ACCEPT_BACKOFF, |last| (last * 2).min(ACCEPT_BACKOFF_MAX));
                if backoff.is_none() {
                    eprintln!(
                        "socket-fetch demo server: cannot take a new connection ({e}); retrying, less often while it lasts"
                    );
                }
                backoff = Some(pause);
                thread::sleep(pause);
                continue;
            }
        };
        if backoff.take().is_some() {
            eprintln!("socket-fetch demo server: taking connections again");
        }
        if open.load(Ordering::SeqCst) >= max_connections {
            turn_away(&stream, if tls.is_some() { &tls::BUSY_ALERT } else { BUSY_REPLY });
            continue;
        }
        let slot = Slot::take(&open);
        let tls = tls.cloned();
        let spawned =
            thread::Builder::new().name("demo-connection".to_owned()).stack_size(CONNECTION_STACK).spawn(move || {
                let _slot = slot;
                // A visitor who hangs up early, or whose handshake fails, is no fault of the server's.
                let _ = match tls {
                    Some(config) => tls::accept(&config, stream, REQUEST_DEADLINE).and_then(serve),
                    None => serve(stream),
                };
            });
        if let Err(e) = spawned {
            eprintln!("socket-fetch demo server: cannot start a connection thread: {e}");
        }
    }
}

/// One of the connections being served; counted until dropped, whether its thread ran or not.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Self {
        open.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(open))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Past the cap: `busy` (a short `503`, or the TLS alert) without waiting for the request, written
/// only if it fits at once, so the accepting thread never waits on a client.
fn turn_away(stream: &TcpStream, busy: &[u8]) {
    let mut stream = stream;
    if stream.set_nonblocking(true).is_ok() {
        let _ = stream.write(busy);
    }
}

fn serve(mut stream: impl Line) -> io::Result<()> {
    serve_one(&mut stream)?;
    stream.finish()
}

fn serve_one(stream: &mut impl Line) -> io::Result<()> {
    stream.socket().set_write_timeout(Some(CLIENT_TIMEOUT))?;
    // Each write goes out at once: with Nagle's algorithm a second small write (the body after the
    // head, the next chunk) waits for the client's delayed acknowledgement, 40 ms that the window
    // would show as a slow download.
    stream.socket().set_nodelay(true)?;
    let client = stream.socket().peer_addr()?;
    let Some(path) = read_request_path(stream)? else {
        return respond(stream, "400 Bad Request", "text/plain", b"That was not an HTTP request.\n");
    };
    let route = path.split('?').next().unwrap_or("/");
    match route {
        "/" => {
            let page = include_str!("../assets/demo_page.html")
                .replace("{steps}", &steps_html())
                .replace("{client}", &client.to_string())
                .replace("{path}", &html_escape(&path));
            respond(stream, "200 OK", "text/html; charset=utf-8", page.as_bytes())
        }
        "/slow" => serve_slow(stream),
        "/binary" => {
            let body: Vec<u8> = (0..4).flat_map(|_| 0..=255u8).collect();
            respond(stream, "200 OK", "application/octet-stream", &body)
        }
        "/redirect" => stream
            .write_all(b"HTTP/1.0 302 Found\r\nServer: socket-fetch-demo\r\nLocation: /\r\nContent-Length: 0\r\n\r\n"),
        "/chunked" => serve_chunked(stream),
        "/gzip" => serve_gzip(stream),
        "/data.json" => respond(stream, "200 OK", "application/json", DATA_JSON.as_bytes()),
        _ => match route.strip_prefix("/bytes/").map(str::parse::<u64>) {
            Some(Ok(len)) => serve_bytes(stream, len),
            _ => respond(stream, "404 Not Found", "text/plain", b"There is no page at this path. Try /.\n"),
        },
    }
}

/// Reads the request head; the path it asks for, or `None` when it is not an HTTP request. A head
/// that has not arrived whole within [`REQUEST_DEADLINE`] is an error: the client is dropped unanswered.
fn read_request_path(stream: &mut impl Line) -> io::Result<Option<String>> {
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let mut bytes = Vec::new();
    let mut buf = [0; 2048];
    while bytes.len() < MAX_REQUEST {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.socket().set_read_timeout(Some(left))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        bytes.extend_from_slice(&buf[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&bytes) {
            Ok(httparse::Status::Complete(_)) => return Ok(request.path.map(str::to_owned)),
            Ok(httparse::Status::Partial) => {}
            Err(_) => return Ok(None),
        }
    }
    Ok(None)
}

fn head(status: &str, content_type: &str, len: u64) -> String {
    format!(
        "HTTP/1.0 {status}\r\nServer: socket-fetch-demo\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\r\n"
    )
}

fn respond(stream: &mut impl Write, status: &str, content_type: &str, body: &[u8]) -> io::Result<()> {
    stream.write_all(head(status, content_type, body.len() as u64).as_bytes())?;
    stream.write_all(body)
}

fn serve_slow(stream: &mut impl Write) -> io::Result<()> {
    let line = |i: usize| format!("line {} of {SLOW_LINES}\n", i + 1);
    let len: usize = (0..SLOW_LINES).map(|i| line(i).len()).sum();
    stream.write_all(head("200 OK", "text/plain", len as u64).as_bytes())?;
    for i in 0..SLOW_LINES {
        thread::sleep(SLOW_LINE_GAP);
        stream.write_all(line(i).as_bytes())?;
    }
    Ok(())
}

/// `/data.json`: a reply that is data for a program, not a page.
pub const DATA_JSON: &str = "{\n  \"name\": \"socket-fetch demo\",\n  \"steps\": [\"socket\", \"name lookup\", \
                             \"connect\", \"send\", \"receive\"],\n  \"port\": 80,\n  \"secure\": false\n}\n";

/// The page `/chunked` sends.
pub fn chunked_page() -> String {
    page("Sent in chunks", &[CHUNKS])
}

/// The page `/gzip` sends, before it is compressed: long enough for compression to show.
pub fn gzip_page() -> String {
    let steps: Vec<String> =
        Step::PLAIN.iter().map(|step| format!("{}. {}", step.number(false), step_text(*step).explanation)).collect();
    let mut texts = vec![COMPRESSION];
    texts.extend(steps.iter().map(String::as_str));
    page("Sent compressed", &texts)
}

/// A page of paragraphs, each cut into lines of at most [`PAGE_WIDTH`] columns so it reads in the
/// reply view without scrolling sideways.
fn page(title: &str, paragraphs: &[&str]) -> String {
    let mut html = format!("<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n");
    let switch = "Switch between \"Raw reply\" and \"Decoded body\" above the reply to see the difference.";
    for paragraph in paragraphs.iter().chain([&switch]) {
        html.push_str("<p>");
        let (mut width, mut line_has_words) = ("<p>".len(), false);
        for word in html_escape(paragraph).split(' ') {
            if line_has_words && width + 1 + word.len() > PAGE_WIDTH {
                html.push('\n');
                (width, line_has_words) = (0, false);
            }
            if line_has_words {
                html.push(' ');
                width += 1;
            }
            html.push_str(word);
            width += word.len();
            line_has_words = true;
        }
        html.push_str("</p>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// The widest line of the pages `/chunked` and `/gzip` send.
const PAGE_WIDTH: usize = 72;

/// `/chunked`: the page in chunks of a few lines each, each after its size in hexadecimal. Chunks are
/// HTTP/1.1's, so this reply says HTTP/1.1; the server still closes the line after it.
fn serve_chunked(stream: &mut impl Write) -> io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nServer: socket-fetch-demo\r\nContent-Type: text/html; charset=utf-8\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    )?;
    let page = chunked_page();
    let lines: Vec<&str> = page.split_inclusive('\n').collect();
    for piece in lines.chunks(3) {
        let piece = piece.concat();
        // One write per chunk, as a server that streams a page does.
        stream.write_all(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes())?;
    }
    stream.write_all(b"0\r\n\r\n")
}

/// The body of `/gzip`, compressed once.
fn gzip_body() -> &'static [u8] {
    static BODY: OnceLock<Vec<u8>> = OnceLock::new();
    BODY.get_or_init(|| {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(gzip_page().as_bytes());
        encoder.finish().unwrap_or_default()
    })
}

/// `/gzip`: the page compressed with gzip, its compressed length in Content-Length.
fn serve_gzip(stream: &mut impl Write) -> io::Result<()> {
    let body = gzip_body();
    stream.write_all(
        format!(
            "HTTP/1.0 200 OK\r\nServer: socket-fetch-demo\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )?;
    stream.write_all(body)
}

fn serve_bytes(stream: &mut impl Write, len: u64) -> io::Result<()> {
    stream.write_all(head("200 OK", "text/plain", len).as_bytes())?;
    let mut sent = 0;
    let mut block = Vec::with_capacity(64 * 1024);
    while sent < len {
        block.clear();
        fill_numbered(&mut block, sent, 64 * 1024);
        let take = usize::try_from(len - sent).unwrap_or(usize::MAX).min(block.len());
        stream.write_all(&block[..take])?;
        sent += take as u64;
    }
    Ok(())
}

/// The body `/bytes/N` sends: lines of 64 bytes, each starting with its number, so a lost or
/// misplaced chunk anywhere shows up when compared.
pub fn numbered_body(len: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(len);
    fill_numbered(&mut body, 0, len);
    body
}

/// Appends `count` bytes of the numbered body, starting `offset` bytes into it.
fn fill_numbered(out: &mut Vec<u8>, offset: u64, count: usize) {
    let end = offset + count as u64;
    let mut line_no = offset / LINE_LEN as u64;
    let mut skip = usize::try_from(offset % LINE_LEN as u64).unwrap_or(0);
    let mut pos = offset;
    while pos < end {
        let line = format!("{line_no:012} socket-fetch demo body, 64 bytes to a line .......\n");
        debug_assert_eq!(line.len(), LINE_LEN);
        let take = usize::try_from(end - pos).unwrap_or(usize::MAX).min(LINE_LEN - skip);
        out.extend_from_slice(&line.as_bytes()[skip..skip + take]);
        pos += take as u64;
        skip = 0;
        line_no += 1;
    }
}

/// The five steps in the same plain words the window and the terminal use.
fn steps_html() -> String {
    Step::PLAIN
        .iter()
        .map(|step| {
            let text = step_text(*step);
            format!("<li><b>{}.</b> {}</li>", html_escape(text.title), html_escape(text.explanation))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
