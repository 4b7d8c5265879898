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
    pub limits: Limits,
}

/// How long to wait and how much to keep; set in the Limits menu.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub connect_timeout_s: f64,
    pub read_timeout_s: f64,
    pub max_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect_timeout_s: crate::fetch::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
            read_timeout_s: crate::fetch::DEFAULT_READ_TIMEOUT.as_secs_f64(),
            max_mib: crate::fetch::DEFAULT_MAX_BYTES / (1024 * 1024),
        }
    }
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
        ui.add_enabled_ui(!running, |ui| {
            ui.menu_button("⚙ Limits", |ui| limits_ui(ui, &mut fields.limits))
                .response
                .on_hover_text("How long to wait for the server, and how much of its reply to keep");
        });
    });
    action
}

fn limits_ui(ui: &mut Ui, limits: &mut Limits) {
    egui::Grid::new("limits").num_columns(2).show(ui, |ui| {
        ui.label("Wait for the server to answer the call");
        ui.add(egui::DragValue::new(&mut limits.connect_timeout_s).range(0.1..=120.0).speed(0.1).suffix(" s"));
        ui.end_row();
        ui.label("Give up when the server is silent for");
        ui.add(egui::DragValue::new(&mut limits.read_timeout_s).range(0.1..=600.0).speed(0.1).suffix(" s"));
        ui.end_row();
        ui.label("Keep at most");
        ui.add(egui::DragValue::new(&mut limits.max_mib).range(1..=4096).suffix(" MiB"));
        ui.end_row();
    });
    if ui.button("Back to the defaults").clicked() {
        *limits = Limits::default();
    }
}
