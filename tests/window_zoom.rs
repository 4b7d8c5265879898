//! The window's zoom at start, driven headless with `egui_kittest`: `--zoom` is used, a zoom
//! remembered from last time is kept by a normal run and set aside by a screenshot run.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use egui_kittest::Harness;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::{SocketFetchApp, StartOptions};
use window_harness::demo_options;

/// The zoom eframe restores from the last run, before the app's first frame.
const REMEMBERED: f32 = 1.7;

/// A window started with `options`, on a context that remembered [`REMEMBERED`]; its zoom once started.
fn zoom_at_start(options: StartOptions) -> f32 {
    let app = SocketFetchApp::new(None, options);
    let mut first = true;
    let mut harness = Harness::builder().with_size([1200.0, 780.0]).build_ui_state(
        move |ui, app: &mut SocketFetchApp| {
            // The app's first frame comes after the frame that restored the zoom, as under eframe.
            if std::mem::take(&mut first) {
                ui.ctx().set_zoom_factor(REMEMBERED);
            } else {
                app.ui(ui);
            }
        },
        app,
    );
    harness.run_steps(3);
    harness.ctx.zoom_factor()
}

fn screenshot_options(server: &DemoServer, zoom: Option<f32>) -> StartOptions {
    let path = std::env::temp_dir().join(format!("socket-fetch-zoom-test-{}.png", std::process::id()));
    StartOptions { screenshot: Some(path), zoom, ..demo_options(server, "") }
}

#[test]
fn a_normal_run_keeps_the_zoom_remembered_from_last_time() {
    assert!((zoom_at_start(StartOptions::default()) - REMEMBERED).abs() < 1e-6);
}

#[test]
fn zoom_given_on_the_command_line_is_used_by_a_normal_run() {
    assert!((zoom_at_start(StartOptions { zoom: Some(2.0), ..StartOptions::default() }) - 2.0).abs() < 1e-6);
}

#[test]
fn a_screenshot_run_starts_at_100_percent_whatever_was_remembered() {
    let server = DemoServer::start(0).unwrap();
    assert!((zoom_at_start(screenshot_options(&server, None)) - 1.0).abs() < 1e-6);
}

#[test]
fn a_screenshot_run_takes_the_zoom_given_on_the_command_line() {
    let server = DemoServer::start(0).unwrap();
    assert!((zoom_at_start(screenshot_options(&server, Some(2.5))) - 2.5).abs() < 1e-6);
}
