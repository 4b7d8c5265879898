//! The words for redirects: the button that follows one, the line that starts each hop, and why a
//! redirect cannot be followed, shared by the window and the terminal.

use url::Url;

use crate::fetch::{MAX_REDIRECTS, Redirect};
use crate::server_text::one_line;

/// A URL as one safe line: the `url` crate writes it in ASCII, and it is cut when very long.
pub fn url_line(url: &Url) -> String {
    one_line(url.as_str())
}

/// The follow button's label; `leaves_tls`: from https to plain http, which the label says.
pub fn follow_label(to: &Url, leaves_tls: bool) -> String {
    let leaves = if leaves_tls { " (leaves the encrypted connection)" } else { "" };
    format!("Follow to {}{leaves}", url_line(to))
}

/// Said when a redirect goes from an https page to a plain http one.
pub fn leaves_tls_text(to: &Url) -> String {
    format!(
        "This redirect leaves the encrypted connection: {} is plain http, so the request and its reply \
         travel unencrypted, and anyone on the way can read and change them.",
        url_line(to)
    )
}

/// Said beside the button: what a redirect is.
pub const REDIRECT_MEANING: &str = "The server says the page is somewhere else, and its Location header says where. \
     A browser would go there by itself; here you choose.";

/// What a hop does, after its number ("Hop 2: " in the window, "# hop 2: " in the terminal).
pub fn hop_text(from: &Url, to: &Url) -> String {
    format!("following the redirect from {} to {}", url_line(from), url_line(to))
}

/// Why a redirect is not followed; `None` when it can be.
pub fn not_followed(redirect: &Redirect) -> Option<String> {
    match redirect {
        Redirect::Follow { .. } => None,
        Redirect::Unusable { location, problem } => {
            Some(format!("The server sends you on to \"{}\", which cannot be followed: {problem}.", one_line(location)))
        }
    }
}

/// The terminal's hint when a redirect ends a fetch made without `-L`.
pub fn follow_hint(to: &Url) -> String {
    format!("The server sends you on to {}: add -L (--location) to follow it, as curl does.", url_line(to))
}

/// A redirect back to an address already fetched in this chain.
pub fn loop_message(to: &Url, hop: usize) -> String {
    format!(
        "Stopped: the server sends you back to {}, which hop {hop} already fetched. This is a loop: \
         following it would never end.",
        url_line(to)
    )
}

/// One redirect more than [`MAX_REDIRECTS`].
pub fn too_many_message(to: &Url) -> String {
    format!(
        "Stopped: more than {MAX_REDIRECTS} redirects. The server sent you on {MAX_REDIRECTS} times, and now on \
         to {}; a chain this long is almost always a mistake on the server.",
        url_line(to)
    )
}

/// What to try after a loop or too long a chain.
pub const CHAIN_HINT: &str = "Fetch the last address without -L to see what its server says, and check its redirects.";
