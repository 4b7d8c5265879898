//! The code panel: the tutorial's program (Python, or the same in Rust), with the lines of the
//! current step highlighted; over HTTPS, the program with the TLS lines.

use egui::{RichText, Ui};

use crate::fetch::Step;
use crate::teach::{Language, Program};

use crate::ui::palette;

/// What the panel shows and where it last scrolled to.
#[derive(Debug, Default)]
pub struct CodePanel {
    pub language: Language,
    /// Scroll to a step's lines once, when it becomes current, so the reader can scroll freely after.
    scrolled_to: Option<(Program, Step)>,
}

/// `tls`: the fetch on screen is over HTTPS, so the program shown is the one with the handshake.
pub fn code_ui(ui: &mut Ui, panel: &mut CodePanel, current: Option<Step>, tls: bool) {
    let language = &mut panel.language;
    ui.horizontal(|ui| {
        for choice in Language::ALL {
            ui.selectable_value(language, choice, choice.name());
        }
    });
    let program = Program { language: *language, tls };
    ui.label(RichText::new(format!("{} · run it with: {}", program.file_name(), program.run_command())).weak());
    if tls {
        ui.label("This fetch is over HTTPS: the program has the TLS lines, step 4, between connecting and sending.");
    }
    let marked = current.map(|step| program.marked_lines(step)).unwrap_or_default();
    if let Some(step) = current.filter(|_| !marked.is_empty()) {
        let numbers: Vec<String> = marked.iter().map(|i| (i + 1).to_string()).collect();
        let (which, does) = if numbers.len() == 1 { ("Line", "does") } else { ("Lines", "do") };
        let step_number = step.number(tls);
        ui.label(format!("{which} {} (highlighted) {does} step {step_number}, the one under way.", numbers.join(", ")));
    }
    let source = program.source();
    let digits = source.lines().count().to_string().len();
    let mut area = egui::ScrollArea::both().id_salt("code").auto_shrink([false, false]);
    // Bring the step's first line to the middle, once, moving only up or down: a sideways
    // scroll would hide the start of every line.
    if let Some(first) = marked.first().filter(|_| panel.scrolled_to != current.map(|s| (program, s))) {
        let row = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
        let offset = (*first as f32 * row - ui.available_height() / 2.0).max(0.0);
        area = area.vertical_scroll_offset(offset);
        panel.scrolled_to = current.map(|s| (program, s));
    }
    area.show(ui, |ui| {
        for (i, line) in source.lines().enumerate() {
            let mut text = RichText::new(format!("{:>digits$}  {line}", i + 1)).monospace();
            if marked.contains(&i) {
                text = text.background_color(palette::NOW.gamma_multiply(0.35)).strong();
            }
            ui.add(egui::Label::new(text).selectable(true).extend());
        }
    });
}
