//! The form: Host, Port, Fetch/Cancel, Use demo server, and the step-through switch.

use std::time::Duration;

use egui::{Key, Ui};

use super::fetch_view::FetchView;
use crate::fetch::limits::{self, LimitError, Wait};

/// Where the current fetch is, as the form and the keys see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchState {
    /// No fetch under way: Fetch starts one.
    Idle,
    /// A fetch under way: Fetch is Cancel.
    Running,
    /// A step-through waiting for Next step (Cancel still works).
    Paused,
}

impl FetchState {
    pub fn of(view: Option<&FetchView>) -> Self {
        match view {
            Some(view) if view.paused_before().is_some() => Self::Paused,
            Some(view) if view.is_running() => Self::Running,
            _ => Self::Idle,
        }
    }
}

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

/// How long to wait and how much to keep, as set in the Limits menu; read into a job's limits by
/// [`Limits::for_job`], with the terminal's rules (0 s is no limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub connect_timeout_s: f64,
    pub read_timeout_s: f64,
    pub max_mib: u64,
}

/// The limits a job takes: connect timeout, read timeout, and bytes to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobLimits {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_bytes: u64,
}

impl Limits {
    /// The limits checked, or why one cannot be used (a value from elsewhere than the menu's
    /// bounded fields: the command line, a test).
    pub fn for_job(&self) -> Result<JobLimits, LimitError> {
        Ok(JobLimits {
            connect_timeout: limits::wait_from_seconds(Wait::Connect, self.connect_timeout_s)?,
            read_timeout: limits::wait_from_seconds(Wait::Read, self.read_timeout_s)?,
            max_bytes: limits::keep_from_mib(self.max_mib)?,
        })
    }
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

/// Draws the form: Fetch is Cancel while a fetch is under way, and Next step shows while it is paused.
/// `extras`: also Use demo server, Pause before each step and Limits (else [`extras_ui`] draws them
/// elsewhere, in a menu when the window is narrow).
pub fn form_ui(ui: &mut Ui, fields: &mut FormFields, state: FetchState, focus_host: bool, extras: bool) -> FormAction {
    let mut action = FormAction::None;
    let running = state != FetchState::Idle;
    ui.horizontal_wrapped(|ui| {
        // The host field gives up width first, so Fetch stays on the same row as long as it can.
        let host_width = (ui.available_width() - 340.0).clamp(120.0, 260.0);
        let label = ui.label("Host");
        let host = ui.add(
            egui::TextEdit::singleline(&mut fields.host)
                .desired_width(host_width)
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
        if state == FetchState::Paused
            && ui
                .button("⏭ Next step")
                .on_hover_text("Run the step shown as paused (Page Down, Right arrow, Space or Enter)")
                .clicked()
        {
            action = FormAction::Next;
        }
        if extras {
            let chosen = extras_ui(ui, fields, running);
            if chosen != FormAction::None {
                action = chosen;
            }
        }
    });
    action
}

/// Use demo server, Pause before each step and Limits: set before a fetch, less used during one.
pub fn extras_ui(ui: &mut Ui, fields: &mut FormFields, running: bool) -> FormAction {
    let mut action = FormAction::None;
    // No scopes here (add_enabled_ui): a scope at the end of a row is as narrow as what is left
    // of it, and its button's text would wrap a letter a line instead of the button moving down.
    if ui
        .add_enabled(!running, egui::Button::new("Use demo server"))
        .on_hover_text("Start the web server built into socket-fetch and fill in its address")
        .clicked()
    {
        action = FormAction::UseDemo;
    }
    ui.add_enabled(!running, egui::Checkbox::new(&mut fields.step_through, "Pause before each step"));
    let limits_hover = "How long to wait for the server, and how much of its reply to keep";
    if running {
        ui.add_enabled(false, egui::Button::new("⚙ Limits")).on_disabled_hover_text(limits_hover);
    } else {
        ui.menu_button("⚙ Limits", |ui| limits_ui(ui, &mut fields.limits)).response.on_hover_text(limits_hover);
    }
    action
}

fn limits_ui(ui: &mut Ui, limits: &mut Limits) {
    let max_wait = limits::MAX_WAIT.as_secs_f64();
    // The fields cannot hold a value the engine refuses: 0 (no limit) up to one day, and a keep limit
    // the window can hold.
    egui::Grid::new("limits").num_columns(2).show(ui, |ui| {
        ui.label("Wait for the server to answer the call");
        ui.add(wait_field(&mut limits.connect_timeout_s, max_wait));
        ui.end_row();
        ui.label("Give up when the server is silent for");
        ui.add(wait_field(&mut limits.read_timeout_s, max_wait));
        ui.end_row();
        ui.label("Keep at most");
        ui.add(egui::DragValue::new(&mut limits.max_mib).range(1..=limits::MAX_KEEP_MIB).suffix(" MiB"));
        ui.end_row();
    });
    ui.label(egui::RichText::new("A wait of 0 s means no limit.").weak());
    if ui.button("Back to the defaults").clicked() {
        *limits = Limits::default();
    }
}

fn wait_field(seconds: &mut f64, max: f64) -> egui::DragValue<'_> {
    egui::DragValue::new(seconds)
        .range(0.0..=max)
        .speed(0.1)
        // Dragging adds 0.1 steps in binary floating point: show milliseconds at most, not 0.30000000000000004.
        .custom_formatter(
            |s, _| if s == 0.0 { "no limit".to_owned() } else { format!("{} s", (s * 1000.0).round() / 1000.0) },
        )
        .custom_parser(|text| match text.trim().trim_end_matches('s').trim() {
            "no limit" => Some(0.0),
            number => number.parse().ok(),
        })
}
