//! The plain-word texts of HTTPS: the handshake step, its words, and its failures told as stories.

use std::fmt::Write as _;

use crate::fetch::{Agreed, FetchError, window_label};
use crate::server_text::one_line;

use super::text_types::{StepText, Term};

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
        FetchError::HandshakeTooSlow { .. } => {
            "Like agreeing on a secret code one letter at a time: we stopped waiting before it was done."
        }
        FetchError::SpeaksTls => "Like speaking plainly to someone who only answers in a secret code.",
        FetchError::TlsOther { .. } => "The secret code could not be agreed; the message says why.",
        FetchError::Input(_)
        | FetchError::NameNotFound { .. }
        | FetchError::NoNetwork { .. }
        | FetchError::NameServerSilent { .. }
        | FetchError::LookupFailed { .. }
        | FetchError::ResolveTimedOut { .. }
        | FetchError::Refused { .. }
        | FetchError::ConnectTimedOut { .. }
        | FetchError::Unreachable { .. }
        | FetchError::ReadTimedOut { .. }
        | FetchError::FetchTimedOut { .. }
        | FetchError::SendTimedOut { .. }
        | FetchError::Reset { .. }
        | FetchError::ClosedEmpty { .. }
        | FetchError::Truncated { .. }
        | FetchError::BadLength(_)
        | FetchError::BrokenChunks(_)
        | FetchError::ChunkedCutShort { .. }
        | FetchError::TooLarge { .. }
        | FetchError::Cancelled
        | FetchError::Io { .. }
        | FetchError::HelperCrashed { .. } => return None,
    })
}

/// What the handshake agreed, in one line for the terminal's sixth progress line.
pub fn secured_line(agreed: &Agreed) -> String {
    secured_line_skipped_by(agreed, "--insecure")
}

/// The same line for the window's log, which names the window's own option.
pub fn window_secured_line(agreed: &Agreed) -> String {
    secured_line_skipped_by(agreed, SKIP_CHECK_UNDER_LIMITS)
}

/// `skipped_by`: the option that turned the check off, as the reader sets it.
fn secured_line_skipped_by(agreed: &Agreed, skipped_by: &str) -> String {
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
        let _ = write!(text, " NOT VERIFIED ({skipped_by}): anyone could be at the other end.");
    }
    text
}

/// Said when a reply that ends at the hang-up came over TLS without `close_notify`.
pub const UNPROVEN_END: &str = "The server hung up without ending the encrypted session properly (no close_notify): \
     everything that came is kept, but nothing proves it is the whole reply.";

/// The window's option that skips the certificate check, as its checkbox says it.
pub const SKIP_CHECK: &str = window_label::SKIP_CHECK;
/// Where that option is, for the log and the card.
const SKIP_CHECK_UNDER_LIMITS: &str = "\"Skip certificate check (unsafe)\" is ticked under ⚙ Limits";

/// The certificate card's first line, every time the server's identity was not checked.
pub const CARD_NOT_VERIFIED: &str = "NOT VERIFIED. \"Skip certificate check (unsafe)\" is ticked under ⚙ Limits, so \
     nobody checked this ID card: the line is encrypted, but anyone could be at the other end, and this card \
     could be a forgery.";
/// The card's first line when it was checked.
pub const CARD_VERIFIED: &str = "Checked: it is made out to the name asked for, it is in date, and its signatures lead \
     to an authority this computer trusts.";

/// The most names, and links of the chain, the card lists: a server chooses how many it sends.
const CARD_LIST_MOST: usize = 8;
const SECONDS_PER_DAY: i128 = 86_400;

/// The server's certificate as an ID card, in plain words, true for the fetch it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCard {
    /// [`CARD_VERIFIED`] or [`CARD_NOT_VERIFIED`].
    pub check: &'static str,
    pub verified: bool,
    /// (what, this card's value): whose it is, its names, who vouches for it, its dates, its key.
    pub rows: Vec<(&'static str, String)>,
    /// Who vouched for the voucher: one line per certificate the server sent, its own first, then
    /// where the chain of vouching ends.
    pub chain: Vec<String>,
}

/// The card for what the handshake agreed, with its dates told from `now` (seconds since 1970, UTC);
/// `None` when the server sent no certificate.
pub fn id_card(agreed: &Agreed, now: i64) -> Option<IdCard> {
    let own = agreed.certificates.first()?;
    let until = match own.validity_unix {
        Some((from, until)) => format!("{} ({})", own.not_after, validity_words(from, until, now)),
        None => own.not_after.clone(),
    };
    let rows = vec![
        ("Whose it is", one_line(&own.subject)),
        ("Valid for the names", listed(&own.names)),
        ("Vouched for by", one_line(&own.issuer)),
        ("Valid from", own.not_before.clone()),
        ("Valid until", until),
        ("Its key", own.key.clone()),
    ];
    let mut chain: Vec<String> = agreed
        .certificates
        .iter()
        .take(CARD_LIST_MOST)
        .enumerate()
        .map(|(i, certificate)| {
            let whose = if i == 0 { ", the server's own," } else { "" };
            let by = if certificate.subject == certificate.issuer {
                "vouches for itself: a root authority".to_owned()
            } else {
                format!("is vouched for by {}", one_line(&certificate.issuer))
            };
            format!("{}. {}{whose} {by}", i + 1, one_line(&certificate.subject))
        })
        .collect();
    if let Some(more) = agreed.certificates.len().checked_sub(CARD_LIST_MOST).filter(|more| *more > 0) {
        chain.push(format!("… and {} more certificates.", crate::format::count(more as u64)));
    }
    let last = agreed.certificates.last().unwrap_or(own);
    chain.push(match (agreed.verified, last.subject == last.issuer) {
        (false, _) => "Nobody checked whether anyone trusted vouches for this chain.".to_owned(),
        (true, true) => "This computer trusts that root: it is in its list of trusted authorities.".to_owned(),
        (true, false) => format!(
            "This computer trusts {} directly: it is in its list of trusted authorities.",
            one_line(&last.issuer)
        ),
    });
    Some(IdCard {
        check: if agreed.verified { CARD_VERIFIED } else { CARD_NOT_VERIFIED },
        verified: agreed.verified,
        rows,
        chain,
    })
}

/// The names a certificate is valid for, the first few of them.
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        return "none listed".to_owned();
    }
    let shown: Vec<String> = names.iter().take(CARD_LIST_MOST).map(|name| one_line(name)).collect();
    match names.len().checked_sub(CARD_LIST_MOST).filter(|more| *more > 0) {
        Some(more) => format!("{} and {} more", shown.join(", "), crate::format::count(more as u64)),
        None => shown.join(", "),
    }
}

/// "expires in 89 days", "expired 3 days ago", "not valid yet: it starts in 2 days", from the
/// certificate's own dates and `now` (all in seconds since 1970). The dates are the server's claim:
/// any i64 is taken without overflow.
pub fn validity_words(from: i64, until: i64, now: i64) -> String {
    let (from, until, now) = (i128::from(from), i128::from(until), i128::from(now));
    if now < from {
        format!("not valid yet: it starts {}", ahead(from - now))
    } else if now >= until {
        match (now - until) / SECONDS_PER_DAY {
            0 => "expired less than a day ago".to_owned(),
            1 => "expired 1 day ago".to_owned(),
            days => format!("expired {} days ago", days_text(days)),
        }
    } else {
        format!("expires {}", ahead(until - now))
    }
}

/// "in 89 days", "in 1 day", "within a day", "in 74 years (27,065 days)" for `seconds` from now.
fn ahead(seconds: i128) -> String {
    match seconds / SECONDS_PER_DAY {
        0 => "within a day".to_owned(),
        1 => "in 1 day".to_owned(),
        days if days >= 730 => format!("in {} years ({} days)", days_text(days / 365), days_text(days)),
        days => format!("in {} days", days_text(days)),
    }
}

/// A count of days as digits grouped by thousands; a count past u64 (a hostile date) is just large.
fn days_text(days: i128) -> String {
    crate::format::count(u64::try_from(days).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fetch::CertificateInfo;

    const DAY: i64 = 86_400;
    /// 2026-11-25 00:00:00 UTC.
    const NOW: i64 = 1_795_564_800;

    fn certificate(subject: &str, issuer: &str) -> CertificateInfo {
        CertificateInfo {
            subject: subject.to_owned(),
            issuer: issuer.to_owned(),
            names: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            not_before: "Jan  1 00:00:00 2020 +00:00".to_owned(),
            not_after: "Feb 22 00:00:00 2027 +00:00".to_owned(),
            validity_unix: Some((NOW - 100 * DAY, NOW + 89 * DAY + 5)),
            key: "EC 256 bits".to_owned(),
        }
    }

    fn agreed(certificates: Vec<CertificateInfo>, verified: bool) -> Agreed {
        Agreed {
            version: "TLS 1.3".to_owned(),
            cipher_suite: "TLS13_AES_256_GCM_SHA384".to_owned(),
            key_exchange: None,
            alpn: None,
            server_name: Some("localhost".to_owned()),
            certificates,
            verified,
            wire_sent: 0,
            wire_received: 0,
        }
    }

    #[test]
    fn dates_are_told_from_now() {
        assert_eq!(validity_words(NOW - DAY, NOW + 89 * DAY + 7, NOW), "expires in 89 days");
        assert_eq!(validity_words(NOW - 90 * DAY, NOW - 3 * DAY - 1, NOW), "expired 3 days ago");
        assert_eq!(validity_words(NOW - 90 * DAY, NOW - 60, NOW), "expired less than a day ago");
        assert_eq!(validity_words(NOW + 2 * DAY + 1, NOW + 90 * DAY, NOW), "not valid yet: it starts in 2 days");
        assert_eq!(validity_words(NOW - DAY, NOW + 3600, NOW), "expires within a day");
        assert_eq!(validity_words(NOW - DAY, NOW + 800 * DAY, NOW), "expires in 2 years (800 days)");
    }

    proptest! {
        #[test]
        fn any_dates_are_told_without_overflow(from: i64, until: i64, now: i64) {
            let words = validity_words(from, until, now);
            prop_assert_eq!(words.starts_with("expired"), now >= until && now >= from, "{}", words);
            prop_assert_eq!(words.starts_with("not valid yet"), now < from, "{}", words);
        }
    }

    #[test]
    fn the_card_names_the_server_its_voucher_and_the_voucher_of_the_voucher() {
        let chain = vec![
            certificate("CN=localhost", "CN=socket-fetch demo authority"),
            certificate("CN=socket-fetch demo authority", "CN=socket-fetch demo authority"),
        ];
        let card = id_card(&agreed(chain, true), NOW).unwrap();
        assert_eq!(card.check, CARD_VERIFIED);
        assert!(card.rows.contains(&("Whose it is", "CN=localhost".to_owned())), "{card:?}");
        assert!(card.rows.contains(&("Valid for the names", "localhost, 127.0.0.1".to_owned())), "{card:?}");
        assert!(card.rows.contains(&("Valid until", "Feb 22 00:00:00 2027 +00:00 (expires in 89 days)".to_owned())));
        assert_eq!(
            card.chain,
            [
                "1. CN=localhost, the server's own, is vouched for by CN=socket-fetch demo authority",
                "2. CN=socket-fetch demo authority vouches for itself: a root authority",
                "This computer trusts that root: it is in its list of trusted authorities.",
            ]
        );
    }

    #[test]
    fn an_unchecked_card_says_so_first_and_vouches_for_nothing() {
        let card = id_card(&agreed(vec![certificate("CN=x", "CN=x")], false), NOW).unwrap();
        assert_eq!(card.check, CARD_NOT_VERIFIED);
        assert!(card.check.starts_with("NOT VERIFIED"));
        assert_eq!(card.chain.last().unwrap(), "Nobody checked whether anyone trusted vouches for this chain.");
        assert_eq!(id_card(&agreed(Vec::new(), true), NOW), None);
    }

    #[test]
    fn a_hostile_chain_is_listed_only_in_part() {
        let mut own = certificate("CN=a", "CN=b");
        own.names = (0..10_000).map(|i| format!("n{i}.invalid")).collect();
        let card = id_card(&agreed(vec![own; 50], true), NOW).unwrap();
        assert!(card.rows[1].1.ends_with("and 9,992 more"), "{}", card.rows[1].1);
        assert_eq!(card.chain.len(), CARD_LIST_MOST + 2);
        assert_eq!(card.chain[CARD_LIST_MOST], "… and 42 more certificates.");
    }
}
