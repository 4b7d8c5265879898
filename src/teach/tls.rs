//! The plain-word texts of HTTPS: the handshake step, its words, and its failures told as stories.

use std::fmt::Write as _;

use crate::fetch::{Agreed, FetchError};
use crate::server_text::one_line;

use super::texts::{StepText, Term};

/// The TLS handshake, between connect and send.
pub const HANDSHAKE_STEP: StepText = StepText {
    title: "Secure the connection",
    explanation: "Before saying anything private, the program and the server agree on a secret code over the \
                  open line: this is the TLS handshake. The server shows its certificate, an ID card signed by \
                  someone this computer trusts, so the program knows it is the real site. From now on every \
                  byte is encrypted: someone listening on the way sees only the sizes, never the page.",
    next: "Next, the program and the server agree on a secret code and the server shows its ID card.",
    terms: &["TLS", "certificate", "encryption"],
};

/// Words the handshake step uses, for the glossary.
pub const TLS_TERMS: [Term; 3] = [
    Term {
        word: "TLS",
        meaning: "The rules for an encrypted connection; https is HTTP sent over TLS, and the padlock means it is on.",
    },
    Term {
        word: "certificate",
        meaning: "A server's ID card: it names the site, says until when it is valid, and is signed by someone who vouches for it.",
    },
    Term {
        word: "encryption",
        meaning: "Scrambling bytes with a secret code, so that only the two ends of the line can read them.",
    },
];

/// The TLS layer's place among the layers, for the layer picture's note.
pub const LAYER_NOTE: &str =
    "TLS sits between HTTP, the application layer, and TCP, the transport layer: it encrypts what HTTP says.";

/// A TLS failure as a story; `None` for a failure that is not about TLS.
pub fn tls_failure_story(error: &FetchError) -> Option<&'static str> {
    Some(match error {
        FetchError::CertWrongName => "Like an ID card that is real, but made out to somebody else.",
        FetchError::CertExpired => "Like an ID card whose expiry date has passed: it proves nothing any more.",
        FetchError::CertNotYetValid => "Like an ID card dated next year: it is not valid yet.",
        FetchError::CertUntrusted => "Like an ID card the holder printed at home: nobody we trust signed it.",
        FetchError::CertRejected { .. } => "Like an ID card with something wrong on it: it cannot be accepted.",
        FetchError::NotTls => {
            "Like starting in a secret code and hearing plain words back: the other side has no code."
        }
        FetchError::HandshakeCut { .. } => "Like a call that drops while the two sides are still agreeing on a code.",
        FetchError::TlsAlert { .. } => "Like the other side saying \"no\" while you agree on a code, and hanging up.",
        FetchError::HandshakeTimedOut { .. } => "Like offering a secret code and hearing nothing back.",
        FetchError::SpeaksTls => "Like speaking plainly to someone who only answers in a secret code.",
        FetchError::TlsOther { .. } => "The secret code could not be agreed; the message says why.",
        _ => return None,
    })
}

/// What the handshake agreed, in one line for the log and the terminal's sixth progress line.
pub fn secured_line(agreed: &Agreed) -> String {
    let mut text = format!("Secured with {}, cipher {}", agreed.version, agreed.cipher_suite);
    if let Some(group) = &agreed.key_exchange {
        let _ = write!(text, ", key exchange {group}");
    }
    if let Some(certificate) = agreed.certificates.first() {
        let _ =
            write!(text, ". Certificate for {}, valid until {}", one_line(&certificate.subject), certificate.not_after);
    }
    text.push('.');
    if !agreed.verified {
        text.push_str(" NOT VERIFIED (--insecure): anyone could be at the other end.");
    }
    text
}

/// Said when a reply that ends at the hang-up came over TLS without `close_notify`.
pub const UNPROVEN_END: &str = "The server hung up without ending the encrypted session properly (no close_notify): \
     everything that came is kept, but nothing proves it is the whole reply.";
