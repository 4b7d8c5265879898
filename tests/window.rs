//! The window, driven headless with `egui_kittest` (no GPU, no display), against real servers on 127.0.0.1.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_fetch::demo_server::{DemoServer, numbered_body};
use socket_fetch::fetch::{FetchError, Step};
use socket_fetch::teach::{Language, marked_lines, step_text};
use socket_fetch::ui::{Limits, SocketFetchApp, StartOptions, StepState};
use window_harness::{copied_text, finished, harness, harness_with, press, shows_text, step_until};

fn demo_head(len: usize) -> Vec<u8> {
    format!("HTTP/1.0 200 OK\r\nServer: socket-fetch-demo\r\nContent-Type: text/plain\r\nContent-Length: {len}\r\n\r\n")
        .into_bytes()
}

#[test]
fn fetch_marks_the_five_steps_done_and_shows_the_reply() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let view = harness.state().view().unwrap();
    for step in Step::PLAIN {
        assert!(matches!(view.steps[step.index()], StepState::Done(_)), "{step:?}: {:?}", view.steps[step.index()]);
    }
    assert!(shows_text(&harness, "HTTP/1.0 200 OK"), "the reply's first line is on screen");
    assert!(shows_text(&harness, "You just fetched a web page by hand."));
}

#[test]
fn copy_reply_puts_exactly_the_raw_bytes_on_the_clipboard() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1/bytes/5000", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Copy reply").click();
    let mut expected = demo_head(5000);
    expected.extend(numbered_body(5000));
    assert_eq!(copied_text(&mut harness).map(String::into_bytes), Some(expected));
    harness.step();
    assert!(shows_text(&harness, "exactly as received"));
}

#[test]
fn a_bad_port_shows_the_error_card_and_starts_no_fetch() {
    let mut harness = harness("127.0.0.1", "70000");
    harness.get_by_label("▶ Fetch").click();
    harness.step();
    assert!(harness.state().view().is_none(), "no fetch started");
    assert!(matches!(harness.state().input_error(), Some(FetchError::Input(_))));
    assert!(shows_text(&harness, "The port 70000 is too large"));
    assert!(shows_text(&harness, "What to try:"));
}

#[test]
fn cancel_during_a_slow_reply_stops_it_and_keeps_what_arrived() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1/slow", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    // Any line before the last will do: under load a frame can take longer than the 300 ms between lines.
    step_until(&mut harness, "the first line of /slow", |app| {
        app.view().is_some_and(|v| v.reply.bytes().windows(13).any(|w| w == b"line 1 of 10\n"))
    });
    harness.get_by_label("⏹ Cancel").click();
    step_until(&mut harness, "the cancel to take effect", finished);
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), Some(&FetchError::Cancelled));
    assert!(view.reply.bytes().starts_with(b"HTTP/1.0 200 OK\r\n"));
    assert!(!view.reply.bytes().ends_with(b"line 10 of 10\n"), "the reply was cut short");
    assert!(shows_text(&harness, "You stopped the fetch."));
    assert!(shows_text(&harness, "HTTP/1.0 200 OK"), "what arrived stays on screen");
}

#[test]
fn enter_in_host_field_fetches() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("", &server.addr().port().to_string());
    harness.get_by_label("Host").type_text("127.0.0.1");
    press(&mut harness, Key::Enter);
    assert!(harness.state().view().is_some(), "Enter started a fetch");
    step_until(&mut harness, "the fetch to end", finished);
    assert!(harness.state().view().unwrap().error().is_none());
}

#[test]
fn keyboard_only_host_tab_port_enter_then_ctrl_shift_c_copies_the_exact_reply() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("", "");
    assert!(harness.get_by_label("Host").is_focused(), "the Host field has focus at start");
    harness.get_by_label("Host").type_text("127.0.0.1/bytes/300");
    press(&mut harness, Key::Tab);
    assert!(harness.get_by_label("Port").is_focused(), "Tab moves to Port");
    harness.get_by_label("Port").type_text(&server.addr().port().to_string());
    press(&mut harness, Key::Enter);
    step_until(&mut harness, "the fetch to end", finished);
    // Only the key-down: a queued key-up would run one more frame and replace the output to look in.
    let modifiers = Modifiers::COMMAND | Modifiers::SHIFT;
    harness.event(egui::Event::Key { key: Key::C, physical_key: None, pressed: true, repeat: false, modifiers });
    let mut expected = demo_head(300);
    expected.extend(numbered_body(300));
    assert_eq!(copied_text(&mut harness).map(String::into_bytes), Some(expected));
}

#[test]
fn escape_cancels_a_running_fetch() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1/slow", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the reply to start", |app| app.view().is_some_and(|v| !v.reply.is_empty()));
    press(&mut harness, Key::Escape);
    step_until(&mut harness, "the cancel to take effect", finished);
    assert_eq!(harness.state().view().unwrap().error(), Some(&FetchError::Cancelled));
}

/// A harness with "Pause before each step" ticked, fetching from `server`.
fn step_through_harness(server: &DemoServer) -> Harness<'static, SocketFetchApp> {
    harness_with(StartOptions {
        host: Some("127.0.0.1".to_owned()),
        port: Some(server.addr().port().to_string()),
        step_through: true,
        ..StartOptions::default()
    })
}

fn paused_before(step: Step) -> impl Fn(&SocketFetchApp) -> bool {
    move |app| app.view().and_then(|v| v.paused_before()) == Some(step)
}

#[test]
fn with_step_through_each_next_advances_exactly_one_step_and_explains_it() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through_harness(&server);
    harness.get_by_label("▶ Fetch").click();
    for step in Step::PLAIN {
        step_until(&mut harness, &format!("the pause before {step:?}"), paused_before(step));
        let view = harness.state().view().unwrap();
        for other in Step::PLAIN {
            let state = view.steps[other.index()];
            let expected_ok = match other.cmp(&step) {
                std::cmp::Ordering::Less => matches!(state, StepState::Done(_)),
                std::cmp::Ordering::Equal => state == StepState::Paused,
                std::cmp::Ordering::Greater => state == StepState::Waiting,
            };
            assert!(expected_ok, "paused before {step:?}, {other:?} is {state:?}");
        }
        assert!(shows_text(&harness, step_text(step).next), "the about-to-happen text of {step:?}");
        assert!(shows_text(&harness, step_text(step).title), "the title of {step:?}");
        harness.get_by_label("⏭ Next step").click();
    }
    step_until(&mut harness, "the fetch to end", finished);
    assert!(harness.state().view().unwrap().error().is_none());
    assert!(shows_text(&harness, "The reply has arrived"));
}

#[test]
fn cancel_while_paused_ends_cleanly_and_the_next_fetch_works() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through_harness(&server);
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the pause before the socket", paused_before(Step::Socket));
    harness.get_by_label("⏭ Next step").click();
    step_until(&mut harness, "the pause before the lookup", paused_before(Step::Resolve));
    harness.get_by_label("⏹ Cancel").click();
    step_until(&mut harness, "the cancel", finished);
    assert_eq!(harness.state().view().unwrap().error(), Some(&FetchError::Cancelled));
    assert!(shows_text(&harness, "You stopped the fetch."));
    // Untick step-through and fetch again: it runs to the end.
    harness.get_by_label("Pause before each step").click();
    harness.step();
    let first_job = harness.state().view().unwrap().job;
    harness.get_by_label("▶ Fetch").click();
    harness.step();
    assert_ne!(harness.state().view().unwrap().job, first_job, "a second fetch started");
    step_until(&mut harness, "the second fetch", finished);
    let view = harness.state().view().unwrap();
    assert!(view.error().is_none(), "{:?}", view.error());
    assert!(view.reply.bytes().starts_with(b"HTTP/1.0 200 OK"));
}

#[test]
fn the_code_panel_highlights_the_lines_of_the_current_step() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = step_through_harness(&server);
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the pause before the socket", paused_before(Step::Socket));
    harness.get_by_label("Code").click();
    harness.step();
    for step in [Step::Socket, Step::Resolve, Step::Connect] {
        step_until(&mut harness, &format!("the pause before {step:?}"), paused_before(step));
        for language in [Language::Python, Language::Rust] {
            harness.get_by_label(language.name()).click();
            harness.run_steps(2);
            let lines: Vec<String> = marked_lines(language, step).iter().map(|i| (i + 1).to_string()).collect();
            assert!(!lines.is_empty());
            let expected = format!("{} (highlighted)", lines.join(", "));
            assert!(shows_text(&harness, &expected), "{language:?} {step:?}: expected {expected:?}");
            let first = language.source().lines().nth(marked_lines(language, step)[0]).unwrap().trim();
            assert!(shows_text(&harness, first), "the highlighted line itself is on screen: {first:?}");
        }
        harness.get_by_label("⏭ Next step").click();
    }
}

#[test]
fn the_timing_tab_shows_the_phases_after_a_fetch() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    harness.get_by_label("Timing").click();
    harness.run_steps(2);
    for figure in ["time_namelookup", "time_connect", "time_starttransfer", "time_total"] {
        assert!(shows_text(&harness, figure), "{figure}");
    }
}

#[test]
fn the_limits_set_in_the_window_cut_a_large_reply_and_say_so() {
    let server = DemoServer::start(0).unwrap();
    let limits = Limits { max_mib: 1, ..Limits::default() };
    let mut harness = harness_with(StartOptions {
        host: Some("127.0.0.1/bytes/3000000".to_owned()),
        port: Some(server.addr().port().to_string()),
        limits: Some(limits),
        ..StartOptions::default()
    });
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let view = harness.state().view().unwrap();
    assert_eq!(view.error(), Some(&FetchError::TooLarge { limit: 1024 * 1024 }));
    assert_eq!(view.reply.bytes().len(), 1024 * 1024);
    assert!(shows_text(&harness, "the first 1,048,576 bytes are kept"));
    assert!(shows_text(&harness, "Raise the size limit"));
}

#[test]
fn a_refused_fetch_is_explained_as_a_phone_call_at_its_step() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut harness = harness("127.0.0.1", &port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let error = harness.state().view().unwrap().error().cloned().unwrap();
    assert!(matches!(error, FetchError::Refused { .. }), "{error:?}");
    assert!(shows_text(&harness, socket_fetch::teach::failure_story(&error)));
    assert!(shows_text(&harness, &format!("At step 3: {}.", step_text(Step::Connect).title)));
}

/// Sends one pointer event and gives it its frame.
fn pointer(harness: &mut Harness<'_, SocketFetchApp>, event: egui::Event) {
    harness.event(event);
    harness.step();
}

fn button(pos: egui::Pos2, pressed: bool) -> egui::Event {
    egui::Event::PointerButton { pos, button: egui::PointerButton::Primary, pressed, modifiers: Modifiers::NONE }
}

/// The on-screen rectangle of reply row `number`, which starts with `text`, if it is laid out.
fn row_rect(harness: &Harness<'_, SocketFetchApp>, number: usize, text: &str) -> Option<egui::Rect> {
    let row = format!("{number}  {text}");
    let is_row = |t: &str| t.trim_start().starts_with(&row);
    harness
        .query_by(|node| node.value().is_some_and(|v| is_row(&v)) || node.label().is_some_and(|l| is_row(&l)))
        .map(|node| node.rect())
}

#[test]
fn dragging_across_rows_then_ctrl_c_copies_exactly_the_selected_bytes() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1/bytes/2000", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    // From the very start of the first row (left of its text) to past the end of the fourth.
    let from = row_rect(&harness, 1, "HTTP/1.0 200 OK").unwrap().left_center();
    let to = row_rect(&harness, 4, "Content-Length: 2000").unwrap().right_center() + egui::vec2(200.0, 0.0);
    pointer(&mut harness, egui::Event::PointerMoved(from));
    pointer(&mut harness, button(from, true));
    pointer(&mut harness, egui::Event::PointerMoved(to));
    pointer(&mut harness, button(to, false));
    harness.event(egui::Event::Copy);
    let head = demo_head(2000);
    let end = head.windows(22).position(|w| w == b"Content-Length: 2000\r\n").unwrap() + 21;
    assert_eq!(copied_text(&mut harness).map(String::into_bytes), Some(head[..end].to_vec()));
}

#[test]
fn a_selection_can_run_past_the_rows_on_screen() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1/bytes/200000", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let from = row_rect(&harness, 1, "HTTP/1.0 200 OK").unwrap().left_center();
    pointer(&mut harness, egui::Event::PointerMoved(from));
    pointer(&mut harness, button(from, true));
    // With the button held, the wheel moves the view far below the first screen of rows.
    for _ in 0..20 {
        pointer(
            &mut harness,
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: Modifiers::NONE,
            },
        );
    }
    pointer(&mut harness, egui::Event::PointerMoved(from + egui::vec2(0.0, 40.0)));
    pointer(&mut harness, button(from + egui::vec2(0.0, 40.0), false));
    assert!(row_rect(&harness, 1, "HTTP/1.0 200 OK").is_none(), "the first row has scrolled out of view");
    harness.event(egui::Event::Copy);
    let copied = copied_text(&mut harness).unwrap().into_bytes();
    let mut whole = demo_head(200_000);
    whole.extend(numbered_body(200_000));
    assert!(copied.len() > 20 * 64, "the selection spans many rows: {} bytes", copied.len());
    assert_eq!(copied[..], whole[..copied.len()], "and is exactly the reply's first bytes");
}

/// A server on 127.0.0.1 that answers one fetch with `head` and then `body_len` bytes made by
/// `fill` (called on each 64 KiB block with the block's offset), then closes.
fn serve_once(head: &'static [u8], body_len: usize, fill: fn(&mut [u8], usize)) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let serve = move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0; 4096];
        let _ = stream.read(&mut request);
        stream.write_all(head).unwrap();
        let mut block = vec![0; 64 * 1024];
        let mut sent = 0;
        while sent < body_len {
            let len = block.len().min(body_len - sent);
            fill(&mut block[..len], sent);
            stream.write_all(&block[..len]).unwrap();
            sent += len;
        }
    };
    std::thread::Builder::new().name("serve-once".to_owned()).spawn(serve).unwrap();
    addr
}

fn fetched(addr: std::net::SocketAddr) -> Harness<'static, SocketFetchApp> {
    let mut harness = harness("127.0.0.1", &addr.port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let view = harness.state().view().unwrap();
    assert!(view.error().is_none(), "{:?}", view.error());
    drop(view);
    harness
}

/// The reply view's vertical scroll bar: the first one right of its first row (`row`).
fn reply_scroll_bar(harness: &Harness<'_, SocketFetchApp>, row: egui::Rect) -> egui::Rect {
    harness
        .query_all_by_role(egui::accesskit::Role::ScrollBar)
        .map(|node| node.rect())
        .filter(|r| r.height() > r.width() && r.left() > row.left() && r.y_range().contains(row.center().y))
        .min_by(|a, b| a.left().total_cmp(&b.left()))
        .unwrap()
}

/// Rows past 2^24 are where an f32 pixel offset stops telling rows apart: the last of these
/// 30 million rows must be reachable with the keyboard and with the scroll bar, and the first
/// (the status line) with the keyboard again.
#[test]
fn the_first_and_last_of_30_million_rows_are_reachable_by_keys_and_scroll_bar() {
    const NEWLINES: usize = 30_000_000;
    let addr = serve_once(b"HTTP/1.0 200 OK\r\n\r\n", NEWLINES, |block, _| block.fill(b'\n'));
    let mut harness = fetched(addr);
    // The status line, its end of line, one empty row per newline, and the empty row after the last.
    let rows = 2 + NEWLINES + 1;
    assert_eq!(harness.state().view().unwrap().reply.row_count(), rows);
    let first = row_rect(&harness, 1, "HTTP/1.0 200 OK").expect("the status line is the first row in view");
    let row_height = first.height();
    let last_in_full_view = |harness: &Harness<'_, SocketFetchApp>| {
        row_rect(harness, rows, "").is_some_and(|r| r.height() >= row_height - 0.5)
    };
    assert!(!last_in_full_view(&harness));

    // A click gives the view the keyboard; Ctrl+End goes to the end.
    let inside = first.center() + egui::vec2(0.0, 3.0 * row_height);
    pointer(&mut harness, egui::Event::PointerMoved(inside));
    pointer(&mut harness, button(inside, true));
    pointer(&mut harness, button(inside, false));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.run_steps(2);
    assert!(last_in_full_view(&harness), "Ctrl+End shows row {rows} whole");
    assert!(row_rect(&harness, 1, "HTTP/1.0 200 OK").is_none());

    // The last three rows, selected by a drag from the start of the fourth-last row to past the
    // end of the view, are three newlines.
    let from = row_rect(&harness, rows - 3, "").unwrap().left_center();
    let to = row_rect(&harness, rows, "").unwrap().center() + egui::vec2(0.0, 2.0 * row_height);
    pointer(&mut harness, egui::Event::PointerMoved(from));
    pointer(&mut harness, button(from, true));
    pointer(&mut harness, egui::Event::PointerMoved(to));
    pointer(&mut harness, button(to, false));
    harness.event(egui::Event::Copy);
    assert_eq!(copied_text(&mut harness).as_deref(), Some("\n\n\n"));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    harness.run_steps(2);
    // Looked up again: the copy's notice may have moved the view down since.
    let first = row_rect(&harness, 1, "HTTP/1.0 200 OK").expect("Ctrl+Home shows the status line again");
    assert!(!last_in_full_view(&harness));

    // The scroll bar's thumb, dragged from the top to below the bottom of its track.
    let bar = reply_scroll_bar(&harness, first);
    let grab = bar.center_top() + egui::vec2(0.0, 4.0);
    pointer(&mut harness, egui::Event::PointerMoved(grab));
    pointer(&mut harness, button(grab, true));
    let halfway = egui::pos2(grab.x, bar.center().y);
    pointer(&mut harness, egui::Event::PointerMoved(halfway));
    // The bar tells screen readers the first row in view (counted from 0).
    let top = harness
        .query_all_by_role(egui::accesskit::Role::ScrollBar)
        .find_map(|n| n.accesskit_node().numeric_value())
        .unwrap();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a row number
    let top = top as usize;
    assert!((rows * 2 / 5..rows * 3 / 5).contains(&top), "halfway down the bar, row {top} is at the top");
    assert!(row_rect(&harness, top + 1, "").is_some(), "and row {} is drawn", top + 1);
    let below = egui::pos2(grab.x, bar.bottom() + 100.0);
    pointer(&mut harness, egui::Event::PointerMoved(below));
    pointer(&mut harness, button(below, false));
    assert!(last_in_full_view(&harness), "the scroll bar dragged to the bottom shows row {rows} whole");
}

/// A row of `0x80` bytes draws four characters a byte; only the part in view is laid out, and the
/// horizontal scroll bar brings the rest into view.
#[test]
fn a_row_of_escaped_bytes_lays_out_only_what_is_in_view() {
    let addr = serve_once(b"HTTP/1.0 200 OK\r\n\r\n", 4000, |block, _| block.fill(0x80));
    let mut harness = fetched(addr);
    let view = harness.state().view().unwrap();
    let row = view.reply.rows(2..3).next().unwrap();
    assert!(row.bytes.len() >= 1000 && row.bytes.iter().all(|b| *b == 0x80), "row 3 is a long run of 0x80");
    drop(view);
    let laid_out = |harness: &Harness<'_, SocketFetchApp>| {
        let node = harness.get_by(|n| n.value().is_some_and(|v| v.trim_start().starts_with("3  ")));
        let text = node.value().unwrap();
        text.trim_start()["3  ".len()..].chars().count()
    };
    // The whole window is 1200 points wide; a monospace character is about 7.
    let screen_columns = 1200 / 7;
    let at_left = laid_out(&harness);
    assert!((8..=screen_columns).contains(&at_left), "{at_left} characters of row 3 laid out");

    let bar = harness
        .query_all_by_role(egui::accesskit::Role::ScrollBar)
        .map(|node| node.rect())
        .filter(|r| r.width() > r.height())
        .max_by(|a, b| a.width().total_cmp(&b.width()))
        .unwrap();
    let grab = bar.left_center() + egui::vec2(4.0, 0.0);
    pointer(&mut harness, egui::Event::PointerMoved(grab));
    pointer(&mut harness, button(grab, true));
    pointer(&mut harness, egui::Event::PointerMoved(egui::pos2(bar.right() + 100.0, grab.y)));
    pointer(&mut harness, button(egui::pos2(bar.right() + 100.0, grab.y), false));
    let at_right = laid_out(&harness);
    assert!((8..=screen_columns).contains(&at_right), "{at_right} characters of row 3 laid out");
    assert!(row_rect(&harness, 1, "HTTP").is_none(), "scrolled right, the status line's text is out of view");
}

mod common;
#[path = "common/route_server.rs"]
mod route_server;

use route_server::{RouteServer, listener, page, redirect};
use window_harness::fill;

/// Clicks the follow button labelled for `url`, and steps until the fetch it starts has ended.
fn follow_to(harness: &mut Harness<'_, SocketFetchApp>, url: &str) {
    let before = harness.state().view().map(|v| v.job);
    harness.get_by_label(&format!("Follow to {url}")).click();
    harness.step();
    assert_ne!(harness.state().view().map(|v| v.job), before, "following started a new fetch");
    step_until(harness, "the next hop to end", finished);
}

#[test]
fn the_demo_redirect_is_followed_as_hop_2_of_the_same_story() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port();
    let mut harness = harness("127.0.0.1/redirect", &port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the redirect to arrive", finished);
    assert_eq!(harness.state().view().unwrap().head.as_ref().map(|h| h.status), Some(302));
    let to = format!("http://127.0.0.1:{port}/");
    follow_to(&mut harness, &to);

    let view = harness.state().view().unwrap();
    assert_eq!(view.hop, 2);
    assert!(view.error().is_none(), "{:?}", view.error());
    assert!(view.reply.bytes().starts_with(b"HTTP/1.0 200 OK\r\n"), "the new reply is shown");
    let hop = format!("Hop 2: following the redirect from http://127.0.0.1:{port}/redirect to {to}");
    let log: Vec<&str> = view.log.iter().map(|line| line.text.as_str()).collect();
    let at = log.iter().position(|line| *line == hop).unwrap_or_else(|| panic!("{hop:?} missing from {log:#?}"));
    assert!(log[..at].iter().any(|line| line.contains("302 Found")), "hop 1's lines stay before it: {log:#?}");
    assert!(log[at..].iter().any(|line| line.contains("200 OK")), "hop 2's lines follow it: {log:#?}");
    let hop_at = view.log[at].at;
    assert!(
        view.log[..at].iter().all(|line| line.at <= hop_at),
        "hop 2's time goes on from hop 1's: {}",
        view.log_text()
    );
    assert!(
        view.log[at..].iter().all(|line| line.at >= hop_at),
        "hop 2's time goes on from hop 1's: {}",
        view.log_text()
    );
    assert!(shows_text(&harness, &hop), "the steps and the log say which hop this is");
    assert!(shows_text(&harness, "You just fetched a web page by hand."));
    assert_eq!(
        harness.state().form_fields(),
        (to.as_str(), port.to_string().as_str()),
        "the form shows the new address"
    );
    assert!(harness.query_by_label_contains("Follow to").is_none(), "a 200 offers nothing to follow");
}

#[test]
fn an_absolute_location_to_another_port_is_followed_and_fills_the_form() {
    let second = RouteServer::start(listener(), 1, |path| page(&format!("second server, {path}")));
    let second_port = second.port.to_string();
    let to = format!("http://127.0.0.1:{second_port}/b%20c?d");
    let location = to.clone();
    let first = RouteServer::start(listener(), 1, move |_| redirect("301 Moved Permanently", &location));
    let mut harness = harness("127.0.0.1/a", &first.port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the redirect to arrive", finished);
    follow_to(&mut harness, &to);
    assert_eq!(first.finish(), ["/a"]);
    assert_eq!(second.finish(), ["/b%20c?d"]);
    assert_eq!(harness.state().view().unwrap().reply.bytes(), page("second server, /b%20c?d"));
    assert_eq!(harness.get_by_label("Port").value().as_deref(), Some(second_port.as_str()));
    assert_eq!(harness.get_by_label("Host").value().as_deref(), Some(to.as_str()));
}

#[test]
fn a_relative_location_is_followed_against_the_current_address() {
    let server = RouteServer::start(listener(), 2, |path| match path {
        "/dir/start" => redirect("303 See Other", "next"),
        _ => page(path),
    });
    let port = server.port;
    let mut harness = harness("127.0.0.1/dir/start", &port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the redirect to arrive", finished);
    follow_to(&mut harness, &format!("http://127.0.0.1:{port}/dir/next"));
    assert_eq!(server.finish(), ["/dir/start", "/dir/next"]);
    assert_eq!(harness.state().view().unwrap().reply.bytes(), page("/dir/next"));
}

#[test]
fn an_https_location_offers_to_follow_it() {
    let server = RouteServer::start(listener(), 1, |_| redirect("301 Moved Permanently", "https://secure.invalid/"));
    let mut harness = harness("127.0.0.1", &server.port.to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the redirect to arrive", finished);
    server.finish();
    assert!(harness.query_by_label_contains("Follow to https://secure.invalid/").is_some());
}

#[test]
fn an_input_error_after_a_fetch_leaves_nothing_of_that_fetch_on_screen() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness("127.0.0.1", &server.addr().port().to_string());
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    let old = [
        "Status 200",
        "Status: 200 OK",
        "The reply's status line says: 200 OK",
        "HTTP/1.0 200 OK",
        "Fetching from 127.0.0.1",
    ];
    for text in old {
        assert!(shows_text(&harness, text), "{text:?} is on screen after the fetch");
    }
    for (host, port) in [("", "80"), ("ftp://example.invalid/", "80"), ("127.0.0.1", "0")] {
        fill(&mut harness, "Host", host);
        fill(&mut harness, "Port", port);
        harness.get_by_label("▶ Fetch").click();
        harness.run_steps(2);
        assert!(harness.state().input_error().is_some(), "{host:?} {port:?}");
        assert!(harness.state().view().is_none(), "{host:?} {port:?}");
        for text in old {
            assert!(!shows_text(&harness, text), "{host:?} {port:?}: {text:?} still on screen");
        }
        assert!(shows_text(&harness, "Press Fetch to start."), "the log is back to its start");
    }
}

#[test]
fn a_url_with_a_port_in_the_host_field_fills_the_port_field() {
    let server = DemoServer::start(0).unwrap();
    let port = server.addr().port().to_string();
    let mut harness = harness(&format!("http://127.0.0.1:{port}/bytes/10"), "80");
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the fetch to end", finished);
    assert_eq!(harness.get_by_label("Port").value().as_deref(), Some(port.as_str()));
    assert!(harness.state().view().unwrap().reply.bytes().ends_with(&numbered_body(10)));
}
