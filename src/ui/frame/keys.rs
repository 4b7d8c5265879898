//! The keys a presenter uses: a clicker's Page Down, and Right, Space and Enter, taken before any
//! widget sees them; and the "Keys" help that lists them.

use egui::{Context, Key, Modifiers, Ui};

use crate::ui::request::form::{FetchState, FormAction};

/// What the keys are for, as the Keys help lists them.
const KEYS: [(&str, &str); 10] = [
    ("Page Down", "Fetch when nothing is under way; the next step while paused (what a presentation clicker sends)"),
    ("Right arrow, Space, Enter", "The next step while paused, when the pointer is not in a text field"),
    ("Enter", "Fetch, in the Host or Port field"),
    ("Escape", "Cancel the fetch"),
    ("Tab", "Host, Port, Fetch, and on"),
    ("Ctrl+Shift+C", "Copy the whole reply"),
    ("Ctrl+S", "Save the reply to a file, byte for byte"),
    ("Ctrl + and Ctrl −", "Larger and smaller text (also A+ and A−)"),
    ("In the reply", "Arrows, Page Up / Page Down, Home / End, once it was clicked"),
    ("F1", "Show or hide this list"),
];

/// Takes the presenter's keys out of this frame's input, before the panels draw, and says what they
/// ask for. `reply_focused`: the reply view was clicked, so Page Down scrolls it when no fetch is under way.
///
/// While a fetch is under way Space and Enter are always taken, when no text field has focus: egui
/// presses the focused button on them, and after Tab, Tab, Enter on Fetch the focused button is Cancel.
pub fn presenter_keys(ctx: &Context, state: FetchState, reply_focused: bool) -> FormAction {
    let typing = ctx.text_edit_focused();
    let take = |key| ctx.input_mut(|i| i.consume_key(Modifiers::NONE, key));
    match state {
        FetchState::Paused => {
            // Every key is taken, so that one press is one step and none falls through to a widget.
            let pressed = [
                take(Key::PageDown),
                !typing && take(Key::ArrowRight),
                !typing && take(Key::Space),
                !typing && take(Key::Enter),
            ];
            if pressed.contains(&true) { FormAction::Next } else { FormAction::None }
        }
        FetchState::Running => {
            if !typing {
                take(Key::Space);
                take(Key::Enter);
            }
            FormAction::None
        }
        FetchState::Idle if !reply_focused && take(Key::PageDown) => FormAction::Fetch,
        FetchState::Idle => FormAction::None,
    }
}

/// The Keys help: a window, opened and closed by F1 or its button in the top bar.
#[derive(Debug, Default)]
pub struct KeysHelp {
    open: bool,
}

impl KeysHelp {
    /// The top bar's button that opens and closes the help.
    pub fn button_ui(&mut self, ui: &mut Ui, text: &str) {
        ui.toggle_value(&mut self.open, text)
            .on_hover_text("The keys for a presentation clicker and the keyboard (F1)");
    }

    /// The help, while it is open.
    pub fn window_ui(&mut self, ui: &Ui) {
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F1)) {
            self.open = !self.open;
        }
        egui::Window::new("Keys").open(&mut self.open).collapsible(false).resizable(false).show(ui.ctx(), |ui| {
            egui::Grid::new("keys").num_columns(2).striped(true).show(ui, |ui| {
                for (key, what) in KEYS {
                    ui.strong(key);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    }
}
