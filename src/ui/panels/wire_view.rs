//! The "On the wire" tab: every piece that crossed the socket, in order, as anyone on the way sees
//! it, with the totals each way and, over HTTPS, what was decrypted from it; and the explanation's
//! paragraph on what someone on the way learns from this fetch.

use std::fmt::Write as _;

use egui::{RichText, TextStyle, Ui};

use crate::fetch::wire::FIRST_BYTES;
use crate::fetch::{ContentType, Direction, Piece, WireLog, WireRecord};
use crate::format;
use crate::teach::wire::{
    Onlooker, RECORDS_LOOK_ALIKE, ROW_LEGEND, WIRE_INTRO, direction_words, onlooker_learns, overhead_line,
    piece_meaning, piece_words, plain_is_the_reply,
};

use crate::session::FetchView;
use crate::ui::palette;

pub fn on_the_wire_ui(ui: &mut Ui, view: Option<&FetchView>) {
    let Some(view) = view.filter(|v| !v.wire.is_empty()) else {
        ui.label(
            RichText::new("Once a fetch connects, this shows every byte that crosses the connection, as anyone on the way sees it.")
                .weak(),
        );
        return;
    };
    let wire = &view.wire;
    ui.label(WIRE_INTRO);
    ui.add_space(4.0);
    totals_ui(ui, wire);
    ui.add_space(4.0);
    if view.tls {
        ui.label(overhead_line(view.received(), wire.total(Direction::Received).bytes));
        if view.agreed.as_ref().is_some_and(|a| a.version == "TLS 1.3") {
            ui.label(RichText::new(RECORDS_LOOK_ALIKE).weak());
        }
    } else {
        ui.label(plain_is_the_reply(view.received(), wire.total(Direction::Received).bytes));
    }
    for (direction, piece, tally) in wire.beyond() {
        ui.label(
            RichText::new(format!(
                "… and {} more {} pieces {} ({}), counted above but not listed, to keep memory bounded.",
                format::count(tally.count),
                piece_words(piece, direction),
                if direction == Direction::Sent { "sent" } else { "received" },
                format::bytes(tally.bytes)
            ))
            .weak(),
        );
    }
    ui.separator();
    ui.label(RichText::new(ROW_LEGEND).weak());
    rows_ui(ui, wire);
}

/// Each way: its pieces by kind, counted, with their bytes, and the exact total.
fn totals_ui(ui: &mut Ui, wire: &WireLog) {
    // Narrow columns: a grid wider than the panel would widen every text under it past the edge.
    egui::Grid::new("wire-totals").num_columns(4).striped(true).show(ui, |ui| {
        for direction in Direction::BOTH {
            let total = wire.total(direction);
            ui.label(RichText::new(direction_words(direction)).monospace().strong().color(direction_color(direction)));
            ui.label(RichText::new("in all").strong());
            ui.label(RichText::new(format::counted(total.count, "piece", "pieces")).strong());
            ui.label(RichText::new(format::exact(total.bytes)).strong()).on_hover_text(format::bytes(total.bytes));
            ui.end_row();
            for (_, piece, tally) in wire.totals().filter(|(d, _, _)| *d == direction) {
                ui.label("");
                ui.label(piece_words(piece, direction)).on_hover_text(piece_meaning(piece, direction));
                ui.label(format::count(tally.count));
                ui.label(format::exact(tally.bytes));
                ui.end_row();
            }
        }
    });
    // What each kind seen is, once, under the totals.
    let mut kinds: Vec<(String, &str)> = wire
        .totals()
        .map(|(direction, piece, _)| (piece_words(piece, direction), piece_meaning(piece, direction)))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for (words, meaning) in kinds {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(words).strong());
            ui.label(RichText::new(meaning).weak());
        });
    }
}

/// The pieces kept, one row each; only the rows in view are laid out, so 20,000 scroll smoothly.
fn rows_ui(ui: &mut Ui, wire: &WireLog) {
    let records = wire.records();
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    egui::ScrollArea::both().id_salt("wire rows").auto_shrink(false).show_rows(
        ui,
        row_height,
        records.len(),
        |ui, rows| {
            for record in &records[rows] {
                let row = RichText::new(row_text(wire, record)).monospace().color(direction_color(record.direction));
                ui.add(egui::Label::new(row).extend());
            }
        },
    );
}

fn direction_color(direction: Direction) -> egui::Color32 {
    match direction {
        Direction::Sent => palette::REQUEST,
        Direction::Received => palette::GOOD,
    }
}

/// One piece as a row: time since the connect, which way, what, its bytes on the wire (a record's
/// header included, so the rows add up to the totals), and for encrypted data its first bytes in hex.
fn row_text(wire: &WireLog, record: &WireRecord) -> String {
    let mut text = format!(
        "{:>9.3} ms {:<10} {:<18} {:>8} B ",
        wire.since_connect(record).as_secs_f64() * 1000.0,
        direction_words(record.direction),
        piece_words(record.piece, record.direction),
        format::count(record.wire)
    );
    if record.piece == Piece::Record(ContentType::ApplicationData) {
        for byte in record.first_bytes() {
            let _ = write!(text, "{byte:02x} ");
        }
        if record.length > FIRST_BYTES as u64 {
            text.push('…');
        }
    }
    if record.is_too_long() {
        text.push_str("  longer than TLS allows");
    }
    if !record.is_whole() {
        let _ = write!(text, "  cut short: its header claims {}", format::exact(record.length));
    }
    text
}

/// The explanation's paragraph: what someone on the way learned from this fetch, and what not; once
/// the request was sent, since the sentences speak of the page asked for.
pub fn onlooker_ui(ui: &mut Ui, view: &FetchView) {
    if view.wire.is_empty() || view.sent.is_none() {
        return;
    }
    let request_line = view.request.split(|b| *b == b'\r').next().unwrap_or_default();
    let request_line = String::from_utf8_lossy(request_line);
    let sent = view.wire.total(Direction::Sent);
    let received = view.wire.total(Direction::Received);
    let seen = Onlooker {
        tls: view.tls,
        server: view.connected.map(|(_, remote)| remote),
        server_name: view.agreed.as_ref().and_then(|a| a.server_name.as_deref()),
        host: &view.host,
        path: request_line.split(' ').nth(1).unwrap_or("/"),
        sent: sent.bytes,
        received: received.bytes,
        pieces: sent.count + received.count,
        reply: view.received(),
    };
    let (can, cannot) = onlooker_learns(&seen);
    ui.label(RichText::new("What someone on the way can learn").strong());
    ui.label(RichText::new("Someone on the café's Wi-Fi or at the network provider sees:").weak());
    for line in &can {
        ui.label(format!("• {line}"));
    }
    if !cannot.is_empty() {
        ui.label(RichText::new("But not:").weak());
        for line in &cannot {
            ui.label(format!("• {line}"));
        }
    }
}
