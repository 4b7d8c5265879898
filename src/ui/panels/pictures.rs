//! Two pictures drawn with egui's painter: the TCP/IP layers with the one at work lit, and the
//! client and server with the request going out and the reply coming back.

use egui::text::{LayoutJob, TextWrapping};
use egui::{
    Align2, Color32, CornerRadius, FontId, Painter, Pos2, Rect, Role, Sense, Stroke, Ui, WidgetInfo, pos2, vec2,
};

use crate::fetch::Step;

use crate::session::{FetchView, StepState};
use crate::ui::palette::{GOOD, NOW, REQUEST};

/// The width the pictures are drawn for; narrower, they shrink, text included, so nothing overlaps.
const FULL_WIDTH: f32 = 420.0;

/// How much a picture shrinks in `width` points: never below half, where the text would be too small.
fn scale_for(width: f32) -> f32 {
    (width / FULL_WIDTH).clamp(0.5, 1.0)
}

/// Paints `text` anchored at `pos`, cut with "…" where it would be wider than `max_width`: a text
/// inside a box never crosses its edge, whatever the server's name or the zoom. Returns where it is.
fn fitted_text(
    painter: &Painter,
    pos: Pos2,
    anchor: Align2,
    text: String,
    font: FontId,
    color: Color32,
    max_width: f32,
) -> Rect {
    let mut job = LayoutJob::simple_singleline(text, font, color);
    job.wrap = TextWrapping::truncate_at_width(max_width.max(0.0));
    let galley = painter.layout_job(job);
    let rect = anchor.anchor_size(pos, galley.size());
    painter.galley(rect.min, galley, color);
    rect
}

/// The layers, top (application) to bottom (link); `active` is lit.
pub fn layers_ui(ui: &mut Ui, layers: &[(&str, &str)], active: Option<usize>) {
    let width = ui.available_width().min(FULL_WIDTH);
    let scale = scale_for(width);
    let row = 34.0 * scale;
    let (rect, response) = ui.allocate_exact_size(vec2(width, row * layers.len() as f32), Sense::hover());
    // Said to a screen reader, and where a test finds the picture.
    let names: Vec<&str> = layers.iter().map(|(name, _)| *name).collect();
    let lit = active.and_then(|i| layers.get(i)).map_or(String::new(), |(name, _)| format!("; at work: {name}"));
    response.widget_info(|| {
        WidgetInfo::labeled(Role::Image, true, format!("Picture of the layers: {}{lit}", names.join(", ")))
    });
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
        let pad = 10.0 * scale;
        let inner = r.width() - 2.0 * pad;
        let name_font = FontId::proportional(16.0 * scale);
        let name = fitted_text(
            &painter,
            r.left_center() + vec2(pad, 0.0),
            Align2::LEFT_CENTER,
            (*name).to_owned(),
            name_font,
            color,
            inner,
        );
        // What the layer does takes the room the name leaves.
        let what_font = FontId::proportional(13.0 * scale);
        let room = inner - name.width() - pad;
        fitted_text(
            &painter,
            r.right_center() - vec2(pad, 0.0),
            Align2::RIGHT_CENTER,
            (*what).to_owned(),
            what_font,
            color,
            room,
        );
    }
}

/// This computer and the server, the line between them, and what travels on it. Moving dots
/// show bytes flowing; with nothing flowing the picture is still and asks for no frames.
pub fn wire_ui(ui: &mut Ui, view: Option<&FetchView>) {
    let width = ui.available_width().min(FULL_WIDTH);
    let scale = scale_for(width);
    let (rect, response) = ui.allocate_exact_size(vec2(width, 96.0 * scale), Sense::hover());
    response.widget_info(|| WidgetInfo::labeled(Role::Image, true, wire_description(view)));
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
        let inner = r.width() - 8.0 * scale;
        let at = r.center() - vec2(0.0, 8.0 * scale);
        fitted_text(&painter, at, Align2::CENTER_CENTER, name.to_owned(), font.clone(), visuals.text_color(), inner);
        if let Some(sub) = sub {
            // The server's name is the server's own choice of length: a long one is cut, not spilled.
            let (at, font) = (r.center() + vec2(0.0, 12.0 * scale), FontId::monospace(10.0 * scale));
            fitted_text(&painter, at, Align2::CENTER_CENTER, sub, font, visuals.weak_text_color(), inner);
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
    // The words on the line keep to the room between the boxes.
    let between = b.x - a.x - 8.0 * scale;
    let font = FontId::proportional(13.0 * scale);
    if let Some(sent) = view.and_then(|v| v.sent) {
        let text = format!("request, {} ▶", crate::format::short_bytes(sent as u64));
        let at = label_at(0.5) - vec2(0.0, 14.0 * scale);
        fitted_text(&painter, at, Align2::CENTER_BOTTOM, text, font.clone(), REQUEST, between);
    }
    if let Some(v) = view.filter(|v| !v.reply.is_empty()) {
        let text = format!("◀ reply, {}", crate::format::short_bytes(v.received()));
        fitted_text(&painter, label_at(0.5) + vec2(0.0, 14.0 * scale), Align2::CENTER_TOP, text, font, GOOD, between);
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

/// What the client-and-server picture shows, in words.
fn wire_description(view: Option<&FetchView>) -> String {
    let Some(view) = view else { return "Picture of this computer and the server".to_owned() };
    let connected = if view.connected.is_some() { "connected" } else { "not connected" };
    let sent = view.sent.map(|n| format!("; request sent, {}", crate::format::short_bytes(n as u64)));
    let received =
        (!view.reply.is_empty()).then(|| format!("; reply received, {}", crate::format::short_bytes(view.received())));
    format!(
        "Picture of this computer and the server, {connected}{}{}",
        sent.unwrap_or_default(),
        received.unwrap_or_default()
    )
}
