//! The steps column: the steps, then the log with Copy log, and the server's certificate in a
//! window of its own when the handshake's line asks for it.

use egui::Ui;

use crate::fetch::JobId;
use crate::format;
use crate::session::FetchView;
use crate::ui::panels::certificate_card::{CARD_TITLE, certificate_card_ui};
use crate::ui::panels::log_panel::log_ui;
use crate::ui::panels::notice::{Notice, Place};
use crate::ui::panels::steps_panel::steps_ui;

#[derive(Default)]
pub struct StepsColumn {
    /// The fetch whose certificate card has a window of its own, opened from the steps panel's
    /// handshake line: a new fetch closes it.
    card_of: Option<JobId>,
}

impl StepsColumn {
    /// The steps, then the log with Copy log.
    pub fn ui(&mut self, ui: &mut Ui, view: Option<&FetchView>, notice: &mut Option<Notice>) {
        if steps_ui(ui, view) {
            self.card_of = view.map(|v| v.job);
        }
        ui.separator();
        if log_ui(ui, view, notice.as_ref())
            && let Some(view) = view
        {
            let text = format!(
                "Copied the log ({}) to the clipboard.",
                format::counted(view.log.len() as u64, "line", "lines")
            );
            *notice = Some(Notice::new(Place::Log, text, true));
            ui.ctx().copy_text(view.log_text());
        }
    }

    /// The server's certificate in a window of its own, while open and the fetch on screen has one.
    pub fn card_window_ui(&mut self, ui: &Ui, view: Option<&FetchView>) {
        let Some(view) = view.filter(|v| Some(v.job) == self.card_of) else { return };
        let Some(agreed) = view.agreed.as_deref() else { return };
        let mut open = true;
        egui::Window::new(CARD_TITLE).open(&mut open).collapsible(false).resizable(true).default_width(520.0).show(
            ui.ctx(),
            |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| certificate_card_ui(ui, agreed));
            },
        );
        if !open {
            self.card_of = None;
        }
    }
}
