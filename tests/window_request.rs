//! The window's request editor, driven headless with `egui_kittest` against servers on 127.0.0.1:
//! what a recording server receives, closed, edited and refused; raw mode against an echo server;
//! Copy as curl command; and Ctrl+S.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/recording_server.rs"]
mod recording_server;
#[path = "common/tcp_services.rs"]
mod tcp_services;
#[path = "common/window_harness.rs"]
mod window_harness;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use recording_server::RecordingServer;
use socket_fetch::curl_command::curl_command;
use socket_fetch::fetch::{RequestSpec, Target, default_request, raw_bytes};
use socket_fetch::ui::SocketFetchApp;
use socket_fetch::ui::StartOptions;
use window_harness::{copied_text, fetch, fill, harness_sized, press, shows_text};

/// A window tall enough for the open editor and the reply, on `host` and `port`.
fn harness(host: &str, port: &str) -> Harness<'static, SocketFetchApp> {
    let options = StartOptions { host: Some(host.to_owned()), port: Some(port.to_owned()), ..StartOptions::default() };
    harness_sized(options, [1400.0, 1100.0])
}

/// The request editor's section, opened.
fn opened(harness: &mut Harness<'static, SocketFetchApp>) {
    click(harness, "Request");
    assert!(shows_text(harness, "Exactly what will be sent"), "the section opened");
}

/// Clicks the widget labelled `label` and gives the window the frames the click takes.
fn click(window: &mut Harness<'static, SocketFetchApp>, label: &str) {
    window.get_by_label(label).click();
    window.run_steps(3);
}

/// Presses Fetch while a field cannot be sent: no fetch starts.
fn fetch_refused(window: &mut Harness<'static, SocketFetchApp>) {
    click(window, "▶ Fetch");
    assert!(window.state().view().is_none(), "no fetch started");
}

/// A window on 127.0.0.1 at `port` with the editor open in raw mode.
fn raw_window(port: &str) -> Harness<'static, SocketFetchApp> {
    let mut window = harness("127.0.0.1", port);
    opened(&mut window);
    click(&mut window, "Raw (any TCP service)");
    window
}

/// Replaces the text of the field labelled `label`, and gives the editor the frame it takes to
/// show what that changed.
fn type_into(harness: &mut Harness<'static, SocketFetchApp>, label: &str, text: &str) {
    fill(harness, label, text);
    harness.run_steps(2);
}

/// Replaces the text of the `n`th field labelled `label` (the header rows share their columns' labels).
fn fill_nth(harness: &mut Harness<'static, SocketFetchApp>, label: &str, n: usize, text: &str) {
    harness.query_all_by_label(label).nth(n).unwrap().focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.step();
    harness.query_all_by_label(label).nth(n).unwrap().type_text(text);
    harness.run_steps(2);
    assert_eq!(harness.query_all_by_label(label).nth(n).unwrap().value().unwrap_or_default(), text, "{label} {n}");
}

/// The bytes "Exactly what will be sent" shows: its one label, whose line breaks are layout only
/// and whose escapes raw mode reads back.
fn previewed(harness: &Harness<'static, SocketFetchApp>, first_line: &str) -> Vec<u8> {
    let node = harness
        .query_all_by(|node| node.value().is_some_and(|v| v.starts_with(first_line)))
        .next()
        .unwrap_or_else(|| panic!("a preview starting {first_line:?}"));
    raw_bytes(&node.value().unwrap().replace('\n', "")).unwrap()
}

fn target_of(server: &RecordingServer) -> Target {
    Target::parse("127.0.0.1", &server.port()).unwrap()
}

#[test]
fn with_the_editor_closed_the_server_receives_exactly_the_tutorials_request() {
    let server = RecordingServer::ok();
    let mut window = harness("127.0.0.1", &server.port());
    window = fetch(window);
    assert_eq!(window.state().view().unwrap().error(), None);
    let expected = default_request(&target_of(&server));
    assert_eq!(server.requests(), [expected]);
}

#[test]
fn an_edited_post_sends_exactly_the_bytes_its_preview_shows() {
    let server = RecordingServer::ok();
    let mut window = harness("127.0.0.1/form", &server.port());
    opened(&mut window);
    type_into(&mut window, "Method", "POST");
    click(&mut window, "HTTP/1.1");
    click(&mut window, "+ Add header");
    fill_nth(&mut window, "Name", 1, "X-Test");
    fill_nth(&mut window, "Value", 1, "yes, really");
    type_into(&mut window, "Body", "a=1&b=2");
    let preview = previewed(&window, "POST /form HTTP/1.1");
    let host = format!("127.0.0.1:{}", server.port());
    let expected = format!(
        "POST /form HTTP/1.1\r\nHost: {host}\r\nX-Test: yes, really\r\nConnection: close\r\nContent-Length: 7\r\n\r\na=1&b=2"
    );
    assert_eq!(String::from_utf8_lossy(&preview), expected);
    assert!(shows_text(&window, &format!("Exactly what will be sent ({} bytes)", expected.len())));
    window = fetch(window);
    assert_eq!(window.state().view().unwrap().error(), None);
    assert_eq!(server.requests(), [preview]);
}

#[test]
fn a_line_break_in_a_header_value_or_a_space_in_the_method_is_told_and_nothing_is_sent() {
    let server = RecordingServer::ok();
    let mut window = harness("127.0.0.1", &server.port());
    opened(&mut window);
    fill_nth(&mut window, "Value", 0, "127.0.0.1\r\nEvil: 1");
    assert!(shows_text(&window, "The value of header 1 (\"Host\") has a line break"));
    fetch_refused(&mut window);
    assert!(shows_text(&window, "Nothing was sent"));

    fill_nth(&mut window, "Value", 0, "127.0.0.1");
    type_into(&mut window, "Method", "GET /x HTTP/1.0");
    assert!(shows_text(&window, "The method \"GET /x HTTP/1.0\" cannot be sent"));
    assert!(shows_text(&window, "Type a method such as GET, HEAD or POST."));
    fetch_refused(&mut window);
    assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "nothing connected");
}

#[test]
fn the_path_and_host_follow_the_form_until_edited() {
    let mut window = harness("127.0.0.1/one", "8080");
    opened(&mut window);
    assert_eq!(window.get_by_label("Path").value().unwrap(), "/one");
    type_into(&mut window, "Host", "localhost/two");
    window.run_steps(2);
    assert_eq!(window.get_by_label("Path").value().unwrap(), "/two");
    assert_eq!(window.query_all_by_label("Value").next().unwrap().value().unwrap(), "localhost:8080");
    type_into(&mut window, "Path", "/mine");
    type_into(&mut window, "Host", "127.0.0.1/three");
    window.run_steps(2);
    assert_eq!(window.get_by_label("Path").value().unwrap(), "/mine", "an edited path stays");
    assert_eq!(window.query_all_by_label("Value").next().unwrap().value().unwrap(), "127.0.0.1:8080");
}

#[test]
fn raw_mode_against_an_echo_server_shows_the_echo_and_explains_raw_mode() {
    let echo = tcp_services::echo();
    let mut window = raw_window(&echo.port().to_string());
    type_into(&mut window, "Bytes to send", r"hello\r\n\x00end");
    assert_eq!(previewed(&window, "hello"), b"hello\r\n\x00end");
    window.get_by_label("it is quiet for").click();
    window = fetch(window);
    let view = window.state().view().unwrap();
    assert_eq!(view.error(), None);
    assert_eq!(view.reply.bytes(), b"hello\r\n\x00end");
    assert!(view.log.iter().any(|line| line.text.contains("The server sent nothing for 2 s")));
    assert!(shows_text(&window, "Raw mode sends your bytes exactly as typed"));
}

#[test]
fn copy_as_curl_command_puts_the_same_request_on_the_clipboard() {
    let server = RecordingServer::ok();
    let mut window = harness("127.0.0.1", &server.port());
    opened(&mut window);
    type_into(&mut window, "Method", "DELETE");
    window.get_by_label("Copy as curl command").click();
    let copied = copied_text(&mut window).unwrap();
    let target = target_of(&server);
    let mut spec = RequestSpec::new(&target);
    "DELETE".clone_into(&mut spec.method);
    assert_eq!(copied, curl_command(&target, &spec.build().unwrap()));
    window.run_steps(2); // a toast is measured unseen on its first frame
    assert!(shows_text(&window, "Copied the curl command"));
}

#[test]
fn ctrl_s_opens_save_reply_to_file_and_the_keys_help_lists_it() {
    let server = RecordingServer::ok();
    let mut window = fetch(harness("127.0.0.1", &server.port()));
    assert!(!shows_text(&window, "The file gets the raw reply"));
    window.key_press_modifiers(Modifiers::COMMAND, Key::S);
    window.run_steps(3);
    assert!(shows_text(&window, "The file gets the raw reply"), "Ctrl+S opened the dialog");
    press(&mut window, Key::Escape);
    press(&mut window, Key::F1);
    assert!(shows_text(&window, "Ctrl+S"));
}

#[test]
fn raw_mode_talks_to_a_line_based_service_until_it_hangs_up() {
    let greeter = tcp_services::greeter();
    let mut window = raw_window(&greeter.port().to_string());
    type_into(&mut window, "Bytes to send", r"HELO me\r\nQUIT\r\n");
    window.get_by_label("the server hangs up").click();
    window = fetch(window);
    let view = window.state().view().unwrap();
    assert_eq!(view.error(), None);
    assert_eq!(view.reply.bytes(), b"220 hello\r\n250 hello me\r\n221 bye\r\n");
    assert!(view.log.iter().any(|line| line.text.contains("The server hung up")));
}

#[test]
fn an_unknown_escape_in_raw_mode_is_told_and_nothing_is_sent() {
    let server = RecordingServer::ok();
    let mut window = raw_window(&server.port());
    type_into(&mut window, "Bytes to send", r"GET \q");
    assert!(shows_text(&window, r#""\q" is not an escape this tool knows"#));
    fetch_refused(&mut window);
    assert_eq!(server.requests(), Vec::<Vec<u8>>::new(), "nothing connected");
}

#[test]
fn an_edited_request_closed_away_sends_the_tutorials_request_again() {
    let server = RecordingServer::ok();
    let mut window = harness("127.0.0.1", &server.port());
    opened(&mut window);
    type_into(&mut window, "Method", "DELETE");
    click(&mut window, "Request");
    assert!(!shows_text(&window, "Exactly what will be sent"), "the section closed");
    window = fetch(window);
    assert_eq!(window.state().view().unwrap().error(), None);
    let expected = default_request(&target_of(&server));
    assert_eq!(server.requests(), [expected]);
}

#[test]
fn a_pasted_body_larger_than_the_field_holds_is_cut_to_its_limit() {
    let mut window = harness("127.0.0.1", "8080");
    opened(&mut window);
    window.get_by_label("Body").focus();
    window.step();
    window.event(egui::Event::Paste("x".repeat(1024 * 1024)));
    window.run_steps(3);
    assert_eq!(window.get_by_label("Body").value().unwrap().len(), 64 * 1024);
    let length = "Content-Length: 65536";
    assert!(previewed(&window, "GET / HTTP/1.0").windows(length.len()).any(|w| w == length.as_bytes()));
}
