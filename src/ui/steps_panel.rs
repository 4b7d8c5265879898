//! The five steps with their state, details and time, live.

use egui::{RichText, Ui};

use crate::cli::ms;
use crate::fetch::Step;

use super::fetch_view::{FetchView, StepState};
use super::palette;
use crate::format;

/// The plain-words title of a step.
pub fn step_title(step: Step) -> &'static str {
    match step {
        Step::Socket => "Set up the socket",
        Step::Resolve => "Look up the address",
        Step::Connect => "Connect to the server",
        Step::Send => "Send the request",
        Step::Receive => "Receive the reply",
    }
}

pub fn steps_ui(ui: &mut Ui, view: Option<&FetchView>) {
    for step in Step::ALL {
        let state = view.map_or(StepState::Waiting, |v| v.steps[step.index()]);
        ui.horizontal(|ui| {
            match state {
                StepState::Waiting => ui.label(RichText::new("○").size(18.0).weak()),
                StepState::Paused => ui.label(RichText::new("⏸").size(18.0)),
                StepState::Running => ui.add(egui::Spinner::new().size(18.0)),
                StepState::Done(_) => ui.label(RichText::new("✔").size(18.0).color(palette::GOOD)),
                StepState::Failed => ui.label(RichText::new("✖").size(18.0).color(ui.visuals().error_fg_color)),
            };
            let title = RichText::new(format!("{}. {}", step.index() + 1, step_title(step))).size(16.0);
            ui.label(if matches!(state, StepState::Running | StepState::Paused) { title.strong() } else { title });
            if let StepState::Done(took) = state {
                ui.label(RichText::new(ms(took)).weak());
            }
        });
        if let Some(view) = view {
            ui.indent(step, |ui| details_ui(ui, view, step, state));
        }
    }
}

fn details_ui(ui: &mut Ui, view: &FetchView, step: Step, state: StepState) {
    match step {
        Step::Socket if matches!(state, StepState::Done(_)) => {
            ui.label("A TCP socket is open, ready to call.");
        }
        Step::Resolve if !view.addresses.is_empty() => {
            let used = view.connected.map(|(_, remote)| remote.ip());
            for address in &view.addresses {
                let text = if Some(*address) == used { format!("{address}  ← used") } else { address.to_string() };
                ui.monospace(text);
            }
        }
        Step::Connect => {
            for attempt in &view.attempts {
                let mark = if attempt.error.is_some() { "✖" } else { "→" };
                ui.monospace(format!("{mark} {}", attempt.address));
            }
            if let Some((local, remote)) = view.connected {
                ui.label(format!("Connected from {local} to {remote}"));
            }
        }
        Step::Send => {
            if let Some(bytes) = view.sent {
                ui.label(format!("{} sent", format::bytes(bytes as u64)));
            }
        }
        Step::Receive if matches!(state, StepState::Running | StepState::Done(_) | StepState::Failed) => {
            let received = view.received();
            match view.head.as_ref().and_then(|h| h.expected_total) {
                Some(total) if total > 0 => {
                    ui.label(format!("{} of {} received", format::count(received), format::bytes(total)));
                    ui.add(
                        egui::ProgressBar::new(received as f32 / total as f32).desired_width(220.0).show_percentage(),
                    );
                }
                _ => {
                    ui.label(format!("{} received", format::bytes(received)));
                }
            }
            if let Some(head) = &view.head {
                ui.label(format!("Status: {} {}", head.status, head.reason));
            }
        }
        _ => {}
    }
}
