//! Arguments only: open the window, or run the same engine in the terminal.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use socket_fetch::fetch::{Step, Target};
use socket_fetch::{cli, ui};

/// Watch a web browser's fetch happen over a raw TCP socket, step by step.
///
/// With no subcommand, opens the window.
#[derive(Parser)]
#[command(version, about)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches, not a state machine
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Window: the host to fill in (a name, an address, or a pasted http:// URL).
    #[arg(long)]
    host: Option<String>,
    /// Window: the port to fill in.
    #[arg(long)]
    port: Option<String>,
    /// Window: start the built-in demo server and fill in its address.
    #[arg(long)]
    demo: bool,
    /// Window: tick "Secure (HTTPS)"; with --demo, fill in the demo server's https address.
    #[arg(long)]
    https: bool,
    /// Window: fetch as soon as the window opens.
    #[arg(long)]
    fetch: bool,
    /// Window: fetch, save the window as a PNG here when the fetch has ended, and exit.
    #[arg(long, value_name = "FILE")]
    screenshot: Option<PathBuf>,
    /// Window: tick "Pause before each step".
    #[arg(long)]
    step_through: bool,
    /// Window, with --screenshot and --step-through: take it while paused before this step
    /// (1 = socket ... 5 = receive; 6 over https, whose step 4 is the handshake), pressing Next up to there.
    #[arg(long, value_name = "STEP", value_parser = clap::value_parser!(u8).range(1..=6))]
    pause_at: Option<u8>,
    /// Window: the tab to show beside the steps.
    #[arg(long, value_enum)]
    tab: Option<ui::Tab>,
    /// Window: show the raw reply or, when the reply is chunked or compressed, its decoded body.
    #[arg(long, value_enum)]
    body: Option<ui::Body>,
    /// Window: show the reply in hex (offset, 16 bytes in hex, the same bytes as text).
    #[arg(long)]
    hex: bool,
    /// Window: light or dark (a light theme often reads better on a projector); by default the
    /// system's, or the one picked last time.
    #[arg(long, value_enum)]
    theme: Option<ui::Theme>,
    /// Window: start at this zoom (2 is 200 %, from 0.5 to 4), instead of the one remembered from
    /// last time; screenshots are taken at 100 % unless this is given.
    #[arg(long, value_name = "FACTOR", value_parser = ui::parse_zoom)]
    zoom: Option<f32>,
    /// Window: start in the presenter view (the steps and the explanation only, in large text).
    #[arg(long)]
    presenter: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch in the terminal: progress on stderr, the raw reply on stdout.
    Fetch(Box<cli::FetchArgs>),
    /// Run the built-in demo web server on 127.0.0.1 until stopped.
    ServeDemo {
        /// The port to listen on; by default the system picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Write the certificate authority of its HTTPS side to this file (PEM), for curl's --cacert.
        #[arg(long, value_name = "FILE")]
        ca_out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::Fetch(fetch)) => cli::run_fetch(&fetch),
        Some(Command::ServeDemo { port, ca_out }) => cli::serve_demo(port, ca_out.as_deref()),
        None => match open_window(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // `{:#}`: each context, then the cause it wraps, on one line.
                eprintln!("socket-fetch: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs the window until it is closed; with `--screenshot`, fails unless the picture was saved.
fn open_window(args: Args) -> anyhow::Result<()> {
    // The steps are numbered as the fetch the form will run shows them: six over https.
    let tls = args.https
        || Target::parse(args.host.as_deref().unwrap_or_default(), args.port.as_deref().unwrap_or_default())
            .is_ok_and(|target| target.secure);
    let steps = Step::of_fetch(tls);
    let pause_at = match args.pause_at {
        Some(n) => match steps.get(usize::from(n) - 1) {
            Some(step) => Some(*step),
            None => bail!("--pause-at {n}: this fetch has {} steps", steps.len()),
        },
        None => None,
    };
    let options = ui::StartOptions {
        host: args.host,
        port: args.port,
        demo: args.demo,
        https: args.https,
        fetch_now: args.fetch,
        screenshot: args.screenshot,
        step_through: args.step_through || args.pause_at.is_some(),
        pause_at,
        tab: args.tab,
        body: args.body,
        hex: args.hex,
        limits: None,
        theme: args.theme,
        zoom: args.zoom,
        presenter: args.presenter,
        x11_clipboard: false, // decided when the window opens
        history_dir: None,    // the data folder, chosen when the window opens
    };
    let screenshot = options.screenshot.clone();
    if let Some(path) = &screenshot {
        // A file left from an earlier run must not pass for this run's screenshot.
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(e)
                    .with_context(|| format!("an earlier screenshot, {}, could not be removed", path.display()));
            }
            _ => {}
        }
    }
    if let Err(e) = ui::run_window(options) {
        // eframe's error cannot cross threads, as anyhow's context needs: its text is taken instead.
        bail!(
            "the window could not open: {e}\nTry: the terminal mode, `socket-fetch fetch --demo`, which needs no display."
        );
    }
    if let Some(path) = screenshot.filter(|path| !path.exists()) {
        bail!("the window closed without saving the screenshot to {}", path.display());
    }
    Ok(())
}
