//! What to try after a failure, in the words of the place it is shown: the terminal names its
//! options (`-k`, `--cacert`, `--read-timeout`), the window its controls, as their labels read.

use std::fmt;

/// Where a hint is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Window,
    Terminal,
}

/// The window's controls that hints name, written as the window labels them: the window draws its
/// controls with these same constants, so a hint cannot name a control that is not there.
pub mod window_label {
    /// The checkbox that makes the fetch HTTPS.
    pub const SECURE: &str = "🔒 Secure (HTTPS)";
    /// The menu that holds the limits and the certificate check.
    pub const LIMITS: &str = "⚙ Limits";
    /// The option, under Limits, that skips the certificate check.
    pub const SKIP_CHECK: &str = "Skip certificate check (unsafe)";
    /// The limit, under Limits, on the name lookup, the connect and the TLS handshake.
    pub const CONNECT_WAIT: &str = "Wait for the server to answer the call";
    /// The limit, under Limits, on a silent server.
    pub const READ_WAIT: &str = "Give up when the server is silent for";
    /// The limit, under Limits, on the whole fetch.
    pub const WHOLE_WAIT: &str = "Give up on the whole fetch after";
    /// The limit, under Limits, on the reply's size.
    pub const KEEP: &str = "Keep at most";
    /// The button that starts the built-in demo server and fetches from it.
    pub const USE_DEMO: &str = "Use demo server";
}

/// What to try next, in one or two sentences, for the place it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint(String);

impl Hint {
    pub(super) fn new(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
