//! How the window is arranged: whether the explanation shows, the central tab chosen, and the
//! whole window or the presenter's view.

use egui::{RichText, Ui};

use crate::session::FetchView;
use crate::ui::frame::layout::Columns;
use crate::ui::frame::start_options::Tab;
use crate::ui::panels::explain_panel::explain_ui;

/// How much larger the presenter view's explanation is than the window's text.
const PRESENTER_TEXT: f32 = 1.4;

/// The whole window, or only what a presenter shows: the steps and the explanation in large text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Full,
    Presenter,
}

pub struct Arrangement {
    /// Show the panel that explains each step (on by default: the first person to see the app is
    /// often a learner).
    pub teaching: bool,
    pub tab: Tab,
    pub stage: Stage,
    /// The columns of the last frame: when the explanation becomes a tab, it is the tab shown.
    last_columns: Option<Columns>,
}

impl Arrangement {
    pub fn new(teaching: bool, tab: Tab, presenter: bool) -> Self {
        let stage = if presenter { Stage::Presenter } else { Stage::Full };
        Self { teaching, tab, stage, last_columns: None }
    }

    pub fn toggle_presenter(&mut self) {
        self.stage = match self.stage {
            Stage::Full => Stage::Presenter,
            Stage::Presenter => Stage::Full,
        };
    }

    /// The central tabs' row for `columns`: the explanation is a tab only when it has no column.
    pub fn tabs_ui(&mut self, ui: &mut Ui, columns: Columns) {
        let explain_tab = columns.explain_is_a_tab() && self.teaching;
        if self.tab == Tab::Explain && !explain_tab {
            self.tab = Tab::Reply; // the explanation has its own panel again
        }
        let was_a_tab = self.last_columns.is_some_and(Columns::explain_is_a_tab);
        if explain_tab && !was_a_tab && self.tab == Tab::Reply {
            // The explanation was in view beside the reply: it stays in view, as the tab shown.
            self.tab = Tab::Explain;
        }
        self.last_columns = Some(columns);
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Explain || explain_tab) {
                ui.selectable_value(&mut self.tab, tab, RichText::new(tab.label()).size(16.0));
            }
        });
        ui.separator();
    }
}

/// The explanation alone, larger, in the room the reply had.
pub fn presenter_explain_ui(ui: &mut Ui, view: Option<&FetchView>) {
    for font in ui.style_mut().text_styles.values_mut() {
        font.size *= PRESENTER_TEXT;
    }
    egui::ScrollArea::vertical().id_salt("presenter explain").show(ui, |ui| explain_ui(ui, view));
}
