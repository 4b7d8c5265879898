//! Under a reply that redirects: the button that follows it, or a sentence saying why it cannot be
//! followed.

use egui::{RichText, Ui};

use crate::fetch::Redirect;
use crate::teach::hops;

/// Draws what a redirect offers; true when its follow button was clicked.
pub fn redirect_ui(ui: &mut Ui, redirect: &Redirect) -> bool {
    let mut follow = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if let Redirect::Follow { url, leaves_tls, .. } = redirect {
            ui.label(RichText::new(hops::REDIRECT_MEANING).size(15.0));
            follow = ui
                .button(RichText::new(hops::follow_label(url, *leaves_tls)).size(16.0))
                .on_hover_text("Fetch that address: the next hop of this story")
                .clicked();
        } else if let Some(why) = hops::not_followed(redirect) {
            ui.label(RichText::new(why).size(15.0));
        }
    });
    follow
}
