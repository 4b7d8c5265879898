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
use socket_fetch::ui::{FetchView, SocketFetchApp, StartOptions, StepState};

use crate::{Figure, median, mib, ms, quantile, vm_hwm, vm_rss_self};

const SIZE: [f32; 2] = [1280.0, 800.0];
const FRAME: Duration = Duration::from_micros(16_667);
const REPLY: u64 = 64 * 1024 * 1024;
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

    /// One untimed frame with the AccessKit tree on; its nodes.
    fn look(&mut self) -> &[Node] {
        self.ctx.enable_accesskit();
        self.frame(Vec::new());
        self.ctx.disable_accesskit();
        &self.nodes
    }

    fn running(&self) -> bool {
        self.app.view().is_some_and(FetchView::is_running)
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
fn reply_area(nodes: &[Node], digits: usize) -> Option<(Rect, Rect)> {
    let row = nodes.iter().find(|n| row_number(n, digits) == Some(1)).and_then(rect)?;
    let bar = nodes
        .iter()
        .filter(|n| n.role() == Role::ScrollBar)
        .filter_map(rect)
        .filter(|r| r.height() > r.width() && r.left() > row.left() + 50.0 && r.y_range().contains(row.center().y))
        .min_by(|a, b| a.left().total_cmp(&b.left()))?;
    Some((Rect::from_x_y_ranges(row.left()..=bar.left(), bar.y_range()), bar))
}

/// The first and last of the reply's row numbers on screen.
fn rows_in_view(nodes: &[Node], area: Rect, digits: usize) -> Option<(u64, u64)> {
    let rows: Vec<u64> = nodes
        .iter()
        .filter(|n| rect(n).is_some_and(|r| area.contains(Pos2::new(area.left() + 1.0, r.center().y))))
        .filter_map(|n| row_number(n, digits))
        .collect();
    Some((*rows.iter().min()?, *rows.iter().max()?))
}

fn stats(name: &str, times: &[Duration]) -> String {
    let pick = |q| quantile(times, q).map_or_else(|| "-".to_owned(), ms);
    let line = format!("median {}, p95 {}, max {} over {} frames", pick(0.5), pick(0.95), pick(1.0), times.len());
    println!("  {name}: {line}");
    line
}

fn press(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers: Modifiers::NONE }
}

pub fn run(figures: &mut Vec<Figure>) {
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
    large_reply(&port, figures);
    click_to_first_step(&port, figures);
    cancel_to_stopped(&port, figures);
}

fn large_reply(port: &str, figures: &mut Vec<Figure>) {
    // Peak memory counts from here: "5" resets VmHWM to the current RSS (Linux 4.0 and later).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before = vm_rss_self().unwrap_or(0);
    println!(
        "64 MiB reply from the demo server (/bytes/{REPLY}); RSS before: {}{}",
        mib(rss_before),
        if reset { "" } else { " (VmHWM could not be reset: it also counts the throughput part)" }
    );
    let options = StartOptions {
        host: Some(format!("127.0.0.1/bytes/{REPLY}")),
        port: Some(port.to_owned()),
        fetch_now: true,
        ..StartOptions::default()
    };
    let mut window = Window::new(options);
    let first = window.frame(Vec::new());
    let fetch_start = Instant::now();
    println!("  first frame (fonts, starts the fetch): {}", ms(first));
    let mut during = Vec::new();
    let mut before_last;
    let last_in = loop {
        if fetch_start.elapsed() > FETCH_LIMIT {
            println!("  the fetch did not end within {} s", FETCH_LIMIT.as_secs());
            figures.push(Figure::new("window: 64 MiB reply", "the fetch did not end".to_owned(), "", Some(false)));
            return;
        }
        before_last = window.app.view().map_or(0, FetchView::received);
        let took = window.frame(Vec::new());
        if !window.running() {
            break took;
        }
        during.push(took);
    };
    let fetch_took = fetch_start.elapsed();
    let after = window.frame(Vec::new());
    let view = window.app.view().unwrap();
    let received = view.received();
    let problem = view.error().map(ToString::to_string);
    println!(
        "  fetch: {} received in {:.2} s over {} frames{}",
        mib(received),
        fetch_took.as_secs_f64(),
        during.len() + 1,
        problem.as_ref().map_or_else(String::new, |p| format!(", error: {p}"))
    );
    if received < REPLY || problem.is_some() {
        figures.push(Figure::new("window: 64 MiB reply", "the fetch failed".to_owned(), "", Some(false)));
        return;
    }
    if during.is_empty() {
        println!("  the whole reply arrived between two frames");
    } else {
        stats("frames while the reply arrived", &during);
    }
    println!(
        "  frame that took in the end of the reply: {} (it applied the last {} of the reply's events)",
        ms(last_in),
        mib(received - before_last)
    );
    println!("  next frame (complete reply in view):     {}", ms(after));
    let worst_first = last_in.max(after);
    figures.push(Figure::new(
        "window: first frame after the 64 MiB reply arrived",
        format!(
            "{} (the frame that applied the last {}: {}; the next: {})",
            ms(worst_first),
            mib(received - before_last),
            ms(last_in),
            ms(after)
        ),
        "< 50 ms",
        Some(worst_first < Duration::from_millis(50)),
    ));
    if let Some(worst) = during.iter().max() {
        figures.push(Figure::info("window: slowest frame while the reply arrived", ms(*worst)));
    }

    let total_rows = window.app.view().map_or(0, |v| v.reply.row_count());
    let digits = total_rows.to_string().len();
    let Some((area, bar)) = reply_area(window.look(), digits) else {
        println!("  the reply's scroll bar was not found in the AccessKit tree: no scrolling figures");
        figures.push(Figure::new("window: scrolling", "reply scroll bar not found".to_owned(), "", Some(false)));
        return;
    };
    println!("  reply scroll bar at {bar:?}; rows in view at the top: {:?}", rows_in_view(&window.nodes, area, digits));

    // Jumps: press on the scroll bar's track, release, one more frame.
    let mut jump_times = Vec::new();
    let mut middle_rows = None;
    for (i, fraction) in JUMPS.into_iter().enumerate() {
        let pos = Pos2::new(bar.center().x, bar.top() + bar.height() * fraction);
        jump_times.push(window.frame(vec![Event::PointerMoved(pos), press(pos, true)]));
        jump_times.push(window.frame(vec![press(pos, false)]));
        jump_times.push(window.frame(Vec::new()));
        if i == 0 {
            middle_rows = rows_in_view(window.look(), area, digits);
        }
    }
    match middle_rows {
        Some((a, b)) => println!("  after the jump to the middle: rows {a}..{b} of {total_rows} in view"),
        None => println!("  after the jump to the middle: no reply rows found in view"),
    }
    let jumped = middle_rows.is_some_and(|(a, _)| (a as f64) > total_rows as f64 * 0.4);

    // Wheel: the pointer over the reply, three lines down per frame.
    let over = Pos2::new(area.center().x, area.center().y);
    let mut wheel_times = vec![window.frame(vec![Event::PointerMoved(over)])];
    let before_wheel = rows_in_view(window.look(), area, digits);
    for _ in 0..WHEEL_FRAMES {
        let wheel = Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -3.0),
            phase: TouchPhase::Move,
            source: MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        };
        wheel_times.push(window.frame(vec![wheel]));
    }
    let after_wheel = rows_in_view(window.look(), area, digits);
    println!("  wheel scrolling moved the view from rows {before_wheel:?} to {after_wheel:?}");
    let wheeled = matches!((before_wheel, after_wheel), (Some((a, _)), Some((b, _))) if b > a);

    println!("  frame times with the 64 MiB reply in view:");
    let jump_line = stats("scroll-bar jumps", &jump_times);
    let wheel_line = stats("wheel scrolling", &wheel_times);
    let all: Vec<Duration> = jump_times.iter().chain(&wheel_times).copied().collect();
    let all_line = stats("all scrolling frames", &all);
    let target = Duration::from_millis(2);
    let p95 = quantile(&all, 0.95).unwrap_or(Duration::MAX);
    let p50 = median(&all).unwrap_or(Duration::MAX);
    figures.push(Figure::new(
        "window: scrolling frames, jumps + wheel",
        all_line,
        "median and p95 < 2 ms",
        Some(p50 < target && p95 < target),
    ));
    figures.push(Figure::info("window: scroll-bar jump frames", jump_line));
    figures.push(Figure::info("window: wheel frames", wheel_line));
    figures.push(Figure::new(
        "window: scrolling really moved the view",
        format!("jump to middle {}, wheel {}", if jumped { "yes" } else { "NO" }, if wheeled { "yes" } else { "NO" }),
        "both yes",
        Some(jumped && wheeled),
    ));

    let peak = vm_hwm("self").unwrap_or(0);
    let limit = REPLY * 3 / 2 + 64 * 1024 * 1024;
    println!("  peak memory of this process (VmHWM): {} for a {} reply (limit {})", mib(peak), mib(REPLY), mib(limit));
    figures.push(Figure::new(
        "window: peak memory (VmHWM) with the 64 MiB reply",
        format!("{} ({:.2} x reply; RSS before the fetch {})", mib(peak), peak as f64 / REPLY as f64, mib(rss_before)),
        "< 1.5 x reply + 64 MiB = 160 MiB",
        Some(peak < limit),
    ));
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
