//! The Reply tab: the reply as text or hex, raw or decoded, with its selection, copy and save.

pub mod body_view;
pub mod copying;
pub mod hex_view;
pub mod reply_panel;
pub mod reply_view;
pub mod save_dialog;
