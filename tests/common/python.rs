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
    /// Runs `python3 ARGS`. A missing python3 fails the test: a test that passes without running
    /// its server would prove nothing.
    pub fn start(args: &[&std::ffi::OsStr]) -> Self {
        let spawned = Command::new("python3").args(args).stdin(Stdio::null()).stdout(Stdio::piped()).spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                panic!("python3 is not installed: the tests against Python's http.server need it")
            }
            Err(e) => panic!("cannot run python3: {e}"),
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("python3's first line");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the server's first line is its port: {line:?}"));
        Self { addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)), child }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
