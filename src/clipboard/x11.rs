//! Owning X11's CLIPBOARD selection ourselves, so a copy of any size lands whole.
//!
//! eframe's clipboard (arboard) hands the X server the whole text in one request, which the
//! server refuses past 16 MiB while the app believes it copied. Here a thread of our own answers
//! every paste: small texts in one property, larger ones with ICCCM's INCR protocol (section
//! 2.7.2), chunk by chunk as the pasting program takes each one. The chunks are made from the
//! shared raw bytes when asked for, so an escaped copy is never held whole in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, CreateWindowAux, EventMask, PropMode, Property,
    SELECTION_NOTIFY_EVENT, SelectionNotifyEvent, SelectionRequestEvent, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use x11rb::{CURRENT_TIME, NONE};

use super::Offer;

x11rb::atom_manager! {
    Atoms: AtomsCookie {
        CLIPBOARD,
        TARGETS,
        TEXT,
        UTF8_STRING,
        INCR,
        MIME_UTF8: b"text/plain;charset=utf-8",
    }
}

/// The most text one property carries; larger texts go in chunks of this size with INCR.
const CHUNK: usize = 1 << 20;
/// A paste that has taken no chunk for this long has been abandoned (the program died): its
/// share of the reply is let go.
const STALLED: Duration = Duration::from_mins(1);

/// Why the clipboard could not be had, in words for the notice that follows "Not copied:".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum X11Error {
    /// No display to connect to; the system's words for why.
    #[error("no X11 display to copy to ({0})")]
    NoDisplay(String),
    /// The display refused the hidden window that owns the selection.
    #[error("the X11 display refused the clipboard window ({0})")]
    Refused(String),
    #[error("the clipboard thread could not start ({0})")]
    NoThread(String),
    /// The display stopped answering.
    #[error("the X11 display did not answer ({0})")]
    NoAnswer(String),
    #[error("another program kept the clipboard")]
    Kept,
}

/// Our hold on CLIPBOARD. Its thread, `clipboard-x11`, answers pastes for as long as the program runs.
pub struct X11Owner {
    conn: Arc<RustConnection>,
    window: Window,
    atoms: Atoms,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// What the clipboard holds, until another program takes the clipboard.
    offer: Option<Offer>,
    /// Pastes under way with INCR, by the pasting window and its property.
    transfers: HashMap<(Window, Atom), Transfer>,
}

impl X11Owner {
    /// Connects to the display in `DISPLAY` and starts the thread that answers pastes.
    pub fn start() -> Result<Self, X11Error> {
        let (conn, screen) = x11rb::connect(None).map_err(|e| X11Error::NoDisplay(e.to_string()))?;
        let conn = Arc::new(conn);
        let fail = |e: &dyn std::fmt::Display| X11Error::Refused(e.to_string());
        let root = conn.setup().roots.get(screen).ok_or_else(|| fail(&"no such screen"))?.root;
        let window = conn.generate_id().map_err(|e| fail(&e))?;
        // A window nobody sees: selections are owned by a window.
        conn.create_window(0, window, root, 0, 0, 1, 1, 0, WindowClass::INPUT_ONLY, 0, &CreateWindowAux::new())
            .map_err(|e| fail(&e))?;
        let atoms = Atoms::new(conn.as_ref()).map_err(|e| fail(&e))?.reply().map_err(|e| fail(&e))?;
        conn.flush().map_err(|e| fail(&e))?;
        let state = Arc::new(Mutex::new(State::default()));
        let server = Server { conn: Arc::clone(&conn), window, atoms, state: Arc::clone(&state) };
        std::thread::Builder::new()
            .name("clipboard-x11".into())
            .spawn(move || server.run())
            .map_err(|e| X11Error::NoThread(e.to_string()))?;
        Ok(Self { conn, window, atoms, state })
    }

    /// Puts `offer` on the clipboard: from now on every paste gets it.
    pub fn offer(&self, offer: Offer) -> Result<(), X11Error> {
        lock(&self.state).offer = Some(offer);
        let lost = |e: &dyn std::fmt::Display| X11Error::NoAnswer(e.to_string());
        self.conn.set_selection_owner(self.window, self.atoms.CLIPBOARD, CURRENT_TIME).map_err(|e| lost(&e))?;
        let owner = self
            .conn
            .get_selection_owner(self.atoms.CLIPBOARD)
            .map_err(|e| lost(&e))?
            .reply()
            .map_err(|e| lost(&e))?
            .owner;
        if owner == self.window {
            Ok(())
        } else {
            lock(&self.state).offer = None;
            Err(X11Error::Kept)
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // The state stays consistent between statements: a panic elsewhere leaves nothing half-done.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The thread's side: answers the X server's events.
struct Server {
    conn: Arc<RustConnection>,
    window: Window,
    atoms: Atoms,
    state: Arc<Mutex<State>>,
}

impl Server {
    fn run(self) {
        // Ends when the display goes away; copies then fail with a message when they are made.
        while let Ok(event) = self.conn.wait_for_event() {
            #[expect(clippy::wildcard_enum_match_arm, reason = "the owner answers three of X11's many events")]
            let sent = match event {
                Event::SelectionRequest(request) => self.answer(&request),
                Event::PropertyNotify(e) if e.state == Property::DELETE => self.next_chunk(e.window, e.atom),
                Event::SelectionClear(e) if e.selection == self.atoms.CLIPBOARD && e.owner == self.window => {
                    // Pastes already under way still finish: each keeps its own share of the bytes.
                    lock(&self.state).offer = None;
                    Ok(())
                }
                _ => Ok(()),
            };
            if sent.and_then(|()| self.conn.flush()).is_err() {
                return;
            }
        }
    }

    fn answer(&self, request: &SelectionRequestEvent) -> Result<(), x11rb::errors::ConnectionError> {
        // Programs older than ICCCM 2.0 ask with no property: the target names it then.
        let property = if request.property == NONE { request.target } else { request.property };
        let atoms = &self.atoms;
        let text_target = [atoms.UTF8_STRING, atoms.TEXT, atoms.MIME_UTF8].contains(&request.target);
        let mut state = lock(&self.state);
        state.transfers.retain(|_, t| t.last.elapsed() < STALLED);
        let answered = match &state.offer {
            Some(_) if request.selection != atoms.CLIPBOARD => false,
            Some(_) if request.target == atoms.TARGETS => {
                let targets = [atoms.TARGETS, atoms.UTF8_STRING, atoms.TEXT, atoms.MIME_UTF8];
                self.conn.change_property32(
                    PropMode::REPLACE,
                    request.requestor,
                    property,
                    AtomEnum::ATOM,
                    &targets,
                )?;
                true
            }
            Some(offer) if text_target => {
                let mut transfer = Transfer::new(offer.clone());
                let type_ = if request.target == atoms.MIME_UTF8 { atoms.MIME_UTF8 } else { atoms.UTF8_STRING };
                if transfer.text_len <= CHUNK as u64 {
                    let text = transfer.take_all();
                    self.conn.change_property8(PropMode::REPLACE, request.requestor, property, type_, &text)?;
                } else {
                    // Told of each deletion of the property, which is the pasting program's "next".
                    let events = ChangeWindowAttributesAux::new().event_mask(EventMask::PROPERTY_CHANGE);
                    self.conn.change_window_attributes(request.requestor, &events)?;
                    // INCR's value is a lower bound of the size; a 32-bit number is enough for that.
                    let lower_bound = u32::try_from(transfer.text_len).unwrap_or(u32::MAX);
                    self.conn.change_property32(
                        PropMode::REPLACE,
                        request.requestor,
                        property,
                        atoms.INCR,
                        &[lower_bound],
                    )?;
                    transfer.type_ = type_;
                    state.transfers.insert((request.requestor, property), transfer);
                }
                true
            }
            _ => false,
        };
        drop(state);
        let notify = SelectionNotifyEvent {
            response_type: SELECTION_NOTIFY_EVENT,
            sequence: 0,
            time: request.time,
            requestor: request.requestor,
            selection: request.selection,
            target: request.target,
            property: if answered { property } else { NONE },
        };
        self.conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)?;
        Ok(())
    }

    /// The pasting program took the last chunk (deleted the property): append the next one, or
    /// an empty one to say that was all.
    fn next_chunk(&self, window: Window, property: Atom) -> Result<(), x11rb::errors::ConnectionError> {
        let mut state = lock(&self.state);
        let Some(transfer) = state.transfers.get_mut(&(window, property)) else { return Ok(()) };
        let chunk = transfer.take(CHUNK);
        let type_ = transfer.type_;
        if chunk.is_empty() {
            state.transfers.remove(&(window, property));
        }
        drop(state);
        self.conn.change_property8(PropMode::REPLACE, window, property, type_, &chunk)?;
        Ok(())
    }
}

/// One paste's progress through the text.
struct Transfer {
    offer: Offer,
    text_len: u64,
    /// How far into the raw bytes the text has been made.
    at: usize,
    escaper: Option<crate::copy_rule::Escaper>,
    type_: Atom,
    last: Instant,
}

impl Transfer {
    fn new(offer: Offer) -> Self {
        let escaper = (offer.form == crate::copy_rule::Form::Escaped).then(crate::copy_rule::Escaper::default);
        Self { text_len: offer.text_len, offer, at: 0, escaper, type_: NONE, last: Instant::now() }
    }

    /// The next piece of the text, about `max` bytes (never more); empty when all has been given.
    fn take(&mut self, max: usize) -> Vec<u8> {
        self.last = Instant::now();
        let bytes = &self.offer.bytes;
        let Some(escaper) = &mut self.escaper else {
            let end = bytes.len().min(self.at + max);
            let chunk = bytes[self.at..end].to_vec();
            self.at = end;
            return chunk;
        };
        let mut out = Vec::with_capacity(max);
        // Escaping makes at most 4 bytes of 1 (and 3 held bytes flush as 12): feed sixteenths of
        // `max`, stopping before one more could go past it.
        while self.at < bytes.len() && out.len() + 12 + 4 * (max / 16) <= max {
            let end = bytes.len().min(self.at + max / 16);
            escaper.push(&bytes[self.at..end], &mut out);
            self.at = end;
        }
        if self.at == bytes.len()
            && let Some(escaper) = self.escaper.take()
        {
            escaper.finish(&mut out);
        }
        out
    }

    /// The whole text, for a small one.
    fn take_all(&mut self) -> Vec<u8> {
        let mut text = Vec::new();
        loop {
            let chunk = self.take(CHUNK);
            if chunk.is_empty() {
                return text;
            }
            text.extend_from_slice(&chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy_rule::{Survey, clipboard_text};
    use crate::shared_bytes::SharedBytes;

    fn transfer_of(bytes: &[u8]) -> Transfer {
        let mut survey = Survey::default();
        survey.push(bytes);
        let survey = survey.finish();
        let text_len = survey.text_len().unwrap_or(u64::MAX);
        Transfer::new(Offer { bytes: SharedBytes::whole(Arc::new(bytes.to_vec())), form: survey.form(), text_len })
    }

    #[test]
    fn the_chunks_of_a_paste_make_the_copy_rules_text_and_stay_within_the_limit() {
        let binary: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let text = "line with é, € and a \\ backslash\r\n".repeat(3000).into_bytes();
        for bytes in [binary, text] {
            let mut transfer = transfer_of(&bytes);
            let mut pasted = Vec::new();
            loop {
                let chunk = transfer.take(4096);
                assert!(chunk.len() <= 4096, "a chunk of {} bytes", chunk.len());
                if chunk.is_empty() {
                    break;
                }
                pasted.extend_from_slice(&chunk);
            }
            assert_eq!(pasted, clipboard_text(&bytes).1);
            assert_eq!(pasted.len() as u64, transfer.text_len, "the announced size is the size");
            assert!(transfer.take(4096).is_empty(), "a finished paste stays finished");
        }
    }

    #[test]
    fn a_small_copy_goes_whole() {
        assert_eq!(transfer_of(b"a\xFF\\").take_all(), b"a\\xFF\\\\");
    }
}
