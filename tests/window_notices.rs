//! Notices after an action (copied, or why not), driven headless with `egui_kittest` against the demo
//! server: each shows next to the control that caused it, whole, inside the window.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use egui::Rect;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::{SocketFetchApp, StartOptions};
use window_harness::{copied_text, demo_options, fetch, harness_sized};

/// The rectangle of the widget whose text contains `text`.
fn rect_of(harness: &Harness<'_, SocketFetchApp>, text: &str) -> Rect {
    let nodes: Vec<_> = harness
        .query_all_by(|node| {
            node.value().is_some_and(|v| v.contains(text)) || node.label().is_some_and(|l| l.contains(text))
        })
        .collect();
    assert!(!nodes.is_empty(), "a widget says {text:?}");
    // A label's text is also in nodes of its own, a row each when wrapped: together, the label.
    nodes.iter().map(egui_kittest::Node::rect).fold(Rect::NOTHING, Rect::union)
}

/// A window of `size` pixels at `zoom` that has fetched `path` from the demo server.
fn fetched_at(server: &DemoServer, path: &str, zoom: f32, size: [f32; 2]) -> Harness<'static, SocketFetchApp> {
    fetch(harness_sized(StartOptions { zoom: Some(zoom), ..demo_options(server, path) }, size))
}

#[test]
fn copied_the_log_shows_under_copy_log_in_the_steps_panel() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched_at(&server, "", 1.0, [1280.0, 800.0]);
    harness.get_by_label("Copy log").click();
    assert!(copied_text(&mut harness).unwrap().contains("Connected"), "the log was copied");
    harness.step();
    let button = harness.get_by_label("Copy log").rect();
    let notice = rect_of(&harness, "Copied the log");
    assert!(
        notice.top() >= button.bottom() - 1.0 && notice.top() <= button.bottom() + 2.0 * button.height(),
        "just under Copy log: {notice:?} {button:?}"
    );
    let reply_tab = harness.get_all_by_label("Reply").map(|n| n.rect()).fold(Rect::NOTHING, Rect::union);
    assert!(
        notice.left() >= 0.0 && notice.right() <= reply_tab.left(),
        "in the steps panel: {notice:?}, the Reply tab at {reply_tab:?}"
    );
}

#[test]
fn a_long_copy_notice_wraps_whole_inside_the_window_at_150_and_200_percent() {
    let server = DemoServer::start(0).unwrap();
    for (zoom, size) in [(1.5, [1024.0, 768.0]), (2.0, [1280.0, 800.0])] {
        let mut harness = fetched_at(&server, "/binary", zoom, size);
        // The window is too narrow for the explanation's panel: it is a tab, shown first.
        harness.get_by_label("Reply").click();
        harness.run_steps(2);
        harness.get_by_label("Copy reply").click();
        assert!(copied_text(&mut harness).is_some());
        harness.step();
        let window = harness.ctx.content_rect();
        let notice = rect_of(&harness, "can be turned back into the exact bytes");
        assert!(window.contains_rect(notice), "at {zoom}: the notice {notice:?} is inside the window {window:?}");
        let toolbar = harness.get_by_label("Copy reply").rect();
        assert!(notice.top() >= toolbar.bottom() - 1.0, "at {zoom}: under the reply's buttons");
    }
}
