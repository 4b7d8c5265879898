//! Every plain-word text of teaching mode: the steps, the glossary, the parts of the request and of
//! the reply, and the status codes. Written to be read aloud to someone who has never programmed.

use std::net::IpAddr;

use super::text_types::{StepText, Term};
use crate::fetch::{FetchError, InputError, Step};

pub fn step_text(step: Step) -> StepText {
    match step {
        Step::Socket => StepText {
            title: "Set up the socket",
            explanation: "A socket is like a phone line that a program opens to talk to another program. \
                          The program asks the computer for one before it can call anyone. \
                          A new socket is not connected to anything yet: that comes in step 3.",
            next: "Next, the program opens a socket: a line it will use to talk to the server.",
            terms: &["socket"],
        },
        Step::Resolve => StepText {
            title: "Look up the address",
            explanation: "Computers find each other by number, not by name: that number is the IP address. \
                          Finding it is like looking up a name in a phone book, and the internet's phone book \
                          is called DNS. The number found is where the program will call; a number you typed, \
                          like 127.0.0.1, is used as it is.",
            next: "Next, the program looks up the server's number, its IP address, as in a phone book.",
            terms: &["IP address", "DNS", "host"],
        },
        Step::Connect => StepText {
            title: "Connect to the server",
            explanation: "The program calls the server at that address, on a port: a numbered door, and 80 is \
                          the usual door for web pages. The server picks up, and the two exchange three short \
                          greetings, the handshake, so both know the line works. If nobody answers, or the \
                          server refuses the call, the fetch stops here.",
            next: "Next, the program calls the server and waits for it to pick up.",
            terms: &["port", "server", "handshake", "TCP"],
        },
        Step::Handshake => super::tls::HANDSHAKE_STEP,
        Step::Send => StepText {
            title: "Send the request",
            explanation: "The program sends its request: a few lines of plain text that follow HTTP, the rules \
                          of the web. The first line says what is wanted, and the Host line names the web site, \
                          because one server often holds many. An empty line at the end says \"that is all\".",
            next: "Next, the program sends its request: a short message asking for the page.",
            terms: &["request", "HTTP", "header", "byte"],
        },
        Step::Receive => StepText {
            title: "Receive the reply",
            explanation: "The server answers with a status line such as \"200 OK\", then headers: lines of facts \
                          about the reply, such as its kind and size. An empty line follows, and then the body, \
                          if there is one. The reply comes in pieces; it is complete when the length the server \
                          announced has arrived, or its last chunk, or when the server hangs up.",
            next: "Next, the program reads the server's reply, piece by piece, until it is complete.",
            terms: &["reply", "status code", "header", "body", "byte"],
        },
    }
}

/// A step's number and title, as every panel, the log and the terminal name it:
/// "Step 1 of 5: Set up the socket" (of 6 over HTTPS).
pub fn step_heading(step: Step, tls: bool) -> String {
    format!("Step {} of {}: {}", step.number(tls), Step::of_fetch(tls).len(), step_text(step).title)
}

/// What step 2 found, for the log and the terminal: a host typed as an IP address is used as
/// typed, and only a name is looked up.
pub fn lookup_result(host: &str, addresses: &[IpAddr]) -> String {
    if is_typed_address(host) {
        format!("{host} is an IP address, so it is used as typed: there is no name to look up.")
    } else {
        let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
        format!("The name lookup found: {}.", list.join(", "))
    }
}

/// Whether `host` is an IP address as typed (`127.0.0.1`, `::1`, `[::1]`), not a name.
pub fn is_typed_address(host: &str) -> bool {
    host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok()
}

/// How a complete reply ended, said after it: `completion` is `(line_open, extra)` when the reply was
/// complete by its length or its last chunk, `None` when the server hung up to end it.
pub fn reply_end(completion: Option<(bool, u64)>) -> String {
    let (line_open, extra) = completion.unwrap_or((false, 0));
    let ended = if line_open {
        "The server kept the line open for more requests; the reply was complete, so socket-fetch hung up."
    } else if completion.is_some() {
        "The reply was complete, and the server hung up."
    } else {
        "The server hung up, and the reply is complete."
    };
    match extra {
        0 => ended.to_owned(),
        1 => format!("{ended} 1 more byte came after the reply; it is kept in the raw reply."),
        n => format!(
            "{ended} {} more bytes came after the reply; they are kept in the raw reply.",
            crate::format::count(n)
        ),
    }
}

/// Every technical word the texts use, in the order a fetch meets them.
pub const GLOSSARY: &[Term] = &[
    Term { word: "socket", meaning: "A phone line that a program opens to talk to another program over a network." },
    Term {
        word: "host",
        meaning: "The computer you want to reach, named by a name (example.com) or by its IP address.",
    },
    Term {
        word: "IP address",
        meaning: "The number of a computer on a network, such as 93.184.215.14; 127.0.0.1 is this computer itself.",
    },
    Term {
        word: "DNS",
        meaning: "The Domain Name System: the internet's phone book, which turns a name into an IP address.",
    },
    Term {
        word: "port",
        meaning: "A numbered door on a computer, where one program waits for calls; web pages usually use 80.",
    },
    Term { word: "server", meaning: "A program that waits for calls and answers them, such as a web site." },
    Term {
        word: "TCP",
        meaning: "The rules that keep a reliable line between two programs: nothing lost, nothing out of order.",
    },
    Term {
        word: "handshake",
        meaning: "The three short messages that open a TCP line: \"hello\", \"hello, I hear you\", \"good\".",
    },
    Term { word: "HTTP", meaning: "The rules of the web: how to ask for a page, and how to send it back." },
    Term { word: "request", meaning: "The message a program sends to ask a server for something, such as a page." },
    Term {
        word: "reply",
        meaning: "The server's answer to a request: a status line, headers, an empty line, then the body.",
    },
    Term { word: "response", meaning: "Another word for reply." },
    Term {
        word: "status code",
        meaning: "The three-digit number that starts a reply and says how it went: 200 is fine, 404 is no such page.",
    },
    Term { word: "header", meaning: "A line of facts at the top of a request or a reply: a name, a colon, a value." },
    Term { word: "body", meaning: "The part of a reply after the headers: the page, data or picture asked for." },
    Term {
        word: "byte",
        meaning: "The smallest piece of data a computer sends; one letter of plain English is one byte.",
    },
    Term {
        word: "packet",
        meaning: "A small envelope of data sent over a network; a long message goes as many packets.",
    },
];

/// The meaning of a glossary word, whatever its case (`"dns"` finds `"DNS"`).
pub fn define(word: &str) -> Option<&'static str> {
    GLOSSARY
        .iter()
        .chain(&super::tls::TLS_TERMS)
        .find(|term| term.word.eq_ignore_ascii_case(word.trim()))
        .map(|term| term.meaning)
}

/// One part of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub name: &'static str,
    pub meaning: &'static str,
}

/// The reply's parts, in order, as every server sends them; what this reply's parts say is told
/// from its bytes (see [`super::reply_header_meaning`] and [`super::describe_body`]).
pub const REPLY_PARTS: [Part; 4] = [
    Part {
        name: "Status line",
        meaning: "The rules' version, then a number that says how it went (the status code), then the same in words.",
    },
    Part { name: "Headers", meaning: "Facts about the reply, one per line: a name, a colon, then its value." },
    Part { name: "Empty line", meaning: "The headers are finished: the body starts right after it." },
    Part { name: "Body", meaning: "What was asked for: a page, data, a picture, or nothing at all." },
];

/// A failure told as a phone call, for an audience that has never programmed. The error's own
/// message says what happened; this says what it is like.
pub fn failure_story(error: &FetchError) -> &'static str {
    if let Some(story) = super::tls::tls_failure_story(error) {
        return story;
    }
    match error {
        FetchError::Input(InputError::PathHasControl { .. }) => {
            "The page asked for holds an invisible character that would end the request's first line early, so no call was made."
        }
        FetchError::Input(InputError::Limit(_)) => {
            "A limit is set to something that is not a length of time or a size, so no call was made."
        }
        FetchError::Input(_) => "The address is not written in a way a computer can use, so no call was made.",
        FetchError::NameNotFound { .. } => {
            "Like looking for a name that is not in the phone book: there is no number to call."
        }
        FetchError::NoNetwork { .. } => {
            "Like picking up a phone whose line is unplugged: there is no way to ask for a number at all."
        }
        FetchError::NameServerSilent { .. } => "Like calling directory enquiries and getting no answer this time.",
        FetchError::LookupFailed { .. } => "Like asking directory enquiries and getting a garbled reply.",
        FetchError::ResolveTimedOut { .. } => "Like asking directory enquiries and never hearing back.",
        FetchError::Refused { .. } => {
            "Like calling a building where nobody works at that extension: the call is turned away at once."
        }
        FetchError::ConnectTimedOut { .. } => "Like letting a phone ring and ring: nobody picks up.",
        FetchError::Unreachable { .. } => "Like dialling a number the phone network has no way to reach.",
        FetchError::ReadTimedOut { .. } => "Like a call where the other side has gone quiet and says nothing more.",
        FetchError::FetchTimedOut { .. } => "Like a call that runs past the time you set aside for it: you hang up.",
        FetchError::SendTimedOut { .. } => "Like talking into a phone while the other side never listens.",
        FetchError::Reset { .. } => "Like the other side slamming the phone down in the middle of a sentence.",
        FetchError::ClosedEmpty { .. } => "Like someone picking up the phone and hanging up without a word.",
        FetchError::Truncated { .. } => "The server said how long its answer would be, then hung up halfway.",
        FetchError::BadLength(_) => {
            "The server said how long its answer would be in a way nobody can believe, so we stopped listening."
        }
        FetchError::BrokenChunks(_) => {
            "The server sent its answer in numbered pieces, and a piece's number did not match what came."
        }
        FetchError::ChunkedCutShort { .. } => {
            "The server sent its answer in pieces, then hung up before saying the last piece had come."
        }
        FetchError::TooLarge { .. } => "The answer was longer than we agreed to write down, so we stopped listening.",
        FetchError::Cancelled => "You hung up before the call was over.",
        FetchError::Io { .. } | FetchError::HelperCrashed { .. } => {
            "Something unusual went wrong on this computer; the message says what."
        }
        // Told by tls_failure_story above; a story of their own all the same, should it have none.
        FetchError::CertWrongName
        | FetchError::CertExpired
        | FetchError::CertNotYetValid
        | FetchError::CertUntrusted
        | FetchError::CertRejected { .. }
        | FetchError::NotTls
        | FetchError::HandshakeCut { .. }
        | FetchError::TlsAlert { .. }
        | FetchError::HandshakeTimedOut { .. }
        | FetchError::HandshakeTooSlow { .. }
        | FetchError::SpeaksTls
        | FetchError::TlsOther { .. } => "The secure connection failed; the message says why.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sentence longer than this is hard to follow when read aloud.
    const MAX_SENTENCE: usize = 160;

    /// Splits a text into sentences: a sentence ends at `.` followed by a space or the end.
    fn sentences(text: &str) -> Vec<&str> {
        text.split_inclusive(". ").map(str::trim).filter(|s| !s.is_empty()).collect()
    }

    fn assert_readable(what: &str, text: &str) {
        assert!(!text.trim().is_empty(), "{what} is empty");
        assert_eq!(text, text.trim(), "{what} has spaces around it");
        assert!(!text.contains("  "), "{what} has a double space: {text:?}");
        for sentence in sentences(text) {
            assert!(sentence.chars().count() <= MAX_SENTENCE, "{what}: sentence too long: {sentence:?}");
        }
    }

    #[test]
    fn every_step_has_its_texts() {
        for step in Step::ALL {
            let text = step_text(step);
            assert_readable("title", text.title);
            assert!(text.title.len() <= 30, "{step:?}: title too long");
            assert_readable("explanation", text.explanation);
            let count = sentences(text.explanation).len();
            assert!((2..=3).contains(&count), "{step:?}: {count} sentences");
            assert_readable("next", text.next);
            assert_eq!(sentences(text.next).len(), 1, "{step:?}: `next` is one sentence");
            assert!(!text.terms.is_empty(), "{step:?}");
        }
    }

    #[test]
    fn every_term_a_step_uses_is_in_the_glossary() {
        for step in Step::ALL {
            for word in step_text(step).terms {
                assert!(define(word).is_some(), "{step:?} uses {word:?}, which the glossary lacks");
            }
        }
    }

    #[test]
    fn the_glossary_defines_the_words_of_a_fetch_once_each() {
        for word in ["socket", "IP address", "port", "DNS", "TCP", "HTTP", "request", "reply", "response"] {
            assert!(define(word).is_some(), "{word}");
        }
        for word in ["header", "status code", "byte", "handshake", "packet"] {
            assert!(define(word).is_some(), "{word}");
        }
        assert_eq!(define("dns"), define("DNS"));
        for (i, term) in GLOSSARY.iter().enumerate() {
            assert_readable(term.word, term.meaning);
            assert!(GLOSSARY[..i].iter().all(|t| !t.word.eq_ignore_ascii_case(term.word)), "{} twice", term.word);
        }
    }

    #[test]
    fn the_parts_of_the_reply_are_explained() {
        for part in REPLY_PARTS {
            assert_readable(part.name, part.name);
            assert_readable(part.name, part.meaning);
        }
    }

    #[test]
    fn a_typed_address_is_used_as_typed_and_only_a_name_is_looked_up() {
        let found = [IpAddr::from([127, 0, 0, 1]), IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1])];
        for typed in ["127.0.0.1", "[::1]", "::1"] {
            let text = lookup_result(typed, &found[..1]);
            assert!(text.contains("used as typed") && !text.contains("lookup found"), "{typed}: {text}");
        }
        assert_eq!(lookup_result("localhost", &found), "The name lookup found: 127.0.0.1, ::1.");
    }

    #[test]
    fn the_end_of_a_reply_is_told_as_it_happened() {
        assert!(reply_end(Some((true, 0))).contains("kept the line open"));
        assert!(reply_end(Some((false, 0))).contains("the server hung up"));
        assert_eq!(reply_end(None), "The server hung up, and the reply is complete.");
        assert!(
            reply_end(Some((true, 12)))
                .ends_with("12 more bytes came after the reply; they are kept in the raw reply.")
        );
        assert!(reply_end(Some((true, 1))).contains("1 more byte came"));
        assert!(!reply_end(None).contains("more byte"));
    }

    #[test]
    fn texts_say_nothing_that_is_false_before_their_step_ran() {
        // Shown while paused before step 1: the socket is not open yet.
        assert!(!step_text(Step::Socket).explanation.contains("is ready"));
        // Step 4's text is for any request: the real line is quoted beside it.
        assert!(!step_text(Step::Send).explanation.contains("GET /"));
        // A reply with a length is complete before the server hangs up.
        assert!(!step_text(Step::Receive).next.contains("hangs up"));
    }
}
