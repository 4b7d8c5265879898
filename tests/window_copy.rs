//! Copy reply and Save reply to file in the window, driven headless with `egui_kittest` against
//! the demo server on 127.0.0.1. Without a display the copy goes through eframe's clipboard
//! (its text shows in the platform output); the X11 path is tested in a real window by
//! `.ci/clipboard_test.py`.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/recording_server.rs"]
mod recording_server;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use recording_server::RecordingServer;
use socket_fetch::copy_rule::unescape;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::SocketFetchApp;
use window_harness::{copied_text, demo_options, fetch, fetched, harness, harness_with, shows_text, step_until};

fn reply(harness: &Harness<'_, SocketFetchApp>) -> Vec<u8> {
    harness.state().view().unwrap().reply.bytes().to_vec()
}

#[test]
fn copy_reply_shows_progress_while_frames_go_on_then_says_what_landed() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched(&server, "/bytes/6000000");
    harness.get_by_label("Copy reply").click();
    harness.step(); // the click
    harness.step(); // the bytes are gathered and handed to the copy thread; this frame does not wait for it
    assert!(shows_text(&harness, "Copying…"), "the button shows the copy under way");
    assert_eq!(copied_text(&mut harness).map(String::into_bytes), Some(reply(&harness)));
    harness.step();
    assert!(shows_text(&harness, "Copied the reply"), "the notice says it landed");
    assert!(shows_text(&harness, "exactly as received"));
    assert!(harness.query_by_label("Copy reply").is_some(), "the button is back");
}

#[test]
fn copy_reply_pressed_while_the_reply_arrives_copies_all_of_it_once_complete() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness_with(demo_options(&server, "/slow"));
    harness.get_by_label("▶ Fetch").click();
    step_until(&mut harness, "the first lines", |app| {
        // Any of the first lines: on a busy machine a frame can outlast the 300 ms between two lines.
        app.view().is_some_and(|v| {
            let bytes = v.reply.bytes();
            v.is_running()
                && memchr::memmem::find(bytes, b"line 1 of 10\n").is_some()
                && memchr::memmem::find(bytes, b"line 5 of 10").is_none()
        })
    });
    harness.get_by_label("Copy reply").click();
    harness.step(); // the click
    harness.step(); // the copy waits
    assert!(harness.state().view().unwrap().is_running(), "pressed while the reply still arrives");
    assert!(shows_text(&harness, "Copying…"), "the copy waits for the reply's end");
    let copied = copied_text(&mut harness).map(String::into_bytes);
    assert!(!harness.state().view().unwrap().is_running());
    assert_eq!(copied, Some(reply(&harness)), "the whole reply, not the part there was when pressed");
    assert!(reply(&harness).ends_with(b"line 10 of 10\n"));
}

#[test]
fn a_binary_reply_is_copied_escaped_and_unescapes_to_the_exact_bytes() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched(&server, "/binary");
    harness.get_by_label("Copy reply").click();
    let copied = copied_text(&mut harness).unwrap();
    assert_eq!(unescape(copied.as_bytes()), Ok(reply(&harness)));
    harness.step();
    assert!(shows_text(&harness, "written as \\xNN and backslashes doubled"), "the notice says how");
}

#[test]
fn a_reply_beyond_this_clipboards_cap_is_refused_on_the_button_before_copying() {
    let server = DemoServer::start(0).unwrap();
    let harness = fetched(&server, "/bytes/9000000");
    assert!(harness.query_by_label("Copy reply").is_none());
    let button = harness.get_by_label("Copy reply: over 8 MiB");
    assert!(button.accesskit_node().is_disabled(), "no copy that would be lost can be started");
    assert!(harness.query_by_label("Save reply to file…").is_some(), "the alternative is offered");
}

/// Opens the save dialog, types `path` and presses Save; steps until the save has ended.
fn save_to(harness: &mut Harness<'static, SocketFetchApp>, path: &str) {
    harness.get_by_label("Save reply to file…").click();
    harness.run_steps(3); // a new egui window shows from its second frame
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "File").focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "File").type_text(path);
    harness.step();
    harness.get_by_label("Save").click();
    let start = std::time::Instant::now();
    while !shows_text(harness, "Saved the raw reply") && !shows_text(harness, "Could not save") {
        assert!(start.elapsed() < window_harness::LIMIT, "gave up waiting for the save");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn save_reply_writes_the_raw_bytes_exactly() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched(&server, "/binary");
    let path = std::env::temp_dir().join(format!("socket-fetch-save-test-{}.bin", std::process::id()));
    save_to(&mut harness, path.to_str().unwrap());
    let saved = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(saved, reply(&harness), "the file holds the raw reply, not the clipboard's escaped form");
}

#[test]
fn a_save_that_fails_says_so_plainly() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched(&server, "/bytes/100");
    save_to(&mut harness, "/nonexistent-folder-of-socket-fetch/reply.txt");
    assert!(shows_text(&harness, "Could not save to /nonexistent-folder-of-socket-fetch/reply.txt"));
}

#[test]
fn save_reply_writes_ten_mebibytes_of_any_bytes_exactly() {
    // Every byte value, in an order no run-length trick can guess (a multiplicative hash of the offset).
    let body: Vec<u8> = (0..10u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let mut sent = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    sent.extend(&body);
    let server = RecordingServer::start(sent.clone());
    let mut harness = fetch(harness("127.0.0.1", &server.port()));
    let path = std::env::temp_dir().join(format!("socket-fetch-save-10m-{}.bin", std::process::id()));
    save_to(&mut harness, path.to_str().unwrap());
    let saved = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(saved == sent, "the file holds the reply byte for byte ({} bytes saved of {})", saved.len(), sent.len());
}

#[test]
fn a_save_under_a_regular_file_fails_plainly_and_keeps_the_reply() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = fetched(&server, "/bytes/100");
    let before = reply(&harness);
    // Even root cannot make a file inside a regular file.
    let file = std::env::temp_dir().join(format!("socket-fetch-save-not-a-folder-{}", std::process::id()));
    std::fs::write(&file, b"a regular file").unwrap();
    let inside = file.join("reply.txt");
    save_to(&mut harness, inside.to_str().unwrap());
    std::fs::remove_file(&file).unwrap();
    assert!(shows_text(&harness, &format!("Could not save to {}", inside.display())));
    assert_eq!(reply(&harness), before, "nothing of the reply is lost");
}
