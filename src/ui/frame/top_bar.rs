//! The top bar: the title and the window's own controls on one row, the form on the next. As the
//! window narrows (or the text grows), the least needed controls move into a More menu, whole, so
//! the bar stays two rows and no control is cut.

use egui::{RichText, TextStyle, Ui};

use crate::ui::frame::keys::KeysHelp;
use crate::ui::frame::layout::{button_width, spares_that_fit, text_width};
use crate::ui::frame::start_options::Theme;
use crate::ui::request::form::{
    DemoPorts, FetchState, FormAction, FormFields, FormRow, SECURE_LABEL, form_ui, secure_ui,
};

const TITLE: &str = "socket-fetch";
const SUBTITLE: &str = "how a browser fetches a page over a raw TCP socket";
const EXPLAIN: &str = "🎓 Explain";
const PRESENTER: &str = "Presenter view";
const KEYS: &str = "⌨ Keys";
const THEME: &str = "☀ Theme";
const MORE: &str = "☰ More";

/// What the top bar changes and draws from.
pub struct TopBar<'a> {
    pub form: &'a mut FormFields,
    pub state: FetchState,
    /// Give the host field the keyboard (the first frame).
    pub focus_host: bool,
    /// The demo server's ports, while it runs: the Secure toggle moves the form between them.
    pub demo: Option<DemoPorts>,
    pub teaching: &'a mut bool,
    pub presenter: bool,
    pub keys_help: &'a mut KeysHelp,
}

/// What was asked for in the top bar this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarAction {
    pub form: FormAction,
    /// Presenter view was switched on or off.
    pub toggle_presenter: bool,
}

/// The window's controls that can move into More, the most needed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spare {
    /// A− and A+, as a pair.
    Zoom,
    Presenter,
    Keys,
    Theme,
}

impl Spare {
    const ALL: [Self; 4] = [Self::Zoom, Self::Presenter, Self::Keys, Self::Theme];

    fn width(self, ui: &Ui) -> f32 {
        match self {
            Self::Zoom => button_width(ui, "A−") + ui.spacing().item_spacing.x + button_width(ui, "A+"),
            Self::Presenter => button_width(ui, PRESENTER),
            Self::Keys => button_width(ui, KEYS),
            Self::Theme => button_width(ui, THEME),
        }
    }
}

/// How the title row is shared out.
struct TitleRow {
    subtitle: bool,
    /// How many of [`Spare::ALL`] stay in the row.
    spares: usize,
    more: bool,
}

impl TitleRow {
    /// `extras_moved`: the form's row has put some of its controls into More.
    fn fit(ui: &Ui, room: f32, extras_moved: bool) -> Self {
        let gap = ui.spacing().item_spacing.x;
        let spares: Vec<f32> = Spare::ALL.iter().map(|s| gap + s.width(ui)).collect();
        let taken = text_width(ui, TITLE, TextStyle::Heading) + gap + button_width(ui, EXPLAIN);
        let all_fit = spares_that_fit(room, taken, &spares) == spares.len();
        let (spares, more) = if all_fit && !extras_moved {
            (spares.len(), false)
        } else {
            (spares_that_fit(room, taken + gap + button_width(ui, MORE), &spares), true)
        };
        let used = taken + Spare::ALL.iter().take(spares).map(|s| gap + s.width(ui)).sum::<f32>();
        let more_width = if more { gap + button_width(ui, MORE) } else { 0.0 };
        let subtitle = used + more_width + gap + text_width(ui, SUBTITLE, TextStyle::Body) <= room;
        Self { subtitle, spares, more }
    }

    fn shows(&self, spare: Spare) -> bool {
        Spare::ALL[..self.spares].contains(&spare)
    }
}

impl TopBar<'_> {
    /// Draws the bar's two rows.
    pub fn bar_ui(self, ui: &mut Ui) -> BarAction {
        let bar = self;
        // A little short of the whole width: a control that lands exactly on the edge must not wrap.
        let room = ui.available_width() - 2.0;
        let form_row = FormRow::fit(ui, bar.form, bar.state, room);
        let form_moved = form_row.secure_moved() || !form_row.moved().is_empty();
        let row = TitleRow::fit(ui, room, form_moved);
        let mut action = BarAction { form: FormAction::None, toggle_presenter: false };
        // Wrapped, in case a guess at a width was short: whole controls move down, never letter by letter.
        ui.horizontal_wrapped(|ui| {
            let title = ui.heading(RichText::new(TITLE).strong());
            if row.subtitle {
                ui.add(egui::Label::new(RichText::new(SUBTITLE).weak()).extend());
            } else {
                title.on_hover_text(SUBTITLE);
            }
            if row.shows(Spare::Zoom) {
                zoom_ui(ui, "A−", "A+");
            }
            ui.toggle_value(bar.teaching, EXPLAIN)
                .on_hover_text("Show or hide the panel that explains each step in plain words");
            let spares = Spare::ALL[1..].iter().filter(|s| row.shows(**s));
            for spare in spares {
                action.toggle_presenter |= spare_ui(ui, *spare, bar.presenter, bar.keys_help);
            }
            if row.more {
                ui.menu_button(MORE, |ui| {
                    let running = bar.state != FetchState::Idle;
                    if form_row.secure_moved() {
                        secure_ui(ui, bar.form, running, SECURE_LABEL, bar.demo);
                    }
                    for extra in form_row.moved() {
                        let chosen = extra.ui(ui, bar.form, running);
                        if chosen != FormAction::None {
                            action.form = chosen;
                        }
                    }
                    if form_moved && row.spares < Spare::ALL.len() {
                        ui.separator();
                    }
                    for spare in &Spare::ALL[row.spares..] {
                        action.toggle_presenter |= spare_ui(ui, *spare, bar.presenter, bar.keys_help);
                    }
                });
            }
        });
        let clicked = form_ui(ui, bar.form, bar.state, bar.focus_host, form_row, bar.demo);
        if clicked != FormAction::None {
            action.form = clicked;
        }
        action
    }
}

/// Draws a spare control in the bar or in More; true when Presenter view was clicked.
fn spare_ui(ui: &mut Ui, spare: Spare, presenter: bool, keys_help: &mut KeysHelp) -> bool {
    match spare {
        Spare::Zoom => zoom_ui(ui, "A− Smaller text", "A+ Larger text"),
        Spare::Presenter => {
            return ui
                .selectable_label(presenter, PRESENTER)
                .on_hover_text("Only the steps and the explanation, in large text; click again to come back")
                .clicked();
        }
        Spare::Keys => keys_help.button_ui(ui, KEYS),
        Spare::Theme => theme_menu_ui(ui),
    }
    false
}

fn zoom_ui(ui: &mut Ui, smaller: &str, larger: &str) {
    if ui.button(smaller).on_hover_text("Smaller text (Ctrl −)").clicked() {
        egui::gui_zoom::zoom_out(ui.ctx());
    }
    if ui.button(larger).on_hover_text("Larger text (Ctrl +)").clicked() {
        egui::gui_zoom::zoom_in(ui.ctx());
    }
}

/// Light, dark, or as the system: a menu, where three buttons would take a whole corner of a narrow bar.
fn theme_menu_ui(ui: &mut Ui) {
    ui.menu_button(THEME, |ui| {
        let mut preference = ui.ctx().options(|o| o.theme_preference);
        for theme in Theme::ALL {
            if ui.radio_value(&mut preference, theme.preference(), theme.label()).clicked() {
                ui.ctx().set_theme(preference);
            }
        }
    });
}
