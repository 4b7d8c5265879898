//! Notices after an action (copied, or why not), driven headless with `egui_kittest` against the demo
//! server: each shows next to the control that caused it, whole, inside the window.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use egui::{Rect, Shape};
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

/// Every row of the notice that says `text` is painted inside the window and inside what it is cut
/// to (its panel, its scroll area): it can be read whole. AccessKit's rectangles are not cut, so this
/// looks at what was painted.
fn shows_whole(harness: &Harness<'_, SocketFetchApp>, text: &str) -> Result<(), String> {
    fn find(shape: &Shape, clip: Rect, text: &str, out: &mut Vec<(Rect, Rect)>) {
        match shape {
            Shape::Text(t) if t.galley.text().contains(text) => out.push((t.visual_bounding_rect(), clip)),
            Shape::Vec(shapes) => shapes.iter().for_each(|s| find(s, clip, text, out)),
            _ => {}
        }
    }
    let window = harness.ctx.content_rect();
    let mut found = Vec::new();
    for clipped in &harness.output().shapes {
        find(&clipped.shape, clipped.clip_rect.intersect(window), text, &mut found);
    }
    if found.is_empty() {
        return Err(format!("no notice says {text:?}"));
    }
    match found.iter().find(|(rect, clip)| !clip.expand(0.5).contains_rect(*rect)) {
        Some((rect, clip)) => Err(format!("the notice {text:?} at {rect:?} is cut to {clip:?}")),
        None => Ok(()),
    }
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
    harness.run_steps(2); // a toast is measured unseen on its first frame
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
fn a_long_copy_notice_wraps_whole_inside_the_window_at_150_to_250_percent() {
    let server = DemoServer::start(0).unwrap();
    for (zoom, size) in [(1.5, [1024.0, 768.0]), (2.0, [1280.0, 800.0]), (2.5, [1024.0, 768.0])] {
        let mut harness = fetched_at(&server, "/binary", zoom, size);
        // The window is too narrow for the explanation's panel: it is a tab, shown first.
        harness.get_by_label("Reply").click();
        harness.run_steps(2);
        harness.get_by_label("Copy reply").click();
        assert!(copied_text(&mut harness).is_some());
        harness.run_steps(2); // a toast is measured unseen on its first frame
        let window = harness.ctx.content_rect();
        let notice = rect_of(&harness, "can be turned back into the exact bytes");
        assert!(window.contains_rect(notice), "at {zoom}: the notice {notice:?} is inside the window {window:?}");
        // Under the reply's buttons, or above them where the window has no room below.
        let toolbar = harness.get_by_label("Copy reply").rect();
        assert!(
            notice.top() >= toolbar.bottom() - 1.0 || notice.bottom() <= toolbar.top() + 1.0,
            "at {zoom}: {notice:?} is by the reply's buttons {toolbar:?}, not over them"
        );
        shows_whole(&harness, "can be turned back into the exact bytes").unwrap();
    }
}

/// At 250 % on 1024×768 the steps sit above the reply, folded (the window is too short for them and
/// a row of the reply), and once opened in a short scrolling area, with Copy log out of view below it:
/// Copy log's notice (pressed by a screen reader) is still read whole.
#[test]
fn copied_the_log_is_whole_at_250_percent_on_1024_by_768() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched_at(&server, "", 2.5, [1024.0, 768.0]);
    assert!(harness.query_by_label("Copy log").is_none(), "the steps start folded on so short a window");
    harness.get_by_label("Steps").click();
    harness.run_steps(2);
    harness.get_by_label("Copy log").click_accesskit();
    assert!(copied_text(&mut harness).unwrap().contains("Connected"), "the log was copied");
    harness.run_steps(2); // a toast is measured unseen on its first frame
    shows_whole(&harness, "Copied the log").unwrap();
}
