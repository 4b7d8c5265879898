//! The form: Host, Port, Fetch/Cancel, Use demo server, and the step-through switch.

use std::time::Duration;

use egui::{Key, TextStyle, Ui};

use super::fetch_view::FetchView;
use super::layout::{button_width, checkbox_width, spares_that_fit, text_width};
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

/// The form's controls set before a fetch and less used during one, the most needed first: in the
/// form's row while it has room, else in the top bar's More menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    UseDemo,
    StepThrough,
    Limits,
}

impl Extra {
    pub const ALL: [Self; 3] = [Self::UseDemo, Self::StepThrough, Self::Limits];

    fn width(self, ui: &Ui) -> f32 {
        match self {
            Self::UseDemo => button_width(ui, USE_DEMO),
            Self::StepThrough => checkbox_width(ui, STEP_THROUGH),
            Self::Limits => button_width(ui, LIMITS),
        }
    }

    /// Draws this control; `running`: a fetch is under way, so it cannot change.
    pub fn ui(self, ui: &mut Ui, fields: &mut FormFields, running: bool) -> FormAction {
        match self {
            Self::UseDemo => {
                if ui
                    .add_enabled(!running, egui::Button::new(USE_DEMO))
                    .on_hover_text("Start the web server built into socket-fetch and fill in its address")
                    .clicked()
                {
                    return FormAction::UseDemo;
                }
            }
            Self::StepThrough => {
                ui.add_enabled(!running, egui::Checkbox::new(&mut fields.step_through, STEP_THROUGH));
            }
            Self::Limits => {
                let hover = "How long to wait for the server, and how much of its reply to keep";
                if running {
                    ui.add_enabled(false, egui::Button::new(LIMITS)).on_disabled_hover_text(hover);
                } else {
                    ui.menu_button(LIMITS, |ui| limits_ui(ui, &mut fields.limits)).response.on_hover_text(hover);
                }
            }
        }
        FormAction::None
    }
}

const USE_DEMO: &str = "Use demo server";
const STEP_THROUGH: &str = "Pause before each step";
const LIMITS: &str = "⚙ Limits";
const FETCH: &str = "▶ Fetch";
const CANCEL: &str = "⏹ Cancel";
const NEXT: &str = "⏭ Next step";

/// The host field's widths: it gives up width down to `HOST_COMFORT` before an extra moves out of
/// the row, and down to `HOST_MIN` (the text scrolls inside it) before the row wraps.
const HOST_MAX: f32 = 260.0;
const HOST_COMFORT: f32 = 160.0;
const HOST_MIN: f32 = 64.0;

/// How the form's row is shared out in `room` points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormRow {
    host_width: f32,
    port_width: f32,
    /// How many of [`Extra::ALL`] stay in the row.
    extras: usize,
}

impl FormRow {
    pub fn fit(ui: &Ui, fields: &FormFields, state: FetchState, room: f32) -> Self {
        let gap = ui.spacing().item_spacing.x;
        // Five digits, the field's margins and the cursor.
        let port_width = text_width(ui, "65535", TextStyle::Body) + 18.0;
        let fetch = button_width(ui, if state == FetchState::Idle { FETCH } else { CANCEL });
        // Next step's room is kept for the whole step-through, so the row does not change at each pause.
        let next = if fields.step_through || state == FetchState::Paused { gap + button_width(ui, NEXT) } else { 0.0 };
        let taken = text_width(ui, "Host", TextStyle::Body)
            + text_width(ui, "Port", TextStyle::Body)
            + port_width
            + fetch
            + next
            + 4.0 * gap;
        let extras: Vec<f32> = Extra::ALL.iter().map(|e| gap + e.width(ui)).collect();
        let kept = spares_that_fit(room, taken + HOST_COMFORT, &extras);
        let host_width = (room - taken - extras[..kept].iter().sum::<f32>()).clamp(HOST_MIN, HOST_MAX);
        Self { host_width, port_width, extras: kept }
    }

    /// The extras that do not fit in the row, for the More menu.
    pub fn moved(self) -> &'static [Extra] {
        &Extra::ALL[self.extras..]
    }
}

/// Draws the form in `row`: Fetch is Cancel while a fetch is under way, and Next step shows while it
/// is paused.
pub fn form_ui(ui: &mut Ui, fields: &mut FormFields, state: FetchState, focus_host: bool, row: FormRow) -> FormAction {
    let mut action = FormAction::None;
    let running = state != FetchState::Idle;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Host");
        let host = ui.add(
            egui::TextEdit::singleline(&mut fields.host)
                .desired_width(row.host_width)
                .hint_text("example.com or 127.0.0.1")
                .id_salt("host"),
        );
        let host = host.labelled_by(label.id);
        if focus_host {
            host.request_focus();
        }
        let label = ui.label("Port");
        let port = ui
            .add(
                egui::TextEdit::singleline(&mut fields.port)
                    .desired_width(row.port_width)
                    .hint_text("80")
                    .id_salt("port"),
            )
            .labelled_by(label.id);
        let enter = (host.lost_focus() || port.lost_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
        if running {
            if ui.button(CANCEL).on_hover_text("Stop this fetch (Escape)").clicked() {
                action = FormAction::Cancel;
            }
        } else if ui.button(FETCH).on_hover_text("Fetch the page (Enter)").clicked() || enter {
            action = FormAction::Fetch;
        }
        if state == FetchState::Paused
            && ui
                .button(NEXT)
                .on_hover_text("Run the step shown as paused (Page Down, Right arrow, Space or Enter)")
                .clicked()
        {
            action = FormAction::Next;
        }
        // No scopes here (add_enabled_ui): a scope at the end of a row is as narrow as what is left
        // of it, and its button's text would wrap a letter a line instead of the button moving down.
        for extra in &Extra::ALL[..row.extras] {
            let chosen = extra.ui(ui, fields, running);
            if chosen != FormAction::None {
                action = chosen;
            }
        }
    });
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
