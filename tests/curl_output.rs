//! What `-o` promises and what a failed write means, each against real curl on the same local
//! servers: no file and no claim when no reply came, an unwritable path told before anything is
//! sent, `-o -` as stdout, a full disk and a closed pipe as curl's write error (exit 23).
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/recording_server.rs"]
mod recording_server;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use recording_server::RecordingServer;

/// curl's exit code for a failed write, which socket-fetch shares.
const CURL_WRITE_ERROR: i32 = 23;

/// A folder of the test's own, empty.
fn tempdir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socket-fetch-curl-output-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// socket-fetch, or curl (`-q`: no ~/.curlrc), fetching `url` with `flags`, run in `dir`.
fn command(curl: bool, url: &str, flags: &[&str], dir: &Path) -> Command {
    let mut command = if curl {
        let mut command = Command::new("curl");
        command.args(["-q", "-s", url]);
        command
    } else {
        let mut command = Command::new(env!("CARGO_BIN_EXE_socket-fetch"));
        command.args(["fetch", url]);
        command
    };
    command.args(flags).current_dir(dir).stdin(Stdio::null());
    command
}

fn run(curl: bool, url: &str, flags: &[&str], dir: &Path) -> Output {
    command(curl, url, flags, dir).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_refused_fetch_makes_no_file_and_claims_no_reply_as_curl() {
    let url = format!("http://127.0.0.1:{}/", common::closed_port());
    for curl in [true, false] {
        let dir = tempdir(if curl { "refused-curl" } else { "refused" });
        let output = run(curl, &url, &["-o", "keep.txt"], &dir);
        assert!(!output.status.success(), "curl {curl}");
        assert_eq!(names(&dir), Vec::<String>::new(), "curl {curl}: no file, and the probe left nothing");
        assert!(!stderr(&output).contains("The reply is in"), "{}", stderr(&output));
    }
}

#[test]
fn the_file_is_made_when_the_reply_comes_and_said_then() {
    let dir = tempdir("made");
    let server = RecordingServer::ok();
    let output = run(false, &format!("http://127.0.0.1:{}/", server.port()), &["-o", "reply.txt"], &dir);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(names(&dir), ["reply.txt"]);
    assert_eq!(std::fs::read(dir.join("reply.txt")).unwrap(), b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(stderr(&output).ends_with("# The reply is in reply.txt.\n"), "{}", stderr(&output));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_unwritable_path_is_told_before_anything_is_sent() {
    let dir = tempdir("unwritable");
    std::fs::write(dir.join("a-file"), b"kept").unwrap();
    // Under a regular file there is no folder, even for root.
    for path in ["a-file/reply.bin", "no-such-folder/reply.bin"] {
        let server = RecordingServer::ok();
        let output = run(false, &format!("http://127.0.0.1:{}/", server.port()), &["-o", path], &dir);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", stderr(&output));
        assert!(stderr(&output).contains(&format!("-o {path}: the file cannot be written")), "{}", stderr(&output));
        assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "{path}: nothing is sent");
        assert_eq!(names(&dir), ["a-file"], "{path}");
        assert_eq!(std::fs::read(dir.join("a-file")).unwrap(), b"kept");
    }
}

#[test]
fn dash_is_stdout_as_curl() {
    let reply = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello".to_vec();
    for curl in [true, false] {
        let dir = tempdir(if curl { "dash-curl" } else { "dash" });
        let server = RecordingServer::start(reply.clone());
        // -i: curl writes the head too, as socket-fetch always does.
        let output = run(curl, &format!("http://127.0.0.1:{}/", server.port()), &["-i", "-o", "-"], &dir);
        assert!(output.status.success(), "curl {curl}: {}", stderr(&output));
        assert_eq!(output.stdout, reply, "curl {curl}");
        assert_eq!(names(&dir), Vec::<String>::new(), "curl {curl}: no file named -");
        assert_eq!(server.requests().len(), 1);
    }
}

/// Runs socket-fetch or curl with stdout on /dev/full, or on a pipe closed before the reply comes.
fn failed_write(curl: bool, full: bool) -> Output {
    let body = vec![b'x'; 1 << 20];
    let mut reply = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(&body);
    let server = RecordingServer::start(reply);
    let dir = tempdir(&format!("write-{curl}-{full}"));
    let mut command = command(curl, &format!("http://127.0.0.1:{}/", server.port()), &[], &dir);
    command.stderr(Stdio::piped());
    let child: Child = if full {
        command.stdout(File::create("/dev/full").unwrap()).spawn().unwrap()
    } else {
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // nobody reads
        child
    };
    let output = child.wait_with_output().unwrap();
    server.requests();
    output
}

#[test]
fn a_full_disk_and_a_closed_pipe_are_curls_write_error() {
    for full in [true, false] {
        assert_eq!(failed_write(true, full).status.code(), Some(CURL_WRITE_ERROR), "curl, full disk {full}");
        let output = failed_write(false, full);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(CURL_WRITE_ERROR), "full disk {full}: {err}");
        let said = if full {
            "# Write error: stdout could not take the reply (No space left on device (os error 28)), so the fetch stopped.\n"
        } else {
            "# The program reading stdout stopped reading (a closed pipe), so the fetch stopped.\n"
        };
        assert!(err.ends_with(said), "{err}");
        assert!(!err.contains("You stopped"), "{err}");
        assert_eq!(err.matches("the fetch stopped").count(), 1, "one line: {err}");
    }
}

#[test]
fn a_full_disk_under_o_is_a_write_error_and_the_file_keeps_what_came() {
    let server = RecordingServer::start(b"HTTP/1.0 200 OK\r\n\r\nbody".to_vec());
    let dir = tempdir("full-o");
    let output = run(false, &format!("http://127.0.0.1:{}/", server.port()), &["-o", "/dev/full"], &dir);
    assert_eq!(output.status.code(), Some(CURL_WRITE_ERROR), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("# Write error: the reply could not be written to /dev/full"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("The reply is in"), "{}", stderr(&output));
    assert_eq!(server.requests().len(), 1);
}
