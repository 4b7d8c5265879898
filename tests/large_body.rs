//! A large `--data-binary @FILE` body is held in memory once: the terminal's peak resident memory
//! (its `VmHWM`, read while it waits for the reply) stays under the body's size plus 32 MiB, and a
//! 307 hop sends the same body again, whole. `-d @FILE` too, its line breaks left out.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

use std::io::{BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

const MIB: u64 = 1 << 20;
/// The body's size: large enough that a second copy could not hide in the allowance.
const BODY: u64 = 256 * MIB;
/// What the program may hold besides the one copy of the body.
const ALLOWANCE: u64 = 32 * MIB;

/// The body repeats these letters (no line breaks, so `-d` sends it unchanged).
const PERIOD: u64 = 23;

/// The body's first MiB and a period more: any MiB of the body is a slice of it, compared a slice
/// at a time, which is quick even in a test build.
fn pattern() -> Vec<u8> {
    (0..MIB + PERIOD).map(|i| b'a' + u8::try_from(i % PERIOD).unwrap()).collect()
}

/// How much of a body came, and whether every byte so far was the pattern's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Digest {
    len: u64,
    as_written: bool,
}

/// What the server saw of one request: its head, its body's digest, and the client's peak memory
/// once the whole body had arrived.
struct Seen {
    head: String,
    body: Digest,
    peak: u64,
}

/// The peak resident memory of process `pid` so far, in bytes.
fn peak_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// Reads one request whole; answers the first with a 307 to /again and the second with a 200.
fn serve(mut stream: TcpStream, first: bool, pid: &AtomicU32) -> Seen {
    stream.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let length: u64 = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .map_or(0, |v| v.parse().unwrap());
    let mut body = Digest { len: 0, as_written: true };
    let pattern = pattern();
    let mut buf = vec![0; usize::try_from(MIB).unwrap()];
    while body.len < length {
        let want = usize::try_from((length - body.len).min(MIB)).unwrap();
        let n = stream.read(&mut buf[..want]).unwrap();
        assert!(n > 0, "the body ended early, at {}", body.len);
        let from = usize::try_from(body.len % PERIOD).unwrap();
        body.as_written &= buf[..n] == pattern[from..from + n];
        body.len += n as u64;
    }
    let peak = peak_of(pid.load(Ordering::SeqCst));
    let reply: &[u8] = if first {
        b"HTTP/1.0 307 Temporary Redirect\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"
    } else {
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
    };
    stream.write_all(reply).unwrap();
    Seen { head, body, peak }
}

#[test]
fn a_large_file_body_is_held_once_and_sent_again_on_a_307() {
    let dir = std::env::temp_dir().join(format!("socket-fetch-large-body-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.bin");
    let mut out = BufWriter::new(std::fs::File::create(&file).unwrap());
    let pattern = pattern();
    for start in (0..BODY).step_by(usize::try_from(MIB).unwrap()) {
        let from = usize::try_from(start % PERIOD).unwrap();
        out.write_all(&pattern[from..from + usize::try_from(MIB).unwrap()]).unwrap();
    }
    out.into_inner().unwrap().sync_all().unwrap();
    let expected = Digest { len: BODY, as_written: true };
    let at_file = format!("@{}", file.display());
    for flag in ["--data-binary", "-d"] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port().to_string();
        let pid = Arc::new(AtomicU32::new(0));
        let server_pid = Arc::clone(&pid);
        let server = thread::Builder::new()
            .name("large-body-server".into())
            .spawn(move || {
                let (first, _) = listener.accept().unwrap();
                let first = serve(first, true, &server_pid);
                let (second, _) = listener.accept().unwrap();
                [first, serve(second, false, &server_pid)]
            })
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_socket-fetch"))
            .args(["fetch", "127.0.0.1", &port, "-L", flag, &at_file, "--read-timeout", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        pid.store(child.id(), Ordering::SeqCst);
        let seen = server.join().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(child.wait().unwrap().success(), "{flag}: {err}");
        for (hop, seen) in seen.iter().enumerate() {
            assert!(seen.head.starts_with("POST "), "{flag} hop {}: {}", hop + 1, seen.head);
            assert_eq!(seen.body, expected, "{flag} hop {}: the whole body, as in the file", hop + 1);
        }
        let peak = seen.iter().map(|s| s.peak).max().unwrap();
        println!("{flag} @FILE of {} MiB: peak resident memory {} MiB", BODY / MIB, peak / MIB);
        assert!(peak <= BODY + ALLOWANCE, "{flag}: peak {} MiB for a body of {} MiB", peak / MIB, BODY / MIB);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
