//! socket-fetch: watch a web browser's fetch happen over a raw TCP socket, step by step.
//!
//! [`fetch`] is the engine (no GUI): a worker thread that fetches and streams events.
//! [`demo_server`] is a small web server for offline demonstrations and tests.
//! [`teach`] holds teaching mode's plain-word texts and the tutorial's programs (no GUI).
//! [`format`] writes numbers as people read them; [`server_text`] makes a server's text fit one line.
//! [`copy_rule`] says what the clipboard gets for a reply's bytes; [`clipboard`] copies off the
//! window's thread (on X11 through a selection owner of its own). [`curl_command`] writes a request
//! as the curl command line that sends the same bytes.
//! [`escape`] is the one way a byte or character that does not show as itself is written for a person.
//! [`history`] keeps the last fetches and their replies on disk.
//! [`cli`] prints the engine's events in a terminal; [`ui`] draws them in a window, from the fetches
//! its [`session`] starts and folds (no GUI there). [`shared_bytes`] hands a finished reply to other
//! threads without copying it.

// A new variant of an enum (an error, a step) must be handled where it is matched, not swallowed.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod cli;
pub mod clipboard;
pub mod copy_rule;
pub mod curl_command;
pub mod demo_server;
pub mod escape;
pub mod fetch;
pub mod format;
pub mod history;
pub mod server_text;
pub mod session;
pub mod shared_bytes;
pub mod teach;
pub mod ui;
