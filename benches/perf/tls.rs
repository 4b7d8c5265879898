//! HTTPS: the terminal mode against curl (OpenSSL) on the same 1 GiB reply over TLS from the demo
//! server's HTTPS side on 127.0.0.1 (its certificate authority given to both with `--cacert`),
//! alternating, after one warm-up run each.
//!
//! On two cores the server's encryption competes with the client, so the goal is on the client's own
//! CPU time (user + kernel, from `wait4`): the median of the per-pair ratios (socket-fetch / curl)
//! ≤ 1.10, wall time reported beside it; socket-fetch's peak memory < 32 MiB.

use std::process::{Command, Stdio};

use socket_fetch::demo_server::DemoServer;

use crate::throughput::{Client, Sample, Spread, median_f64, timed_run};
use crate::{Figure, mib};

const BODY: u64 = 1024 * 1024 * 1024;
/// Pairs of runs (socket-fetch, then curl).
const RUNS: usize = 7;
const CPU_TARGET: f64 = 1.10;
const PEAK_TARGET: u64 = 32 * 1024 * 1024;

pub fn run(figures: &mut Vec<Figure>) {
    println!("== tls: 1 GiB over HTTPS from the demo server (https://localhost), {RUNS} pairs ==");
    let curl = Command::new("curl").arg("--version").stderr(Stdio::null()).output().is_ok_and(|o| o.status.success());
    if !curl {
        println!("curl: not found, so there is no comparison; socket-fetch is measured alone");
    }
    let server = match DemoServer::start(0) {
        Ok(server) => server,
        Err(e) => {
            figures.push(Figure::new("tls", format!("not measured: demo server failed: {e}"), "", Some(false)));
            return;
        }
    };
    let ca = std::env::temp_dir().join(format!("socket-fetch-bench-ca-{}.pem", std::process::id()));
    if let Err(e) = std::fs::write(&ca, server.ca_pem()) {
        figures.push(Figure::new("tls", format!("not measured: {e}"), "", Some(false)));
        return;
    }
    let url = format!("https://localhost:{}/bytes/{BODY}", server.https_addr().port());
    let ca_arg = ca.display().to_string();
    let mut clients = vec![Client {
        name: "socket-fetch",
        command: Box::new(|| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_socket-fetch"));
            cmd.args(["fetch", &url, "--cacert", &ca_arg]);
            cmd
        }),
        expected: None,
    }];
    if curl {
        clients.push(Client {
            name: "curl",
            command: Box::new(|| {
                let mut cmd = Command::new("curl");
                cmd.args(["-s", "-o", "/dev/null", "--max-time", "120", "--cacert", &ca_arg, &url]);
                cmd
            }),
            expected: None,
        });
    }
    let run_one = |client: &Client<'_>, what: &str| {
        let outcome = timed_run(client);
        match &outcome {
            Ok(s) => println!(
                "  {:<12} {what:<8} wall {:.3} s  user {:.3} s  kernel {:.3} s  VmHWM {}",
                client.name,
                s.wall.as_secs_f64(),
                s.user.as_secs_f64(),
                s.kernel.as_secs_f64(),
                s.peak.map_or_else(|| "-".to_owned(), mib)
            ),
            Err(why) => println!("  {:<12} {what:<8} FAILED: {why}", client.name),
        }
        outcome.ok()
    };
    for client in &clients {
        run_one(client, "warm-up");
    }
    let mut samples: Vec<Vec<Option<Sample>>> = clients.iter().map(|_| Vec::new()).collect();
    for i in 1..=RUNS {
        for (c, client) in clients.iter().enumerate() {
            samples[c].push(run_one(client, &format!("run {i}")));
        }
    }
    let _ = std::fs::remove_file(&ca);
    for (c, client) in clients.iter().enumerate() {
        let done: Vec<&Sample> = samples[c].iter().flatten().collect();
        let line = Spread::of(&done).map_or_else(|| "no successful run".to_owned(), |s| s.describe(RUNS - done.len()));
        println!("{:<12} {line}", client.name);
        figures.push(Figure::info(&format!("tls: {}", client.name), line));
        let peak = done.iter().filter_map(|s| s.peak).max();
        if let (0, Some(peak)) = (c, peak) {
            figures.push(Figure::new(
                "tls: socket-fetch peak memory (VmHWM)",
                mib(peak),
                "< 32 MiB",
                Some(peak < PEAK_TARGET),
            ));
        }
    }
    if let [ours, theirs] = &samples[..] {
        let cpu = |s: &Sample| (s.user + s.kernel).as_secs_f64();
        let pairs: Vec<(f64, f64)> = ours
            .iter()
            .zip(theirs)
            .filter_map(|(a, b)| {
                Some((
                    cpu(a.as_ref()?) / cpu(b.as_ref()?),
                    a.as_ref()?.wall.as_secs_f64() / b.as_ref()?.wall.as_secs_f64(),
                ))
            })
            .collect();
        let cpu_ratios: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let wall_ratios: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        if let (Some(cpu), Some(wall)) = (median_f64(&cpu_ratios), median_f64(&wall_ratios)) {
            let met = cpu <= CPU_TARGET;
            figures.push(Figure::new(
                "tls: client CPU (user + kernel), socket-fetch / curl, median of pairs",
                format!("{cpu:.2} (wall {wall:.2})"),
                "≤ 1.10",
                Some(met),
            ));
        }
    }
}
