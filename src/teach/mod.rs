//! Teaching mode's content, with no GUI code, so the window, the terminal and the tests share it.
//!
//! - [`step_text`]: for each step, a title, two or three plain sentences shown beside it while it
//!   runs, and one sentence said before it runs (step-through mode, the terminal's `--step`).
//! - [`GLOSSARY`] and [`define`]: a one-line meaning for every technical word the texts use.
//! - [`REQUEST_PARTS`] and [`REPLY_PARTS`]: what each part of the request and of the reply means.
//! - [`status_meaning`]: a reply's status code in plain words; [`failure_story`]: a failure, as a phone call.
//! - [`hops`]: the words for redirects, followed hop by hop.
//! - [`Layer`] and [`layer_at_work`]: the four layers of TCP/IP, and which one a step works at.
//! - [`decoding`]: what chunks and compression are, and what the decoded body view undid.
//! - [`Language`] and [`marked_lines`]: the tutorial's program in Python and in Rust, for the code
//!   panel, and which of their lines do each step.
//!
//! The texts are written for someone who has never programmed: short sentences, and no technical
//! word without a meaning in the glossary.

mod code;
pub mod decoding;
pub mod hops;
mod layers;
mod texts;

pub use code::{Language, marked_lines, marker_name, steps_marked};
pub use layers::{Layer, layer_at_work, layer_note};
pub use texts::{
    GLOSSARY, Part, REPLY_PARTS, REQUEST_PARTS, StepText, Term, define, failure_story, status_meaning, step_text,
};
