//! The error card: what went wrong in plain words, what to try, and that what arrived is kept.

use egui::{Color32, RichText, Ui};

use crate::fetch::{FetchError, InputError};

pub fn error_card_ui(ui: &mut Ui, error: &FetchError, kept_bytes: u64) {
    let (title, fill) = match error {
        FetchError::Cancelled => ("Stopped", ui.visuals().faint_bg_color),
        FetchError::Input(InputError::Limit(_)) => {
            ("Check the limits", ui.visuals().error_fg_color.gamma_multiply(0.15))
        }
        FetchError::Input(InputError::PathHasControl { .. }) => {
            ("Check the path", ui.visuals().error_fg_color.gamma_multiply(0.15))
        }
        FetchError::Input(_) => ("Check the host and port", ui.visuals().error_fg_color.gamma_multiply(0.15)),
        _ => ("The fetch did not finish", ui.visuals().error_fg_color.gamma_multiply(0.15)),
    };
    egui::Frame::group(ui.style()).fill(fill).stroke((1.0, ui.visuals().error_fg_color)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(format!("✖ {title}")).strong().size(18.0).color(ui.visuals().error_fg_color));
        ui.label(RichText::new(error.to_string()).size(16.0));
        ui.label(
            RichText::new(format!("What to try: {}", error.hint()))
                .size(15.0)
                .color(Color32::from_rgb(0x2e, 0x86, 0xde)),
        );
        if kept_bytes > 0 {
            ui.label(format!("What arrived before this, {}, is kept below.", crate::format::bytes(kept_bytes)));
        }
    });
}
