//! The Reply tab, one panel: its toolbar (text or hex, Copy reply, Copy decoded body, Save), the
//! raw reply or its decoded body, the selection, and the copies and saves made from them. Copies
//! and saves read the frozen reply from their own threads: nothing is gathered per frame.

use std::ops::Range;
use std::time::Duration;

use egui::Ui;

use crate::clipboard::{Copier, CopyError};
use crate::fetch::JobId;
use crate::format;
use crate::server_text::{one_line, visible};
use crate::session::FetchView;
use crate::shared_bytes::SharedBytes;
use crate::ui::panels::notice::{Notice, Place};
use crate::ui::reply::body_view::{Body, body_switch_ui, decoded_body_ui, frozen_body, with_body};
use crate::ui::reply::copying::Copying;
use crate::ui::reply::hex_view::{HEX_COPY_CAP, HexCopy, HexViewState, Shown, hex_text, hex_ui, shown_switch_ui};
use crate::ui::reply::reply_view::{ReplyViewState, reply_ui};
use crate::ui::reply::save_dialog::{SaveAction, SaveDialog};

/// Said when a selection's copy or a save is asked for before the reply is complete.
const STILL_ARRIVING: &str = "the reply is still arriving: copy or save it once it is complete";

pub struct ReplyPanel {
    /// The reply as text or in hex.
    shown: Shown,
    /// The raw reply or the decoded body; a new fetch shows the raw reply.
    body: Body,
    /// The start option's body, until the first reply that has a decoded one.
    start_body: Option<Body>,
    /// What is selected in the text view (as byte offsets) and where it is scrolled to.
    text: ReplyViewState,
    /// What is selected in the hex view and where it is scrolled to.
    hex: HexViewState,
    /// The fetch the selections belong to: another one starts them afresh.
    job: Option<JobId>,
    copier: Copier,
    copying: Option<Copying>,
    /// "Copy reply" asked for while this fetch's reply was still arriving: made once it is complete.
    copy_waiting: Option<JobId>,
    save: SaveDialog,
}

impl ReplyPanel {
    /// `x11_clipboard`: copies go to socket-fetch's own X11 selection owner.
    pub fn new(shown: Shown, start_body: Option<Body>, x11_clipboard: bool) -> Self {
        Self {
            shown,
            body: Body::Raw,
            start_body,
            text: ReplyViewState::default(),
            hex: HexViewState::default(),
            job: None,
            copier: Copier::new(x11_clipboard),
            copying: None,
            copy_waiting: None,
            save: SaveDialog::default(),
        }
    }

    /// The reply view has the keyboard (Page Down scrolls it).
    pub fn has_focus(&self) -> bool {
        self.text.has_focus() || self.hex.has_focus()
    }

    /// Each frame, before drawing: a new fetch clears the selections; a copy or a save that ended says so.
    pub fn step(&mut self, ctx: &egui::Context, view: Option<&FetchView>, notice: &mut Option<Notice>) {
        let job = view.map(|v| v.job);
        if job != self.job {
            self.job = job;
            self.text = ReplyViewState::default();
            self.hex = HexViewState::default();
        }
        if let Some(job) = self.copy_waiting {
            match view.filter(|v| v.job == job) {
                Some(view) if view.reply.frozen().is_some() => {
                    self.copy_waiting = None;
                    self.copy_reply(ctx, Some(view), notice);
                }
                Some(_) => {}
                None => {
                    self.copy_waiting = None;
                    warn(notice, "Not copied: a new fetch replaced the reply before it was complete.".to_owned());
                }
            }
        }
        if let Some(copying) = &self.copying {
            match copying.result(ctx) {
                Some(result) => self.copy_ended(result, notice),
                // Progress moves without events: look again soon.
                None => ctx.request_repaint_after(Duration::from_millis(50)),
            }
        }
        if let Some((text, good)) = self.save.result() {
            tell(notice, text, good);
        }
    }

    /// A frame ended, having taken `took`: the longest one is said with the copy under way.
    pub fn frame_took(&mut self, took: Duration) {
        if let Some(copying) = &mut self.copying {
            copying.frame_took(took);
        }
    }

    /// The tab's toolbar and view; `compact`: the window is one column, short of room.
    pub fn ui(&mut self, ui: &mut Ui, view: Option<&FetchView>, compact: bool, notice: &mut Option<Notice>) {
        self.toolbar_ui(ui, view, compact, notice);
        match view.and_then(|v| v.decoded.as_ref()) {
            Some(decoded) => {
                if let Some(body) = self.start_body.take() {
                    self.body = body;
                }
                if body_switch_ui(ui, &mut self.body, decoded) {
                    // The other body has other offsets: what was selected means nothing there.
                    self.text = ReplyViewState::default();
                    self.hex = HexViewState::default();
                }
            }
            None => self.body = Body::Raw,
        }
        let what = if self.body == Body::Raw { "the selection" } else { "the selection of the decoded body" };
        if self.shown == Shown::Hex {
            let copy = match view {
                Some(view) => with_body(view, self.body, |bytes| hex_ui(ui, bytes, &mut self.hex)),
                None => hex_ui(ui, &[], &mut self.hex),
            };
            match (copy, view) {
                (Some(HexCopy::Bytes(range)), Some(view)) => self.start_copy(ui.ctx(), view, range, what, notice),
                (Some(HexCopy::Hex(range)), Some(view)) => self.hex_copy(ui.ctx(), view, range, what, notice),
                _ => {}
            }
        } else {
            let selected = match view.and_then(|v| v.decoded.as_ref()).filter(|_| self.body == Body::Decoded) {
                Some(decoded) => decoded_body_ui(ui, decoded, &mut self.text),
                None => reply_ui(ui, view.map(|v| &*v.reply), &mut self.text),
            };
            if let (Some(range), Some(view)) = (selected, view) {
                self.start_copy(ui.ctx(), view, range, what, notice);
            }
        }
    }

    /// The save dialog, over the window while it is open.
    pub fn dialog_ui(&mut self, ui: &Ui, view: Option<&FetchView>, notice: &mut Option<Notice>) {
        let reply_len = view.map_or(0, |v| v.reply.bytes().len());
        let SaveAction::Save(path) = self.save.ui(ui, reply_len as u64) else { return };
        match view.and_then(|v| v.reply.frozen()) {
            Some(reply) => {
                let wake = ui.ctx().clone();
                self.save.start(path, SharedBytes::whole(reply.clone()), move || wake.request_repaint());
            }
            None => warn(notice, format!("Not saved: {STILL_ARRIVING}.")),
        }
    }

    /// "Copy reply", from its button or Ctrl+Shift+C: the whole reply, once it is complete.
    pub fn copy_reply(&mut self, ctx: &egui::Context, view: Option<&FetchView>, notice: &mut Option<Notice>) {
        let Some(view) = view.filter(|v| !v.reply.is_empty()) else { return };
        if view.reply.frozen().is_none() && self.copying.is_none() {
            self.copy_waiting = Some(view.job);
            return;
        }
        self.start_copy_of(ctx, view, Body::Raw, 0..view.reply.bytes().len(), "the reply", notice);
    }

    /// "Save reply to file…", from its button or Ctrl+S.
    pub fn open_save(&mut self, view: Option<&FetchView>, notice: &mut Option<Notice>) {
        match view {
            _ if self.save.is_saving() => {
                warn(notice, "A save is still being made: try again when it is done.".to_owned());
            }
            Some(view) if view.reply.is_empty() => {
                warn(notice, "Nothing to save yet: fetch something first.".to_owned());
            }
            Some(view) if view.reply.frozen().is_none() => warn(notice, format!("Not saved yet: {STILL_ARRIVING}.")),
            Some(view) => self.save.open(&view.host, view.port),
            None => warn(notice, "Nothing to save yet: fetch something first.".to_owned()),
        }
    }

    /// `compact`: the tab above already says "Reply", and the save button says less, so the
    /// toolbar keeps to one row and the reply keeps its rows.
    fn toolbar_ui(&mut self, ui: &mut Ui, view: Option<&FetchView>, compact: bool, notice: &mut Option<Notice>) {
        // Wrapped: a narrow panel moves whole buttons to the next row rather than cutting them.
        let toolbar = ui.horizontal_wrapped(|ui| {
            if !compact {
                ui.heading("Reply");
            }
            shown_switch_ui(ui, &mut self.shown);
            let reply_len = view.map_or(0, |v| v.reply.bytes().len() as u64);
            let complete = view.is_some_and(|v| v.reply.frozen().is_some());
            if let Some(copying) = &self.copying {
                let percent = (copying.progress() * 100.0).round();
                ui.add_enabled(false, egui::Button::new(format!("Copying… {percent} %")))
                    .on_disabled_hover_text("The copy is being made; the window stays usable meanwhile");
            } else if self.copy_waiting.is_some() {
                ui.add_enabled(false, egui::Button::new("Copying… 0 %"))
                    .on_disabled_hover_text("The copy starts when the whole reply has arrived");
            } else if let Some(cap) = self.copier.cap().filter(|cap| reply_len > *cap) {
                // Said before copying: this clipboard path would lose the copy.
                ui.add_enabled(false, egui::Button::new(format!("Copy reply: over {} MiB", cap >> 20)))
                    .on_disabled_hover_text(format!(
                        "This clipboard carries up to {} reliably and the reply is {}: save it to a file instead",
                        format::bytes(cap),
                        format::bytes(reply_len)
                    ));
            } else if ui
                .add_enabled(reply_len > 0, egui::Button::new("Copy reply"))
                .on_hover_text("Put the whole raw reply on the clipboard (Ctrl+Shift+C)")
                .clicked()
            {
                self.copy_reply(ui.ctx(), view, notice);
            }
            if let Some(view) = view {
                self.copy_decoded_ui(ui, view, notice);
            }
            let saving = self.save.is_saving();
            let save = egui::Button::new(match (saving, compact) {
                (true, _) => "Saving…",
                (false, true) => "Save…",
                (false, false) => "Save reply to file…",
            });
            if ui
                .add_enabled(reply_len > 0 && complete && !saving, save)
                .on_hover_text("Write the raw reply, byte for byte, to a file (Ctrl+S)")
                .clicked()
            {
                self.open_save(view, notice);
            }
            // Last, in the room the buttons leave: a long reason phrase is cut, never the buttons.
            if let Some(view) = view {
                let status = view.head.as_ref().map(|h| format!("{} {} · ", h.status, h.reason)).unwrap_or_default();
                status_label_ui(ui, &format!("{}{}", one_line(&status), format::bytes(view.received())), &status);
            }
        });
        Notice::ui(notice.as_ref(), ui, Place::Reply, toolbar.response.rect);
    }

    /// "Copy decoded body", beside "Copy reply" when the reply has one: its own button, so the raw
    /// reply is what "Copy reply" always copies.
    fn copy_decoded_ui(&mut self, ui: &mut Ui, view: &FetchView, notice: &mut Option<Notice>) {
        let Some(decoded) = view.decoded.as_ref() else { return };
        let (done, len) = {
            let shared = decoded.lock();
            (shared.outcome.is_some(), shared.text.bytes().len())
        };
        let button = egui::Button::new("Copy decoded body");
        let clicked = if done {
            ui.add_enabled(len > 0 && self.copying.is_none(), button)
                .on_hover_text("Put the body with its chunk sizes removed and unzipped on the clipboard")
                .clicked()
        } else {
            ui.add_enabled(false, button).on_disabled_hover_text("The body is still being decoded");
            false
        };
        if clicked {
            self.start_copy_of(ui.ctx(), view, Body::Decoded, 0..len, "the decoded body", notice);
        }
    }

    /// A copy asked for in the hex view as hex: made here, since it is at most [`HEX_COPY_CAP`] bytes.
    fn hex_copy(
        &mut self,
        ctx: &egui::Context,
        view: &FetchView,
        range: Range<usize>,
        what: &str,
        notice: &mut Option<Notice>,
    ) {
        if range.len() > HEX_COPY_CAP {
            return warn(
                notice,
                format!(
                    "Not copied: copy as hex takes up to {} and {what} is {}. Copy it as bytes, or save the reply.",
                    format::bytes(HEX_COPY_CAP as u64),
                    format::bytes(range.len() as u64)
                ),
            );
        }
        let text = with_body(view, self.body, |bytes| {
            hex_text(&bytes[range.start.min(bytes.len())..range.end.min(bytes.len())])
        });
        ctx.copy_text(text);
        let text = format!("Copied {what}, {}, to the clipboard as hex.", format::detailed(range.len() as u64));
        tell(notice, text, true);
    }

    /// Copies `range` of the body on show, by the copy rule.
    fn start_copy(
        &mut self,
        ctx: &egui::Context,
        view: &FetchView,
        range: Range<usize>,
        what: &'static str,
        notice: &mut Option<Notice>,
    ) {
        self.start_copy_of(ctx, view, self.body, range, what, notice);
    }

    /// Starts copying `range` of `body`: the frozen store itself goes to the `clipboard-copy` thread,
    /// which decides the form and escapes there, never on this one.
    fn start_copy_of(
        &mut self,
        ctx: &egui::Context,
        view: &FetchView,
        body: Body,
        range: Range<usize>,
        what: &'static str,
        notice: &mut Option<Notice>,
    ) {
        if self.copying.is_some() {
            return warn(notice, "A copy is still being made: try again when it is done.".to_owned());
        }
        if let Some(cap) = self.copier.cap().filter(|cap| range.len() as u64 > *cap) {
            return warn(
                notice,
                format!(
                    "Not copied: {what} is {}, more than this clipboard carries reliably ({}). \
                     Save reply to file keeps all of it.",
                    format::bytes(range.len() as u64),
                    format::bytes(cap)
                ),
            );
        }
        let Some(store) = frozen_body(view, body) else {
            return warn(notice, format!("Not copied: {STILL_ARRIVING}."));
        };
        match Copying::start(&self.copier, SharedBytes::part(store, range), what, ctx) {
            Ok(copying) => self.copying = Some(copying),
            Err(e) => {
                let error = CopyError::NotStarted(e.to_string());
                tell(notice, format!("Not copied: {error} Save reply to file keeps all of it."), false);
            }
        }
    }

    fn copy_ended(&mut self, result: Result<crate::clipboard::Copied, CopyError>, notice: &mut Option<Notice>) {
        let Some(copying) = self.copying.take() else { return };
        let (text, good) = copying.ended(result);
        tell(notice, text, good);
    }
}

fn warn(notice: &mut Option<Notice>, text: String) {
    tell(notice, text, false);
}

/// Shows `text` by the reply's toolbar for a while; `good`: a success, else a warning.
fn tell(notice: &mut Option<Notice>, text: String, good: bool) {
    *notice = Some(Notice::new(Place::Reply, text, good));
}

/// The reply's status in the toolbar: the server chose the reason phrase, so the label takes only
/// the room the buttons leave, cut with "…", and the whole text (controls made visible) shows on hover.
fn status_label_ui(ui: &mut Ui, text: &str, full: &str) {
    ui.add(egui::Label::new(text).truncate()).on_hover_text(visible(full));
}
