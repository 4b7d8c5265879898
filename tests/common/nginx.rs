//! nginx, run by a test as an independent server: its keep-alive, chunked and gzip replies are real
//! ones the project did not write. Debian's `nginx-light` is enough; `.ci/run` installs it.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A running nginx serving `root` on 127.0.0.1; stopped when dropped.
pub struct Nginx {
    pub addr: SocketAddr,
    pub root: PathBuf,
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
        for (file, bytes) in files {
            fs::write(root.join(file), bytes).expect("nginx file");
        }
        // A port that was free a moment ago; nginx binds it itself.
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let d = dir.display();
        let config = format!(
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
        );
        let conf = dir.join("nginx.conf");
        fs::write(&conf, config).expect("nginx config");
        let child = Command::new(binary)
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
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < ready, "nginx did not listen on {addr} within 10 s");
            thread::sleep(Duration::from_millis(20));
        }
        Some(Self { addr, root, child, dir })
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
