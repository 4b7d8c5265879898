//! The error card: what went wrong in plain words, what to try, and that what arrived is kept; and
//! the card for when the window itself could not start a part of its own.

use egui::{Color32, RichText, Ui};

use crate::fetch::{FetchError, InputError, Place};
use crate::session::StartError;
use crate::teach::tls_failure_story;

/// A part of socket-fetch the window could not start: not a fetch that failed, so it gets a card of
/// its own, with a title, what happened (with the system's own reason) and what to try.
fn start_failure_words(failure: &StartError) -> (&'static str, String, &'static str) {
    match failure {
        StartError::Worker(e) => (
            "socket-fetch could not start its fetching thread",
            format!("The thread that does the fetching in the background did not start: {e}."),
            "This computer may be short of memory or of threads: close some programs and press Fetch again.",
        ),
        StartError::DemoServer(e) => (
            "socket-fetch could not start its demo server",
            format!("The web server built into socket-fetch did not start: {e}."),
            "Press Use demo server again; if it keeps failing, run `socket-fetch serve-demo` in a terminal to see why.",
        ),
    }
}

pub fn error_card_ui(ui: &mut Ui, error: &FetchError, kept_bytes: u64) {
    let title = match error {
        FetchError::Cancelled => "Stopped",
        FetchError::Input(InputError::Limit(_)) => "Check the limits",
        FetchError::Input(InputError::PathHasControl { .. }) => "Check the path",
        FetchError::Input(_) => "Check the host and port",
        FetchError::NoNetwork { .. } => "No network",
        FetchError::NameNotFound { .. }
        | FetchError::NameServerSilent { .. }
        | FetchError::LookupFailed { .. }
        | FetchError::ResolveTimedOut { .. }
        | FetchError::Refused { .. }
        | FetchError::ConnectTimedOut { .. }
        | FetchError::Unreachable { .. }
        | FetchError::ReadTimedOut { .. }
        | FetchError::SendTimedOut { .. }
        | FetchError::Reset { .. }
        | FetchError::ClosedEmpty { .. }
        | FetchError::Truncated { .. }
        | FetchError::BadLength(_)
        | FetchError::BrokenChunks(_)
        | FetchError::ChunkedCutShort { .. }
        | FetchError::TooLarge { .. }
        | FetchError::CertWrongName
        | FetchError::CertExpired
        | FetchError::CertNotYetValid
        | FetchError::CertUntrusted
        | FetchError::CertRejected { .. }
        | FetchError::NotTls
        | FetchError::HandshakeCut { .. }
        | FetchError::TlsAlert { .. }
        | FetchError::HandshakeTimedOut { .. }
        | FetchError::HandshakeTooSlow { .. }
        | FetchError::FetchTimedOut { .. }
        | FetchError::SpeaksTls
        | FetchError::TlsOther { .. }
        | FetchError::Io { .. }
        | FetchError::HelperCrashed { .. } => "The fetch did not finish",
    };
    let quiet = matches!(error, FetchError::Cancelled);
    let kept = (kept_bytes > 0)
        .then(|| format!("What arrived before this, {}, is kept below.", crate::format::bytes(kept_bytes)));
    // A certificate fault is also told as an ID card's story, for whoever has never seen one.
    let message = match tls_failure_story(error) {
        Some(story) if is_certificate_fault(error) => format!("{error} {story}"),
        _ => error.to_string(),
    };
    card_ui(ui, title, quiet, &message, error.hint(Place::Window).as_str(), kept);
}

fn is_certificate_fault(error: &FetchError) -> bool {
    matches!(
        error,
        FetchError::CertWrongName
            | FetchError::CertExpired
            | FetchError::CertNotYetValid
            | FetchError::CertUntrusted
            | FetchError::CertRejected { .. }
    )
}

pub fn start_failure_card_ui(ui: &mut Ui, failure: &StartError) {
    let (title, message, hint) = start_failure_words(failure);
    card_ui(ui, title, false, &message, hint, None);
}

/// The card's frame, title, message, hint and a last line; `quiet` for what the person did themselves
/// (a cancel).
fn card_ui(ui: &mut Ui, title: &str, quiet: bool, message: &str, hint: &str, last: Option<String>) {
    let fill = if quiet { ui.visuals().faint_bg_color } else { ui.visuals().error_fg_color.gamma_multiply(0.15) };
    egui::Frame::group(ui.style()).fill(fill).stroke((1.0, ui.visuals().error_fg_color)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(format!("✖ {title}")).strong().size(18.0).color(ui.visuals().error_fg_color));
        ui.label(RichText::new(message).size(16.0));
        ui.label(RichText::new(format!("What to try: {hint}")).size(15.0).color(Color32::from_rgb(0x2e, 0x86, 0xde)));
        if let Some(last) = last {
            ui.label(last);
        }
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT as _, Queryable as _};

    use super::*;
    use crate::fetch::CertProblem;

    /// The card's texts (a label's text is its node's value), drawn headless.
    fn card_labels(draw: impl FnMut(&mut Ui)) -> Vec<String> {
        let harness = Harness::new_ui(draw);
        harness.query_all_by(|node| node.value().is_some()).filter_map(|node| node.accesskit_node().value()).collect()
    }

    #[test]
    fn a_part_that_did_not_start_is_not_called_a_fetch() {
        for failure in [
            StartError::Worker(std::io::Error::other("no threads left")),
            StartError::DemoServer(std::io::Error::other("no ports left")),
        ] {
            let labels = card_labels(|ui| start_failure_card_ui(ui, &failure));
            assert!(labels.iter().any(|l| l.starts_with("✖ socket-fetch could not start its ")), "{labels:?}");
            assert!(labels.iter().any(|l| l.contains("no threads left") || l.contains("no ports left")), "{labels:?}");
            assert!(labels.iter().any(|l| l.starts_with("What to try: ")), "{labels:?}");
            assert!(!labels.iter().any(|l| l.contains("The fetch did not finish")), "{labels:?}");
        }
        let labels = card_labels(|ui| error_card_ui(ui, &FetchError::ClosedEmpty { plain: true }, 0));
        assert!(labels.iter().any(|l| l == "✖ The fetch did not finish"), "{labels:?}");
    }

    #[test]
    fn each_certificate_fault_tells_an_id_card_story_and_names_the_windows_option() {
        for (error, story) in [
            (FetchError::CertWrongName, "made out to somebody else"),
            (FetchError::CertExpired, "expiry date has passed"),
            (FetchError::CertNotYetValid, "not valid yet"),
            (FetchError::CertUntrusted, "printed at home"),
            (FetchError::CertRejected { problem: CertProblem::BadSignature }, "something wrong on it"),
        ] {
            let labels = card_labels(|ui| error_card_ui(ui, &error, 0));
            assert!(labels.iter().any(|l| l.starts_with(&error.to_string()) && l.contains(story)), "{labels:?}");
            let hint = labels.iter().find(|l| l.starts_with("What to try: ")).expect("a hint");
            assert!(hint.contains("\"Skip certificate check (unsafe)\" under ⚙ Limits"), "{hint}");
        }
    }

    #[test]
    fn no_network_has_a_card_of_its_own_that_points_at_the_demo_button() {
        let error = FetchError::NoNetwork { host: "school.invalid".to_owned() };
        let labels = card_labels(|ui| error_card_ui(ui, &error, 0));
        assert!(labels.iter().any(|l| l == "✖ No network"), "{labels:?}");
        assert!(labels.iter().any(|l| l.starts_with("This computer is not on a network")), "{labels:?}");
        let hint = labels.iter().find(|l| l.starts_with("What to try: ")).expect("a hint");
        assert!(hint.contains(crate::fetch::window_label::USE_DEMO) && !hint.contains("spelling"), "{hint}");
    }
}
