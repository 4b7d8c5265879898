//! The panels beside and under the reply: steps, log, explanation, error card, certificate, code, timing, wire, history, redirect bar, notices.

pub mod certificate_card;
pub mod code_panel;
pub mod error_card;
pub mod explain_panel;
pub mod history_panel;
pub mod log_panel;
pub mod notice;
pub mod pictures;
pub mod redirect_bar;
pub mod steps_column;
pub mod steps_panel;
pub mod waterfall;
pub mod wire_view;
