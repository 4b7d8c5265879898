//! Redirects as curl follows them, against real curl on the same local servers: the Authorization,
//! Cookie and Host headers each hop receives (A → B → A, another port, https → http), and the plain
//! warning when a redirect leaves the encrypted connection.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use socket_fetch::demo_server::tls::Pki;

/// The headers curl guards on a redirect, as the tests compare them.
const GUARDED: [&str; 3] = ["host", "authorization", "cookie"];
/// The headers typed for every fetch: each of curl's guarded kinds.
const TYPED: [&str; 6] =
    ["-H", "Authorization: Bearer SECRET", "-H", "Cookie: session=abc", "-H", "Host: custom.invalid"];

/// A server that records every request it gets, whole, and answers each by its path.
struct Recorder {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Vec<u8>>>,
}

type Reply = Box<dyn Fn(&str) -> Vec<u8> + Send>;

impl Recorder {
    /// Serves on `listener`, over TLS when `tls` is given.
    fn start(listener: TcpListener, tls: Option<Arc<ServerConfig>>, reply: Reply) -> Self {
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("recorder".into())
            .spawn(move || {
                let mut requests = Vec::new();
                while !stopping.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(false).unwrap();
                            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                            requests.extend(serve(stream, tls.as_ref(), &reply));
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(2)),
                        Err(e) => panic!("accept: {e}"),
                    }
                }
                requests
            })
            .unwrap();
        Self { stop, thread }
    }

    /// Stops serving; every request it recorded, in order.
    fn take(self) -> Vec<Vec<u8>> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// One connection: the request's head, then the reply; `None` when no whole head came.
fn serve(stream: TcpStream, tls: Option<&Arc<ServerConfig>>, reply: &Reply) -> Option<Vec<u8>> {
    let mut link: Box<dyn ReadWrite> = match tls {
        Some(config) => Box::new(StreamOwned::new(ServerConnection::new(Arc::clone(config)).unwrap(), stream)),
        None => Box::new(stream),
    };
    let mut request = Vec::new();
    let mut buf = [0; 4096];
    while !request.ends_with(b"\r\n\r\n") {
        match link.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let path = String::from_utf8_lossy(&request).split(' ').nth(1).unwrap_or_default().to_owned();
    let _ = link.write_all(&reply(&path)).and_then(|()| link.flush());
    link.close();
    Some(request)
}

trait ReadWrite: Read + Write {
    fn close(&mut self);
}

impl ReadWrite for TcpStream {
    fn close(&mut self) {}
}

impl ReadWrite for StreamOwned<ServerConnection, TcpStream> {
    fn close(&mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
    }
}

fn listener(ip: &str) -> TcpListener {
    TcpListener::bind((ip, 0)).unwrap()
}

fn redirect(location: &str) -> Vec<u8> {
    format!("HTTP/1.0 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

fn ok() -> Vec<u8> {
    b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()
}

/// The guarded header lines of one request, as sent, in order.
fn guarded(request: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(request)
        .split("\r\n")
        .filter(|line| line.split(':').next().is_some_and(|name| GUARDED.contains(&name.to_ascii_lowercase().as_str())))
        .map(str::to_owned)
        .collect()
}

fn curl(url: &str, extra: &[&str]) -> Output {
    // -q first: no ~/.curlrc of the machine's.
    let args = [&["-q", "-s", "-k", "-o", "/dev/null", "-L"][..], &TYPED, extra, &[url]].concat();
    Command::new("curl").args(args).stdin(Stdio::null()).output().expect("curl runs")
}

fn socket_fetch(url: &str, extra: &[&str]) -> Output {
    let args = [&["fetch", url, "-k", "-L"][..], &TYPED, extra].concat();
    Command::new(env!("CARGO_BIN_EXE_socket-fetch")).args(args).stdin(Stdio::null()).output().expect("runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs curl, then socket-fetch, on the chain that starts at `url`, with `extra` flags; the guarded
/// headers of each hop (by the order the servers got them), once they are the same for both.
fn same_as_curl(url: &str, extra: &[&str], servers: impl Fn() -> Vec<Recorder>) -> (Vec<Vec<String>>, Output) {
    let mut hops = Vec::new();
    let mut last = None;
    for run in [curl, socket_fetch] {
        let recorders = servers();
        let output = run(url, extra);
        assert!(output.status.success(), "{url} {extra:?}: {}", stderr(&output));
        let mut requests: Vec<(usize, Vec<u8>)> = Vec::new();
        for recorder in recorders {
            requests.extend(recorder.take().into_iter().map(|r| (order_of(&r), r)));
        }
        requests.sort_by_key(|(hop, _)| *hop);
        hops.push(requests.iter().map(|(_, r)| guarded(r)).collect::<Vec<_>>());
        last = Some(output);
    }
    assert_eq!(hops[0], hops[1], "curl's hops, then socket-fetch's, for {url} {extra:?}");
    (hops.remove(0), last.unwrap())
}

/// Each test path names its hop: /1, /2, /3.
fn order_of(request: &[u8]) -> usize {
    let path = String::from_utf8_lossy(request).split(' ').nth(1).unwrap_or_default().to_owned();
    path.trim_start_matches('/').parse().unwrap()
}

const SENT_AS_TYPED: [&str; 3] = ["Host: custom.invalid", "Authorization: Bearer SECRET", "Cookie: session=abc"];

#[test]
fn credentials_stay_with_the_first_host_port_and_scheme_as_curl_keeps_them() {
    // A (127.0.0.1) → B (127.0.0.2, another host) → A again.
    let a = listener("127.0.0.1");
    let b = listener("127.0.0.2");
    let (pa, pb) = (a.local_addr().unwrap().port(), b.local_addr().unwrap().port());
    let servers = || {
        let reply_a: Reply =
            Box::new(move |path| if path == "/1" { redirect(&format!("http://127.0.0.2:{pb}/2")) } else { ok() });
        let reply_b: Reply = Box::new(move |_| redirect(&format!("http://127.0.0.1:{pa}/3")));
        vec![
            Recorder::start(a.try_clone().unwrap(), None, reply_a),
            Recorder::start(b.try_clone().unwrap(), None, reply_b),
        ]
    };
    let url = format!("http://127.0.0.1:{pa}/1");
    let (hops, output) = same_as_curl(&url, &[], servers);
    assert_eq!(hops[0], SENT_AS_TYPED);
    assert_eq!(hops[1], [format!("Host: 127.0.0.2:{pb}")], "another host gets none of them");
    assert_eq!(hops[2], SENT_AS_TYPED, "back on the first host: all of them again");
    assert!(stderr(&output).contains("not sent on this hop, as curl does: your -H Authorization, Cookie, Host"));
    // --location-trusted: the credentials go everywhere, the Host of one's own still does not.
    let (hops, _) = same_as_curl(&url, &["--location-trusted"], servers);
    assert_eq!(hops[1], [format!("Host: 127.0.0.2:{pb}"), SENT_AS_TYPED[1].to_owned(), SENT_AS_TYPED[2].to_owned()]);
    assert_eq!(hops[2], SENT_AS_TYPED);
}

#[test]
fn another_port_keeps_the_typed_host_and_drops_the_credentials_as_curl_does() {
    let a = listener("127.0.0.1");
    let c = listener("127.0.0.1");
    let pc = c.local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{}/1", a.local_addr().unwrap().port());
    let servers = || {
        vec![
            Recorder::start(
                a.try_clone().unwrap(),
                None,
                Box::new(move |_| redirect(&format!("http://127.0.0.1:{pc}/2"))),
            ),
            Recorder::start(c.try_clone().unwrap(), None, Box::new(|_| ok())),
        ]
    };
    let (hops, _) = same_as_curl(&url, &[], servers);
    assert_eq!(hops, [SENT_AS_TYPED.to_vec(), vec![SENT_AS_TYPED[0]]]);
}

#[test]
fn https_to_http_is_followed_with_a_plain_warning_and_no_credentials() {
    let pki = Pki::issue(&["localhost"], (2020, 2100)).unwrap();
    let config = pki.server_config().unwrap();
    let secure = listener("127.0.0.1");
    let plain = listener("127.0.0.1");
    let pp = plain.local_addr().unwrap().port();
    let url = format!("https://localhost:{}/1", secure.local_addr().unwrap().port());
    let servers = || {
        let to_plain: Reply = Box::new(move |_| redirect(&format!("http://127.0.0.1:{pp}/2")));
        vec![
            Recorder::start(secure.try_clone().unwrap(), Some(Arc::clone(&config)), to_plain),
            Recorder::start(plain.try_clone().unwrap(), None, Box::new(|_| ok())),
        ]
    };
    let (hops, output) = same_as_curl(&url, &[], servers);
    assert_eq!(hops, [SENT_AS_TYPED.to_vec(), vec![format!("Host: 127.0.0.1:{pp}").as_str()]]);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("This redirect leaves the encrypted connection: http://127.0.0.1:{pp}/2 is plain http")),
        "{err}"
    );
    assert!(err.contains("# hop 2: following the redirect"), "-L still follows it: {err}");
}
