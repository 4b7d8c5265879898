//! What a fetch asks for: the form, the request editor, and the plan they make together.

pub mod form;
pub mod request_editor;
pub mod request_panel;
