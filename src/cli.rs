//! Terminal mode: the tutorial's progress lines on stderr, the raw reply on stdout, byte-exact.

use std::io::{self, BufRead, IsTerminal as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, bounded};
use url::Url;

mod flag_error;
mod output;
mod request_flags;
mod terminal_safe;

use crate::demo_server::DemoServer;
use crate::demo_server::tls::DEMO_HOST;
use crate::fetch::limits::{self, Wait};
use crate::fetch::wire::Tally;
use crate::fetch::{
    self, Carried, Event, EventKind, FetchError, InputError, Job, MAX_REDIRECTS, Phase, Redirect, ReplyHead,
    ReplyWriter, RequestProblem, Step, StopRule, Summary, Target, Trust, Version, Worker, certificates_from_pem,
    raw_bytes, redirect_of, url_of,
};
use crate::fetch::{Direction, Place};
use crate::format::ms;
use crate::server_text::one_line;
use crate::teach::hops;
use crate::teach::wire::wire_line;
use crate::teach::{RAW_MODE, UNPROVEN_END, lookup_result, raw_end, secured_line, step_heading, step_text};
use flag_error::FlagError;
use output::Output;
use request_flags::{HeaderFlag, RequestFlags};
use terminal_safe::TerminalSafe;

/// Exit code when the fetch failed (the server, the network, or a cancel).
pub const EXIT_FAILED: u8 = 1;
/// Exit code when the host or port cannot be used; nothing was sent.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when the reply could not be written to stdout or `-o`'s file, as curl's.
pub const EXIT_WRITE_ERROR: u8 = 23;
/// Exit code when a limit on a wait passed (connect, read, the whole fetch): curl's, so scripts
/// written for curl read it the same.
pub const EXIT_TIMED_OUT: u8 = 28;

/// How many events may wait for the terminal: the worker waits when the terminal falls behind,
/// so memory stays flat however large the reply.
const EVENT_QUEUE: usize = 4;

// Each bool is a command-line switch of its own, as clap models them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// The computer to fetch from: a name, an IP address, or a pasted http:// or https:// URL
    /// (https, or port 443, fetches over TLS).
    #[arg(required_unless_present = "demo")]
    pub host: Option<String>,
    /// The port to connect to (web servers use 80). A port in HOST wins over this.
    #[arg(default_value = "80")]
    pub port: String,
    /// Start the built-in demo server and fetch from it (HOST and PORT are then not needed).
    #[arg(long)]
    pub demo: bool,
    /// With --demo: fetch from the demo server's HTTPS address (https://localhost:PORT/), whose
    /// certificate is trusted for this run.
    #[arg(long, requires = "demo")]
    pub https: bool,
    /// Verify the server's certificate against the certificates in this PEM file instead of the
    /// bundled roots, as curl does.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<std::path::PathBuf>,
    /// Do not verify who the server is (unsafe): the connection is encrypted, but to anyone.
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// The path to ask for in the request line. Spaces and non-ASCII letters are percent-encoded as a
    /// browser does; control characters (line breaks, NUL, ...) are refused.
    #[arg(long)]
    pub path: Option<String>,
    /// Seconds to wait for the name lookup, and for the connection to be set up: the server accepting
    /// it and, over HTTPS, the TLS handshake, as curl's (0 = no limit, at most 86400).
    #[arg(long, value_name = "S", default_value = "10", allow_hyphen_values = true, value_parser = |s: &str| limits::wait_from_text(Wait::Connect, s))]
    pub connect_timeout: Duration,
    /// Seconds the server may stay silent before the fetch gives up (0 = no limit, at most 86400).
    #[arg(long, value_name = "S", default_value = "10", allow_hyphen_values = true, value_parser = |s: &str| limits::wait_from_text(Wait::Read, s))]
    pub read_timeout: Duration,
    /// Seconds the whole fetch may take, as curl -m (default and 0: no limit, at most 86400).
    #[arg(short = 'm', long, value_name = "S", default_value = "0", hide_default_value = true, allow_hyphen_values = true, value_parser = |s: &str| limits::wait_from_text(Wait::Whole, s))]
    pub max_time: Duration,
    /// Stop reading after this many bytes (default and 0: no limit; the terminal keeps nothing in memory).
    #[arg(long, value_name = "N", default_value = "0", hide_default_value = true, allow_hyphen_values = true, value_parser = limits::size_from_text)]
    pub max_bytes: u64,
    /// Wait for Enter before each step, and say what comes next.
    #[arg(long)]
    pub step: bool,
    /// Follow redirects, as curl -L does: a 3xx reply with a Location is followed by a fetch of that
    /// address, up to 10 times; every reply goes to stdout, in order.
    #[arg(short = 'L', long, conflicts_with = "raw_request")]
    pub location: bool,
    /// As -L, and the -H Authorization and Cookie headers go to every host of the chain, as curl's
    /// --location-trusted (with -L they go only to the first address's host, port and scheme).
    #[arg(long, conflicts_with = "raw_request")]
    pub location_trusted: bool,
    /// The request's method (GET, HEAD, POST, PUT, DELETE, OPTIONS or any other word), as curl -X.
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// Send HEAD: the reply has a head and no body, as curl -I.
    #[arg(short = 'I', long, conflicts_with_all = ["data", "data_binary"])]
    pub head: bool,
    /// A header to send, 'Name: value' (repeatable); 'Name:' leaves a header out (Host, or one added
    /// for you: Connection, Content-Length, Content-Type), 'Name;' sends it empty, as curl -H.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Send this body (or @FILE without its line breaks) with POST and
    /// Content-Type: application/x-www-form-urlencoded, as curl -d; several are joined with &.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Vec<String>,
    /// As --data, but @FILE is sent byte for byte.
    #[arg(long, value_name = "DATA", conflicts_with = "data")]
    pub data_binary: Vec<String>,
    /// Ask in HTTP/1.1 (with Connection: close, unless -H 'Connection:' leaves it out); HTTP/1.0 by default.
    #[arg(long = "http1.1")]
    pub http11: bool,
    /// Write the reply to FILE, byte for byte, instead of stdout (- is stdout); progress stays on
    /// stderr. FILE is made, or emptied, when the first reply byte comes.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Accepted for curl's sake: the reply's head is always part of the raw reply.
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Raw mode, for any TCP service: send these bytes as typed, with the escapes \r \n \t \\
    /// and \xNN, and read whatever comes back with no HTTP framing.
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["method", "head", "headers", "data", "data_binary", "http11", "path"])]
    pub raw_request: Option<String>,
    /// Raw mode: when to stop reading: hangup (when the server hangs up), quiet=SECONDS (after that
    /// long without a byte) or bytes=N.
    #[arg(long, value_name = "RULE", requires = "raw_request", default_value = "hangup", value_parser = StopRule::parse)]
    pub stop: StopRule,
}

/// Runs one fetch in the terminal. Messages for people go to stderr; only the reply goes to stdout.
pub fn run_fetch(args: &FetchArgs) -> ExitCode {
    let mut demo = None;
    let target = if args.demo {
        match DemoServer::start(0) {
            Ok(server) => {
                let port = server.addr().port();
                eprintln!("# Started the built-in demo server at 127.0.0.1 port {port}");
                let target = if args.https {
                    let port = server.https_addr().port();
                    eprintln!(
                        "# Its HTTPS address: https://{DEMO_HOST}:{port}/ (its certificate is trusted for this run)"
                    );
                    Target::parse(&format!("https://{DEMO_HOST}:{port}/"), "")
                } else {
                    Target::parse("127.0.0.1", &port.to_string())
                };
                demo = Some(server);
                target
            }
            Err(e) => {
                eprintln!("# Could not start the demo server: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        }
    } else {
        Target::parse(args.host.as_deref().unwrap_or_default(), &args.port)
    };
    let mut target = match target {
        Ok(target) => target,
        Err(e) => return bad_input(e),
    };
    if let Some(path) = &args.path {
        match fetch::parse_path(path) {
            Ok(path) => target.path = path,
            Err(e) => return bad_input(e),
        }
    }
    let trust = match trust(args, demo.as_ref()) {
        Ok(trust) => trust,
        Err(e) => {
            eprintln!("# {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let shape = match Shape::from_args(args) {
        Ok(shape) => shape,
        Err(message) => {
            eprintln!("# {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let job_for = |target: Target, via: Option<u16>, carried: Carried| {
        let mut job = Job::new(target);
        match &shape {
            Shape::Http(flags) => {
                job.set_request(flags.spec(&job.target, via, carried).build()?);
                if let Some(note) = flags.left_out_note(carried) {
                    eprintln!("#   {note}");
                }
            }
            Shape::Raw(bytes) => job.set_raw(bytes.clone(), args.stop),
        }
        job.trust = trust.clone();
        job.connect_timeout = args.connect_timeout;
        job.read_timeout = args.read_timeout;
        job.max_time = args.max_time;
        job.max_bytes = args.max_bytes;
        job.step_through = args.step;
        Ok::<_, RequestProblem>(job)
    };
    // A request that cannot be sent is refused before anything is: the first hop's is the one typed.
    if let Err(problem) = job_for(target.clone(), None, Carried::ALL) {
        eprintln!("# {problem}\n# Try: {}", problem.hint());
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    if matches!(shape, Shape::Raw(_)) {
        eprintln!("# {RAW_MODE}");
    }
    let output = match &args.output {
        Some(path) => match Output::file(path) {
            Ok(output) => output,
            Err(message) => {
                eprintln!("# {message}\n# Try: {}", output::HINT);
                return ExitCode::from(EXIT_BAD_INPUT);
            }
        },
        None => Output::stdout(),
    };
    let follow = match (args.location, args.location_trusted) {
        (_, true) => Follow::Trusted,
        (true, false) => Follow::Yes,
        (false, false) => Follow::No,
    };
    let code = fetch_hops(target, job_for, follow, &output);
    drop(demo);
    code
}

/// What to send: an HTTP request shaped by curl's flags, or raw mode's bytes.
enum Shape {
    Http(RequestFlags),
    Raw(Vec<u8>),
}

impl Shape {
    /// Reads the request flags (and the files they name); `Err` is the message for bad input.
    fn from_args(args: &FetchArgs) -> Result<Self, FlagError> {
        if let Some(text) = &args.raw_request {
            return raw_bytes(text).map(Self::Raw).map_err(FlagError::RawRequest);
        }
        let headers = args.headers.iter().map(|h| HeaderFlag::parse(h)).collect::<Result<_, _>>()?;
        let mut body = None;
        let data = args.data.iter().map(|text| (text, false));
        for (n, (text, binary)) in data.chain(args.data_binary.iter().map(|text| (text, true))).enumerate() {
            let body = body.get_or_insert_with(Vec::new);
            if n > 0 {
                body.push(b'&');
            }
            request_flags::add_data(body, text, binary)?;
        }
        let body = body.map(Arc::new);
        let method = args.method.clone().or_else(|| args.head.then(|| "HEAD".to_owned()));
        let version = if args.http11 { Version::Http11 } else { Version::Http10 };
        Ok(Self::Http(RequestFlags { method, version, headers, body }))
    }
}

/// The certificates an HTTPS fetch trusts: `-k` none, `--cacert` that file's, else the bundled roots
/// (and the demo server's authority, when it runs).
fn trust(args: &FetchArgs, demo: Option<&DemoServer>) -> Result<Trust, FlagError> {
    if args.insecure {
        return Ok(Trust::Insecure);
    }
    if let Some(path) = &args.cacert {
        let pem = std::fs::read(path).map_err(|error| FlagError::CaCertUnreadable { path: path.clone(), error })?;
        return certificates_from_pem(&pem)
            .map(Trust::Only)
            .map_err(|problem| FlagError::CaCertNoCertificates { path: path.clone(), problem });
    }
    Ok(demo.map_or(Trust::Bundled, |demo| Trust::BundledAnd(vec![demo.ca().clone()])))
}

/// Says why the input cannot be used and what to try; nothing was sent.
fn bad_input(e: InputError) -> ExitCode {
    let error = FetchError::from(e);
    eprintln!("# {error}\n# Try: {}", error.hint(Place::Terminal));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Whether redirects are followed: `-L`, or `--location-trusted`, which sends the credentials on too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Follow {
    No,
    Yes,
    Trusted,
}

/// How one hop ended.
enum Ended {
    /// The fetch failed, or the events stopped: the chain ends with this code.
    Failed(ExitCode),
    /// The reply arrived; its head, when it had one that could be read.
    Done(Option<ReplyHead>),
}

/// Fetches `target` and, with `follow`, each address its replies redirect to, as curl -L does: every
/// reply goes to stdout in order, and the chain stops at a loop or after [`MAX_REDIRECTS`] redirects.
/// `job_for` makes each hop's job from its target, the status of the redirect that led there, and
/// which of the typed headers it may carry.
fn fetch_hops(
    mut target: Target,
    job_for: impl Fn(Target, Option<u16>, Carried) -> Result<Job, RequestProblem>,
    follow: Follow,
    output: &Output,
) -> ExitCode {
    let first = target.clone();
    let (events_tx, events) = bounded(EVENT_QUEUE);
    // To a file or a pipe, the reply goes straight from the worker's reads to stdout (or -o's
    // file), on the worker's thread: that is what keeps pace with curl. In front of a person, this
    // thread writes the reply and the progress lines both, so they reach the terminal in the order
    // they happened.
    let on_terminal = output.is_stdout() && io::stdout().is_terminal();
    let started = if on_terminal {
        Worker::spawn(events_tx, Arc::new(|| {}))
    } else {
        Worker::spawn_writing(events_tx, Arc::new(|| {}), output.writer(raw_stdout))
    };
    let mut worker = match started {
        Ok(worker) => worker,
        Err(e) => {
            eprintln!("# Could not start the worker thread: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // Every address fetched so far, to tell a loop: the first hop's is at index 0.
    let mut fetched: Vec<Url> = Vec::new();
    // The status of the redirect that led to this hop: a POST then becomes a GET, as in curl.
    let mut via = None;
    loop {
        fetched.extend(url_of(&target).ok());
        let out = on_terminal.then(|| output.writer(raw_stdout));
        let carried = Carried::to(&first, &target, follow == Follow::Trusted);
        let job = match job_for(target.clone(), via, carried) {
            Ok(job) => job,
            Err(problem) => {
                eprintln!("# {problem}\n# Try: {}", problem.hint());
                return ExitCode::from(EXIT_FAILED);
            }
        };
        let head = match stream_job(&mut worker, &events, out, job, output) {
            Ended::Failed(code) => return code,
            Ended::Done(head) => head,
        };
        via = head.as_ref().map(|head| head.status);
        let Some(redirect) = head.and_then(|head| redirect_of(&head, &target)) else {
            return ExitCode::SUCCESS;
        };
        let (url, next) = match redirect {
            Redirect::Follow { url, target, leaves_tls } => {
                // Said whether or not it is followed: -L goes on, as curl does, and this is the warning.
                if leaves_tls {
                    eprintln!("# {}", hops::leaves_tls_text(&url));
                }
                (url, target)
            }
            other @ Redirect::Unusable { .. } => {
                // Said whether or not -L was given: the reply is there, the next address is not.
                eprintln!("# {}", hops::not_followed(&other).unwrap_or_default());
                return if follow == Follow::No { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) };
            }
        };
        if follow == Follow::No {
            eprintln!("# {}", hops::follow_hint(&url));
            return ExitCode::SUCCESS;
        }
        let stop = if let Some(seen) = fetched.iter().position(|u| *u == url) {
            Some(hops::loop_message(&url, seen + 1))
        } else if fetched.len() > MAX_REDIRECTS {
            Some(hops::too_many_message(&url))
        } else {
            None
        };
        if let Some(stop) = stop {
            eprintln!("# {stop}\n# Try: {}", hops::CHAIN_HINT);
            return ExitCode::from(EXIT_FAILED);
        }
        let from = fetched.last().map_or_else(|| url.clone(), Clone::clone);
        eprintln!("# hop {}: {}", fetched.len() + 1, hops::hop_text(&from, &url));
        target = next;
    }
}

/// Runs one job: progress on stderr, the reply on stdout (written here when `out` is given, else by
/// the worker).
fn stream_job(
    worker: &mut Worker,
    events: &Receiver<Event>,
    mut out: Option<ReplyWriter>,
    job: Job,
    output: &Output,
) -> Ended {
    let host = job.target.host.clone();
    let tls = job.target.secure;
    let id = worker.fetch(job);
    let mut stdin = io::stdin().lock();
    let mut head = None;
    let mut wire = [Tally::default(); 2];
    for event in events {
        match event.kind {
            EventKind::Wire(records) => {
                for record in &records {
                    wire[record.direction as usize].add(record);
                }
            }
            EventKind::Paused { next } => {
                eprint!("# {}\n#   Press Enter to go on. ", step_text(next).next);
                if wait_for_enter(&mut stdin) {
                    if !stdin.is_terminal() {
                        eprintln!(); // a terminal echoes the Enter; piped input does not
                    }
                    worker.next(id);
                } else {
                    eprintln!("\n# The input was closed, so the fetch stops before this step.");
                    worker.cancel(id);
                }
            }
            EventKind::Received { chunk, .. } => {
                if out.as_mut().is_some_and(|out| out.write_all(&chunk).is_err()) {
                    // The terminal went away: stop fetching what nobody reads; `output` tells it.
                    out = None;
                    worker.cancel(id);
                }
            }
            EventKind::Finished(summary) => {
                // Dropping the writer shows a character the reply left unfinished.
                drop(out);
                if wire.iter().any(|tally| tally.count > 0) {
                    eprintln!(
                        "# {}",
                        wire_line(tls, wire[Direction::Sent as usize], wire[Direction::Received as usize])
                    );
                }
                return match finish(&summary, output) {
                    None => Ended::Done(head),
                    Some(code) => Ended::Failed(code),
                };
            }
            kind @ (EventKind::Started { .. }
            | EventKind::StepStarted(_)
            | EventKind::Resolved { .. }
            | EventKind::Connecting { .. }
            | EventKind::AttemptFailed { .. }
            | EventKind::Connected { .. }
            | EventKind::Secured(_)
            | EventKind::UnprovenEnd
            | EventKind::Sent { .. }
            | EventKind::Head(_)
            | EventKind::ReplyComplete { .. }
            | EventKind::RawEnd { .. }
            | EventKind::HeadUnreadable { .. }
            | EventKind::StepDone { .. }) => {
                progress_line(&host, tls, &kind);
                if let EventKind::Head(reply_head) = kind {
                    head = Some(reply_head);
                }
            }
        }
    }
    eprintln!("# The worker stopped without finishing the fetch.");
    Ended::Failed(ExitCode::from(EXIT_FAILED))
}

/// Stdout without Rust's line buffering, which would split binary replies at every newline; each
/// read goes out in one write; in front of a terminal, with the bytes a terminal would obey shown
/// escaped instead ([`TerminalSafe`]). `Send`, as the worker thread writes to it.
fn raw_stdout() -> ReplyWriter {
    let raw = unbuffered_stdout();
    if io::stdout().is_terminal() {
        Box::new(TerminalSafe::new(raw, Box::new(|| eprintln!("# {TERMINAL_NOTE}"))))
    } else {
        raw
    }
}

/// Said on stderr when the first byte of a reply is shown escaped in a terminal.
pub const TERMINAL_NOTE: &str = "Bytes of the reply that would command the terminal (escape sequences, other control bytes, bytes that are not text) are shown as \\xNN, and each backslash as \\\\, as the window's Copy reply does. For the raw bytes, send the reply to a file (> reply.bin) or a pipe (| xxd).";

fn unbuffered_stdout() -> ReplyWriter {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(io::stdout())
}

fn progress_line(host: &str, tls: bool, kind: &EventKind) {
    match kind {
        // Connect's line names the address, so it is printed per attempt.
        EventKind::StepStarted(step) if *step != Step::Connect => eprintln!("# {}", step.tutorial_line()),
        EventKind::Resolved { addresses } => eprintln!("#   {}", lookup_result(host, addresses)),
        EventKind::Connecting { address, attempt, of } => {
            let n = if *of > 1 { format!(" (address {attempt} of {of})") } else { String::new() };
            eprintln!("# Establishing connection to {host} at IP: {} port {}{n}", address.ip(), address.port());
        }
        EventKind::AttemptFailed { error, .. } => eprintln!("#   {error}"),
        EventKind::Connected { local, .. } => eprintln!("#   connected, from {local}"),
        EventKind::Secured(agreed) => eprintln!("#   {}", secured_line(agreed)),
        EventKind::UnprovenEnd => eprintln!("#   {UNPROVEN_END}"),
        EventKind::Sent { bytes } => eprintln!("#   sent {bytes} bytes"),
        EventKind::Head(head) => {
            let which = if head.is_interim() { "interim reply (the real one follows)" } else { "reply" };
            eprintln!("#   {which}: {} {}", head.status, one_line(&head.reason));
            if let Some(problem) = &head.length_problem {
                eprintln!("#   its length cannot be used: {problem}; the reply ends when the server hangs up");
            }
        }
        EventKind::HeadUnreadable { problem } => eprintln!("#   this reply is not ordinary HTTP: {problem}"),
        EventKind::ReplyComplete { extra, line_open } => {
            if *line_open {
                eprintln!("#   the reply is complete; the server kept the line open, so socket-fetch hung up");
            }
            if *extra > 0 {
                let unit = if *extra == 1 { "byte" } else { "bytes" };
                eprintln!("#   {extra} more {unit} came after the reply; kept in the output");
            }
        }
        EventKind::RawEnd { by } => eprintln!("#   {}", raw_end(*by)),
        EventKind::StepDone { step, took } => eprintln!("#   {} — done in {}", step_heading(*step, tls), ms(*took)),
        EventKind::StepStarted(_)
        | EventKind::Started { .. }
        | EventKind::Received { .. }
        | EventKind::Wire(_)
        | EventKind::Paused { .. }
        | EventKind::Finished(_) => {}
    }
}

/// Prints how the fetch went; the exit code when it failed. A failed write to stdout or `-o`'s file
/// is what stopped the fetch, whatever the summary says.
fn finish(summary: &Summary, output: &Output) -> Option<ExitCode> {
    let t = &summary.timings;
    let until = |phase| t.until_end_of(phase).map_or_else(|| "-".to_owned(), ms);
    // curl's time_appconnect: the end of the TLS handshake, only when there was one.
    let handshake = t.until_end_of(Phase::Handshake).map(|end| format!(", handshake {}", ms(end))).unwrap_or_default();
    eprintln!(
        "# {} bytes received. time: resolve {}, connect {}{handshake}, first byte {}, total {}",
        summary.received,
        until(Phase::Resolve),
        until(Phase::Connect),
        until(Phase::Wait),
        ms(t.total)
    );
    if let Some(problem) = output.write_error() {
        eprintln!("# {problem}");
        return Some(ExitCode::from(EXIT_WRITE_ERROR));
    }
    if let Some(saved) = output.saved_line() {
        eprintln!("# {saved}");
    }
    let error = summary.error.as_ref()?;
    eprintln!("# Failed: {error}\n# Try: {}", error.hint(Place::Terminal));
    Some(ExitCode::from(if error.is_timeout() { EXIT_TIMED_OUT } else { EXIT_FAILED }))
}

/// Runs the demo server until the process is stopped; with `ca_out`, writes its certificate
/// authority there first (PEM), for curl's `--cacert` or socket-fetch's own.
pub fn serve_demo(port: u16, ca_out: Option<&std::path::Path>) -> ExitCode {
    match DemoServer::start(port) {
        Ok(server) => {
            let addr = server.addr();
            let https = server.https_addr().port();
            eprintln!("# Demo server at http://{addr}/ and https://{DEMO_HOST}:{https}/  (stop it with Ctrl+C)");
            if let Some(path) = ca_out {
                if let Err(e) = std::fs::write(path, server.ca_pem()) {
                    eprintln!("# Could not write the certificate authority to {}: {e}", path.display());
                    return ExitCode::from(EXIT_FAILED);
                }
                eprintln!("# Its certificate authority is in {} (for --cacert)", path.display());
            }
            eprintln!("# Try: socket-fetch fetch 127.0.0.1 {}", addr.port());
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("# Could not start the demo server on port {port}: {e}");
            eprintln!("# Try: another port, or leave out --port to let the system pick a free one.");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Step mode: true once Enter is pressed, false when the input is closed.
fn wait_for_enter(input: &mut impl BufRead) -> bool {
    let mut line = String::new();
    matches!(input.read_line(&mut line), Ok(n) if n > 0)
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: FetchArgs,
    }

    #[test]
    fn the_terminal_defaults_are_the_engine_defaults() {
        let Ok(cli) = Cli::try_parse_from(["socket-fetch", "example.invalid"]) else { panic!("parses") };
        assert_eq!(cli.args.connect_timeout, fetch::DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(cli.args.read_timeout, fetch::DEFAULT_READ_TIMEOUT);
        assert_eq!(cli.args.max_time, limits::NO_WAIT_LIMIT);
        assert_eq!(cli.args.max_bytes, limits::NO_SIZE_LIMIT);
    }
}
