//! Every plain-word text of teaching mode: the steps, the glossary, the parts of the request and of
//! the reply, and the status codes. Written to be read aloud to someone who has never programmed.

use crate::fetch::{FetchError, InputError, Step};

/// What to show beside one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepText {
    /// A short heading, without a number (`step.index() + 1` gives one).
    pub title: &'static str,
    /// Two or three sentences shown beside the step while it runs.
    pub explanation: &'static str,
    /// One sentence on what is about to happen: shown while paused before the step in step-through
    /// mode, and printed by the terminal's `--step` mode.
    pub next: &'static str,
    /// The [`GLOSSARY`] words the step's texts use, for a "words used here" list.
    pub terms: &'static [&'static str],
}

pub fn step_text(step: Step) -> StepText {
    match step {
        Step::Socket => StepText {
            title: "Set up a socket",
            explanation: "A socket is like a phone line that a program opens to talk to another program. \
                          The program asks the computer for one before it can call anyone. \
                          The line is ready, but it is not connected to anything yet.",
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
            title: "Connect",
            explanation: "The program calls the server at that address, on a port: a numbered door, and 80 is \
                          the usual door for web pages. The server picks up, and the two exchange three short \
                          greetings, the handshake, so both know the line works. If nobody answers, or the \
                          server refuses the call, the fetch stops here.",
            next: "Next, the program calls the server and waits for it to pick up.",
            terms: &["port", "server", "handshake", "TCP"],
        },
        Step::Send => StepText {
            title: "Send the request",
            explanation: "The program sends its request: a few lines of plain text that follow HTTP, the rules \
                          of the web. \"GET / HTTP/1.0\" means \"please give me the main page\", and \
                          \"Host: ...\" names the web site, because one server often holds many. An empty line \
                          at the end says \"that is all\".",
            next: "Next, the program sends its request: a short message asking for the page.",
            terms: &["request", "HTTP", "header", "byte"],
        },
        Step::Receive => StepText {
            title: "Receive the reply",
            explanation: "The server answers with a status line such as \"200 OK\", which means all went well, \
                          then headers: lines of facts about the reply, such as its size. An empty line \
                          follows, and then the body: the page itself. The reply may come in many pieces, so \
                          the program reads until the server hangs up, which tells it the reply is complete.",
            next: "Next, the program reads the server's reply, piece by piece, until the server hangs up.",
            terms: &["reply", "status code", "header", "body", "byte"],
        },
    }
}

/// A technical word and its meaning, in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub word: &'static str,
    pub meaning: &'static str,
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
    Term { word: "body", meaning: "The part of a reply after the headers: the page itself." },
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
    GLOSSARY.iter().find(|term| term.word.eq_ignore_ascii_case(word.trim())).map(|term| term.meaning)
}

/// One part of a request or of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub name: &'static str,
    /// What the part looks like, for example; empty for the empty line.
    pub example: &'static str,
    pub meaning: &'static str,
}

/// The request's lines, in order, as the program sends them.
pub const REQUEST_PARTS: [Part; 3] = [
    Part {
        name: "Request line",
        example: "GET / HTTP/1.0",
        meaning: "\"Please give me\" (GET) \"the main page\" (/), following version 1.0 of the rules of the web.",
    },
    Part {
        name: "Host header",
        example: "Host: example.com",
        meaning: "The name of the web site wanted: one server often holds many sites.",
    },
    Part { name: "Empty line", example: "", meaning: "The request is finished: the server can answer now." },
];

/// The reply's parts, in order, as the server sends them.
pub const REPLY_PARTS: [Part; 4] = [
    Part {
        name: "Status line",
        example: "HTTP/1.0 200 OK",
        meaning: "The rules' version, then a number that says how it went (the status code), then the same in words.",
    },
    Part {
        name: "Headers",
        example: "Content-Type: text/html",
        meaning: "Facts about the reply, one per line, such as what kind of thing the body is and its size.",
    },
    Part { name: "Empty line", example: "", meaning: "The headers are finished: the body starts on the next line." },
    Part {
        name: "Body",
        example: "<!DOCTYPE html>",
        meaning: "The page itself. A web browser would draw it; here you see it as the server sent it.",
    },
];

/// What a reply's status code means, in plain words. The common codes have their own sentence;
/// any other is explained by its first digit, its class.
pub fn status_meaning(code: u16) -> &'static str {
    match code {
        200 => "OK: all went well, and the page follows.",
        301 => "Moved for good: the page now lives at another address, given in the Location header.",
        302 => "Found elsewhere: for now, the page is at another address, given in the Location header.",
        304 => "Not changed: the copy you already have is still good, so the page is not sent again.",
        400 => "Bad request: the server could not understand what was asked.",
        403 => "Forbidden: the server understood, but will not give out this page.",
        404 => "Not found: the server has no page at this address.",
        500 => "Server error: something went wrong inside the server. It is not your fault.",
        503 => "Not available: the server is too busy, or closed for repairs. Try again later.",
        _ => match code / 100 {
            1 => "Please wait: the server is still working on the request.",
            2 => "Success: the request worked.",
            3 => "Look elsewhere: the page is at another address, given in the Location header.",
            4 => "A problem with the request: the server could not or would not answer it as asked.",
            5 => "A problem at the server: something went wrong on its side. Try again later.",
            _ => "This number is not a status code that the rules of the web define.",
        },
    }
}

/// A failure told as a phone call, for an audience that has never programmed. The error's own
/// message says what happened; this says what it is like.
pub fn failure_story(error: &FetchError) -> &'static str {
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
        FetchError::ResolveTimedOut { .. } => "Like asking directory enquiries and never hearing back.",
        FetchError::Refused { .. } => {
            "Like calling a building where nobody works at that extension: the call is turned away at once."
        }
        FetchError::ConnectTimedOut { .. } => "Like letting a phone ring and ring: nobody picks up.",
        FetchError::Unreachable { .. } => "Like dialling a number the phone network has no way to reach.",
        FetchError::ReadTimedOut { .. } => "Like a call where the other side has gone quiet and says nothing more.",
        FetchError::SendTimedOut { .. } => "Like talking into a phone while the other side never listens.",
        FetchError::Reset { .. } => "Like the other side slamming the phone down in the middle of a sentence.",
        FetchError::ClosedEmpty => "Like someone picking up the phone and hanging up without a word.",
        FetchError::Truncated { .. } => "The server said how long its answer would be, then hung up halfway.",
        FetchError::BrokenChunks(_) => {
            "The server sent its answer in numbered pieces, and a piece's number did not match what came."
        }
        FetchError::ChunkedCutShort { .. } => {
            "The server sent its answer in pieces, then hung up before saying the last piece had come."
        }
        FetchError::TooLarge { .. } => "The answer was longer than we agreed to write down, so we stopped listening.",
        FetchError::Cancelled => "You hung up before the call was over.",
        FetchError::Other { .. } => "Something unusual went wrong on this computer; the message says what.",
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
    fn the_parts_of_request_and_reply_are_explained() {
        for part in REQUEST_PARTS.iter().chain(&REPLY_PARTS) {
            assert_readable(part.name, part.name);
            assert_readable(part.name, part.meaning);
        }
        let lines: Vec<&str> = REQUEST_PARTS.iter().map(|part| part.example).collect();
        assert_eq!(
            lines.join("\r\n") + "\r\n",
            "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n",
            "the parts spell a real request"
        );
    }

    #[test]
    fn status_codes_have_plain_meanings() {
        for code in [200, 301, 302, 304, 400, 403, 404, 500, 503, 101, 204, 308, 418, 502, 99, 600, 0] {
            assert_readable("status meaning", status_meaning(code));
        }
        assert!(status_meaning(404).contains("no page"));
        assert_ne!(status_meaning(200), status_meaning(204), "common codes get their own sentence");
        assert_ne!(status_meaning(404), status_meaning(418));
    }
}
