//! Arguments only: open the window, or run the same engine in the terminal.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_fetch::cli;

/// Watch a web browser's fetch happen over a raw TCP socket, step by step.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch in the terminal: progress on stderr, the raw reply on stdout.
    Fetch(cli::FetchArgs),
    /// Run the built-in demo web server on 127.0.0.1 until stopped.
    ServeDemo {
        /// The port to listen on; by default the system picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

fn main() -> ExitCode {
    match Args::parse().command {
        Some(Command::Fetch(args)) => cli::run_fetch(&args),
        Some(Command::ServeDemo { port }) => cli::serve_demo(port),
        None => {
            eprintln!("socket-fetch: the window is not built yet; use `socket-fetch fetch --demo`.");
            ExitCode::FAILURE
        }
    }
}
