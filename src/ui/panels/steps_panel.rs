//! The steps (five, six over HTTPS) with their state, details and time, live.

use egui::{RichText, Ui};

use crate::fetch::Step;
use crate::format::ms;

use crate::format;
use crate::server_text::{one_line, visible};
use crate::session::{FetchView, StepState};
use crate::teach::step_text;
use crate::ui::palette;
use crate::ui::panels::certificate_card::CARD_TITLE;

/// Draws the steps; true when the person asked to see the server's certificate.
pub fn steps_ui(ui: &mut Ui, view: Option<&FetchView>) -> bool {
    let mut show_card = false;
    if let Some(hop_line) = view.and_then(|v| v.hop_line.as_deref()) {
        ui.label(RichText::new(hop_line).strong());
    }
    let tls = view.is_some_and(|v| v.tls);
    for &step in Step::of_fetch(tls) {
        let state = view.map_or(StepState::Waiting, |v| v.steps[step.index()]);
        // Wrapped: in a narrow panel the time moves, whole, to the next row instead of being cut.
        ui.horizontal_wrapped(|ui| {
            match state {
                StepState::Waiting => ui.label(RichText::new("○").size(18.0).weak()),
                StepState::Paused => ui.label(RichText::new("⏸").size(18.0)),
                StepState::Running => ui.add(egui::Spinner::new().size(18.0)),
                StepState::Done(_) => ui.label(RichText::new("✔").size(18.0).color(palette::GOOD)),
                StepState::Failed => ui.label(RichText::new("✖").size(18.0).color(ui.visuals().error_fg_color)),
                StepState::NotRun => ui.label(RichText::new("–").size(18.0).weak()),
            };
            let title = RichText::new(format!("{}. {}", step.number(tls), step_text(step).title)).size(16.0);
            ui.label(if matches!(state, StepState::Running | StepState::Paused) { title.strong() } else { title });
            match state {
                StepState::Done(took) => drop(ui.add(egui::Label::new(RichText::new(ms(took)).weak()).extend())),
                StepState::NotRun => drop(ui.add(egui::Label::new(RichText::new("not run").weak()).extend())),
                StepState::Waiting | StepState::Paused | StepState::Running | StepState::Failed => {}
            }
        });
        if let Some(view) = view {
            show_card |= ui.indent(step, |ui| details_ui(ui, view, step, state)).inner;
        }
    }
    show_card
}

/// True when the handshake's "ID card" button was clicked.
fn details_ui(ui: &mut Ui, view: &FetchView, step: Step, state: StepState) -> bool {
    match step {
        Step::Socket if matches!(state, StepState::Done(_)) => {
            ui.label("A TCP socket is open, ready to call.");
        }
        Step::Resolve if view.host_is_address() && matches!(state, StepState::Done(_)) => {
            ui.label("An IP address was typed: it is used as typed, with no name lookup.");
            ui.monospace(view.addresses.first().map(ToString::to_string).unwrap_or_default());
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
                ui.label(format!("{} sent", format::bytes(bytes as u64))).on_hover_text(format::exact(bytes as u64));
            }
        }
        Step::Handshake => {
            if let Some(agreed) = &view.agreed {
                ui.label(format!("{}, {}", agreed.version, agreed.cipher_suite));
                ui.label(format!(
                    "{} sent, {} received to agree on it",
                    format::bytes(agreed.wire_sent),
                    format::bytes(agreed.wire_received)
                ));
                if let Some(certificate) = agreed.certificates.first() {
                    ui.label(format!(
                        "Certificate: {}, valid until {}",
                        one_line(&certificate.subject),
                        certificate.not_after
                    ));
                }
                if !agreed.verified {
                    ui.label(
                        RichText::new("Not verified (certificate check skipped): anyone could be at the other end.")
                            .color(ui.visuals().warn_fg_color),
                    );
                }
                return ui.button("Show the ID card").on_hover_text(CARD_TITLE).clicked();
            }
        }
        Step::Receive if matches!(state, StepState::Running | StepState::Done(_) | StepState::Failed) => {
            let received = view.received();
            match view.head.as_ref().and_then(|h| h.expected_total) {
                Some(total) if total > 0 => {
                    ui.label(format!(
                        "{} of the {} the server announced received",
                        format::count(received),
                        format::bytes(total)
                    ))
                    .on_hover_text(format!(
                        "{} of {}",
                        format::exact(received),
                        format::exact(total)
                    ));
                    ui.add(egui::ProgressBar::new(progress(received, total)).desired_width(220.0).show_percentage());
                }
                _ => {
                    ui.label(format!("{} received", format::bytes(received))).on_hover_text(format::exact(received));
                }
            }
            if let Some(head) = &view.head {
                let status = format!("Status: {} {}", head.status, head.reason);
                ui.label(one_line(&status)).on_hover_text(visible(&status));
                if let Some(problem) = &head.length_problem {
                    ui.label(
                        RichText::new(format!("Its length cannot be used: {problem}."))
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            }
        }
        Step::Socket | Step::Resolve | Step::Receive => {}
    }
    false
}

/// How much of the announced reply has arrived, for the progress bar: never full (100 %) while less
/// arrived than the server announced, however close, since the claim may be huge and f32 rounds.
fn progress(received: u64, announced: u64) -> f32 {
    if received >= announced {
        1.0
    } else {
        // Below 1 at f32's precision: the bar's percentage is rounded down, so this shows 99 %.
        #[allow(clippy::cast_possible_truncation)] // a fraction from 0 to 1
        let fraction = (received as f64 / announced as f64).min(0.999) as f32;
        fraction
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_claim_beyond_what_arrived_is_never_full() {
        assert!(super::progress(68, u64::MAX - 5) < 1.0);
        assert!(super::progress(u64::MAX - 6, u64::MAX - 5) < 1.0);
        assert!((super::progress(50, 100) - 0.5).abs() < 1e-6);
        assert!((super::progress(120, 100) - 1.0).abs() < f32::EPSILON);
    }
}
