//! The window: an [`eframe::App`] that owns one [`crate::session::Session`] and the panels that draw
//! it. It never waits on the network; the session wakes it after each batch of events (`frame/waker.rs`).

mod frame;
mod palette;
mod panels;
mod reply;
mod request;

pub use crate::session::{DecodedBody, FetchView, ReplyText, StepState};
pub use frame::app::SocketFetchApp;
pub use frame::start_options::{StartOptions, Tab, Theme, ZOOM_RANGE, parse_zoom};
pub use panels::history_panel::HistoryPanel;
pub use reply::body_view::Body;
pub use request::form::Limits;

/// The window's icon: the same picture the package installs for the menu entry.
const WINDOW_ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/socket-fetch.png");

/// Opens the window and runs until it is closed.
pub fn run_window(options: StartOptions) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("socket-fetch")
        // The desktop matches the window to its menu entry and icon by this name: assets/socket-fetch.desktop.
        .with_app_id("socket-fetch")
        .with_inner_size([1200.0, 780.0])
        .with_min_inner_size([640.0, 420.0]);
    match eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        // A window without its icon is still useful; say so rather than refuse to open.
        Err(e) => eprintln!("socket-fetch: the window icon could not be read: {e}"),
    }
    // A screenshot run takes the window's default size, not the size remembered from a normal run.
    let persist_window = options.screenshot.is_none();
    // The history in the data folder, unless another is given; a screenshot run keeps none.
    let history_dir = options.history_dir.or_else(|| persist_window.then(crate::history::default_dir).flatten());
    let options = StartOptions { history_dir, ..options };
    let native_options = eframe::NativeOptions { viewport, persist_window, ..Default::default() };
    eframe::run_native(
        "socket-fetch",
        native_options,
        Box::new(move |cc| {
            use raw_window_handle::{HasDisplayHandle as _, RawDisplayHandle};
            let display = cc.display_handle().map(|handle| handle.as_raw());
            let x11_clipboard = matches!(display, Ok(RawDisplayHandle::Xlib(_) | RawDisplayHandle::Xcb(_)));
            Ok(Box::new(SocketFetchApp::new(cc.storage, StartOptions { x11_clipboard, ..options })))
        }),
    )
}
