//! The reply view across fetches, driven headless with `egui_kittest`: every new fetch starts at the
//! top left, and the row numbers stay in view while the rows scroll sideways.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/route_server.rs"]
mod route_server;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui::{Event, MouseWheelUnit, Shape, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use route_server::{RouteServer, listener, page};
use socket_fetch::ui::SocketFetchApp;
use window_harness::{fetch, finished, harness, step_until};

/// The start of the long line, and where it would show if the view kept its sideways scroll.
const MARK: &str = "LEFTMARK";

/// A page whose last line is far wider than the window.
fn wide_page() -> Vec<u8> {
    page(&format!("short line\n{MARK}{}END\n", "x".repeat(4000)))
}

/// The reply's rows as the view labels them for screen readers: number, two spaces, what is laid out.
fn rows(harness: &Harness<'_, SocketFetchApp>) -> Vec<(String, egui::Rect)> {
    harness
        .query_all_by(|node| node.value().or_else(|| node.label()).is_some_and(|l| is_row(&l)))
        .map(|node| {
            let node_text = node.accesskit_node();
            (node_text.value().or_else(|| node_text.label()).unwrap_or_default(), node.rect())
        })
        .collect()
}

fn is_row(text: &str) -> bool {
    let (number, rest) = text.trim_start().split_once("  ").unwrap_or_default();
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty()
}

fn shows_the_mark(harness: &Harness<'_, SocketFetchApp>) -> bool {
    rows(harness).iter().any(|(label, _)| label.contains(MARK))
}

/// Scrolls the reply far to the right with the wheel, the pointer over its rows.
fn scroll_sideways(harness: &mut Harness<'static, SocketFetchApp>) {
    let (_, rect) = rows(harness).into_iter().last().unwrap();
    harness.hover_at(rect.center());
    harness.step();
    for _ in 0..10 {
        harness.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(-400.0, 0.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        harness.run_steps(3);
    }
}

#[test]
fn a_new_fetch_starts_the_reply_view_at_the_left_after_scrolling_sideways() {
    let server = RouteServer::start(listener(), 2, |_| wide_page());
    let mut harness = fetch(harness("127.0.0.1", &server.port.to_string()));
    assert!(shows_the_mark(&harness), "the long line's start is in view at first");
    scroll_sideways(&mut harness);
    assert!(!shows_the_mark(&harness), "the view scrolled sideways");
    let first = harness.state().view().unwrap().job;
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the second fetch to end", |app| {
        app.view().is_some_and(|v| v.job != first && finished(app))
    });
    assert!(shows_the_mark(&harness), "the next fetch's reply starts at the left");
    server.finish();
}

#[test]
fn row_numbers_stay_in_view_while_the_rows_scroll_sideways() {
    let server = RouteServer::start(listener(), 1, |_| wide_page());
    let mut harness = fetch(harness("127.0.0.1", &server.port.to_string()));
    scroll_sideways(&mut harness);
    assert!(!shows_the_mark(&harness), "the view scrolled sideways");
    let shapes = &harness.output().shapes;
    for (label, rect) in rows(&harness) {
        let number = label.trim_start().split_once("  ").unwrap().0.to_owned();
        let drawn = shapes.iter().any(|clipped| match &clipped.shape {
            Shape::Text(text) => {
                text.galley.text().trim() == number
                    && (text.pos.x - rect.left()).abs() < 1.0
                    && clipped.clip_rect.contains(text.pos + vec2(1.0, 1.0))
            }
            _ => false,
        });
        assert!(drawn, "row {number} has its number drawn at the left edge of the view");
    }
    server.finish();
}
