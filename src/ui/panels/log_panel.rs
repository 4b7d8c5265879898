//! The log: time-stamped messages in plain words, selectable, with Copy log.

use egui::{RichText, Ui};

use crate::session::FetchView;
use crate::ui::panels::notice::{Notice, Place};

/// Draws the log, with the notice of Copy log by its button; true when Copy log was clicked.
pub fn log_ui(ui: &mut Ui, view: Option<&FetchView>, notice: Option<&Notice>) -> bool {
    let mut copy = false;
    let row = ui.horizontal(|ui| {
        ui.heading("Log");
        if ui.add_enabled(view.is_some(), egui::Button::new("Copy log")).clicked() {
            copy = true;
        }
    });
    Notice::ui(notice, ui, Place::Log, row.response.rect);
    egui::ScrollArea::vertical().id_salt("log").stick_to_bottom(true).auto_shrink([false, false]).show(ui, |ui| {
        if let Some(view) = view {
            for line in &view.log {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(line.stamp()).monospace().weak());
                    ui.add(egui::Label::new(&line.text).selectable(true));
                });
            }
        } else {
            ui.label(RichText::new("Press Fetch to start. Each step will be described here.").weak());
        }
    });
    copy
}
