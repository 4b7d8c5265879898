//! The window's History tab, headless with `egui_kittest`, against the demo server on 127.0.0.1;
//! the history is kept in a folder of the test's own.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

mod common;
#[path = "common/window_harness.rs"]
mod window_harness;

use std::fs;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::history::HeadLine;
use socket_fetch::ui::StartOptions;
use window_harness::{demo_options, fetch, fill, harness_with, shows_text, step_until};

#[test]
fn two_fetches_are_listed_after_a_restart_shown_again_compared_and_forgotten_when_off() {
    let server = DemoServer::start(0).unwrap();
    let dir = std::env::temp_dir().join(format!("socket-fetch-window-history-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let options = StartOptions { history_dir: Some(dir.clone()), ..demo_options(&server, "/bytes/100") };
    let mut harness = fetch(harness_with(options.clone()));
    let view = harness.state().view().unwrap();
    let (first_reply, first_head) = (view.reply.bytes().to_vec(), view.head.as_ref().unwrap().head_len);
    drop(view);
    fill(&mut harness, "Host", "127.0.0.1/data.json");
    let mut harness = fetch(harness);
    // Recorded once it has ended (the previous fetch's end does not count).
    step_until(&mut harness, "both fetches in the history", |app| app.history().entries().len() == 2);
    let view = harness.state().view().unwrap();
    let second_body = (view.reply.bytes().len() - view.head.as_ref().unwrap().head_len) as u64;
    drop(view);
    drop(harness);

    // A new window on the same folder: a restart.
    let mut harness = harness_with(StartOptions { host: None, port: None, ..options });
    step_until(&mut harness, "the history read back", |app| app.history().entries().len() == 2);
    harness.get_by_label("History").click();
    harness.run_steps(2);
    let port = server.addr().port();
    let first = format!("GET 127.0.0.1:{port}/bytes/100");
    assert!(shows_text(&harness, &first), "the first fetch is listed");
    assert!(shows_text(&harness, &format!("GET 127.0.0.1:{port}/data.json")), "the second fetch is listed");
    assert!(shows_text(&harness, "200"), "with its status");
    harness.get_by_label(&first).click();
    step_until(&mut harness, "the first reply read from disk", |app| app.history().shown_reply().is_some());
    assert_eq!(harness.state().history().shown_reply().unwrap(), first_reply, "byte for byte");
    assert!(shows_text(&harness, &format!("Reply of {first}")));
    harness.get_by_label(&format!("Log of {first}")).click();
    harness.run_steps(2);
    assert!(shows_text(&harness, "Fetching from 127.0.0.1"), "its log is shown again");

    // Compare: both picked, their heads side by side and the body sizes said.
    for pick in harness.query_all_by_label("Pick").collect::<Vec<_>>() {
        pick.click();
    }
    harness.run_steps(2);
    harness.get_by_label("Compare the two picked").click();
    step_until(&mut harness, "the comparison", |app| app.history().comparison().is_some());
    let comparison = harness.state().history().comparison().unwrap();
    // Newest first in the list: the second fetch was picked first.
    assert_eq!(comparison.first_body, second_body);
    assert_eq!(comparison.second_body, (first_reply.len() - first_head) as u64);
    assert!(comparison.heads.iter().any(|l| matches!(l, HeadLine::OnlyFirst(t) if t.contains("json"))));
    assert!(comparison.heads.iter().any(|l| matches!(l, HeadLine::Both(t) if t.starts_with("HTTP/1."))));
    assert!(shows_text(&harness, "Bodies: "), "the body count is on screen");

    harness.get_by_label("Keep a history of fetches").click();
    step_until(&mut harness, "history off", |app| app.history().entries().is_empty());
    let files: Vec<_> = fs::read_dir(&dir).unwrap().map(|f| f.unwrap().file_name()).collect();
    assert!(files.iter().all(|f| f != "1.reply" && f != "2.reply"), "off clears the kept replies: {files:?}");
    drop(harness);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_long_url_is_cut_and_keeps_age_status_and_size_in_view() {
    let server = DemoServer::start(0).unwrap();
    let dir = std::env::temp_dir().join(format!("socket-fetch-window-history-long-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let path = format!("/{}", "long-path-".repeat(40));
    let options = StartOptions { history_dir: Some(dir.clone()), ..demo_options(&server, &path) };
    let mut harness = fetch(harness_with(options));
    step_until(&mut harness, "the fetch in the history", |app| app.history().entries().len() == 1);
    harness.get_by_label("History").click();
    harness.run_steps(2);
    let width = 1200.0;
    let target = format!("GET 127.0.0.1:{}{path}", server.addr().port());
    let status = harness.state().history().entries()[0].status.unwrap().to_string();
    for (what, label) in [("the status", status.as_str()), ("the size", "bytes"), ("the age", "just now")] {
        let node = harness.query_all_by_label_contains(label).last().unwrap_or_else(|| panic!("{what} is listed"));
        assert!(node.rect().right() <= width, "{what} is in view: {:?}", node.rect());
    }
    let row = harness.get_by_label_contains(&target[..30]);
    // Whole, its 420 characters would take some 3,000 points.
    assert!(row.rect().right() <= width, "the target is cut to the room left: {:?}", row.rect());
    let whole = |harness: &Harness<'_, _>| harness.query_all_by_label_contains(&target).count();
    assert_eq!(whole(&harness), 1, "the button alone");
    row.hover();
    harness.run_steps(60); // past egui's tooltip delay
    assert_eq!(whole(&harness), 2, "and the tooltip shows it whole on hover");
    drop(harness);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_history_that_cannot_be_written_is_listed_with_its_notice_and_the_box_disabled() {
    let dir = std::env::temp_dir().join(format!("socket-fetch-window-history-locked-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let mut store = socket_fetch::history::Store::open(&dir).unwrap();
    let request = b"GET /kept HTTP/1.0\r\n\r\n".to_vec();
    let record = socket_fetch::history::Record {
        at_ms: 0,
        host: "earlier.invalid".to_owned(),
        port: 80,
        duration_us: 1,
        status: Some(200),
        reply_size: 0,
        error: None,
        request,
        log: String::new(),
    };
    store.add(record, None).unwrap();
    drop(store);
    // A FIFO where the lock file goes: the lock cannot be taken, as in a folder of another user.
    fs::remove_file(dir.join("lock")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(dir.join("lock")).status().unwrap().success());
    let options = StartOptions {
        history_dir: Some(dir.clone()),
        tab: Some(socket_fetch::ui::Tab::History),
        ..StartOptions::default()
    };
    let mut harness = harness_with(options);
    step_until(&mut harness, "the history read", |app| app.history().entries().len() == 1);
    assert!(shows_text(&harness, "GET earlier.invalid:80/kept"), "what it holds is listed");
    assert!(shows_text(&harness, "This history folder cannot be written"), "and the tab says why nothing is recorded");
    assert!(
        harness.get_by_label("Keep a history of fetches").accesskit_node().is_disabled(),
        "the box cannot be ticked"
    );
    drop(harness);
    fs::remove_dir_all(&dir).unwrap();
}
