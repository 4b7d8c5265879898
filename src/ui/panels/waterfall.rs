//! The timing waterfall: one bar per phase on a shared time axis, like the Timing tab of a
//! browser's developer tools, with curl's `-w` figures beside it.

use egui::{Align2, Color32, FontId, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::fetch::{Phase, Timings};
use crate::format::ms;

const ROW_HEIGHT: f32 = 26.0;
const LABEL_WIDTH: f32 = 190.0;
const FIGURE_WIDTH: f32 = 90.0;

fn phase_color(phase: Phase) -> Color32 {
    match phase {
        Phase::Socket => Color32::from_rgb(0x9e, 0x9e, 0x9e),
        Phase::Resolve => Color32::from_rgb(0x2a, 0x9d, 0x8f),
        Phase::Connect => Color32::from_rgb(0xe9, 0x8f, 0x2e),
        Phase::Handshake => Color32::from_rgb(0xd6, 0x4f, 0x8e),
        Phase::Send => Color32::from_rgb(0x8e, 0x6b, 0xd6),
        Phase::Wait => Color32::from_rgb(0x3a, 0x86, 0xdf),
        Phase::Download => Color32::from_rgb(0x2e, 0xa0, 0x43),
    }
}

pub fn waterfall_ui(ui: &mut Ui, timings: Option<&Timings>) {
    let Some(timings) = timings.filter(|t| !t.phases.is_empty()) else {
        ui.label(RichText::new("After a fetch, this shows how long each phase took.").weak());
        return;
    };
    let total = timings.total.as_secs_f32().max(1e-9);
    let width = ui.available_width().max(LABEL_WIDTH + FIGURE_WIDTH + 100.0);
    let bar_width = width - LABEL_WIDTH - FIGURE_WIDTH;
    let height = ROW_HEIGHT * (timings.phases.len() + 1) as f32;
    let (rect, _) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    let painter = ui.painter_at(rect);
    let text_color = ui.visuals().text_color();
    let font = FontId::proportional(15.0);
    let mut start = 0.0;
    for (row, (phase, took)) in timings.phases.iter().enumerate() {
        let y = rect.top() + ROW_HEIGHT * row as f32;
        let seconds = took.as_secs_f32();
        painter.text(
            pos2(rect.left(), y + ROW_HEIGHT / 2.0),
            Align2::LEFT_CENTER,
            phase.label(),
            font.clone(),
            text_color,
        );
        let x0 = rect.left() + LABEL_WIDTH + start / total * bar_width;
        // Sub-pixel phases (a socket takes microseconds) still get a visible sliver.
        let w = (seconds / total * bar_width).max(2.0);
        let bar = Rect::from_min_size(pos2(x0, y + 5.0), vec2(w, ROW_HEIGHT - 10.0));
        painter.rect_filled(bar, 3.0, phase_color(*phase));
        painter.text(
            pos2(rect.right(), y + ROW_HEIGHT / 2.0),
            Align2::RIGHT_CENTER,
            ms(*took),
            FontId::monospace(14.0),
            text_color,
        );
        start += seconds;
    }
    let axis_y = rect.top() + ROW_HEIGHT * timings.phases.len() as f32 + 4.0;
    let axis = [pos2(rect.left() + LABEL_WIDTH, axis_y), pos2(rect.left() + LABEL_WIDTH + bar_width, axis_y)];
    painter.line_segment(axis, Stroke::new(1.0, ui.visuals().weak_text_color()));
    painter.text(axis[0] + vec2(0.0, 4.0), Align2::LEFT_TOP, "0 ms", FontId::monospace(12.0), text_color);
    painter.text(axis[1] + vec2(0.0, 4.0), Align2::RIGHT_TOP, ms(timings.total), FontId::monospace(12.0), text_color);

    ui.add_space(8.0);
    ui.label(RichText::new("The same, as curl's -w figures (time from the start until the end of each phase):").weak());
    let until = |phase| timings.until_end_of(phase).map_or_else(|| "—".to_owned(), ms);
    egui::Grid::new("curl-figures").num_columns(2).striped(true).show(ui, |ui| {
        for (name, value) in [
            ("time_namelookup", until(Phase::Resolve)),
            ("time_connect", until(Phase::Connect)),
            ("time_starttransfer", until(Phase::Wait)),
            ("time_total", ms(timings.total)),
        ] {
            ui.monospace(name);
            ui.monospace(value);
            ui.end_row();
        }
    });
}
