//! `openssl s_server -WWW`: an independent TLS server for the tests, on 127.0.0.1.
#![allow(clippy::unwrap_used)] // a helper that cannot start its server should fail the test loudly

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket_fetch::demo_server::tls::Pki;

/// `openssl s_server -WWW` on a free loopback port, serving `files` from a folder of its own over
/// TLS with `pki`'s certificate: an independent TLS server. `None` (after saying so) when openssl
/// is missing, outside CI.
pub struct OpenSsl {
    pub port: u16,
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl OpenSsl {
    pub fn start(pki: &Pki, files: &[(&str, &[u8])]) -> Option<Self> {
        use std::process::{Command, Stdio};
        if Command::new("openssl").arg("version").output().is_err() {
            assert!(std::env::var_os("CI").is_none(), "openssl is not installed (.ci/run installs it)");
            println!("note: openssl is not installed, so the test against openssl s_server was not run");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("socket-fetch-openssl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (chain, key) = pki.server_pem();
        std::fs::write(dir.join("chain.pem"), chain).unwrap();
        std::fs::write(dir.join("key.pem"), key).unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        // A port free a moment ago; another test may take it first, then openssl exits and another is tried.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap().port();
            let mut child = Command::new("openssl")
                .args(["s_server", "-WWW", "-quiet", "-cert", "chain.pem", "-key", "key.pem", "-accept"])
                .arg(format!("127.0.0.1:{port}"))
                .current_dir(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let ready = Instant::now() + Duration::from_secs(10);
            while Instant::now() < ready && child.try_wait().unwrap().is_none() {
                if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                    return Some(Self { port, child, dir });
                }
                thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("openssl s_server did not listen");
    }
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
