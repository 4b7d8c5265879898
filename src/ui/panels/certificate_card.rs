//! The server's certificate drawn as an ID card: whose it is, the names it is valid for, who vouches
//! for it, its dates (with "expires in 89 days" from today), its key, and who vouched for the
//! voucher. When the check was skipped, the card says so first, in strong words, every time.

use std::time::{SystemTime, UNIX_EPOCH};

use egui::{RichText, Ui};

use crate::fetch::Agreed;
use crate::teach::id_card;

use crate::ui::palette;

/// The card's heading, also the title of the window the steps panel opens it in.
pub const CARD_TITLE: &str = "The server's ID card (certificate)";

/// Draws the card for what the handshake agreed.
pub fn certificate_card_ui(ui: &mut Ui, agreed: &Agreed) {
    let Some(card) = id_card(agreed, unix_now()) else {
        ui.label("The server sent no certificate.");
        return;
    };
    let alarm = ui.visuals().error_fg_color;
    let (stroke, fill) =
        if card.verified { (palette::GOOD, ui.visuals().faint_bg_color) } else { (alarm, alarm.gamma_multiply(0.15)) };
    egui::Frame::group(ui.style()).stroke((1.5, stroke)).fill(fill).show(ui, |ui| {
        ui.label(RichText::new(CARD_TITLE).strong().size(17.0));
        if card.verified {
            ui.label(RichText::new(format!("✔ {}", card.check)).color(palette::GOOD));
        } else {
            ui.label(RichText::new(format!("⚠ {}", card.check)).strong().size(16.0).color(alarm));
        }
        egui::Grid::new("certificate card").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            for (what, value) in &card.rows {
                ui.label(RichText::new(*what).strong());
                ui.add(egui::Label::new(value.as_str()).wrap());
                ui.end_row();
            }
        });
        ui.add_space(4.0);
        ui.label(RichText::new("Who vouched for the voucher").strong());
        for line in &card.chain {
            ui.label(line);
        }
    });
}

/// Seconds since 1970, for the card's "expires in …": a clock set before 1970 counts as 1970.
fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}
