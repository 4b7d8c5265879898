//! What can go wrong, in plain words, each with a hint for what to try next.
//!
//! The `Display` text is the explanation a person reads; [`FetchError::hint`] is the next thing to try.
//! Both avoid jargon because the same words appear on a classroom projector.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use thiserror::Error;

use super::framing::ChunkProblem;
use super::head::HeadProblem;
use super::hint::{Hint, Place, window_label};
use super::limits::LimitError;
use super::step::Step;
use crate::format::count;
use crate::server_text::one_line;

/// Why the host, port, path or a limit a person typed cannot be used. What they typed is quoted as one
/// line ([`one_line`]): a paste can be any length, and hold control characters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("The host is empty: type the name of a computer, such as example.com or 127.0.0.1.")]
    EmptyHost,
    #[error("The host \"{}\" has a space in it; names of computers never do.", one_line(.0))]
    HostHasSpace(String),
    #[error("The host has an invisible control character in it (perhaps from a paste).")]
    HostHasControl,
    #[error("The host is {0} characters long; a name can be at most 253.")]
    HostTooLong(usize),
    #[error(
        "The host \"{}\" has a character a computer name cannot have: '{}'.",
        one_line(host),
        one_line(&bad.to_string())
    )]
    HostBadChar { host: String, bad: char },
    #[error("\"{}\" looks like an IP address, but each of its four numbers must be from 0 to 255.", one_line(.0))]
    BadIpv4(String),
    #[error(
        "\"{}\" is not a name that can be written in the plain letters the internet's phone book uses.",
        one_line(.0)
    )]
    BadInternationalName(String),
    #[error("{}", unsupported_scheme(&one_line(.0)))]
    UnsupportedScheme(String),
    #[error("The port is empty: type a number from 1 to 65535 (web servers use 80).")]
    EmptyPort,
    #[error("The port \"{}\" is not a whole number: type a number from 1 to 65535 (web servers use 80).", one_line(.0))]
    PortNotNumber(String),
    #[error("Port 0 is reserved and no server can listen on it: type a number from 1 to 65535.")]
    PortZero,
    #[error("The port {} is too large: ports go from 1 to 65535.", one_line(.0))]
    PortTooLarge(String),
    #[error(
        "The path \"{}\" has a control character in it ({}): the request line cannot carry one, since the server would read it as the end of the line.",
        one_line(path),
        one_line(&bad.to_string())
    )]
    PathHasControl { path: String, bad: char },
    #[error(transparent)]
    Limit(#[from] LimitError),
}

/// A scheme other than http and https is another way of talking.
fn unsupported_scheme(scheme: &str) -> String {
    format!("This tool speaks http and https; \"{scheme}://\" is another way of talking, which it does not speak.")
}

/// How a fetch ended badly. Every variant reads as a full sentence.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("No computer called \"{host}\" could be found: the name lookup came back empty.")]
    NameNotFound { host: String },
    /// The lookup failed for now, and this computer has no route to any name server.
    #[error("This computer is not on a network, so the name \"{host}\" could not be looked up.")]
    NoNetwork { host: String },
    /// The lookup failed for now although a name server is reachable: it did not answer in time.
    #[error("The name server did not answer in time, so the name \"{host}\" could not be looked up.")]
    NameServerSilent { host: String },
    /// The resolver failed in another way, in the system's own words.
    #[error("The name lookup for \"{host}\" failed: {os_text}.")]
    LookupFailed { host: String, os_text: String },
    #[error("The name lookup for \"{host}\" got no answer within {} s.", after.as_secs_f32())]
    ResolveTimedOut { host: String, after: Duration },
    #[error("Nothing is listening on port {} of {}: the server refused the connection.", addr.port(), addr.ip())]
    Refused { addr: SocketAddr },
    #[error("{} did not answer the call within {} s.", addr, after.as_secs_f32())]
    ConnectTimedOut { addr: SocketAddr, after: Duration },
    #[error("There is no route from this computer to {addr}: the network cannot reach it.")]
    Unreachable { addr: SocketAddr },
    /// `unanswered_plain`: the request went in plain text and not a byte came back, which is also
    /// how a server that expects an encrypted connection takes one.
    #[error("The server was connected but went silent: no data came for {} s.", after.as_secs_f32())]
    ReadTimedOut { after: Duration, unanswered_plain: bool },
    #[error("The server stopped taking in the request: nothing more could be sent for {} s.", after.as_secs_f32())]
    SendTimedOut { after: Duration },
    #[error("The server cut the connection abruptly (a \"reset\") after sending {} bytes.", count(*.received))]
    Reset { received: u64 },
    /// `plain`: the request went in plain text, as a server that expects an encrypted connection
    /// may take it: hung up on.
    #[error("The server hung up without sending a single byte.")]
    ClosedEmpty { plain: bool },
    #[error(
        "The server hung up before the end of the reply: {} of its {} bytes arrived (its head gave the length).",
        count(*.received),
        count(*.expected)
    )]
    Truncated { expected: u64, received: u64 },
    #[error("The reply's chunked body is broken: {0}. Everything that arrived is kept.")]
    BrokenChunks(ChunkProblem),
    #[error(
        "The reply's length cannot be used: {0}. Where its body ends cannot be known, so the fetch stopped; everything that arrived is kept."
    )]
    BadLength(HeadProblem),
    #[error(
        "The server hung up in the middle of its chunked reply, after {} bytes: the last chunk (of size 0), which ends such a reply, never came.",
        count(*.received)
    )]
    ChunkedCutShort { received: u64 },
    #[error(
        "The reply is larger than the limit of {} bytes: the first {0} bytes are kept, the rest was not read.",
        count(*.limit)
    )]
    TooLarge { limit: u64 },
    #[error(
        "The server's certificate, its ID card, is made out to another name than the one you asked for: it may be another site on the same computer, or someone posing as it."
    )]
    CertWrongName,
    #[error("The server's certificate, its ID card, has expired: it can no longer prove who the server is.")]
    CertExpired,
    #[error(
        "The server's certificate, its ID card, is not valid yet: its start date is in the future (or this computer's clock is behind)."
    )]
    CertNotYetValid,
    #[error(
        "Nobody this computer trusts vouches for the server's certificate, its ID card: it signed it itself, or was signed by an unknown authority."
    )]
    CertUntrusted,
    #[error("The server's certificate, its ID card, was not accepted: {problem}.")]
    CertRejected { problem: CertProblem },
    #[error("The server on this port does not speak encrypted HTTP (TLS): it answered in plain text.")]
    NotTls,
    #[error("The server hung up in the middle of the secure handshake ({os_text}).")]
    HandshakeCut { kind: io::ErrorKind, os_text: String },
    #[error("The server ended the secure handshake with an alert: {alert}.")]
    TlsAlert { alert: String },
    #[error("The secure handshake got no answer for {} s.", after.as_secs_f32())]
    HandshakeTimedOut { after: Duration },
    /// The handshake kept moving, but too slowly to finish within the connect timeout.
    #[error("The secure connection was not set up within the connect timeout of {} s: the server's handshake came too slowly.", after.as_secs_f32())]
    HandshakeTooSlow { after: Duration },
    /// The limit on the whole fetch (`--max-time`) passed, whatever step it was in.
    #[error("The fetch took longer than its time limit of {} s, so it was stopped.", after.as_secs_f32())]
    FetchTimedOut { after: Duration },
    #[error("This server speaks encrypted (TLS): its reply starts with a TLS record, not with HTTP text.")]
    SpeaksTls,
    #[error("The encrypted connection failed: {detail}.")]
    TlsOther { detail: String },
    #[error("You stopped the fetch.")]
    Cancelled,
    /// An I/O error of no kind named above: its kind kept for programs, the system's words for people.
    #[error("The {} step failed: {os_text}.", step.name())]
    Io { step: Step, kind: io::ErrorKind, os_text: String },
    #[error("The {} step failed: the helper thread crashed.", step.name())]
    HelperCrashed { step: Step },
}

/// What is wrong with a server's certificate, besides its name, its dates and who vouches for it,
/// which [`FetchError`] names itself. Each reads as the end of a sentence about the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertProblem {
    #[error("the authority that signed it has taken it back (revoked it)")]
    Revoked,
    #[error("its signature does not match what it says: it was changed, or not signed by whom it claims")]
    BadSignature,
    #[error("it is signed in a way this program cannot check")]
    UnsupportedSignature,
    #[error("it is not meant for a web server")]
    WrongPurpose,
    #[error("it is not written as a certificate must be")]
    BadEncoding,
    /// Another fault, in the TLS library's own words.
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// An I/O error at `step` that has no variant of its own.
    pub fn io(step: Step, e: &io::Error) -> Self {
        Self::Io { step, kind: e.kind(), os_text: e.to_string() }
    }

    /// A limit on a wait passed: the terminal exits with curl's code for a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Self::ResolveTimedOut { .. }
                | Self::ConnectTimedOut { .. }
                | Self::ReadTimedOut { .. }
                | Self::SendTimedOut { .. }
                | Self::HandshakeTimedOut { .. }
                | Self::HandshakeTooSlow { .. }
                | Self::FetchTimedOut { .. }
        )
    }
}

impl FetchError {
    /// What to try next, as `place` says it: the terminal names its options, the window its controls.
    pub fn hint(&self, place: Place) -> Hint {
        let (terminal, window) = (place == Place::Terminal, place == Place::Window);
        let text = match self {
            Self::ConnectTimedOut { .. } => format!(
                "The computer may be switched off, or a firewall may drop the call. Check the address, or {}.",
                raise(place, "--connect-timeout", window_label::CONNECT_WAIT)
            ),
            Self::ReadTimedOut { unanswered_plain: true, .. } => format!(
                "The server may be stuck, or may not speak HTTP on this port. {} Or try again, or {}.",
                try_https(place),
                raise(place, "--read-timeout", window_label::READ_WAIT)
            ),
            Self::ReadTimedOut { unanswered_plain: false, .. } => format!(
                "The server may be stuck, or may not speak HTTP on this port. Try again, or {}.",
                raise(place, "--read-timeout", window_label::READ_WAIT)
            ),
            Self::HandshakeTimedOut { .. } => format!(
                "The program on that port may not speak TLS: check the port, or {}.",
                raise(place, "--read-timeout", window_label::READ_WAIT)
            ),
            Self::HandshakeTooSlow { .. } => format!(
                "The server may be overloaded, or may not speak TLS on this port: check the port, or {}.",
                raise(place, "--connect-timeout", window_label::CONNECT_WAIT)
            ),
            Self::FetchTimedOut { .. } => format!(
                "The reply may be large or come slowly: try again, or {} (0 for no limit).",
                raise(place, "--max-time", window_label::WHOLE_WAIT)
            ),
            Self::TooLarge { .. } if terminal => {
                "Raise the size limit, --max-bytes (0 for none), to read the whole reply.".to_owned()
            }
            Self::TooLarge { .. } => format!(
                "Raise the size limit, \"{}\" under {}, to read the whole reply.",
                window_label::KEEP,
                window_label::LIMITS
            ),
            Self::CertWrongName => format!(
                "Check the spelling of the name; with an IP address, type the site's name instead. {}",
                look_anyway(place)
            ),
            Self::CertExpired | Self::CertNotYetValid => format!(
                "Check this computer's date and time; otherwise the site's owner must renew the certificate. {}",
                look_anyway(place)
            ),
            Self::CertUntrusted if terminal => {
                format!("For your own test server, give its certificate authority with --cacert FILE. {}", look_anyway(place))
            }
            Self::CertUntrusted => format!(
                "For your own test server, the terminal's --cacert FILE trusts its certificate authority. {}",
                look_anyway(place)
            ),
            Self::CertRejected { .. } => look_anyway(place),
            Self::NotTls if window => format!(
                "Untick {}, or check the port (443 is the usual one for https).",
                window_label::SECURE
            ),
            Self::SpeaksTls if window => {
                format!("Tick {}, or write https:// in front of the host.", window_label::SECURE)
            }
            Self::Input(InputError::PathHasControl { .. }) => {
                "Remove the control character from the path, or write it percent-encoded (%0D%0A for a line break), and fetch again.".to_owned()
            }
            Self::Input(InputError::Limit(_)) => "Correct the limit and fetch again.".to_owned(),
            Self::Input(_) => "Correct the host or port and fetch again.".to_owned(),
            Self::NameNotFound { .. } => {
                "Check the spelling of the name. Try 127.0.0.1 or the built-in demo server to see a fetch that works.".to_owned()
            }
            Self::NoNetwork { .. } => format!(
                "Connect this computer to a network (Wi-Fi or cable) and fetch again. The built-in demo server works without one: {}.",
                match place {
                    Place::Terminal => "socket-fetch fetch --demo".to_owned(),
                    Place::Window => format!("press {}", window_label::USE_DEMO),
                }
            ),
            Self::NameServerSilent { .. } => {
                "The name server (DNS) may be down or busy: try again in a moment, or use an IP address such as 127.0.0.1.".to_owned()
            }
            Self::LookupFailed { .. } => {
                "Try again; if it keeps failing, use an IP address such as 127.0.0.1, or the built-in demo server.".to_owned()
            }
            Self::ResolveTimedOut { .. } => {
                "The phone book (DNS) may be unreachable: check the network, or use an IP address such as 127.0.0.1.".to_owned()
            }
            Self::Refused { .. } => "Check the port number, and that the server program is running.".to_owned(),
            Self::Unreachable { .. } => "Check that this computer is on a network and that the address is right.".to_owned(),
            Self::SendTimedOut { .. } => {
                "The server may be overloaded, or not reading at all. Try again, or send a shorter request.".to_owned()
            }
            Self::Reset { .. } => "The server program may have crashed or been restarted. Try again in a moment.".to_owned(),
            Self::ClosedEmpty { plain: true } => format!(
                "The program on that port may not speak HTTP, or it refused this request. {} Otherwise, check the port.",
                try_https(place)
            ),
            Self::ClosedEmpty { plain: false } => {
                "The program on that port may not speak HTTP, or it refused this request. Check the port.".to_owned()
            }
            Self::Truncated { .. } | Self::ChunkedCutShort { .. } => {
                "The server program may have stopped mid-reply, or the connection dropped. Try again.".to_owned()
            }
            Self::BadLength(_) => {
                "The server program sends a Content-Length no client can trust: look at its head in the raw reply, and correct the server.".to_owned()
            }
            Self::BrokenChunks(_) => {
                "The server program sends a broken chunked body: look at the raw reply where the chunk sizes stop matching the data.".to_owned()
            }
            Self::NotTls => "Fetch with http:// instead, or check the port (443 is the usual one for https).".to_owned(),
            Self::HandshakeCut { .. } | Self::TlsOther { .. } => {
                "Try again; check the port, and that the server speaks https on it.".to_owned()
            }
            Self::TlsAlert { .. } => "The server refused this connection: check the name and port, or try again later.".to_owned(),
            Self::SpeaksTls => "Try https:// in front of the host.".to_owned(),
            Self::Cancelled => "Start the fetch again when you are ready.".to_owned(),
            Self::Io { .. } | Self::HelperCrashed { .. } => {
                "Try again; if it keeps failing, copy the log into a bug report.".to_owned()
            }
        };
        Hint::new(text)
    }
}

/// "raise the read timeout", with the place's name for it.
fn raise(place: Place, flag: &str, label: &str) -> String {
    match place {
        Place::Terminal => format!("raise the timeout ({flag})"),
        Place::Window => format!("raise \"{label}\" under {}", window_label::LIMITS),
    }
}

/// A plain request that got no answer may have reached a server that expects an encrypted one.
fn try_https(place: Place) -> String {
    match place {
        Place::Terminal => {
            "If this port expects an encrypted connection, try https:// in front of the host.".to_owned()
        }
        Place::Window => format!(
            "If this port expects an encrypted connection, try https://: tick {} or write https:// in front of the host.",
            window_label::SECURE
        ),
    }
}

/// How to look at a site whose certificate failed its check anyway, at this place.
fn look_anyway(place: Place) -> String {
    match place {
        Place::Terminal => "To look anyway (unsafe), -k (--insecure) skips the check.".to_owned(),
        Place::Window => format!(
            "To look anyway (unsafe), tick \"{}\" under {} and fetch again.",
            window_label::SKIP_CHECK,
            window_label::LIMITS
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_host_is_shown_with_its_invisible_characters_escaped() {
        let bad = InputError::HostBadChar { host: "exa\u{202E}mple".to_owned(), bad: '\u{202E}' }.to_string();
        assert!(bad.contains("exa\\u{202E}mple") && bad.contains("'\\u{202E}'"), "{bad}");
        assert!(!bad.contains('\u{202E}'), "{bad}");
        let ip = InputError::BadIpv4("1.2.3.\u{1B}4".to_owned()).to_string();
        assert!(ip.contains("1.2.3.\\x1B4") && !ip.contains('\u{1B}'), "{ip}");
    }

    const CERTIFICATE_FAULTS: [FetchError; 5] = [
        FetchError::CertWrongName,
        FetchError::CertExpired,
        FetchError::CertNotYetValid,
        FetchError::CertUntrusted,
        FetchError::CertRejected { problem: CertProblem::BadSignature },
    ];

    #[test]
    fn each_certificate_fault_names_the_places_own_way_to_look_anyway() {
        for error in CERTIFICATE_FAULTS {
            let window = error.hint(Place::Window).to_string();
            assert!(window.contains(window_label::SKIP_CHECK) && window.contains(window_label::LIMITS), "{window}");
            assert!(!window.contains("-k"), "{window}");
            let terminal = error.hint(Place::Terminal).to_string();
            assert!(terminal.contains("-k (--insecure)") && !terminal.contains(window_label::LIMITS), "{terminal}");
        }
    }

    #[test]
    fn the_window_names_its_controls_and_the_terminal_its_options() {
        let after = Duration::from_secs(1);
        for (error, flag, label) in [
            (FetchError::ReadTimedOut { after, unanswered_plain: false }, "--read-timeout", window_label::READ_WAIT),
            (FetchError::HandshakeTimedOut { after }, "--read-timeout", window_label::READ_WAIT),
            (FetchError::HandshakeTooSlow { after }, "--connect-timeout", window_label::CONNECT_WAIT),
            (FetchError::FetchTimedOut { after }, "--max-time", window_label::WHOLE_WAIT),
            (
                FetchError::ConnectTimedOut { addr: SocketAddr::from(([127, 0, 0, 1], 9)), after },
                "--connect-timeout",
                window_label::CONNECT_WAIT,
            ),
            (FetchError::TooLarge { limit: 1 }, "--max-bytes", window_label::KEEP),
        ] {
            let (window, terminal) = (error.hint(Place::Window).to_string(), error.hint(Place::Terminal).to_string());
            assert!(window.contains(label) && !window.contains(flag), "{window}");
            assert!(terminal.contains(flag) && !terminal.contains(label), "{terminal}");
        }
        let secure = format!("Tick {}", window_label::SECURE);
        assert!(FetchError::SpeaksTls.hint(Place::Window).as_str().starts_with(&secure));
        assert!(
            FetchError::NotTls.hint(Place::Window).as_str().starts_with(&format!("Untick {}", window_label::SECURE))
        );
        assert!(!FetchError::SpeaksTls.hint(Place::Terminal).as_str().contains(window_label::SECURE));
        let encrypted = FetchError::ClosedEmpty { plain: false };
        assert_eq!(encrypted.hint(Place::Window), encrypted.hint(Place::Terminal));
    }

    #[test]
    fn only_a_name_that_does_not_exist_is_blamed_on_its_spelling() {
        let host = || "school.invalid".to_owned();
        let lookups = [
            FetchError::NoNetwork { host: host() },
            FetchError::NameServerSilent { host: host() },
            FetchError::LookupFailed { host: host(), os_text: "Non-recoverable failure in name resolution".to_owned() },
        ];
        for error in &lookups {
            for place in [Place::Window, Place::Terminal] {
                let said = format!("{error} {}", error.hint(place));
                assert!(!said.to_lowercase().contains("spelling"), "{said}");
            }
        }
        assert!(FetchError::NameNotFound { host: host() }.hint(Place::Terminal).as_str().contains("spelling"));
        let no_network = &lookups[0];
        assert!(no_network.to_string().starts_with("This computer is not on a network"), "{no_network}");
        let (window, terminal) = (no_network.hint(Place::Window), no_network.hint(Place::Terminal));
        assert!(window.as_str().contains(window_label::USE_DEMO) && !window.as_str().contains("--demo"), "{window}");
        assert!(
            terminal.as_str().contains("--demo") && !terminal.as_str().contains(window_label::USE_DEMO),
            "{terminal}"
        );
    }

    #[test]
    fn an_unusual_failure_names_its_step_in_the_steps_words() {
        let error = FetchError::io(Step::Resolve, &io::Error::other("no threads left"));
        assert_eq!(error.to_string(), "The name lookup step failed: no threads left.");
        assert!(matches!(error, FetchError::Io { kind: io::ErrorKind::Other, .. }));
    }
}
