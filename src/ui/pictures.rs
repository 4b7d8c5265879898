//! Two pictures drawn with egui's painter: the TCP/IP layers with the one at work lit, and the
//! client and server with the request going out and the reply coming back.

use egui::{Align2, Color32, CornerRadius, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};

use crate::fetch::Step;

use super::fetch_view::{FetchView, StepState};
use super::palette::{GOOD, NOW, REQUEST};

/// The width the pictures are drawn for; narrower, they shrink, text included, so nothing overlaps.
const FULL_WIDTH: f32 = 420.0;

/// How much a picture shrinks in `width` points: never below half, where the text would be too small.
fn scale_for(width: f32) -> f32 {
    (width / FULL_WIDTH).clamp(0.5, 1.0)
}

/// The layers, top (application) to bottom (link); `active` is lit.
pub fn layers_ui(ui: &mut Ui, layers: &[(&str, &str)], active: Option<usize>) {
    let width = ui.available_width().min(FULL_WIDTH);
    let scale = scale_for(width);
    let row = 34.0 * scale;
    let (rect, _) = ui.allocate_exact_size(vec2(width, row * layers.len() as f32), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    for (i, (name, what)) in layers.iter().enumerate() {
        let r = Rect::from_min_size(pos2(rect.left(), rect.top() + row * i as f32), vec2(width, row - 4.0 * scale));
        let lit = active == Some(i);
        let fill = if lit { NOW } else { visuals.faint_bg_color };
        painter.rect(
            r,
            CornerRadius::same(4),
            fill,
            Stroke::new(1.0, visuals.weak_text_color()),
            egui::StrokeKind::Inside,
        );
        let color = if lit { Color32::BLACK } else { visuals.text_color() };
        let name_font = FontId::proportional(16.0 * scale);
        painter.text(r.left_center() + vec2(10.0 * scale, 0.0), Align2::LEFT_CENTER, *name, name_font, color);
        let what_font = FontId::proportional(13.0 * scale);
        painter.text(r.right_center() - vec2(10.0 * scale, 0.0), Align2::RIGHT_CENTER, *what, what_font, color);
    }
}

/// This computer and the server, the line between them, and what travels on it. Moving dots
/// show bytes flowing; with nothing flowing the picture is still and asks for no frames.
pub fn wire_ui(ui: &mut Ui, view: Option<&FetchView>) {
    let width = ui.available_width().min(FULL_WIDTH);
    let scale = scale_for(width);
    let (rect, _) = ui.allocate_exact_size(vec2(width, 96.0 * scale), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    let state = |step: Step| view.map_or(StepState::Waiting, |v| v.steps[step.index()]);
    let box_size = vec2(110.0, 56.0) * scale;
    let client = Rect::from_min_size(rect.left_top() + vec2(0.0, 20.0 * scale), box_size);
    let server = Rect::from_min_size(pos2(rect.right() - box_size.x, rect.top() + 20.0 * scale), box_size);
    let font = FontId::proportional(15.0 * scale);
    for (r, name, sub) in [
        (client, "This computer", view.and_then(|v| v.connected).map(|(local, _)| local.to_string())),
        (server, "Server", view.map(|v| v.connected.map_or_else(|| v.host.clone(), |(_, remote)| remote.to_string()))),
    ] {
        painter.rect(
            r,
            CornerRadius::same(6),
            visuals.faint_bg_color,
            Stroke::new(1.5, visuals.text_color()),
            egui::StrokeKind::Inside,
        );
        painter.text(
            r.center() - vec2(0.0, 8.0 * scale),
            Align2::CENTER_CENTER,
            name,
            font.clone(),
            visuals.text_color(),
        );
        if let Some(sub) = sub {
            painter.text(
                r.center() + vec2(0.0, 12.0 * scale),
                Align2::CENTER_CENTER,
                sub,
                FontId::monospace(10.0 * scale),
                visuals.weak_text_color(),
            );
        }
    }
    let (a, b) = (client.right_center(), server.left_center());
    let connected = view.is_some_and(|v| v.connected.is_some());
    let calling = state(Step::Connect) == StepState::Running;
    if connected {
        painter.line_segment([a, b], Stroke::new(3.0, visuals.text_color()));
    } else {
        let dash = if calling { NOW } else { visuals.weak_text_color() };
        painter.add(egui::Shape::dashed_line(&[a, b], Stroke::new(2.0, dash), 6.0, 6.0));
    }
    let sending = state(Step::Send) == StepState::Running;
    let receiving = state(Step::Receive) == StepState::Running && view.is_some_and(|v| !v.reply.is_empty());
    let label_at = |t: f32| a + (b - a) * t;
    if let Some(sent) = view.and_then(|v| v.sent) {
        painter.text(
            label_at(0.5) - vec2(0.0, 14.0 * scale),
            Align2::CENTER_BOTTOM,
            format!("request, {} ▶", crate::format::short_bytes(sent as u64)),
            FontId::proportional(13.0 * scale),
            REQUEST,
        );
    }
    if let Some(v) = view.filter(|v| !v.reply.is_empty()) {
        painter.text(
            label_at(0.5) + vec2(0.0, 14.0 * scale),
            Align2::CENTER_TOP,
            format!("◀ reply, {}", crate::format::short_bytes(v.received())),
            FontId::proportional(13.0 * scale),
            GOOD,
        );
    }
    if sending || receiving || calling {
        #[expect(clippy::cast_possible_truncation, reason = "an animation's phase needs no precision")]
        let time = (ui.input(|i| i.time) % 3600.0) as f32;
        let color = if receiving {
            GOOD
        } else if sending {
            REQUEST
        } else {
            NOW
        };
        for k in 0..4 {
            let t = (time * 0.8 + k as f32 / 4.0).fract();
            let t = if receiving { 1.0 - t } else { t };
            painter.circle_filled(label_at(t), 5.0 * scale, color);
        }
        // Animate only while something is on its way.
        ui.ctx().request_repaint();
    }
}
