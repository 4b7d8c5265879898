//! Teaching mode's content, with no GUI code, so the window, the terminal and the tests share it.
//!
//! - [`step_text`]: for each step, its title (the one name every panel uses for it), two or three
//!   plain sentences shown beside it while it runs, and one sentence said before it runs
//!   (step-through mode, the terminal's `--step`); [`step_heading`]: "Step 1 of 5: Set up the socket".
//! - [`GLOSSARY`] and [`define`]: a one-line meaning for every technical word the texts use.
//! - [`REPLY_PARTS`]: the four parts every reply has.
//! - [`status_meaning`], [`reply_header_meaning`], [`describe_body`]: this reply's status line,
//!   headers and body, told from its bytes; [`request_lines`]: the request, from the bytes sent.
//! - [`failure_story`]: a failure, as a phone call.
//! - [`hops`]: the words for redirects, followed hop by hop.
//! - [`RAW_MODE`] and [`raw_end`]: raw mode, for a service that is not a web server.
//! - [`Layer`] and [`layer_at_work`]: the four layers of TCP/IP, and which one a step works at.
//! - [`decoding`]: what chunks and compression are, and what the decoded body view undid.
//! - [`wire`]: the pieces on the wire, and what someone on the way learns from them.
//! - [`Program`] and [`marked_lines`]: the tutorial's program in Python and in Rust, plain or over
//!   HTTPS, for the code panel, and which of their lines do each step.
//!
//! The texts are written for someone who has never programmed: short sentences, and no technical
//! word without a meaning in the glossary.

mod body;
mod code;
pub mod decoding;
mod headers;
pub mod hops;
mod layers;
mod raw;
mod request;
mod status;
mod text_types;
mod texts;
mod tls;
pub mod wire;

pub use body::{BodyKind, BodyStory, FIRST_BYTES, describe_body, describe_media_type, one_line_bytes, sniff};
pub use code::{Language, Program, marked_lines, marker_name, steps_marked};
pub use headers::{UNKNOWN_REPLY_HEADER, UNKNOWN_REQUEST_HEADER, reply_header_meaning, request_header_meaning};
pub use layers::{Layer, layer_at_work, layer_note};
pub use raw::{RAW_MODE, raw_end};
pub use request::{Line, path_meaning, request_line_meaning, request_lines};
pub use status::{interim_note, status_meaning};
pub use text_types::{StepText, Term};
pub use texts::{
    GLOSSARY, Part, REPLY_PARTS, define, failure_story, is_typed_address, lookup_result, reply_end, step_heading,
    step_text,
};
pub use tls::{
    CARD_NOT_VERIFIED, CARD_VERIFIED, HANDSHAKE_STEP, IdCard, SKIP_CHECK, UNPROVEN_END, id_card, secured_line,
    tls_failure_story, validity_words, window_secured_line,
};
