//! A Python program run by a test as an independent server: it prints the port it listens on (on
//! 127.0.0.1) as its first line, and is stopped when dropped.

use std::io::{BufRead as _, BufReader, ErrorKind};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};

pub struct PythonServer {
    pub addr: SocketAddr,
    child: Child,
}

impl PythonServer {
    /// Runs `python3 ARGS`; `None` (after saying so) when python3 is not installed.
    pub fn start(args: &[&std::ffi::OsStr]) -> Option<Self> {
        let spawned = Command::new("python3").args(args).stdin(Stdio::null()).stdout(Stdio::piped()).spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                println!("note: python3 is not installed, so the test against Python's http.server was not run");
                return None;
            }
            Err(e) => panic!("cannot run python3: {e}"),
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("python3's first line");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the server's first line is its port: {line:?}"));
        Some(Self { addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)), child })
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
