//! The few colours that carry a meaning across panels, kept together so they stay consistent.

use egui::Color32;

/// Done, arrived, all well: finished steps, the reply, confirmations.
pub const GOOD: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);
/// What is happening now or next: the lit layer, the highlighted code, "about to happen".
pub const NOW: Color32 = Color32::from_rgb(0xe9, 0x8f, 0x2e);
/// What this computer sends: the request.
pub const REQUEST: Color32 = Color32::from_rgb(0x3a, 0x86, 0xdf);
