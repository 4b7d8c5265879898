//! The form: Host, Port, Fetch/Cancel, Use demo server, and the step-through switch.

use egui::{Key, Ui};

/// What the person asked for this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    None,
    Fetch,
    Cancel,
    UseDemo,
    Next,
}

pub struct FormFields {
    pub host: String,
    pub port: String,
    pub step_through: bool,
}

/// Draws the form. `running`: a fetch is under way (Fetch becomes Cancel); `paused`: waiting for Next.
pub fn form_ui(ui: &mut Ui, fields: &mut FormFields, running: bool, paused: bool, focus_host: bool) -> FormAction {
    let mut action = FormAction::None;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Host");
        let host = ui.add(
            egui::TextEdit::singleline(&mut fields.host)
                .desired_width(260.0)
                .hint_text("example.com or 127.0.0.1")
                .id_salt("host"),
        );
        let host = host.labelled_by(label.id);
        if focus_host {
            host.request_focus();
        }
        let label = ui.label("Port");
        let port = ui
            .add(egui::TextEdit::singleline(&mut fields.port).desired_width(64.0).hint_text("80").id_salt("port"))
            .labelled_by(label.id);
        let enter = (host.lost_focus() || port.lost_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
        if running {
            if ui.button("⏹ Cancel").on_hover_text("Stop this fetch (Escape)").clicked() {
                action = FormAction::Cancel;
            }
        } else if ui.button("▶ Fetch").on_hover_text("Fetch the page (Enter)").clicked() || enter {
            action = FormAction::Fetch;
        }
        if paused && ui.button("⏭ Next step").on_hover_text("Run the step shown as paused").clicked() {
            action = FormAction::Next;
        }
        ui.add_enabled_ui(!running, |ui| {
            if ui
                .button("Use demo server")
                .on_hover_text("Start the web server built into socket-fetch and fill in its address")
                .clicked()
            {
                action = FormAction::UseDemo;
            }
        });
        ui.add_enabled(!running, egui::Checkbox::new(&mut fields.step_through, "Pause before each step"));
    });
    action
}
