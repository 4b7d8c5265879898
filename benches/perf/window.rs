//! The window, headless: the real [`SocketFetchApp`] drawn by a plain `egui::Context` at 1280×800.
//! A frame's time is `ctx.run_ui` (the app's whole UI, layout included) plus `ctx.tessellate`;
//! nothing is rendered (no GPU), so a real window adds its painting on top.
//!
//! Frames are paced at 60 Hz, as a window's are, so time-based things (egui's smooth scrolling, the
//! worker's events arriving between frames) behave as on screen. Widgets (the reply's scroll bar, the
//! Fetch button, the rows in view) are found through egui's AccessKit tree, which is switched on only
//! for those look-up frames and never for a timed one.

use std::thread;
use std::time::{Duration, Instant};

use egui::accesskit::{Node, Role};
use egui::{Event, Key, Modifiers, MouseWheelSource, MouseWheelUnit, PointerButton, Pos2, RawInput, Rect, TouchPhase};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::FetchError;
use socket_fetch::ui::{Limits, SocketFetchApp, StartOptions, StepState};

use crate::{Figure, median, mib, ms, quantile, vm_hwm, vm_rss_self};

const SIZE: [f32; 2] = [1280.0, 800.0];
const FRAME: Duration = Duration::from_micros(16_667);
/// No fetch in this bench may take longer.
const FETCH_LIMIT: Duration = Duration::from_mins(1);
const WHEEL_FRAMES: usize = 300;
/// Scroll-bar jumps (press, release and one more frame each), to these fractions of the reply.
const JUMPS: [f32; 10] = [0.5, 0.25, 0.75, 0.1, 0.9, 0.5, 0.33, 0.66, 0.05, 0.5];
const CLICK_TRIALS: usize = 5;
const CANCEL_TRIALS: usize = 3;

/// The app and the egui context that draws it.
struct Window {
    ctx: egui::Context,
    app: SocketFetchApp,
    born: Instant,
    next_frame: Instant,
    /// The AccessKit nodes of the last frame, when it was a look-up frame.
    nodes: Vec<Node>,
}

impl Window {
    fn new(options: StartOptions) -> Self {
        let now = Instant::now();
        Self {
            ctx: egui::Context::default(),
            app: SocketFetchApp::new(None, options),
            born: now,
            next_frame: now,
            nodes: Vec::new(),
        }
    }

    /// Waits for the next 60 Hz tick, then runs one frame; its layout + tessellation time.
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        let now = Instant::now();
        if self.next_frame > now {
            thread::sleep(self.next_frame - now);
        }
        self.next_frame = Instant::now() + FRAME;
        self.frame_now(events)
    }

    fn frame_now(&mut self, events: Vec<Event>) -> Duration {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE.into())),
            time: Some(self.born.elapsed().as_secs_f64()),
            predicted_dt: FRAME.as_secs_f32(),
            events,
            ..RawInput::default()
        };
        let start = Instant::now();
        let app = &mut self.app;
        let output = self.ctx.run_ui(input, |ui| app.ui(ui));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let took = start.elapsed();
        std::hint::black_box(primitives);
        self.nodes = output
            .platform_output
            .accesskit_update
            .map(|u| u.nodes.into_iter().map(|(_, n)| n).collect())
            .unwrap_or_default();
        took
    }

    /// [`Self::frame`], with the CPU time this thread spent on it besides the time it took: on a
    /// machine whose cores are busy with other work, a frame also waits for a core, which the
    /// CPU time leaves out.
    fn timed(&mut self, events: Vec<Event>) -> Times {
        let before = thread_cpu();
        let wall = self.frame(events);
        Times { wall, cpu: thread_cpu().saturating_sub(before) }
    }

    /// One untimed frame with the AccessKit tree on; its nodes.
    fn look(&mut self) -> &[Node] {
        self.ctx.enable_accesskit();
        self.frame(Vec::new());
        self.ctx.disable_accesskit();
        &self.nodes
    }

    fn running(&self) -> bool {
        self.app.view().is_some_and(|v| v.is_running())
    }

    /// Frames until `done`, within [`FETCH_LIMIT`]; the frame times, the last being the frame after
    /// which `done` first held. `None` on time-out.
    fn frames_until(&mut self, done: impl Fn(&SocketFetchApp) -> bool) -> Option<Vec<Duration>> {
        let start = Instant::now();
        let mut times = Vec::new();
        while start.elapsed() < FETCH_LIMIT {
            times.push(self.frame(Vec::new()));
            if done(&self.app) {
                return Some(times);
            }
        }
        None
    }
}

/// A frame's time, and the CPU time its thread spent on it (which does not count waiting for a core).
#[derive(Debug, Clone, Copy)]
struct Times {
    wall: Duration,
    cpu: Duration,
}

fn walls(times: &[Times]) -> Vec<Duration> {
    times.iter().map(|t| t.wall).collect()
}

fn cpus(times: &[Times]) -> Vec<Duration> {
    times.iter().map(|t| t.cpu).collect()
}

/// The CPU time this thread has run, from `/proc/thread-self/schedstat` (nanoseconds); zero where
/// that cannot be read.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|ns| ns.parse().ok()))
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn rect(node: &Node) -> Option<Rect> {
    node.bounds().map(|b| {
        #[allow(clippy::cast_possible_truncation)] // screen coordinates: f32 is what egui uses
        let r = Rect::from_min_max(Pos2::new(b.x0 as f32, b.y0 as f32), Pos2::new(b.x1 as f32, b.y1 as f32));
        r
    })
}

fn text(node: &Node) -> Option<&str> {
    node.label().or_else(|| node.value())
}

/// How the rows of the view measured are told apart in the AccessKit tree.
#[derive(Debug, Clone, Copy)]
enum RowLabels {
    /// The text view: row numbers right-aligned to this many digits.
    Numbers(usize),
    /// The hex view: each row's offset a label of its own, in this many hex digits.
    Offsets(usize),
}

impl RowLabels {
    /// The row number (from 1) a node's label gives, if it is a row's.
    fn number(self, node: &Node) -> Option<u64> {
        match self {
            Self::Numbers(digits) => row_number(node, digits),
            Self::Offsets(digits) => {
                let t = text(node)?;
                let hex = t.len() == digits && t.bytes().all(|b| b.is_ascii_hexdigit());
                hex.then(|| u64::from_str_radix(t, 16).ok()).flatten().map(|offset| offset / 16 + 1)
            }
        }
    }
}

/// The reply's row number in a row's label: the number right-aligned to `digits`, then either
/// nothing but spaces (a label of its own) or two spaces and the row's text (one label per row).
fn row_number(node: &Node, digits: usize) -> Option<u64> {
    let t = text(node)?;
    let (number, rest) = (t.get(..digits)?, t.get(digits..)?);
    let own_label = rest.bytes().all(|b| b == b' ');
    if !(own_label || rest.starts_with("  ")) || !number.bytes().all(|b| b == b' ' || b.is_ascii_digit()) {
        return None;
    }
    number.trim_start().parse().ok()
}

/// The reply's area and its vertical scroll bar: the nearest vertical scroll bar right of row 1.
fn reply_area(nodes: &[Node], rows: RowLabels) -> Option<(Rect, Rect)> {
    let row = nodes.iter().find(|n| rows.number(n) == Some(1)).and_then(rect)?;
    let bar = nodes
        .iter()
        .filter(|n| n.role() == Role::ScrollBar)
        .filter_map(rect)
        .filter(|r| r.height() > r.width() && r.left() > row.left() + 50.0 && r.y_range().contains(row.center().y))
        .min_by(|a, b| a.left().total_cmp(&b.left()))?;
    Some((Rect::from_x_y_ranges(row.left()..=bar.left(), bar.y_range()), bar))
}

/// The first and last of the reply's row numbers on screen.
fn rows_in_view(nodes: &[Node], area: Rect, labels: RowLabels) -> Option<(u64, u64)> {
    let rows: Vec<u64> = nodes
        .iter()
        .filter(|n| rect(n).is_some_and(|r| area.contains(Pos2::new(area.left() + 1.0, r.center().y))))
        .filter_map(|n| labels.number(n))
        .collect();
    Some((*rows.iter().min()?, *rows.iter().max()?))
}

fn stats(name: &str, times: &[Times]) -> String {
    let line = |times: &[Duration]| {
        let pick = |q| quantile(times, q).map_or_else(|| "-".to_owned(), ms);
        format!("median {}, p95 {}, max {}", pick(0.5), pick(0.95), pick(1.0))
    };
    let line = format!("{} over {} frames (CPU time: {})", line(&walls(times)), times.len(), line(&cpus(times)));
    println!("| {name}: {line}");
    line
}

fn press(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers: Modifiers::NONE }
}

pub fn run(figures: &mut Vec<Figure>) {
    if let Ok(shape) = std::env::var(SHAPE_ENV) {
        // A child started by `shapes`: measure that shape alone, print, and leave the summary to the parent.
        shape_child(&shape);
        std::process::exit(0);
    }
    println!("== window: the real app headless (egui::Context at 1280x800, layout + tessellation, no GPU) ==");
    let server = match DemoServer::start(0) {
        Ok(server) => server,
        Err(e) => {
            println!("the demo server could not start: {e}");
            figures.push(Figure::new("window", format!("not measured: demo server failed: {e}"), "", Some(false)));
            return;
        }
    };
    let port = server.addr().port().to_string();
    shapes(figures);
    click_to_first_step(&port, figures);
    cancel_to_stopped(&port, figures);
    https_beside_http(&server, figures);
}

/// The body fetched over HTTPS and over HTTP into the window, from the demo server (16 KiB records).
const SIDE_BY_SIDE_BODY: u64 = 256 * 1024 * 1024;
const SIDE_BY_SIDE_RUNS: usize = 3;

/// 256 MiB into the window over HTTPS beside the same over HTTP, runs alternating: HTTPS takes its
/// decrypted bytes in chunks as large as HTTP's, so it may take at most 1.5 times as long (medians).
fn https_beside_http(server: &DemoServer, figures: &mut Vec<Figure>) {
    let name = "window, 256 MiB over HTTPS beside HTTP";
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..SIDE_BY_SIDE_RUNS {
        for (secure, runs) in [false, true].into_iter().zip(&mut times) {
            let Some(took) = fetch_into_window(server, secure) else {
                figures.push(Figure::new(name, "not measured: a fetch failed".to_owned(), "", Some(false)));
                return;
            };
            runs.push(took);
        }
    }
    let [http, https] = times.map(|runs| median(&runs).unwrap_or_default());
    let ratio = https.as_secs_f64() / http.as_secs_f64().max(f64::EPSILON);
    println!("| 256 MiB into the window: HTTP {}, HTTPS {} (medians of {SIDE_BY_SIDE_RUNS})", ms(http), ms(https));
    figures.push(Figure::new(
        name,
        format!("HTTPS {} = {ratio:.2} x HTTP {}", ms(https), ms(http)),
        "<= 1.5 x",
        Some(ratio <= 1.5),
    ));
}

/// Fetches [`SIDE_BY_SIDE_BODY`] bytes from `server` into a fresh window, frame by frame; how long
/// until the fetch ended, or `None` when it failed or took too long.
fn fetch_into_window(server: &DemoServer, secure: bool) -> Option<Duration> {
    let (scheme, addr) = if secure { ("https", server.https_addr()) } else { ("http", server.addr()) };
    let options = StartOptions {
        host: Some(format!("{scheme}://localhost:{}/bytes/{SIDE_BY_SIDE_BODY}", addr.port())),
        fetch_now: true,
        // The demo server's authority is the window's own only when it started the server; the
        // encryption is the same either way.
        limits: Some(Limits { max_mib: 512, skip_cert_check: true, ..Limits::default() }),
        ..StartOptions::default()
    };
    let mut window = Window::new(options);
    let start = Instant::now();
    window.frames_until(|app| app.view().is_some_and(|v| !v.is_running()))?;
    let took = start.elapsed();
    let view = window.app.view()?;
    (view.error().is_none() && view.received() > SIDE_BY_SIDE_BODY).then_some(took)
}

/// The shapes of reply the window must hold at the keep limit, each the worst case of something:
/// rows (all newlines), escapes (all `0x80`, four characters a byte), long rows, ordinary rows,
/// and bytes with no shape at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Newlines,
    Continuation,
    Lines64K,
    Lines1K,
    Random,
}

impl Shape {
    const ALL: [Self; 5] = [Self::Newlines, Self::Continuation, Self::Lines64K, Self::Lines1K, Self::Random];

    fn name(self) -> &'static str {
        match self {
            Self::Newlines => "all \\n",
            Self::Continuation => "all 0x80",
            Self::Lines64K => "64 KiB lines",
            Self::Lines1K => "1 KiB lines",
            Self::Random => "random bytes",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Newlines => "newlines",
            Self::Continuation => "x80",
            Self::Lines64K => "lines-64k",
            Self::Lines1K => "lines-1k",
            Self::Random => "random",
        }
    }

    /// Fills `block`, which starts `offset` bytes into the body.
    fn fill(self, block: &mut [u8], offset: u64, random: &mut u64) {
        let lines = |block: &mut [u8], len: u64| {
            for (i, b) in block.iter_mut().enumerate() {
                let at = offset + i as u64;
                // Letters, so the rows are text; the last byte of each line its newline.
                *b = if at % len == len - 1 { b'\n' } else { b'a' + (at % 26) as u8 };
            }
        };
        match self {
            Self::Newlines => block.fill(b'\n'),
            Self::Continuation => block.fill(0x80),
            Self::Lines64K => lines(block, 64 * 1024),
            Self::Lines1K => lines(block, 1024),
            Self::Random => {
                for word in block.chunks_mut(8) {
                    // xorshift64*: fast, and no pattern a row index could take advantage of.
                    *random ^= *random >> 12;
                    *random ^= *random << 25;
                    *random ^= *random >> 27;
                    let bytes = random.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
                    word.copy_from_slice(&bytes[..word.len()]);
                }
            }
        }
    }
}

/// The view a run measures the reply in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Text,
    /// The hex view: 16 bytes a row, whatever the shape; measured with random bytes, whose text
    /// column changes most between printable and not.
    Hex,
}

/// One child's measurement: a shape of reply, in a view.
#[derive(Debug, Clone, Copy)]
struct Run {
    shape: Shape,
    view: View,
}

impl Run {
    /// Every shape in the text view, then random bytes in the hex view.
    fn all() -> impl Iterator<Item = Self> {
        let text = Shape::ALL.into_iter().map(|shape| Self { shape, view: View::Text });
        text.chain([Self { shape: Shape::Random, view: View::Hex }])
    }

    fn name(self) -> String {
        match self.view {
            View::Text => self.shape.name().to_owned(),
            View::Hex => format!("{}, hex view", self.shape.name()),
        }
    }

    fn key(self) -> String {
        match self.view {
            View::Text => self.shape.key().to_owned(),
            View::Hex => format!("{}-hex", self.shape.key()),
        }
    }
}

/// The environment variable that makes this bench a child that measures one shape.
const SHAPE_ENV: &str = "SOCKET_FETCH_BENCH_SHAPE";
/// The reply of each shape: the window's keep limit (head included).
const SHAPE_REPLY: u64 = socket_fetch::fetch::DEFAULT_MAX_BYTES;
/// A child may use no more address space than this, so a store that runs away cannot take the
/// machine's memory from everyone else.
const CHILD_ADDRESS_SPACE: u64 = 8 * 1024 * 1024 * 1024;
/// Typed into the Host field every this many frames while the reply streams in.
const TYPE_EVERY: usize = 6;
const SHAPE_HEAD: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";

/// Each shape in a child process of its own, so each has its own peak memory (`VmHWM` counts from
/// the child's start: fonts, server and all); a table of their figures at the end.
fn shapes(figures: &mut Vec<Figure>) {
    let Ok(exe) = std::env::current_exe() else {
        figures.push(Figure::new(
            "window: reply shapes",
            "this bench's own path is unknown".to_owned(),
            "",
            Some(false),
        ));
        return;
    };
    println!(
        "reply shapes at the keep limit ({}), each in a child process (address space capped at {}):",
        mib(SHAPE_REPLY),
        mib(CHILD_ADDRESS_SPACE)
    );
    let mut table = Vec::new();
    for run in Run::all() {
        println!("{}:", run.name());
        let output = std::process::Command::new("prlimit")
            .arg(format!("--as={CHILD_ADDRESS_SPACE}"))
            .arg("--")
            .arg(&exe)
            .args(["--bench", "window"])
            .env(SHAPE_ENV, run.key())
            .stderr(std::process::Stdio::inherit())
            .output();
        let output = match output {
            Ok(output) => output,
            Err(e) => {
                println!("  the child could not start (prlimit: {e})");
                figures.push(Figure::new(&format!("window, {}", run.name()), format!("not run: {e}"), "", Some(false)));
                continue;
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut cells = None;
        for line in stdout.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["FIGURE", met, name, value, target] => {
                    let met = match *met {
                        "ok" => Some(true),
                        "miss" => Some(false),
                        _ => None,
                    };
                    figures.push(Figure::new(name, (*value).to_owned(), target, met));
                }
                ["TABLE", rest @ ..] => cells = Some(rest.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()),
                _ if line.starts_with("| ") => println!("  {}", &line[2..]),
                _ => {}
            }
        }
        if !output.status.success() {
            println!("  the child ended with {} (out of memory under the cap, or a panic)", output.status);
            figures.push(Figure::new(
                &format!("window, {}: the run", run.name()),
                format!("the child ended with {}", output.status),
                "ends normally",
                Some(false),
            ));
        }
        table.push((run, cells));
    }
    println!();
    println!(
        "window figures per reply shape ({} each; layout + tessellation, 1280x800, no GPU; frame times as \
         measured, the window thread's CPU time in brackets):",
        mib(SHAPE_REPLY)
    );
    let header = [
        "shape",
        "rows",
        "peak memory",
        "first frame after",
        "scroll median",
        "scroll p95",
        "slowest while streaming",
        "typed input shown",
    ];
    println!("| {} |", header.join(" | "));
    println!("|{}", "---|".repeat(header.len()));
    for (run, cells) in table {
        match cells {
            Some(cells) => println!("| {} | {} |", run.name(), cells.join(" | ")),
            None => println!("| {} | not measured |", run.name()),
        }
    }
}

/// In the child: one shape, its figures printed as `FIGURE` lines and its table row as a `TABLE`
/// line for the parent to read.
fn shape_child(key: &str) {
    let Some(run) = Run::all().find(|r| r.key() == key) else {
        println!("| no shape is called {key}");
        return;
    };
    let mut figures = Vec::new();
    let cells = measure_shape(run, &mut figures);
    for f in &figures {
        let met = match f.met {
            Some(true) => "ok",
            Some(false) => "miss",
            None => "-",
        };
        println!("FIGURE\t{met}\t{}\t{}\t{}", f.name, f.value, f.target);
    }
    println!("TABLE\t{}", cells.join("\t"));
}

/// Serves one fetch: the head, then the shape up to [`SHAPE_REPLY`] bytes in all, then closes.
fn serve_shape(shape: Shape) -> std::io::Result<std::net::SocketAddr> {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let serve = move || -> std::io::Result<()> {
        let (mut stream, _) = listener.accept()?;
        let mut request = [0; 4096];
        let _ = stream.read(&mut request)?;
        stream.write_all(SHAPE_HEAD)?;
        let body = SHAPE_REPLY - SHAPE_HEAD.len() as u64;
        let mut block = vec![0; 64 * 1024];
        let mut random = 0x9E37_79B9_7F4A_7C15;
        let mut sent = 0;
        while sent < body {
            let len = usize::try_from(body - sent).unwrap_or(usize::MAX).min(block.len());
            shape.fill(&mut block[..len], sent, &mut random);
            stream.write_all(&block[..len])?;
            sent += len as u64;
        }
        Ok(())
    };
    thread::Builder::new().name("shape-server".to_owned()).spawn(move || {
        if let Err(e) = serve() {
            println!("| the shape server stopped: {e}");
        }
    })?;
    Ok(addr)
}

fn key_event(key: Key, pressed: bool, modifiers: Modifiers) -> Event {
    Event::Key { key, physical_key: None, pressed, repeat: false, modifiers }
}

/// The Host field's text, from the AccessKit tree of the last look-up frame.
fn host_text(nodes: &[Node]) -> Option<String> {
    nodes
        .iter()
        .filter(|n| n.role() == Role::TextInput)
        .filter_map(|n| n.value())
        .find(|v| v.starts_with("127.0.0.1"))
        .map(str::to_owned)
}

/// Fetches one shape and measures it; the cells of its table row.
#[allow(clippy::too_many_lines)] // one measurement, step by step, reads best whole
fn measure_shape(run: Run, figures: &mut Vec<Figure>) -> Vec<String> {
    let shape = run.shape;
    let name = run.name();
    let not_measured = |why: &str| vec![format!("not measured: {why}")];
    let addr = match serve_shape(shape) {
        Ok(addr) => addr,
        Err(e) => return not_measured(&format!("server: {e}")),
    };
    let options = StartOptions {
        host: Some("127.0.0.1".to_owned()),
        port: Some(addr.port().to_string()),
        fetch_now: true,
        hex: run.view == View::Hex,
        ..StartOptions::default()
    };
    let mut window = Window::new(options);
    window.frame(Vec::new());
    println!("| memory once the window has drawn its first frame (fonts and all): {}", mib(vm_rss_self().unwrap_or(0)));
    let fetch_start = Instant::now();
    let mut during = Vec::new();
    let mut typed = 0;
    let mut typed_shown = 0;
    let mut before_last;
    let last_in = loop {
        if fetch_start.elapsed() > FETCH_LIMIT {
            let got = window.app.view().map_or(0, |v| v.received());
            println!("| the fetch did not end within {} s ({} taken in)", FETCH_LIMIT.as_secs(), mib(got));
            figures.push(Figure::new(
                &format!("window, {name}: the reply arrives"),
                format!("{} of {} after {} s", mib(got), mib(SHAPE_REPLY), FETCH_LIMIT.as_secs()),
                "all of it",
                Some(false),
            ));
            return not_measured(&format!("only {} arrived in {} s", mib(got), FETCH_LIMIT.as_secs()));
        }
        before_last = window.app.view().map_or(0, |v| v.received());
        let typing = during.len() % TYPE_EVERY == TYPE_EVERY - 1;
        let events = if typing { vec![Event::Text("a".to_owned())] } else { Vec::new() };
        let took = window.timed(events);
        if !window.running() {
            break took;
        }
        during.push(took);
        if typing {
            typed += 1;
            // The frame that took the key in has drawn it: the Host field ends in as many "a" as typed.
            let shown = host_text(window.look()).is_some_and(|t| t.len() - t.trim_end_matches('a').len() == typed);
            typed_shown += usize::from(shown);
        }
    };
    let fetch_took = fetch_start.elapsed();
    let after = window.timed(Vec::new());
    let view = window.app.view().unwrap();
    let received = view.received();
    let total_rows = match run.view {
        View::Text => view.reply.row_count(),
        View::Hex => view.reply.bytes().len().div_ceil(16),
    };
    println!(
        "| {} received in {:.2} s over {} frames, {total_rows} rows{}",
        mib(received),
        fetch_took.as_secs_f64(),
        during.len() + 1,
        view.error().map_or_else(String::new, |e| format!(", error: {e}"))
    );
    let failed = view.error().is_some();
    drop(view);
    if received != SHAPE_REPLY || failed {
        figures.push(Figure::new(
            &format!("window, {name}: the reply arrives"),
            "the fetch failed".to_owned(),
            "",
            Some(false),
        ));
        return not_measured("the fetch failed");
    }
    let slowest = walls(&during).into_iter().max().unwrap_or_default();
    let slowest_cpu = cpus(&during).into_iter().max().unwrap_or_default();
    figures.push(Figure::new(
        &format!("window, {name}: slowest frame while the reply streams in"),
        stats("frames while the reply streamed in", &during),
        "< 50 ms",
        Some(slowest < Duration::from_millis(50)),
    ));
    figures.push(Figure::new(
        &format!("window, {name}: typed input shown on the next frame while streaming"),
        format!("{typed_shown} of {typed} keys"),
        "all",
        Some(typed > 0 && typed_shown == typed),
    ));
    let first_after = last_in.wall.max(after.wall);
    let first_after_cpu = last_in.cpu.max(after.cpu);
    figures.push(Figure::new(
        &format!("window, {name}: first frame after the reply"),
        format!(
            "{} (the frame that took in the last {}: {}, CPU {}; the next: {}, CPU {})",
            ms(first_after),
            mib(received - before_last),
            ms(last_in.wall),
            ms(last_in.cpu),
            ms(after.wall),
            ms(after.cpu)
        ),
        "< 50 ms",
        Some(first_after < Duration::from_millis(50)),
    ));

    let labels = match run.view {
        View::Text => RowLabels::Numbers(total_rows.to_string().len()),
        View::Hex => RowLabels::Offsets(8),
    };
    let Some((area, bar)) = reply_area(window.look(), labels) else {
        println!("| the reply's scroll bar was not found in the AccessKit tree: no scrolling figures");
        figures.push(Figure::new(
            &format!("window, {name}: scrolling"),
            "scroll bar not found".to_owned(),
            "",
            Some(false),
        ));
        return not_measured("scroll bar not found");
    };
    let at_top = rows_in_view(&window.nodes, area, labels);
    let status_line = match run.view {
        View::Text => window.nodes.iter().filter_map(text).any(|t| t.trim_start().starts_with("1  HTTP/1.0 200 OK")),
        // The status line's first 16 bytes, as the first row's hex.
        View::Hex => {
            let pairs: Vec<String> = SHAPE_HEAD[..16].iter().map(|b| format!("{b:02X}")).collect();
            let hex = format!("{}  {}", pairs[..8].join(" "), pairs[8..].join(" "));
            window.nodes.iter().filter_map(text).any(|t| t == hex)
        }
    };
    println!("| at the top: rows {at_top:?}, status line shown: {status_line}");

    // Scroll-bar jumps: press on the track, release, one more frame.
    let mut jumps = Vec::new();
    let mut middle_rows = None;
    for (i, fraction) in JUMPS.into_iter().enumerate() {
        let pos = Pos2::new(bar.center().x, bar.top() + bar.height() * fraction);
        jumps.push(window.timed(vec![Event::PointerMoved(pos), press(pos, true)]));
        jumps.push(window.timed(vec![press(pos, false)]));
        jumps.push(window.timed(Vec::new()));
        if i == 0 {
            middle_rows = rows_in_view(window.look(), area, labels);
        }
    }
    let jumped = middle_rows.is_some_and(|(a, _)| (a as f64) > total_rows as f64 * 0.4);
    // The wheel, three lines a frame, over the reply.
    let over = area.center();
    let mut wheel_frames = vec![window.timed(vec![Event::PointerMoved(over)])];
    let before_wheel = rows_in_view(window.look(), area, labels);
    for _ in 0..WHEEL_FRAMES {
        let wheel = Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -3.0),
            phase: TouchPhase::Move,
            source: MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        };
        wheel_frames.push(window.timed(vec![wheel]));
    }
    let after_wheel = rows_in_view(window.look(), area, labels);
    let wheeled = matches!((before_wheel, after_wheel), (Some((a, _)), Some((b, _))) if b > a);
    // The keyboard: a click gives the view focus; PageDown, Right (sideways), then Ctrl+End.
    let mut keys = vec![window.timed(vec![press(over, true)]), window.timed(vec![press(over, false)])];
    let mut sideways = Vec::new();
    for (key, times) in [(Key::PageDown, &mut keys), (Key::ArrowRight, &mut sideways)] {
        for _ in 0..30 {
            times.push(window.timed(vec![key_event(key, true, Modifiers::NONE)]));
            times.push(window.timed(vec![key_event(key, false, Modifiers::NONE)]));
        }
    }
    keys.push(window.timed(vec![key_event(Key::End, true, Modifiers::COMMAND)]));
    keys.push(window.timed(vec![key_event(Key::End, false, Modifiers::COMMAND)]));
    let at_end = rows_in_view(window.look(), area, labels);
    let last_shown = at_end.is_some_and(|(_, last)| last == total_rows as u64);
    println!(
        "| middle jump: rows {middle_rows:?}; wheel: {before_wheel:?} to {after_wheel:?}; Ctrl+End: {at_end:?} of {total_rows}"
    );
    stats("scroll-bar jumps (press, release, next frame)", &jumps);
    stats("wheel, 3 lines a frame", &wheel_frames);
    stats("keys (PageDown, Ctrl+End; press and release frames)", &keys);
    stats("sideways (Right, 8 columns a press)", &sideways);
    let scrolling: Vec<Times> = [jumps, wheel_frames, keys, sideways].concat();
    let p50 = median(&walls(&scrolling)).unwrap_or(Duration::MAX);
    let p95 = quantile(&walls(&scrolling), 0.95).unwrap_or(Duration::MAX);
    let cpu_p50 = median(&cpus(&scrolling)).unwrap_or(Duration::MAX);
    let cpu_p95 = quantile(&cpus(&scrolling), 0.95).unwrap_or(Duration::MAX);
    let target = Duration::from_millis(2);
    figures.push(Figure::new(
        &format!("window, {name}: scrolling frames (bar jumps, wheel, keys)"),
        stats("all scrolling frames", &scrolling),
        "median and p95 < 2 ms",
        Some(p50 < target && p95 < target),
    ));
    figures.push(Figure::new(
        &format!("window, {name}: every row reachable"),
        format!(
            "status line at the top {}, middle jump {}, wheel {}, Ctrl+End shows row {total_rows} {}",
            yes(status_line),
            yes(jumped),
            yes(wheeled),
            yes(last_shown)
        ),
        "all yes",
        Some(status_line && jumped && wheeled && last_shown),
    ));

    let peak = vm_hwm("self").unwrap_or(0);
    let limit = SHAPE_REPLY * 3 / 2 + 64 * 1024 * 1024;
    println!("| peak memory (VmHWM of this child, from its start): {} (limit {})", mib(peak), mib(limit));
    figures.push(Figure::new(
        &format!("window, {name}: peak memory"),
        format!("{} ({:.2} x reply)", mib(peak), peak as f64 / SHAPE_REPLY as f64),
        &format!("<= 1.5 x reply + 64 MiB = {}", mib(limit)),
        Some(peak <= limit),
    ));
    vec![
        total_rows.to_string(),
        format!("{}{}", mib(peak), if peak <= limit { "" } else { " (over)" }),
        format!("{} ({})", ms(first_after), ms(first_after_cpu)),
        format!("{} ({})", ms(p50), ms(cpu_p50)),
        format!("{} ({})", ms(p95), ms(cpu_p95)),
        format!("{} ({})", ms(slowest), ms(slowest_cpu)),
        format!("{typed_shown}/{typed}"),
    ]
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

/// From the click on Fetch to the frame that shows the first step no longer waiting.
fn click_to_first_step(port: &str, figures: &mut Vec<Figure>) {
    println!("click to first step (the / page of the demo server, {CLICK_TRIALS} clicks):");
    let options =
        StartOptions { host: Some("127.0.0.1".to_owned()), port: Some(port.to_owned()), ..StartOptions::default() };
    let mut window = Window::new(options);
    for _ in 0..3 {
        window.frame(Vec::new());
    }
    let mut results: Vec<(usize, Duration)> = Vec::new();
    for trial in 0..CLICK_TRIALS {
        let Some(button) = window
            .look()
            .iter()
            .filter(|n| n.role() == Role::Button && text(n).is_some_and(|t| t.contains("Fetch")))
            .find_map(rect)
        else {
            println!("  the Fetch button was not found in the AccessKit tree");
            break;
        };
        let pos = button.center();
        let before = window.app.view().map(|v| v.job);
        window.frame(vec![Event::PointerMoved(pos), press(pos, true)]);
        let mut fetch_frame = None;
        for frame in 0..3 {
            window.frame(if frame == 0 { vec![press(pos, false)] } else { Vec::new() });
            if window.app.view().map(|v| v.job) != before {
                fetch_frame = Some(Instant::now());
                break;
            }
        }
        let Some(clicked) = fetch_frame else {
            println!("  trial {}: the click started no fetch", trial + 1);
            break;
        };
        let mut frames = 0;
        let shown = loop {
            if clicked.elapsed() > FETCH_LIMIT {
                break None;
            }
            window.frame(Vec::new());
            frames += 1;
            if window.app.view().is_some_and(|v| v.steps[0] != StepState::Waiting) {
                break Some(clicked.elapsed());
            }
        };
        match shown {
            Some(took) => {
                println!(
                    "  trial {}: first step shown {frames} frame(s), {} after the Fetch frame",
                    trial + 1,
                    ms(took)
                );
                results.push((frames, took));
            }
            None => println!("  trial {}: the first step never showed", trial + 1),
        }
        if window.frames_until(|app| app.view().is_some_and(|v| !v.is_running())).is_none() {
            println!("  the fetch of / did not end");
            break;
        }
    }
    if results.len() == CLICK_TRIALS {
        let frames: Vec<String> = results.iter().map(|(f, _)| f.to_string()).collect();
        let worst = results.iter().map(|(f, _)| *f).max().unwrap_or(0);
        let times: Vec<Duration> = results.iter().map(|(_, t)| *t).collect();
        figures.push(Figure::new(
            "window: click to first step (frames after the Fetch frame)",
            format!(
                "{} (per click), {} median at 60 Hz",
                frames.join(", "),
                median(&times).map_or_else(String::new, ms)
            ),
            "the next frame (1)",
            Some(worst <= 1),
        ));
    } else {
        figures.push(Figure::new("window: click to first step", "not measured".to_owned(), "", Some(false)));
    }
}

/// From the Escape key during /slow to the frame that shows the fetch stopped.
fn cancel_to_stopped(port: &str, figures: &mut Vec<Figure>) {
    println!("cancel to stopped (/slow, Escape while it waits for the next line, {CANCEL_TRIALS} trials):");
    let mut times = Vec::new();
    for trial in 1..=CANCEL_TRIALS {
        let options = StartOptions {
            host: Some("127.0.0.1/slow".to_owned()),
            port: Some(port.to_owned()),
            fetch_now: true,
            ..StartOptions::default()
        };
        let mut window = Window::new(options);
        window.frame(Vec::new());
        if window.frames_until(|app| app.view().is_some_and(|v| !v.reply.is_empty())).is_none() {
            println!("  trial {trial}: /slow never started its reply");
            continue;
        }
        // Somewhere inside the 300 ms wait for a line, differently each trial.
        for _ in 0..trial * 4 {
            window.frame(Vec::new());
        }
        let escape = |pressed| Event::Key {
            key: Key::Escape,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        };
        let pressed = Instant::now();
        window.frame(vec![escape(true)]);
        let mut frames = 1;
        let mut release = Some(escape(false));
        while window.running() && pressed.elapsed() < FETCH_LIMIT {
            window.frame(release.take().into_iter().collect());
            frames += 1;
        }
        let took = pressed.elapsed();
        let view = window.app.view().unwrap();
        if view.error() == Some(&FetchError::Cancelled) {
            println!("  trial {trial}: stopped {} after the Escape frame began, {frames} frame(s)", ms(took));
            times.push(took);
        } else {
            println!("  trial {trial}: not cancelled (running: {}, error: {:?})", view.is_running(), view.error());
        }
    }
    if times.len() == CANCEL_TRIALS {
        let worst = times.iter().max().copied().unwrap_or_default();
        let list: Vec<String> = times.iter().map(|t| ms(*t)).collect();
        figures.push(Figure::new(
            "window: cancel to stopped (Escape during /slow)",
            format!("{} (worst {}), frames paced at 60 Hz", list.join(", "), ms(worst)),
            "< 100 ms",
            Some(worst < Duration::from_millis(100)),
        ));
    } else {
        figures.push(Figure::new("window: cancel to stopped", "not measured".to_owned(), "", Some(false)));
    }
}
