//! Teaching mode's panel: what the current step does, in plain words, with the client–server and
//! layer pictures, the meaning of every technical word it uses, and this fetch's own request and
//! reply told part by part from their bytes.

use egui::{RichText, Ui};

use crate::fetch::{Framing, Step, header_name};
use crate::format;
use crate::teach::{
    FIRST_BYTES, Layer, RAW_MODE, REPLY_PARTS, decoding, define, describe_body, failure_story, interim_note,
    layer_at_work, layer_note, one_line_bytes, raw_end, reply_end, reply_header_meaning, request_line_meaning,
    request_lines, status_meaning, step_text,
};

use crate::session::FetchView;
use crate::ui::palette;
use crate::ui::panels::certificate_card::{CARD_TITLE, certificate_card_ui};
use crate::ui::panels::pictures::{layers_ui, wire_ui};
use crate::ui::panels::wire_view::onlooker_ui;

/// Up to this many header lines are listed in full; more go in a list of their own that scrolls,
/// so a reply with a hundred headers does not make the panel a hundred rows long.
const HEADERS_IN_FULL: usize = 12;
/// The height of that list.
const HEADER_LIST_HEIGHT: f32 = 200.0;
/// The most header lines told: a hostile head can hold a hundred thousand, and laying each out
/// every frame would freeze the window. The rest are in the raw reply.
const HEADERS_TOLD: usize = 200;
/// How much of a header line is shown.
const HEADER_CHARS: usize = 100;

pub fn explain_ui(ui: &mut Ui, view: Option<&FetchView>) {
    ui.add_space(6.0);
    let current = view.and_then(FetchView::current_step);
    let paused = view.and_then(FetchView::paused_before);
    match (view, current) {
        (None, _) => {
            ui.heading("How a fetch works");
            ui.label(
                RichText::new(
                    "Press Fetch to watch the five steps a web browser takes to get a page (six over HTTPS). \
                 This panel explains each step while it happens. \
                 Tick \"Pause before each step\" to go one step at a time.",
                )
                .size(16.0),
            );
        }
        (Some(view), Some(step)) => step_explanation_ui(ui, view, step, paused == Some(step)),
        (Some(view), None) => ending_ui(ui, view),
    }
    if view.is_some_and(|v| v.raw) {
        ui.add_space(6.0);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new("Raw mode: the other side need not be a web server").strong());
            ui.label(RichText::new(RAW_MODE).size(16.0));
        });
    }
    if let Some(view) = view.filter(|v| v.head.is_some() || v.head_problem.is_some()) {
        ui.add_space(8.0);
        reply_anatomy_ui(ui, view);
    }
    ui.add_space(10.0);
    wire_ui(ui, view);
    if let Some(view) = view.filter(|v| !v.is_running()) {
        ui.add_space(8.0);
        onlooker_ui(ui, view);
    }
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
    // A raw fetch's bytes are not an HTTP request: telling them line by line as one would mislead.
    let http = view.is_some_and(|v| !v.raw);
    if http && (current == Some(Step::Send) || view.is_some_and(|v| v.sent.is_some() && current.is_none())) {
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

fn step_explanation_ui(ui: &mut Ui, view: &FetchView, step: Step, paused: bool) {
    let text = step_text(step);
    ui.label(RichText::new(format!("Step {} of {}", step.number(view.tls), Step::of_fetch(view.tls).len())).weak());
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
    if step == Step::Send
        && !view.raw
        && let Some(line) = first_line(&view.request)
    {
        // Step 4 quotes the request this fetch sends, not an example.
        ui.add_space(4.0);
        ui.label(RichText::new("This fetch's first line:").strong());
        ui.monospace(one_line_bytes(line, 200));
        ui.label(RichText::new(request_line_meaning(&String::from_utf8_lossy(line))).size(16.0));
    }
    // The certificate while the handshake is the story: as it ends, and paused before the request.
    if matches!(step, Step::Handshake | Step::Send)
        && let Some(agreed) = &view.agreed
    {
        ui.add_space(6.0);
        certificate_card_ui(ui, agreed);
    }
}

/// The request line: the bytes before the first line end.
fn first_line(bytes: &[u8]) -> Option<&[u8]> {
    let end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(bytes.len());
    (end > 0).then(|| &bytes[..end])
}

/// After the fetch: how it ended, and at which step.
fn ending_ui(ui: &mut Ui, view: &FetchView) {
    if let Some(error) = view.error() {
        ui.heading("The fetch stopped");
        if let Some(step) = view.failed_step() {
            ui.label(RichText::new(format!("At step {}: {}.", step.number(view.tls), step_text(step).title)).weak());
        } else if let Some(step) = view.not_run_step() {
            let title = step_text(step).title;
            ui.label(
                RichText::new(format!("Before step {}: {title}, which did not run.", step.number(view.tls))).weak(),
            );
        }
        ui.label(RichText::new(failure_story(error)).size(16.0));
        ui.label(RichText::new("The card beside the reply says what happened, and what to try next.").weak());
        return;
    }
    ui.heading("The reply has arrived");
    // Raw mode has no framing to end the reply: its stop rule did.
    let ended = match view.raw_end {
        Some(by) => raw_end(by),
        None => reply_end(view.completion.map(|c| (c.line_open, c.extra))),
    };
    ui.label(RichText::new(ended).size(16.0));
    if let Some(agreed) = &view.agreed {
        // Folded away behind the reply's story, but its title still says when nobody checked it.
        let title = if agreed.verified { CARD_TITLE.to_owned() } else { format!("⚠ NOT VERIFIED: {CARD_TITLE}") };
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .default_open(!agreed.verified)
            .show(ui, |ui| certificate_card_ui(ui, agreed));
    }
}

/// This reply, part by part, from its bytes: live while it arrives.
fn reply_anatomy_ui(ui: &mut Ui, view: &FetchView) {
    let bytes = view.reply.bytes();
    ui.label(RichText::new("This reply, part by part").strong().size(17.0));
    let Some(head) = &view.head else {
        if let Some(problem) = &view.head_problem {
            ui.label(format!(
                "This reply is not ordinary HTTP: {}.",
                one_line_bytes(problem.to_string().as_bytes(), 120)
            ));
            ui.label("Its first bytes:");
            ui.monospace(one_line_bytes(&bytes[..bytes.len().min(FIRST_BYTES * 4)], FIRST_BYTES));
        }
        return;
    };
    let [status_part, headers_part, empty_part, body_part] = REPLY_PARTS;
    part_heading_ui(ui, status_part.name, status_part.meaning);
    // Interim heads (100 Continue, 103 Early Hints) may come first: this head starts at its offset.
    let start = usize::try_from(head.offset).unwrap_or(usize::MAX).min(bytes.len());
    let end = start.saturating_add(head.head_len).min(bytes.len());
    if let Some(line) = first_line(&bytes[start..end]) {
        ui.monospace(one_line_bytes(line, 120));
    }
    ui.label(RichText::new(format!("Status {}: {}", head.status, status_meaning(head.status))).size(16.0));
    if head.offset > 0 {
        ui.label(RichText::new(interim_note(head.offset)).weak());
    }

    part_heading_ui(
        ui,
        &format!("{} ({})", headers_part.name, format::counted(head.headers.len() as u64, "line", "lines")),
        headers_part.meaning,
    );
    let rows = |ui: &mut Ui| {
        for header in head.headers.iter().take(HEADERS_TOLD) {
            // Enough of the value for a line: it may be megabytes.
            let value = &header.value[..header.value.len().min(HEADER_CHARS * 4)];
            let line = [header.name.as_bytes(), b": ", value].concat();
            ui.monospace(one_line_bytes(&line, HEADER_CHARS));
            ui.indent(ui.next_auto_id(), |ui| {
                ui.label(RichText::new(reply_header_meaning(&header.name, &header.value)).weak());
            });
        }
        if let Some(more) = head.headers.len().checked_sub(HEADERS_TOLD).filter(|more| *more > 0) {
            ui.label(format!("… and {} more header lines: the Reply tab shows them all.", format::count(more as u64)));
        }
    };
    if head.headers.len() > HEADERS_IN_FULL {
        ui.label(RichText::new("Scroll the list to see them all.").weak());
        egui::Frame::group(ui.style()).show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("reply headers")
                .max_height(HEADER_LIST_HEIGHT)
                .auto_shrink([false, true])
                .show(ui, rows);
        });
    } else {
        rows(ui);
    }

    part_heading_ui(ui, empty_part.name, empty_part.meaning);

    let body = bytes.get(end..).unwrap_or_default();
    let extra = view.completion.map_or(0, |c| c.extra);
    let story = describe_body(head, body, extra, !view.is_running());
    part_heading_ui(ui, body_part.name, body_part.meaning);
    ui.label(RichText::new(&story.what).size(16.0));
    if head.framing == Framing::Chunked {
        ui.label(RichText::new(decoding::CHUNKS).weak());
    }
    if head.headers(header_name::CONTENT_ENCODING).next().is_some() {
        ui.label(RichText::new(decoding::COMPRESSION).weak());
    }
    if view.decoded.is_some() {
        ui.label(format!("Choose \"{}\" above the reply to see it as a browser does.", decoding::DECODED_CHOICE));
    }
    if !story.first_bytes.is_empty() {
        ui.label("Its first bytes, as they came:");
        ui.monospace(&story.first_bytes);
    }
    let so_far = if view.is_running() { " so far" } else { "" };
    let framing = if head.framing == Framing::Chunked { ", chunk size lines included" } else { "" };
    ui.label(format!("Its size as it came{so_far}: {}{framing}", story.size)).on_hover_text(&story.exact_size);
}

fn part_heading_ui(ui: &mut Ui, name: &str, meaning: &str) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(name).strong());
        ui.label(RichText::new(meaning).weak());
    });
}

/// The request as it was sent, line by line, each with what it means.
fn request_parts_ui(ui: &mut Ui, view: Option<&FetchView>) {
    let Some(view) = view.filter(|v| !v.request.is_empty()) else { return };
    ui.add_space(8.0);
    ui.label(RichText::new("The request, line by line").strong());
    for line in request_lines(&view.request) {
        ui.monospace(&line.shown);
        ui.indent(ui.next_auto_id(), |ui| {
            ui.label(RichText::new(&line.meaning).weak());
        });
    }
}
