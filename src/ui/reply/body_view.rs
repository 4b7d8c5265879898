//! The decoded body beside the raw reply, as the reply view shows it: the "Raw reply | Decoded
//! body" switch, what decoding undid, and the view drawing either store.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use egui::{RichText, Ui};

use crate::session::{DecodedBody, FetchView, ReplyText};
use crate::teach::decoding::{CHUNKS, COMPRESSION, DECODED_CHOICE, RAW_CHOICE, end_problem, undone_note};
use crate::ui::reply::reply_view::{ReplyViewState, reply_ui};

/// How often the window looks at a decoding that is still running (the thread does not wake it).
const LOOK_AGAIN: Duration = Duration::from_millis(100);

/// Which of a reply's two forms the view shows, or a copy takes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Body {
    /// The reply byte for byte, as it came: the default, and what Copy reply and Save always take.
    #[default]
    Raw,
    /// The body with its chunk sizes removed and its compression undone.
    Decoded,
}

/// The bytes of `body` of `view`'s reply, for a copy.
pub fn with_body<R>(view: &FetchView, body: Body, f: impl FnOnce(&[u8]) -> R) -> R {
    match (body, &view.decoded) {
        (Body::Decoded, Some(decoded)) => f(decoded.lock().text.bytes()),
        _ => f(view.reply.bytes()),
    }
}

/// The bytes of `body` of `view`'s reply as a frozen, shared store: none while they still grow.
pub fn frozen_body(view: &FetchView, body: Body) -> Option<Arc<ReplyText>> {
    match (body, &view.decoded) {
        (Body::Decoded, Some(decoded)) => decoded.lock().text.frozen().cloned(),
        _ => view.reply.frozen().cloned(),
    }
}

/// The "Raw reply | Decoded body" switch, shown when the reply has a decoded body; under it, for the
/// decoded body, what was undone and why decoding stopped if it did. Answers whether the choice changed.
pub fn body_switch_ui(ui: &mut Ui, body: &mut Body, decoded: &DecodedBody) -> bool {
    let before = *body;
    let outcome = decoded.lock().outcome.clone();
    if outcome.is_none() {
        ui.ctx().request_repaint_after(LOOK_AGAIN);
    }
    ui.horizontal(|ui| {
        ui.selectable_value(body, Body::Raw, RAW_CHOICE)
            .on_hover_text("The reply byte for byte, as it came: chunk sizes and compressed bytes included");
        ui.selectable_value(body, Body::Decoded, DECODED_CHOICE)
            .on_hover_text("The body as a browser sees it: chunk sizes removed and compression undone");
    });
    if *body == Body::Decoded {
        ui.label(RichText::new(format!("Decoded body: {}", undone_note(&decoded.plan, outcome.as_ref()))).strong());
        if let Some(problem) = outcome.as_ref().and_then(|done| end_problem(&done.end)) {
            ui.add(egui::Label::new(RichText::new(problem).color(ui.visuals().error_fg_color)).wrap());
        }
        for (shown, text) in
            [(decoded.plan.framing == crate::fetch::Framing::Chunked, CHUNKS), (decoded.plan.is_encoded(), COMPRESSION)]
        {
            if shown {
                ui.add(egui::Label::new(RichText::new(text).weak()).wrap());
            }
        }
    }
    *body != before
}

/// The decoded body in the reply view; answers the bytes selected for a copy.
pub fn decoded_body_ui(ui: &mut Ui, decoded: &DecodedBody, state: &mut ReplyViewState) -> Option<Range<usize>> {
    let shared = decoded.lock();
    if shared.text.is_empty() {
        let empty = if shared.outcome.is_some() { "The decoded body is empty." } else { "Decoding…" };
        ui.label(RichText::new(empty).weak());
        return None;
    }
    reply_ui(ui, Some(&*shared.text), state)
}
