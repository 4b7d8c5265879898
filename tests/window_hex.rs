//! The reply's hex view in the window, driven headless with `egui_kittest` against the demo server
//! on 127.0.0.1: its rows as the bytes say, and a selected range copied as hex and as bytes.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_fetch::copy_rule::unescape;
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::SocketFetchApp;
use window_harness::{copied_text, demo_options, fetch, fetched, finished, harness_sized, shows_text};

fn reply(harness: &Harness<'_, SocketFetchApp>) -> Vec<u8> {
    harness.state().view().unwrap().reply.bytes().to_vec()
}

/// What a hex dump's row of `bytes` at `offset` says: the offset in eight hex digits, the bytes
/// as pairs of upper-case hex digits (two spaces after the eighth), and printable ASCII as itself.
fn expected_row(offset: usize, bytes: &[u8]) -> (String, String, String) {
    let pairs: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let hex = match pairs.split_at_checked(8) {
        Some((first, second)) if !second.is_empty() => format!("{}  {}", first.join(" "), second.join(" ")),
        _ => pairs.join(" "),
    };
    let text = bytes.iter().map(|&b| if (0x20..0x7F).contains(&b) { char::from(b) } else { '·' }).collect();
    (format!("{offset:08X}"), hex, text)
}

/// The labels of the row of `reply` at `offset`, if it is on screen: their rectangles, in the
/// order offset, hex, text; each found by what the bytes say it must read, on one line.
fn row_rects(harness: &Harness<'_, SocketFetchApp>, reply: &[u8], offset: usize) -> Option<[Rect; 3]> {
    let (o, h, t) = expected_row(offset, &reply[offset..reply.len().min(offset + 16)]);
    let on_line = |label: &str, y: Option<f32>| {
        let is = |text: Option<String>| text.is_some_and(|t| t == label);
        harness
            .query_all_by(|n| is(n.value()) || is(n.label()))
            .map(|n| n.rect())
            .find(|r| y.is_none_or(|y| (r.center().y - y).abs() < 1.0))
    };
    let offset = on_line(&o, None)?;
    let y = Some(offset.center().y);
    let rects = [offset, on_line(&h, y)?, on_line(&t, y)?];
    assert!(rects[0].left() < rects[1].left() && rects[1].left() < rects[2].left(), "{rects:?}");
    Some(rects)
}

/// A window wide enough for the whole of each row beside the steps and the explanation, that has
/// fetched `path` from the demo server and shows it in hex.
fn hex_window(server: &DemoServer, path: &str) -> Harness<'static, SocketFetchApp> {
    let mut harness = fetch(harness_sized(demo_options(server, path), [1600.0, 780.0]));
    harness.get_by_label("Hex").click();
    harness.run_steps(2);
    harness
}

/// Where byte `i` of the row whose text column is `text` is drawn in that column.
fn text_column_byte(text: Rect, i: usize) -> Pos2 {
    let column = text.width() / 16.0;
    Pos2::new(text.left() + column * (i as f32 + 0.5), text.center().y)
}

fn click(harness: &mut Harness<'_, SocketFetchApp>, pos: Pos2, modifiers: Modifiers) {
    pointer(harness, Event::PointerMoved(pos));
    button(harness, pos, true, modifiers);
    button(harness, pos, false, modifiers);
}

/// Sends one pointer event and gives it its frame.
fn pointer(harness: &mut Harness<'_, SocketFetchApp>, event: Event) {
    harness.event(event);
    harness.step();
}

fn button(harness: &mut Harness<'_, SocketFetchApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    pointer(harness, Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers });
}

/// The bytes a copied hex text spells; every line at most 16 of them.
fn decode_hex(text: &str) -> Vec<u8> {
    assert!(text.lines().all(|line| line.split(' ').count() <= 16), "{text}");
    text.split_whitespace().map(|pair| u8::from_str_radix(pair, 16).unwrap()).collect()
}

#[test]
fn the_rows_say_what_the_bytes_are_first_and_last() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = hex_window(&server, "/binary");
    let reply = reply(&harness);
    for offset in [0, 16, 32] {
        assert!(row_rects(&harness, &reply, offset).is_some(), "the row at {offset:X} as its bytes say");
    }
    assert!(shows_text(&harness, "HTTP/1.0 200 OK·"), "the status line, its \\r as ·");
    // The last row, a partial one unless the reply is a multiple of 16 long, at Ctrl+End.
    let last = (reply.len() - 1) / 16 * 16;
    assert!(row_rects(&harness, &reply, last).is_none(), "the last row is not on the first screen");
    let row = row_rects(&harness, &reply, 0).unwrap();
    harness.hover_at(row[1].center());
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.run_steps(2);
    assert!(row_rects(&harness, &reply, last).is_some(), "the last row, at {last:X}, after Ctrl+End");
    harness.key_press(Key::Home);
    harness.run_steps(2);
    assert!(row_rects(&harness, &reply, 0).is_some(), "the first row again after Home");
}

#[test]
fn a_click_and_a_shift_click_select_a_range_copied_as_hex_and_as_bytes() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = hex_window(&server, "/binary");
    let reply = reply(&harness);
    let [_, _, first] = row_rects(&harness, &reply, 0).unwrap();
    let [_, _, later] = row_rects(&harness, &reply, 0x100).unwrap();
    click(&mut harness, text_column_byte(first, 3), Modifiers::NONE);
    click(&mut harness, text_column_byte(later, 10), Modifiers::SHIFT);
    let want = &reply[3..=0x10A];
    assert!(want.iter().any(|b| *b >= 0x80), "the range holds bytes that are not text");
    assert!(shows_text(&harness, "Selected 264 bytes, offsets 00000003 to 0000010A."));

    harness.get_by_label("Copy as hex").click();
    let hex = copied_text(&mut harness).unwrap();
    assert_eq!(decode_hex(&hex), want);
    harness.run_steps(2); // a toast is measured unseen on its first frame
    assert!(shows_text(&harness, "Copied the selection, 264 bytes, to the clipboard as hex."));

    harness.get_by_label("Copy as bytes").click();
    let bytes = copied_text(&mut harness).unwrap();
    assert_eq!(unescape(bytes.as_bytes()).unwrap(), want, "by the copy rule, back to the exact bytes");
    harness.run_steps(2); // a toast is measured unseen on its first frame
    assert!(shows_text(&harness, "Copied the selection, 264 bytes:"), "the notice says how many");
}

#[test]
fn a_drag_across_rows_selects_them_and_ctrl_c_copies_them_as_hex() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = hex_window(&server, "/binary");
    let reply = reply(&harness);
    let [offset, _, _] = row_rects(&harness, &reply, 0x20).unwrap();
    let [_, _, text] = row_rects(&harness, &reply, 0x40).unwrap();
    // From the offset of one row (its first byte) to past the end of the text two rows down.
    let from = offset.left_center();
    let to = text.right_center() + egui::vec2(30.0, 0.0);
    pointer(&mut harness, Event::PointerMoved(from));
    button(&mut harness, from, true, Modifiers::NONE);
    pointer(&mut harness, Event::PointerMoved(to));
    button(&mut harness, to, false, Modifiers::NONE);
    assert!(shows_text(&harness, "Selected 48 bytes, offsets 00000020 to 0000004F."));
    harness.event(Event::Copy);
    assert_eq!(decode_hex(&copied_text(&mut harness).unwrap()), &reply[0x20..0x50]);
}

#[test]
fn a_panel_too_narrow_for_a_whole_row_scrolls_sideways_to_its_text() {
    let server = DemoServer::start(0).unwrap();
    // The default window, the steps and the explanation beside the reply: no room for the text column.
    let mut harness = fetched(&server, "/binary");
    harness.get_by_label("Hex").click();
    harness.run_steps(2);
    let reply = reply(&harness);
    assert!(row_rects(&harness, &reply, 0).is_none(), "the text column is out of view");
    let (offset, hex, _) = expected_row(0, &reply[..16]);
    assert!(shows_text(&harness, &offset) && shows_text(&harness, &hex), "the offset and the hex are in view");
    let hex_rect = harness.get_by_value(&hex).rect();
    harness.hover_at(hex_rect.center());
    harness.step();
    for _ in 0..8 {
        harness.key_press(Key::ArrowRight);
        harness.step();
    }
    harness.run_steps(2);
    let [offset_rect, _, text_rect] = row_rects(&harness, &reply, 0).expect("the whole first row, scrolled into view");
    assert!(text_rect.width() > offset_rect.width(), "the whole text column, wider than the offset: {text_rect:?}");
}

#[test]
fn the_rows_grow_while_the_reply_arrives() {
    let server = DemoServer::start(0).unwrap();
    let mut harness = harness_sized(demo_options(&server, "/slow"), [1600.0, 780.0]);
    harness.get_by_label("Hex").click();
    harness.step();
    harness.get_by_label("▶ Fetch").click();
    let mut last_rows = Vec::new();
    let start = std::time::Instant::now();
    while !finished(harness.state()) {
        assert!(start.elapsed() < window_harness::LIMIT, "gave up waiting for /slow");
        // The session folds events on its own thread: a frame draws what had arrived when it
        // began, or a little more, never less.
        let before = harness.state().view().map_or(0, |v| v.reply.bytes().len());
        harness.step();
        let reply = reply(&harness);
        if before == 0 {
            continue; // the frame may have drawn an empty reply
        }
        // What this frame drew is what had arrived by then: its last row, partial or whole.
        let drew =
            (before..=reply.len()).find(|len| row_rects(&harness, &reply[..*len], (len - 1) / 16 * 16).is_some());
        let Some(len) = drew else {
            panic!("the last row of none of {before} to {} bytes was drawn", reply.len());
        };
        let last = (len - 1) / 16 * 16;
        if last_rows.last() != Some(&last) {
            last_rows.push(last);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(last_rows.len() > 2, "the last row moved on as lines arrived: {last_rows:X?}");
}
