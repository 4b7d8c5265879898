//! Real window processes (the built binary) under Xvfb sharing one history folder through one
//! `XDG_DATA_HOME`, with a slow server on 127.0.0.1: two windows fetching at once keep both fetches
//! under their own labels, and a window killed right after its fetch ends has recorded it. (That
//! history off in one window holds for the other's next fetch is shown with two stores in
//! `tests/history.rs`.) Xvfb must be installed: the tests fail without it.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

use std::fs;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use socket_fetch::history::Store;

/// No wait in these tests lasts longer than this (a debug build drawing with software OpenGL).
const LIMIT: Duration = Duration::from_mins(1);

/// A child process, killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X server of the test's own; its name (`:N`) as Xvfb chose it.
fn xvfb() -> (Killed, String) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb runs (install the xvfb package)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let number = line.trim();
    assert!(!number.is_empty(), "Xvfb said no display");
    (Killed(child), format!(":{number}"))
}

/// Millisecond clock, as the history's entries have it.
fn now_ms() -> u64 {
    u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// A server on 127.0.0.1 that answers in batches: it waits until `batches[i]` fetches have asked,
/// holds them a moment (they are under way at once), then answers each "reply to PATH" and hangs up.
/// Says each path answered and when (ms), once it has hung up.
fn slow_server(batches: Vec<usize>) -> (u16, Receiver<(String, u64)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tell, told) = mpsc::channel();
    let serve = move || {
        for batch in batches {
            let asked: Vec<(TcpStream, String)> = (0..batch)
                .map(|_| {
                    let (mut conn, _) = listener.accept().unwrap();
                    let mut request = Vec::new();
                    let mut byte = [0; 1];
                    while !request.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
                        request.push(byte[0]);
                    }
                    let line = String::from_utf8_lossy(&request).into_owned();
                    (conn, line.split(' ').nth(1).unwrap_or_default().to_owned())
                })
                .collect();
            thread::sleep(Duration::from_millis(300));
            for (mut conn, path) in asked {
                let body = format!("reply to {path}\n");
                let reply = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                conn.write_all(reply.as_bytes()).unwrap();
                drop(conn);
                let _ = tell.send((path, now_ms()));
            }
        }
    };
    thread::Builder::new().name("slow server".to_owned()).spawn(serve).unwrap();
    (port, told)
}

/// A home of the test's own: the history goes to `HOME/data/socket-fetch/history`.
fn home(name: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("socket-fetch-windows-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&home);
    fs::create_dir_all(home.join("runtime")).unwrap();
    fs::set_permissions(home.join("runtime"), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    home
}

fn history_of(home: &Path) -> PathBuf {
    home.join("data/socket-fetch/history")
}

/// The window, fetching `path` from 127.0.0.1:`port` as it opens, on the History tab.
fn window(display: &str, home: &Path, port: u16, path: &str) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
        .args(["--host", &format!("127.0.0.1{path}"), "--port", &port.to_string(), "--fetch", "--tab", "history"])
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_RUNTIME_DIR", home.join("runtime"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Killed(child)
}

/// Waits until `done`, within [`LIMIT`].
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < LIMIT, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

/// The entries in the index, counted without opening a store (which would take the folder's lock).
fn index_lines(dir: &Path) -> usize {
    fs::read_to_string(dir.join("index")).map_or(0, |text| text.lines().count())
}

/// One real window test at a time: each draws with software OpenGL on the two cores there may be,
/// and the killed window's test times its kill.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn two_windows_fetching_at_once_keep_both_under_their_own_ids() {
    let _one = ONE_AT_A_TIME.lock();
    let (_x, display) = xvfb();
    let home = home("two");
    let dir = history_of(&home);
    let (port, answered) = slow_server(vec![2, 1]);
    let first = window(&display, &home, port, "/from-a");
    let second = window(&display, &home, port, "/from-b");
    let mut paths: Vec<_> = (0..2).map(|_| answered.recv_timeout(LIMIT).unwrap().0).collect();
    paths.sort();
    assert_eq!(paths, ["/from-a", "/from-b"], "both windows fetched at once");
    wait_until("both fetches recorded", || index_lines(&dir) == 2);
    let store = Store::open(&dir).unwrap();
    let mut kept: Vec<_> = store.entries().iter().map(|e| (e.path.clone(), e.id)).collect();
    kept.sort();
    assert_eq!(kept.len(), 2);
    assert_ne!(kept[0].1, kept[1].1, "each under an id of its own");
    for (path, id) in &kept {
        let reply = store.reply(*id).unwrap();
        assert!(reply.ends_with(format!("reply to {path}\n").as_bytes()), "{path} keeps its own reply");
        assert!(store.log(*id).unwrap().contains("Fetching from 127.0.0.1"), "and its own log");
    }
    assert_eq!([kept[0].0.as_str(), kept[1].0.as_str()], ["/from-a", "/from-b"]);
    drop(store);

    drop((first, second));
    fs::remove_dir_all(&home).unwrap();
}

#[test]
fn a_window_killed_right_after_its_fetch_ends_has_recorded_it() {
    let _one = ONE_AT_A_TIME.lock();
    let (_x, display) = xvfb();
    let home = home("killed");
    let (port, answered) = slow_server(vec![1]);
    let mut app = window(&display, &home, port, "/last-words");
    let (_, ended) = answered.recv_timeout(LIMIT).unwrap();
    // Killed (SIGKILL: no chance to tidy up) 300 ms after the end, long before a covered window
    // would be drawn again; the window is not touched meanwhile.
    thread::sleep(Duration::from_millis(300));
    app.0.kill().unwrap();
    let killed = now_ms();
    app.0.wait().unwrap();
    let store = Store::open(&history_of(&home)).unwrap();
    let entries = store.entries();
    assert_eq!(entries.len(), 1, "the fetch was recorded before the kill");
    let entry = &entries[0];
    eprintln!("recorded as ending {} ms after the server hung up", entry.at_ms.saturating_sub(ended));
    assert_eq!((entry.path.as_str(), entry.status), ("/last-words", Some(200)));
    assert!(
        (ended.saturating_sub(50)..=killed).contains(&entry.at_ms),
        "with its real end time: the server hung up at {ended}, the window was killed at {killed}, recorded {}",
        entry.at_ms
    );
    assert!(store.reply(entry.id).unwrap().ends_with(b"reply to /last-words\n"));
    drop(app);
    fs::remove_dir_all(&home).unwrap();
}
