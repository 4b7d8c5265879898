//! A reply's status code in plain words: the codes people meet have their own sentence, any other
//! is told by its class (its first digit), and a number the rules of the web do not define is said
//! to be one.

/// What a reply's status code means, in plain words.
pub fn status_meaning(code: u16) -> &'static str {
    match code {
        100 => "Continue: the server is ready for the rest of the request; its real answer follows.",
        101 => "Switching: the server agrees to talk by other rules from now on.",
        103 => "Early hints: files the page will need, sent ahead while the real answer is prepared.",
        200 => "OK: all went well, and what was asked for follows.",
        201 => "Created: the server made something new, as asked.",
        204 => "No content: all went well, and there is nothing to send back.",
        206 => "Part of it: the server sends only the piece that was asked for.",
        301 => "Moved for good: the page now lives at another address, given in the Location header.",
        302 => "Found elsewhere: for now, the page is at another address, given in the Location header.",
        303 => "See other: the answer is at another address, given in the Location header.",
        304 => "Not changed: the copy you already have is still good, so the page is not sent again.",
        307 => "Moved for now: ask again at the address in the Location header, the same way.",
        308 => "Moved for good: ask again at the address in the Location header, the same way.",
        400 => "Bad request: the server could not understand what was asked.",
        401 => "Login needed: the server wants to know who is asking before it answers.",
        403 => "Forbidden: the server understood, but will not give out this page.",
        404 => "Not found: the server has no page at this address.",
        405 => "Not allowed: this address does not take this kind of request.",
        408 => "Too slow: the server waited for the request and gave up.",
        410 => "Gone: the page was here once and has been removed for good.",
        418 => "I am a teapot: a joke from an April Fools' paper, and some servers really send it.",
        429 => "Too many requests: slow down, and try again later.",
        500 => "Server error: something went wrong inside the server. It is not your fault.",
        501 => "Not built: the server does not know how to do what was asked.",
        502 => "Bad gateway: a server in the middle got a bad answer from the one behind it.",
        503 => "Not available: the server is too busy, or closed for repairs. Try again later.",
        504 => "Gateway timeout: a server in the middle waited too long for the one behind it.",
        _ => class_meaning(code),
    }
}

/// What a code means by its class, its first digit, for a code without a sentence of its own.
fn class_meaning(code: u16) -> &'static str {
    match code {
        100..=199 => "Please wait: the server is still working on the request; its real answer follows.",
        200..=299 => "Success: the request worked.",
        300..=399 => "Look elsewhere: what was asked for is at another address, usually given in the Location header.",
        400..=499 => "A problem with the request: the server could not or would not answer it as asked.",
        500..=599 => "A problem at the server: something went wrong on its side. Try again later.",
        _ => "This number is outside 100 to 599, so it is not a status code that the rules of the web define.",
    }
}

#[cfg(test)]
mod tests {
    use super::status_meaning;

    /// The codes the table names, each with its own sentence.
    const NAMED: [u16; 27] = [
        100, 101, 103, 200, 201, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408, 410, 418, 429,
        500, 501, 502, 503, 504,
    ];

    #[test]
    fn each_common_code_has_its_own_sentence() {
        for (i, code) in NAMED.iter().enumerate() {
            let meaning = status_meaning(*code);
            for other in &NAMED[..i] {
                assert_ne!(meaning, status_meaning(*other), "{code} and {other} say the same");
            }
            let class = status_meaning(code / 100 * 100 + 99);
            assert_ne!(meaning, class, "{code} is told only by its class");
        }
        assert!(status_meaning(404).contains("no page"));
        assert!(status_meaning(204).contains("nothing to send"));
    }

    #[test]
    fn other_codes_are_told_by_their_class_and_numbers_outside_are_said_to_be() {
        assert!(status_meaning(299).starts_with("Success"));
        assert!(status_meaning(399).starts_with("Look elsewhere"));
        assert!(status_meaning(451).starts_with("A problem with the request"));
        assert!(status_meaning(599).starts_with("A problem at the server"));
        assert!(status_meaning(102).starts_with("Please wait"));
        for outside in [0, 99, 600, 999, u16::MAX] {
            assert!(status_meaning(outside).contains("outside 100 to 599"), "{outside}");
        }
    }
}
