//! Helpers for driving the window headless with `egui_kittest`, shared by the window test files.
#![allow(dead_code)] // each test file uses a different part of this module

use std::thread;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers, OutputCommand};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, HarnessBuilder};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::{SocketFetchApp, StartOptions};

/// No wait for the window lasts longer than this.
pub const LIMIT: Duration = Duration::from_secs(20);

pub fn harness(host: &str, port: &str) -> Harness<'static, SocketFetchApp> {
    harness_with(StartOptions { host: Some(host.to_owned()), port: Some(port.to_owned()), ..StartOptions::default() })
}

pub fn harness_with(options: StartOptions) -> Harness<'static, SocketFetchApp> {
    harness_sized(options, [1200.0, 780.0])
}

/// A window for replies that are any bytes on purpose (compressed data): a character no font has is
/// drawn as a box, as the real window does, instead of failing the test as the harness does by default.
pub fn harness_for_any_bytes(options: StartOptions) -> Harness<'static, SocketFetchApp> {
    build(Harness::builder().with_size([1200.0, 780.0]).allow_missing_glyphs(), options)
}

/// A window of `size` pixels (at a zoom of 1; `options.zoom` makes it fewer points).
pub fn harness_sized(options: StartOptions, size: [f32; 2]) -> Harness<'static, SocketFetchApp> {
    build(Harness::builder().with_size(size), options)
}

fn build(builder: HarnessBuilder<SocketFetchApp>, options: StartOptions) -> Harness<'static, SocketFetchApp> {
    let app = SocketFetchApp::new(None, options);
    let mut harness = builder.build_ui_state(|ui, app| app.ui(ui), app);
    harness.step();
    harness
}

/// The options that fill the form with the demo server's address and `path`.
pub fn demo_options(server: &DemoServer, path: &str) -> StartOptions {
    StartOptions {
        host: Some(format!("127.0.0.1{path}")),
        port: Some(server.addr().port().to_string()),
        ..StartOptions::default()
    }
}

/// Steps frames (the worker's wake-up does not advance a harness) until `done`, within [`LIMIT`].
pub fn step_until(harness: &mut Harness<'_, SocketFetchApp>, what: &str, done: impl Fn(&SocketFetchApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < LIMIT, "gave up waiting for {what}");
        harness.step();
        thread::sleep(Duration::from_millis(5));
    }
    harness.step();
}

/// A window that has fetched `path` from the demo server.
pub fn fetched(server: &DemoServer, path: &str) -> Harness<'static, SocketFetchApp> {
    fetch(harness_with(demo_options(server, path)))
}

/// Clicks Fetch and steps until the fetch has ended.
pub fn fetch(mut harness: Harness<'static, SocketFetchApp>) -> Harness<'static, SocketFetchApp> {
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness
}

pub fn finished(app: &SocketFetchApp) -> bool {
    app.view().is_some_and(|v| !v.is_running())
}

/// Steps frames until one puts text on the clipboard (copies are made off the window's thread,
/// so that takes a few frames), within [`LIMIT`], and returns that text.
pub fn copied_text(harness: &mut Harness<'_, SocketFetchApp>) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        harness.step();
        let copied = harness.output().platform_output.commands.iter().find_map(|c| match c {
            OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
        if copied.is_some() {
            return copied;
        }
        thread::sleep(Duration::from_millis(5));
    }
    None
}

pub fn shows_text(harness: &Harness<'_, SocketFetchApp>, text: &str) -> bool {
    harness
        .query_all_by(|node| {
            node.value().is_some_and(|v| v.contains(text)) || node.label().is_some_and(|l| l.contains(text))
        })
        .next()
        .is_some()
}

/// Presses a key and gives its down and up events the frames they need.
pub fn press(harness: &mut Harness<'_, SocketFetchApp>, key: Key) {
    harness.key_press(key);
    harness.run_steps(3);
}

/// Replaces the text of the field labelled `label` the way a person does: click in, select all, delete, type.
pub fn fill(harness: &mut Harness<'_, SocketFetchApp>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.step();
    if !text.is_empty() {
        harness.get_by_label(label).type_text(text);
        harness.step();
    }
    assert_eq!(harness.get_by_label(label).value().unwrap_or_default(), text, "the {label} field");
}
