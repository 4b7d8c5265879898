//! How the window starts: the options the command line gives it.

use std::path::PathBuf;

use crate::fetch::Step;

use crate::ui::reply::body_view::Body;
use crate::ui::request::form::Limits;

/// How the window starts (from the command line).
#[derive(Debug, Default, Clone)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches, not a state machine
pub struct StartOptions {
    pub host: Option<String>,
    pub port: Option<String>,
    /// Start the demo server and fill the form with its address.
    pub demo: bool,
    /// Tick "Secure (HTTPS)": with `demo`, the form gets the demo server's https address.
    pub https: bool,
    /// Fetch as soon as the window opens.
    pub fetch_now: bool,
    /// Save a screenshot here once the fetch has ended (or is paused before `pause_at`), then close.
    pub screenshot: Option<PathBuf>,
    /// Tick "Pause before each step"; with a screenshot, Next is pressed for you up to `pause_at`.
    pub step_through: bool,
    /// With a screenshot: take it while paused before this step.
    pub pause_at: Option<Step>,
    /// The central tab to show: reply (default), timing, code, wire or history.
    pub tab: Option<Tab>,
    /// The body to show once the first reply has a decoded one (a screenshot of the decoded body).
    pub body: Option<Body>,
    /// Show the reply in hex rather than as text.
    pub hex: bool,
    /// Timeouts and size limit, instead of the defaults.
    pub limits: Option<Limits>,
    /// Light or dark, instead of following the system (or the choice remembered from last time).
    pub theme: Option<Theme>,
    /// Start in the presenter view: the steps and the explanation only, in large text.
    pub presenter: bool,
    /// The zoom to start at (1.0 is 100 %), instead of the one remembered from last time; a screenshot
    /// run starts at 100 % unless this is given, so its pictures are the same from run to run.
    pub zoom: Option<f32>,
    /// The window runs on X11: copies go to socket-fetch's own selection owner, which has no size
    /// limit, instead of eframe's clipboard.
    pub x11_clipboard: bool,
    /// Where the history of fetches is kept; `None`: this run keeps none.
    pub history_dir: Option<PathBuf>,
}

/// A theme chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Theme {
    Light,
    Dark,
    System,
}

impl Theme {
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Dark => "Dark",
            Self::System => "As the system",
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
            Self::System => egui::ThemePreference::System,
        }
    }
}

/// The central panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tab {
    Reply,
    Timing,
    Code,
    /// Every byte that crossed the connection, as anyone on the way sees it.
    Wire,
    /// The fetches made before, newest first.
    History,
    /// The explanation, when the window is too narrow for it to have its own panel.
    #[value(skip)]
    Explain,
}

impl Tab {
    pub const ALL: [Self; 6] = [Self::Reply, Self::Timing, Self::Code, Self::Wire, Self::History, Self::Explain];

    pub fn label(self) -> &'static str {
        match self {
            Self::Reply => "Reply",
            Self::Timing => "Timing",
            Self::Code => "Code",
            Self::Wire => "On the wire",
            Self::History => "History",
            Self::Explain => "Explain",
        }
    }
}

/// The zoom factors the window takes: 50 % to 400 %.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.5..=4.0;

/// A `--zoom` that cannot be used; each says the range to use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoomError {
    #[error("\"{}\" is not a number: {}", crate::server_text::one_line(.0), zoom_range())]
    NotANumber(String),
    #[error("{} is out of range: {}", .0, zoom_range())]
    OutOfRange(f32),
}

fn zoom_range() -> String {
    format!("a zoom factor is from {} (50 %) to {} (400 %)", ZOOM_RANGE.start(), ZOOM_RANGE.end())
}

/// Reads `--zoom FACTOR` (2 or 2.0 for 200 %).
///
/// # Errors
/// A factor that is not a number, or outside [`ZOOM_RANGE`].
pub fn parse_zoom(text: &str) -> Result<f32, ZoomError> {
    let factor: f32 = text.trim().parse().map_err(|_| ZoomError::NotANumber(text.to_owned()))?;
    if ZOOM_RANGE.contains(&factor) { Ok(factor) } else { Err(ZoomError::OutOfRange(factor)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_factors_in_range_are_taken() {
        assert_eq!(parse_zoom("2"), Ok(2.0));
        assert_eq!(parse_zoom(" 1.5 "), Ok(1.5));
        assert_eq!(parse_zoom("0.5"), Ok(0.5));
        assert_eq!(parse_zoom("4"), Ok(4.0));
    }

    #[test]
    fn zoom_factors_out_of_range_or_not_numbers_are_refused_with_the_range() {
        for text in ["0.49", "4.01", "0", "-2", "NaN", "inf", "200%", ""] {
            let error = parse_zoom(text).expect_err(text).to_string();
            assert!(error.contains("from 0.5 (50 %) to 4 (400 %)"), "{text}: {error}");
        }
    }
}
