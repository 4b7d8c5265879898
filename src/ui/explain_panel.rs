//! Teaching mode's panel: what the current step does, in plain words, with the client–server and
//! layer pictures, and the meaning of every technical word it uses.

use egui::{RichText, Ui};

use crate::fetch::Step;
use crate::teach::{
    Layer, REPLY_PARTS, REQUEST_PARTS, define, failure_story, layer_at_work, layer_note, status_meaning, step_text,
};

use super::fetch_view::FetchView;
use super::palette;
use super::pictures::{layers_ui, wire_ui};

pub fn explain_ui(ui: &mut Ui, view: Option<&FetchView>) {
    ui.add_space(6.0);
    let current = view.and_then(FetchView::current_step);
    let paused = view.and_then(FetchView::paused_before);
    match (view, current) {
        (None, _) => {
            ui.heading("How a fetch works");
            ui.label(
                RichText::new(
                    "Press Fetch to watch the five steps a web browser takes to get a page. \
                 This panel explains each step while it happens. \
                 Tick \"Pause before each step\" to go one step at a time.",
                )
                .size(16.0),
            );
        }
        (Some(_), Some(step)) => step_explanation_ui(ui, step, paused == Some(step)),
        (Some(view), None) => ending_ui(ui, view),
    }
    ui.add_space(10.0);
    wire_ui(ui, view);
    ui.add_space(10.0);
    ui.label(RichText::new("The layers at work").strong());
    let active = current.or_else(|| view.and_then(FetchView::failed_step)).map(layer_at_work);
    let layers: Vec<(&str, &str)> = Layer::ALL.iter().map(|l| (l.name(), short_role(*l))).collect();
    layers_ui(ui, &layers, active.and_then(|a| Layer::ALL.iter().position(|l| *l == a)));
    if let (Some(step), Some(layer)) = (current, active) {
        ui.label(layer_note(step));
        ui.label(RichText::new(layer.explanation()).weak());
    }
    if let Some(step) = current {
        let words = step_text(step).terms;
        if !words.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Words used here").strong());
            for word in words {
                if let Some(meaning) = define(word) {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(*word).strong());
                        ui.label(meaning);
                    });
                }
            }
        }
    }
    if current == Some(Step::Send) || view.is_some_and(|v| v.sent.is_some() && current.is_none()) {
        request_parts_ui(ui, view);
    }
}

fn short_role(layer: Layer) -> &'static str {
    match layer {
        Layer::Application => "what programs say: HTTP, DNS",
        Layer::Transport => "a reliable line: TCP",
        Layer::Internet => "addresses and routes: IP",
        Layer::Link => "cable, Wi-Fi, or a shortcut",
    }
}

fn step_explanation_ui(ui: &mut Ui, step: Step, paused: bool) {
    let text = step_text(step);
    ui.label(RichText::new(format!("Step {} of 5", step.index() + 1)).weak());
    ui.heading(RichText::new(text.title).strong());
    if paused {
        egui::Frame::group(ui.style()).stroke((1.5, palette::NOW)).show(ui, |ui| {
            ui.label(RichText::new("About to happen").strong().color(palette::NOW));
            ui.label(RichText::new(text.next).size(16.0));
            ui.label(RichText::new("Press \"Next step\" to run it.").weak());
        });
        ui.add_space(4.0);
    }
    ui.label(RichText::new(text.explanation).size(16.0));
}

/// After the fetch: what the reply's parts are and what its status code means.
fn ending_ui(ui: &mut Ui, view: &FetchView) {
    if let Some(error) = view.error() {
        ui.heading("The fetch stopped");
        if let Some(step) = view.failed_step() {
            ui.label(RichText::new(format!("At step {}: {}.", step.index() + 1, step_text(step).title)).weak());
        }
        ui.label(RichText::new(failure_story(error)).size(16.0));
        ui.label(RichText::new("The card beside the reply says what happened, and what to try next.").weak());
        return;
    }
    ui.heading("The reply has arrived");
    if let Some(head) = &view.head {
        ui.label(RichText::new(format!("Status {}: {}", head.status, status_meaning(head.status))).size(16.0));
    }
    ui.add_space(4.0);
    ui.label(RichText::new("A reply has four parts:").strong());
    for part in REPLY_PARTS {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(part.name).strong());
            if !part.example.is_empty() {
                ui.monospace(part.example);
            }
            ui.label(part.meaning);
        });
    }
}

/// The request as it was sent, line by line, each with what it means.
fn request_parts_ui(ui: &mut Ui, view: Option<&FetchView>) {
    let Some(view) = view.filter(|v| !v.request.is_empty()) else { return };
    ui.add_space(8.0);
    ui.label(RichText::new("The request, line by line").strong());
    let request = String::from_utf8_lossy(&view.request);
    let lines: Vec<&str> = request.split("\r\n").collect();
    for (i, line) in lines.iter().take(lines.len().saturating_sub(1)).enumerate() {
        let part = if i == 0 {
            &REQUEST_PARTS[0]
        } else if line.is_empty() {
            &REQUEST_PARTS[2]
        } else {
            &REQUEST_PARTS[1]
        };
        ui.horizontal_wrapped(|ui| {
            ui.monospace(if line.is_empty() { "(empty line)" } else { line });
            ui.label(RichText::new(part.meaning).weak());
        });
    }
}
