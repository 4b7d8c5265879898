//! The History tab: the fetches remembered (newest first), history on or off, and the kept reply of
//! the one clicked, read from disk off the window's thread and shown read-only here (the Reply tab
//! stays the current fetch's). Only that one reply is ever in memory. Two fetches picked can be
//! compared: their heads side by side and a count of body bytes that differ, worked out on the
//! history's thread. The session records each fetch as it ends; this panel only shows the history.

use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use egui::{RichText, Ui};

use crate::history::{Comparison, Entry, HeadLine, Keeper, News, REPLY_BUDGET};
use crate::server_text::{one_line, visible};
use crate::session::ReplyText;
use crate::ui::reply::reply_view::{ReplyViewState, reply_ui};
use crate::{escape, format};

/// The most characters of a notice shown.
const MAX_NOTICE: usize = 400;

pub struct HistoryPanel {
    /// The entries as the history thread last told them, oldest first.
    entries: Arc<[Entry]>,
    /// History is on: the news says otherwise once the history is read.
    on: bool,
    /// The folder can be written: the news says otherwise once the history is read.
    can_record: bool,
    /// What the history skipped or refused in its folder.
    notices: Arc<[String]>,
    shown: Option<Shown>,
    /// The entries ticked for Compare, at most two, the earlier pick first.
    picked: Vec<u64>,
    compared: Option<Compared>,
    failure: Option<String>,
}

/// Two entries being compared, and the comparison once made.
struct Compared {
    ids: (u64, u64),
    result: Option<io::Result<Comparison>>,
}

/// The entry clicked, and its reply and log once read.
struct Shown {
    id: u64,
    reply: io::Result<Option<ReplyText>>,
    log: Option<io::Result<String>>,
    view: ReplyViewState,
}

impl Default for HistoryPanel {
    fn default() -> Self {
        Self {
            entries: Arc::from([]),
            on: true,
            can_record: true,
            notices: Arc::from([]),
            shown: None,
            picked: Vec::new(),
            compared: None,
            failure: None,
        }
    }
}

impl HistoryPanel {
    /// The bytes of the remembered reply on show, once read (for tests).
    pub fn shown_reply(&self) -> Option<&[u8]> {
        self.shown.as_ref().and_then(|s| s.reply.as_ref().ok()?.as_ref()).map(ReplyText::bytes)
    }

    /// The comparison on show, once made (for tests).
    pub fn comparison(&self) -> Option<&Comparison> {
        self.compared.as_ref()?.result.as_ref()?.as_ref().ok()
    }

    /// The entries remembered, oldest first (for tests).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The history could not start: said in the tab.
    pub fn failed(&mut self, text: String) {
        self.failure = Some(text);
    }

    /// Each frame: takes the history thread's news.
    pub fn step(&mut self, keeper: Option<&Keeper>) {
        let Some(keeper) = keeper else { return };
        while let Some(news) = keeper.try_news() {
            match news {
                News::Entries(now) => {
                    (self.entries, self.on, self.can_record, self.notices) =
                        (now.entries, now.on, now.can_record, now.notices);
                    // Another window may have turned history off, or the folder changed under the picks.
                    let listed = |id: &u64| self.entries.iter().any(|e| e.id == *id);
                    self.picked.retain(listed);
                    if self.shown.as_ref().is_some_and(|s| !listed(&s.id)) {
                        self.shown = None;
                    }
                }
                News::Reply(id, reply, log) => {
                    if let Some(shown) = self.shown.as_mut().filter(|s| s.id == id) {
                        shown.log = Some(log);
                        shown.reply = reply.map(|bytes| {
                            let mut text = ReplyText::default();
                            text.push(&bytes);
                            Some(text)
                        });
                    }
                }
                News::Compared(a, b, result) => {
                    if let Some(compared) = self.compared.as_mut().filter(|c| c.ids == (a, b)) {
                        compared.result = Some(result);
                    }
                }
                News::Failed(text) => self.failure = Some(text),
            }
        }
    }

    /// `keeper`: the history's thread, when this run keeps a history.
    pub fn ui(&mut self, ui: &mut Ui, keeper: Option<&Keeper>) {
        ui.horizontal_wrapped(|ui| {
            ui.heading("History");
            let Some(keeper) = keeper else {
                ui.label("This run keeps no history.");
                return;
            };
            let mut on = self.on && self.can_record;
            if ui
                .add_enabled(self.can_record, egui::Checkbox::new(&mut on, "Keep a history of fetches"))
                .on_hover_text(format!(
                    "The last 50 fetches, with their replies up to {} in all, in the data folder; \
                     off forgets them all",
                    format::bytes(REPLY_BUDGET)
                ))
                .on_disabled_hover_text("The history folder cannot be written: nothing can be recorded")
                .changed()
            {
                self.on = on;
                if !on {
                    (self.shown, self.compared) = (None, None);
                    self.picked.clear();
                }
                keeper.set_on(on);
            }
            let two = self.picked.len() == 2;
            if ui
                .add_enabled(two, egui::Button::new("Compare the two picked"))
                .on_hover_text("Their heads side by side, and how many body bytes differ")
                .on_disabled_hover_text("Tick Pick on two fetches whose replies are kept")
                .clicked()
                && let [first, second] = self.picked[..]
            {
                keeper.ask_comparison(first, second);
                self.compared = Some(Compared { ids: (first, second), result: None });
                self.shown = None;
            }
        });
        if let Some(failure) = &self.failure {
            ui.colored_label(ui.visuals().warn_fg_color, failure);
        }
        for notice in self.notices.iter() {
            // Longer than a label's usual cut, so the reason is never lost; it may quote a hostile
            // index's host and path, hence the escapes and the bound.
            ui.colored_label(ui.visuals().warn_fg_color, escape::line(notice.as_bytes(), MAX_NOTICE));
        }
        if keeper.is_some() && self.on && self.can_record && self.entries.is_empty() {
            ui.label(RichText::new("Each fetch you make is listed here when it ends.").weak());
        }
        let list_height = if self.shown.is_some() || self.compared.is_some() {
            ui.available_height() * 0.4
        } else {
            ui.available_height()
        };
        let mut clicked = None;
        egui::ScrollArea::vertical().id_salt("history list").max_height(list_height).show(ui, |ui| {
            for entry in self.entries.iter().rev() {
                // Fixed columns first and the fetch's target last, cut to the room left: a long URL
                // never pushes the age, status and size out of view.
                ui.horizontal(|ui| {
                    let mut pick = self.picked.contains(&entry.id);
                    let box_ = ui.add_enabled(entry.reply_kept, egui::Checkbox::new(&mut pick, "Pick"));
                    if box_.on_disabled_hover_text("Its reply is not kept: it cannot be compared").changed() {
                        self.picked.retain(|id| *id != entry.id);
                        if pick {
                            self.picked.push(entry.id);
                            if self.picked.len() > 2 {
                                self.picked.remove(0); // a third pick replaces the earliest
                            }
                        }
                    }
                    let height = ui.spacing().interact_size.y;
                    let cell = |ui: &mut Ui, width: f32, text: String| {
                        ui.add_sized([width, height], egui::Label::new(text).truncate())
                    };
                    cell(ui, 80.0, when(entry.at_ms));
                    let status = cell(ui, 70.0, status_text(entry));
                    if let Some(error) = &entry.error {
                        status.on_hover_text(error.as_str());
                    }
                    cell(ui, 90.0, format::bytes(entry.reply_size));
                    cell(ui, 80.0, format::ms(Duration::from_micros(entry.duration_us)));
                    let selected = self.shown.as_ref().is_some_and(|s| s.id == entry.id);
                    // Whole: the button cuts it to the room it has, and the hover shows it all.
                    let target = visible(&target(entry));
                    if ui
                        .add(egui::Button::selectable(selected, target.as_str()).truncate())
                        .on_hover_ui(|ui| {
                            // Whole here, wrapped even inside a long word: the list shows it cut.
                            ui.add(egui::Label::new(target.as_str()).wrap());
                            ui.label("Show this fetch's reply");
                        })
                        .clicked()
                    {
                        clicked = Some(entry.id);
                    }
                });
            }
        });
        if let (Some(id), Some(keeper)) = (clicked, keeper) {
            keeper.ask_reply(id);
            self.shown = Some(Shown { id, reply: Ok(None), log: None, view: ReplyViewState::default() });
            self.compared = None;
        }
        self.shown_ui(ui);
        self.compared_ui(ui);
    }

    /// The two picked fetches' heads side by side, lines only in one marked, and the body count.
    fn compared_ui(&self, ui: &mut Ui) {
        let Some(compared) = &self.compared else { return };
        let name = |id| self.entries.iter().find(|e| e.id == id).map_or_else(String::new, target_text);
        ui.separator();
        let result = match &compared.result {
            None => {
                ui.label("Comparing the two kept replies…");
                return;
            }
            Some(Err(why)) => {
                ui.label(format!("The two replies cannot be compared: {why}"));
                return;
            }
            Some(Ok(result)) => result,
        };
        ui.label(RichText::new(body_words(result)).strong());
        let (removed, added) = (ui.visuals().error_fg_color, ui.visuals().warn_fg_color);
        egui::ScrollArea::vertical().id_salt("history compare").show(ui, |ui| {
            ui.columns(2, |columns| {
                columns[0].label(RichText::new(name(compared.ids.0)).strong());
                columns[1].label(RichText::new(name(compared.ids.1)).strong());
                for line in &result.heads {
                    let (left, right) = match line {
                        HeadLine::Both(text) => (Some((text, None)), Some((text, None))),
                        HeadLine::OnlyFirst(text) => (Some((text, Some(removed))), None),
                        HeadLine::OnlySecond(text) => (None, Some((text, Some(added)))),
                    };
                    for (column, side) in columns.iter_mut().zip([left, right]) {
                        match side {
                            Some((text, color)) => {
                                let mut text = RichText::new(one_line(text)).monospace();
                                if let Some(color) = color {
                                    text = text.color(color).strong();
                                }
                                column.label(text);
                            }
                            None => {
                                column.label(RichText::new("—").weak());
                            }
                        }
                    }
                }
            });
        });
    }

    /// The clicked entry's log (its steps and what happened at each), then its reply, read-only.
    fn shown_ui(&mut self, ui: &mut Ui) {
        let Some(shown) = &mut self.shown else { return };
        let Some(entry) = self.entries.iter().find(|e| e.id == shown.id) else { return };
        ui.separator();
        if let Some(log) = &shown.log {
            egui::CollapsingHeader::new(format!("Log of {}", target_text(entry))).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("history log").max_height(ui.available_height() / 3.0).show(
                    ui,
                    |ui| match log {
                        Ok(text) => ui.label(RichText::new(text.as_str()).monospace()),
                        Err(why) => ui.label(format!("Its log cannot be shown: {why}")),
                    },
                );
            });
        }
        ui.label(RichText::new(format!("Reply of {}", target_text(entry))).strong());
        match &shown.reply {
            Ok(Some(text)) => {
                // Copying from here is left to the Reply tab's fetch: this view only shows.
                let _ = reply_ui(ui, Some(text), &mut shown.view);
            }
            Ok(None) => {
                ui.label("Reading the kept reply…");
            }
            Err(why) => {
                ui.label(format!("The reply cannot be shown: {why}"));
            }
        }
    }
}

/// `GET localhost:8080/path`: what was fetched, the server's text made one line.
fn target_text(entry: &Entry) -> String {
    one_line(&target(entry))
}

/// What was fetched, whole, each control character written as an escape.
fn target(entry: &Entry) -> String {
    let method = if entry.method.is_empty() { "(raw)" } else { &entry.method };
    format!("{method} {}:{}{}", entry.host, entry.port, entry.path)
}

/// "Bodies: 1,024 bytes and 1,030 bytes; 7 bytes differ".
fn body_words(result: &Comparison) -> String {
    let differ = match result.body_bytes_differ {
        0 => "they are the same".to_owned(),
        1 => "1 byte differs".to_owned(),
        n => format!("{} bytes differ", format::count(n)),
    };
    format!("Bodies: {} and {}; {differ}.", format::exact(result.first_body), format::exact(result.second_body))
}

fn status_text(entry: &Entry) -> String {
    match (&entry.error, entry.status) {
        // In a word: the list's columns stay narrow, and the error's own words show on hover.
        (Some(_), _) => "failed".to_owned(),
        (None, Some(status)) => status.to_string(),
        (None, None) => "no status".to_owned(),
    }
}

/// How long ago a fetch ended, in words.
fn when(at_ms: u64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let ago = now.saturating_sub(at_ms / 1000);
    match ago {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", ago / 60),
        3600..86_400 => format!("{} h ago", ago / 3600),
        _ => format!("{} days ago", ago / 86_400),
    }
}
