//! The form and the request editor together: what they say becomes one [`FetchPlan`], here and
//! nowhere else. The form owns its fields; nothing else writes them.

use egui::Ui;

use crate::fetch::FetchError;
use crate::format;
use crate::session::FetchPlan;
use crate::ui::panels::notice::{Notice, Place};
use crate::ui::request::form::FormFields;
use crate::ui::request::request_editor::RequestEditor;

pub struct RequestPanel {
    pub form: FormFields,
    /// What a fetch sends, when its section under the form is open.
    editor: RequestEditor,
}

/// Why no plan was made.
pub enum Refused {
    /// A host, port or limit that cannot be used: said instead of starting a fetch.
    Input(FetchError),
    /// The request editor says which field, next to it.
    Editor,
}

impl RequestPanel {
    pub fn new(form: FormFields) -> Self {
        Self { form, editor: RequestEditor::default() }
    }

    /// The fetch the form and the editor ask for.
    pub fn plan(&mut self) -> Result<FetchPlan, Refused> {
        let target = self.form.target().map_err(|e| Refused::Input(e.into()))?;
        self.form.fetching(&target);
        let payload = self.editor.payload(&target).map_err(|_| Refused::Editor)?;
        let limits = self.form.limits.for_job().map_err(|e| Refused::Input(FetchError::Input(e.into())))?;
        Ok(FetchPlan { target, payload, limits, step_through: self.form.step_through })
    }

    /// The request editor under the form, following the form's address; its curl command goes on
    /// the clipboard, and `notice` says so.
    pub fn editor_ui(&mut self, ui: &mut Ui, notice: &mut Option<Notice>) {
        let target = self.form.target().ok();
        if let Some(target) = &target {
            self.editor.follow(target);
        }
        if let Some(command) = self.editor.ui(ui, target.as_ref(), notice.as_ref()) {
            let text = format!(
                "Copied the curl command ({} characters) to the clipboard: it sends the bytes shown.",
                format::count(command.chars().count() as u64)
            );
            ui.ctx().copy_text(command);
            *notice = Some(Notice::new(Place::Editor, text, true));
        }
        ui.add_space(4.0);
    }
}
