//! The presenter's keys in the window, driven headless with `egui_kittest` against the demo server:
//! a clicker's Page Down, Right, Space and Enter, the Keys help, and keys that must do no harm.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use std::thread;
use std::time::{Duration, Instant};

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::{FetchError, Step};
use socket_fetch::ui::{SocketFetchApp, StartOptions};
use window_harness::{demo_options, finished, harness_with, press, shows_text, step_until};

/// A window with "Pause before each step" ticked, its form filled with the demo server's `path`.
fn step_through(server: &DemoServer, path: &str) -> Harness<'static, SocketFetchApp> {
    harness_with(StartOptions { step_through: true, ..demo_options(server, path) })
}

fn paused(app: &SocketFetchApp) -> Option<Step> {
    app.view().and_then(|v| v.paused_before())
}

/// Presses `key` at each pause until the fetch ends; fails if a press does not move the fetch on.
fn drive_with(harness: &mut Harness<'static, SocketFetchApp>, key: Key) {
    let mut presses = 0;
    while !finished(harness.state()) {
        step_until(harness, "a pause or the end", |app| paused(app).is_some() || finished(app));
        let Some(step) = paused(harness.state()) else { break };
        press(harness, key);
        step_until(harness, &format!("{key:?} to run {step:?}"), |app| paused(app) != Some(step));
        presses += 1;
        assert!(presses <= Step::PLAIN.len(), "more pauses than steps");
    }
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), None, "driven by {key:?}");
    assert_eq!(presses, Step::PLAIN.len(), "one {key:?} per step");
    assert!(shows_text(harness, "The reply has arrived"));
}

/// Takes the keyboard focus out of the Host field, as a click elsewhere does.
fn leave_the_host_field(harness: &mut Harness<'static, SocketFetchApp>) {
    assert!(harness.get_by_label("Host").is_focused(), "the Host field has focus at start");
    harness.get_by_label("Host").focus();
    press(harness, Key::Escape); // a text field gives up the focus on Escape
    assert!(!harness.get_by_label("Host").is_focused());
}

#[test]
fn page_down_alone_drives_a_step_through_with_the_host_field_focused() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through(&server, "");
    assert!(harness.get_by_label("Host").is_focused(), "the Host field has focus at start");
    press(&mut harness, Key::PageDown);
    assert!(harness.state().view().is_some(), "Page Down started the fetch");
    drive_with(&mut harness, Key::PageDown);
}

#[test]
fn space_or_right_alone_drives_a_step_through_once_the_focus_has_left_the_text_fields() {
    let server = DemoServer::start(0).unwrap();
    for key in [Key::Space, Key::ArrowRight] {
        let mut harness = step_through(&server, "");
        leave_the_host_field(&mut harness);
        press(&mut harness, Key::PageDown);
        drive_with(&mut harness, key);
    }
}

#[test]
fn enter_runs_the_next_step_and_space_never_presses_the_focused_cancel() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through(&server, "");
    // Tab → Port → Fetch, then Enter presses Fetch, which becomes Cancel in the same place, focused.
    press(&mut harness, Key::Tab);
    press(&mut harness, Key::Tab);
    assert!(harness.get_by_label("▶ Fetch").is_focused());
    press(&mut harness, Key::Enter);
    step_until(&mut harness, "the first pause", |app| paused(app) == Some(Step::PLAIN[0]));
    assert!(harness.get_by_label("⏹ Cancel").is_focused(), "the case that matters: Cancel has the focus");
    press(&mut harness, Key::Space);
    step_until(&mut harness, "Space to run the first step", |app| paused(app) == Some(Step::PLAIN[1]));
    press(&mut harness, Key::Enter);
    step_until(&mut harness, "Enter to run the second step", |app| paused(app) == Some(Step::PLAIN[2]));
    assert_eq!(harness.state().view().unwrap().error(), None, "nothing was cancelled");
}

#[test]
fn space_and_enter_do_not_cancel_a_running_fetch_through_the_focused_cancel_button() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness_with(demo_options(&server, "/slow"));
    press(&mut harness, Key::Tab);
    press(&mut harness, Key::Tab);
    press(&mut harness, Key::Enter);
    step_until(&mut harness, "the reply to start", |app| app.view().is_some_and(|v| !v.reply.is_empty()));
    assert!(harness.get_by_label("⏹ Cancel").is_focused());
    let job = harness.state().view().unwrap().job;
    for key in [Key::Space, Key::Enter] {
        press(&mut harness, key);
        // A cancel takes effect within 100 ms: give one that was wrongly asked for time to show.
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(300) {
            harness.step();
            thread::sleep(Duration::from_millis(5));
        }
        let view = harness.state().view().unwrap();
        assert!(view.job == job && view.is_running(), "{key:?}: the same fetch goes on");
    }
    press(&mut harness, Key::Escape);
    step_until(&mut harness, "Escape to cancel", finished);
    assert_eq!(harness.state().view().unwrap().error(), Some(&FetchError::Cancelled), "Escape still cancels");
}

#[test]
fn with_the_host_field_focused_space_types_a_space_and_the_fetch_stays_paused() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through(&server, "");
    press(&mut harness, Key::PageDown);
    step_until(&mut harness, "the first pause", |app| paused(app) == Some(Step::PLAIN[0]));
    assert!(harness.get_by_label("Host").is_focused());
    harness.key_press(Key::Space);
    harness.event(egui::Event::Text(" ".to_owned()));
    harness.run_steps(3);
    assert_eq!(harness.state().form_fields().0, "127.0.0.1 ", "the space went into the field");
    thread::sleep(Duration::from_millis(100));
    harness.run_steps(3);
    assert_eq!(paused(harness.state()), Some(Step::PLAIN[0]), "no step was run");
}

#[test]
fn page_up_and_left_while_paused_neither_run_a_step_nor_cancel() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through(&server, "");
    leave_the_host_field(&mut harness);
    press(&mut harness, Key::PageDown);
    step_until(&mut harness, "the first pause", |app| paused(app) == Some(Step::PLAIN[0]));
    for key in [Key::PageUp, Key::ArrowLeft, Key::PageUp, Key::ArrowLeft] {
        press(&mut harness, key);
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(200) {
        harness.step(); // time for a step that was wrongly run to show
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(paused(harness.state()), Some(Step::PLAIN[0]));
    assert_eq!(harness.state().view().unwrap().error(), None);
}

#[test]
fn f1_opens_and_closes_the_keys_help() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through(&server, "");
    let says_clicker = |harness: &Harness<'_, SocketFetchApp>| shows_text(harness, "what a presentation clicker sends");
    assert!(!says_clicker(&harness));
    press(&mut harness, Key::F1);
    assert!(says_clicker(&harness), "F1 opened the Keys help");
    press(&mut harness, Key::F1);
    assert!(!says_clicker(&harness), "F1 closed it");
    harness.get_by_label("⌨ Keys").click();
    harness.run_steps(3);
    assert!(says_clicker(&harness), "the Keys button opens it too");
}

#[test]
fn page_down_fetches_again_when_idle_unless_the_reply_view_was_clicked() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness_with(demo_options(&server, "/bytes/20000"));
    press(&mut harness, Key::PageDown);
    step_until(&mut harness, "the first fetch to end", finished);
    let first = harness.state().view().unwrap().job;
    // Clicked, the reply view keeps its own keys: Page Down scrolls it.
    let is_first_row = |t: &str| t.trim_start().starts_with("1  HTTP/1.0 200 OK");
    let row = harness
        .query_by(|node| {
            node.value().is_some_and(|v| is_first_row(&v)) || node.label().is_some_and(|l| is_first_row(&l))
        })
        .unwrap()
        .rect();
    harness.drag_at(row.center());
    harness.step();
    harness.drop_at(row.center());
    harness.run_steps(3);
    press(&mut harness, Key::PageDown);
    assert_eq!(harness.state().view().unwrap().job, first, "no new fetch while the reply view has the focus");
    // Elsewhere, Page Down fetches again.
    leave_the_reply_view(&mut harness);
    press(&mut harness, Key::PageDown);
    step_until(&mut harness, "the second fetch to end", |app| {
        app.view().is_some_and(|v| v.job != first && finished(app))
    });
}

/// Gives the focus back to the Host field, as a click there does.
fn leave_the_reply_view(harness: &mut Harness<'static, SocketFetchApp>) {
    harness.get_by_label("Host").focus();
    harness.run_steps(3);
}
