//! nginx, run by a test as an independent server: its keep-alive, chunked and gzip replies are real
//! ones the project did not write. Debian's `nginx-light` is enough; `.ci/run` installs it.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A running nginx serving `root` on 127.0.0.1; stopped when dropped.
pub struct Nginx {
    pub addr: SocketAddr,
    child: Child,
    dir: PathBuf,
}

impl Nginx {
    /// Starts nginx on a free loopback port, serving the files given as (name, bytes). `None` (after
    /// saying so) when nginx is not installed, outside CI; in CI (`CI` set) a missing nginx fails.
    pub fn start(name: &str, files: &[(&str, &[u8])]) -> Option<Self> {
        let Some(binary) = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().map(Path::new).find(|p| p.exists()) else {
            assert!(std::env::var_os("CI").is_none(), "nginx is not installed (.ci/run installs nginx-light)");
            println!("note: nginx is not installed, so the test against it was not run");
            return None;
        };
        let dir = std::env::temp_dir().join(format!("socket-fetch-nginx-{name}-{}", std::process::id()));
        let root = dir.join("root");
        fs::create_dir_all(&root).expect("nginx dir");
        fs::write(root.join(WHOAMI), dir.to_string_lossy().as_bytes()).expect("nginx identity file");
        for (file, bytes) in files {
            fs::write(root.join(file), bytes).expect("nginx file");
        }
        // A port that was free a moment ago; nginx binds it itself. Tests run in parallel, so another
        // one may take it first: then nginx exits, and a fresh port is tried.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let conf = dir.join("nginx.conf");
            fs::write(&conf, config(&dir, &root, port)).expect("nginx config");
            let mut child = Command::new(binary)
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg("stderr")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("nginx starts");
            let ready = Instant::now() + Duration::from_secs(10);
            loop {
                if child.try_wait().expect("nginx's status").is_some() {
                    break; // it could not listen there
                }
                // Listening, and it is this nginx that listens: another test's nginx may have been given
                // the same free port a moment before, and this one not have failed yet.
                if serves_its_own(addr, &dir) {
                    return Some(Self { addr, child, dir });
                }
                assert!(Instant::now() < ready, "nginx did not listen on {addr} within 10 s");
                thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("nginx could not listen on any of five free ports");
    }
}

/// A file each nginx serves with its own directory's name in it, to tell it from another test's.
const WHOAMI: &str = "whoami.txt";

/// Whether the server listening on `addr` is the nginx serving `dir`.
fn serves_its_own(addr: SocketAddr, dir: &Path) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(format!("GET /{WHOAMI} HTTP/1.0\r\n\r\n").as_bytes()).is_err() {
        return false;
    }
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    reply.ends_with(dir.to_string_lossy().as_bytes())
}

fn config(dir: &Path, root: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ text/html html; application/json json; text/plain txt; image/png png; }}
    keepalive_timeout 60s;
    gzip on;
    gzip_min_length 1;
    gzip_types text/plain application/json;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
",
        root = root.display()
    )
}
impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
