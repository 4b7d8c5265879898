//! The window's frame: the app, the top bar, the layout, the keys, the window's fit and the start options.

pub mod app;
pub mod arrangement;
pub mod autopilot;
pub mod keys;
pub mod layout;
pub mod start_options;
pub mod start_up;
pub mod top_bar;
pub mod waker;
pub mod window_fit;
