//! "Save reply to file": a small dialog with a path field. The file always gets the raw bytes,
//! never the clipboard's escaped form, and it is written on a thread of its own (`save-reply`) so a
//! large reply or a slow disk never stops the window.
//!
//! A dialog of our own rather than the system's file chooser: that needs GTK or a desktop portal,
//! neither of which a projector laptop's minimal session or CI's Xvfb can be counted on to have.

use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, bounded};
use egui::{Key, Ui};

use crate::format;
use crate::shared_bytes::SharedBytes;

#[derive(Default)]
pub struct SaveDialog {
    /// The path typed, while the dialog is open, and whether it has been drawn yet.
    open: Option<(String, bool)>,
    /// A save under way: where, how many bytes, and its result.
    writing: Option<(PathBuf, u64, Receiver<std::io::Result<()>>)>,
}

/// What the dialog asks of the app in a frame.
pub enum SaveAction {
    None,
    /// Write the reply to this file.
    Save(PathBuf),
}

impl SaveDialog {
    /// Opens the dialog with a name made of the server's host and port, in the home folder.
    pub fn open(&mut self, host: &str, port: u16) {
        let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
        // Letters, digits, dots and dashes make a plain file name; an IPv6 address's colons do not.
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
        let host: String = host.chars().map(|c| if plain(c) { c } else { '_' }).collect();
        let name = format!("socket-fetch-reply-{host}-{port}.txt");
        self.open = Some((home.join(name).display().to_string(), false));
    }

    pub fn is_saving(&self) -> bool {
        self.writing.is_some()
    }

    /// Draws the dialog while it is open: over the window, which is dimmed meanwhile; Escape or a
    /// click outside closes it.
    pub fn ui(&mut self, ui: &Ui, reply_len: u64) -> SaveAction {
        let Some((path, drawn)) = &mut self.open else { return SaveAction::None };
        let mut cancelled = false;
        let mut action = SaveAction::None;
        let modal = egui::Modal::new(egui::Id::unique("save reply")).show(ui.ctx(), |ui| {
            ui.set_width(520.0);
            ui.heading("Save reply to file");
            ui.label(format!("The file gets the raw reply, {}, exactly as received.", format::bytes(reply_len)));
            let field = ui
                .horizontal(|ui| {
                    let label = ui.label("File");
                    let field = egui::TextEdit::singleline(path).desired_width(f32::INFINITY);
                    ui.add(field).labelled_by(label.id)
                })
                .inner;
            if !std::mem::replace(drawn, true) {
                field.request_focus(); // so Enter saves at once
            }
            let target = expand_home(path);
            let exists = target.exists();
            if exists {
                ui.label("A file of that name is there already: saving replaces it.");
            }
            ui.horizontal(|ui| {
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                let label = if exists { "Replace" } else { "Save" };
                if ui.add_enabled(!path.trim().is_empty(), egui::Button::new(label)).clicked() || entered {
                    action = SaveAction::Save(target);
                }
                cancelled = ui.button("Cancel").clicked();
            });
        });
        if matches!(action, SaveAction::Save(_)) || modal.should_close() || cancelled {
            self.open = None;
        }
        action
    }

    /// Writes `bytes` (the frozen reply itself, not a copy) to `path` on the `save-reply` thread;
    /// `wake` is called when it is done.
    pub fn start(&mut self, path: PathBuf, bytes: SharedBytes, wake: impl Fn() + Send + 'static) {
        let (tx, rx) = bounded(1);
        let target = path.clone();
        let len = bytes.len() as u64;
        // If the thread cannot start, its end of the channel is dropped and `result` says so.
        let _ = std::thread::Builder::new().name("save-reply".into()).spawn(move || {
            // The window may have gone; then nobody wants the answer.
            let _ = tx.send(std::fs::write(&target, &*bytes));
            wake();
        });
        self.writing = Some((path, len, rx));
    }

    /// Once the save has ended: the sentence to show, and whether it went well.
    pub fn result(&mut self) -> Option<(String, bool)> {
        let (path, len, rx) = self.writing.as_ref()?;
        let result = match rx.try_recv() {
            Ok(result) => result,
            Err(crossbeam_channel::TryRecvError::Empty) => return None,
            Err(crossbeam_channel::TryRecvError::Disconnected) => Err(std::io::Error::other("the save could not run")),
        };
        let told = match result {
            Ok(()) => (format!("Saved the raw reply, {}, to {}.", format::bytes(*len), path.display()), true),
            Err(e) => (format!("Could not save to {}: {e}. Try another folder or name.", path.display()), false),
        };
        self.writing = None;
        Some(told)
    }
}

/// `~/x` is the home folder's `x`, as people type it.
fn expand_home(path: &str) -> PathBuf {
    let path = path.trim();
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}
