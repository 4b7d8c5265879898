//! What each header line means, in plain words: the reply's headers people meet, and the
//! request's. A header this tool has no sentence for gets an honest generic one, never a guess.

use super::body::describe_media_type;
use crate::fetch::MediaType;
use crate::format;
use crate::server_text::one_line;

/// How much of a header's value is read to tell its meaning: the values that matter are short,
/// and a server may send a value of megabytes.
const VALUE_READ: usize = 1024;

/// Said of a reply header this tool has no description for.
pub const UNKNOWN_REPLY_HEADER: &str =
    "A header this tool has no description for: a fact the server chose to send, in its own words.";

/// Said of a request header this tool has no description for.
pub const UNKNOWN_REQUEST_HEADER: &str = "A header this tool has no description for: it is sent as written.";

/// What one of a reply's header lines means, with its value where the value is the point (the
/// kind of body, its length, where a redirect points).
pub fn reply_header_meaning(name: &str, value: &[u8]) -> String {
    let value = &value[..value.len().min(VALUE_READ)];
    let text = String::from_utf8_lossy(value);
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let shown = one_line(text);
    let fixed = match name.to_ascii_lowercase().as_str() {
        "content-type" => {
            return format!("What kind of thing the body is: {}.", describe_media_type(&MediaType::parse(value)));
        }
        "content-length" => return content_length_meaning(text),
        "location" => return location_meaning(text),
        "retry-after" => {
            return match text.parse::<u64>() {
                Ok(seconds) => format!("Wait {} seconds before asking again.", format::count(seconds)),
                Err(_) => format!("Wait until {shown} before asking again."),
            };
        }
        "allow" => return format!("The kinds of request this address accepts: {shown}."),
        "server" => return format!("The program that answered, as it names itself: {shown}."),
        "transfer-encoding" if lower.contains("chunked") => {
            "The body comes in pieces (chunks), each after a line with its size; a piece of size 0 ends it. \
             Used when the server does not know the whole length before it starts sending."
        }
        "transfer-encoding" => "How the body is packed for the trip; the value names the packing.",
        "content-encoding" => return content_encoding_meaning(&lower),
        "connection" if lower.contains("close") => "The server will hang up once this reply is sent.",
        "connection" if lower.contains("keep-alive") => {
            "The server offers to keep the line open for more requests after this reply."
        }
        "connection" => "What to do with the line once this reply is sent.",
        "keep-alive" => "How long, and for how many more requests, the server keeps an open line waiting.",
        "date" => "When the server sent this reply, by its own clock.",
        "set-cookie" => "A cookie: a small note the browser keeps and sends back with its next requests to this site.",
        "cache-control" => "Whether copies of this reply may be kept and reused, and for how long.",
        "pragma" => "An old way of saying whether copies of this reply may be kept (HTTP/1.0's Cache-Control).",
        "expires" => "After this time, a kept copy of this reply is out of date.",
        "age" => "How many seconds a copy of this reply has been kept by a cache on the way.",
        "last-modified" => "When the page last changed, as the server says.",
        "etag" => {
            "A tag for this version of the page: a later request can name it and get a short 304 if nothing changed."
        }
        "vary" => "Which of the request's headers change this reply, so kept copies are told apart by them.",
        "accept-ranges" if lower == "none" => "The server does not send parts of the body on request.",
        "accept-ranges" => "The server can send just a part of the body on request (a range of bytes).",
        "content-range" => "Which part of the whole the body is, in bytes, and how large the whole is.",
        "content-language" => "The human language the body is written in.",
        "content-disposition" if lower.starts_with("attachment") => {
            "A browser should save the body as a file, rather than show it."
        }
        "content-disposition" => "How a browser should present the body: show it, or save it as a file.",
        "access-control-allow-origin" => "Which other web sites' pages may read this reply from their programs.",
        "strict-transport-security" => "Browsers should use only the secure form of this site (HTTPS) from now on.",
        "x-frame-options" => "Whether other web sites may show this page inside theirs, in a frame.",
        "content-security-policy" => "Rules for where this page may load programs, pictures and styles from.",
        "referrer-policy" => "How much of this page's address a browser tells the next site it goes to.",
        "x-content-type-options" => {
            "Browsers must trust the Content-Type and not guess the kind of body from its bytes."
        }
        "link" => "Other files related to this page, such as ones a browser may fetch early.",
        "www-authenticate" => "The page needs a login, and this says how to give it.",
        "proxy-authenticate" => "A server in the middle (a proxy) needs a login, and this says how to give it.",
        "via" => "Servers in the middle (proxies) that passed this reply along.",
        "alt-svc" => "Other ways to reach the same site, such as a newer version of HTTP.",
        "x-powered-by" => "The software the server's page was made with, as it names itself.",
        "upgrade" => "Other rules the server is ready to switch to on this line.",
        "trailer" => "Headers that will come after the body, at the end of the chunks.",
        _ => UNKNOWN_REPLY_HEADER,
    };
    fixed.to_owned()
}

fn content_length_meaning(text: &str) -> String {
    match text.parse::<u64>() {
        Ok(n) if n < 10_000 => format!("The body is {} long, the server says.", format::exact(n)),
        Ok(n) => format!("The body is {} long, the server says ({}).", format::bytes(n), format::exact(n)),
        Err(_) => "The body's length, but this is not a plain number, so it cannot be used.".to_owned(),
    }
}

fn location_meaning(text: &str) -> String {
    let shown = one_line(text);
    if text.starts_with("//") || text.contains("://") {
        format!("Where to go instead: the address {shown}.")
    } else if text.starts_with('/') {
        format!("Where to go instead: the page {shown} on this same server.")
    } else {
        format!("Where to go instead: {shown}, counted from this page's address.")
    }
}

fn content_encoding_meaning(lower: &str) -> String {
    let how = match lower {
        "gzip" | "x-gzip" => "gzip",
        "deflate" => "deflate",
        "br" => "Brotli",
        "zstd" => "Zstandard",
        "identity" => return "The body is not compressed.".to_owned(),
        other => {
            return format!("The body is packed with {}; it must be unpacked before it can be read.", one_line(other));
        }
    };
    format!("The body is compressed with {how}, to send fewer bytes; it must be unpacked before it can be read.")
}

/// What one of the request's header lines means.
pub fn request_header_meaning(name: &str, value: &[u8]) -> String {
    let value = &value[..value.len().min(VALUE_READ)];
    let text = String::from_utf8_lossy(value);
    let shown = one_line(text.trim());
    let fixed = match name.to_ascii_lowercase().as_str() {
        "host" => return format!("The web site wanted, {shown}: one server often holds many sites."),
        "user-agent" => return format!("The program asking, as it names itself: {shown}."),
        "accept" => "The kinds of reply the program can use.",
        "accept-encoding" => "The ways of compressing the reply that the program can unpack.",
        "accept-language" => "The human languages the reader prefers.",
        "connection" if text.to_ascii_lowercase().contains("close") => "The server may hang up once it has answered.",
        "connection" => "What to do with the line once the server has answered.",
        "range" => "Only a part of the body is wanted: these bytes.",
        _ => UNKNOWN_REQUEST_HEADER,
    };
    fixed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reply headers the table describes; each must get its own sentence, not the generic one.
    const KNOWN: [&str; 37] = [
        "Content-Type",
        "Content-Length",
        "Transfer-Encoding",
        "Content-Encoding",
        "Connection",
        "Location",
        "Date",
        "Server",
        "Set-Cookie",
        "Cache-Control",
        "Last-Modified",
        "ETag",
        "Keep-Alive",
        "Vary",
        "Accept-Ranges",
        "Expires",
        "Age",
        "Content-Language",
        "Content-Disposition",
        "Access-Control-Allow-Origin",
        "Strict-Transport-Security",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Link",
        "Retry-After",
        "WWW-Authenticate",
        "Allow",
        "Via",
        "Alt-Svc",
        "Pragma",
        "Content-Range",
        "Proxy-Authenticate",
        "X-Powered-By",
        "Upgrade",
        "Trailer",
    ];

    #[test]
    fn known_headers_have_their_own_sentence_whatever_their_case() {
        for name in KNOWN {
            for spelled in [name.to_owned(), name.to_ascii_lowercase(), name.to_ascii_uppercase()] {
                let meaning = reply_header_meaning(&spelled, b"x");
                assert_ne!(meaning, UNKNOWN_REPLY_HEADER, "{spelled}");
                assert!(meaning.ends_with('.'), "{spelled}: {meaning}");
            }
        }
    }

    #[test]
    fn an_unknown_header_gets_the_generic_sentence() {
        for name in ["X-Test-7", "X-Request-Id", "Content-Typo", "Set-Cookie2x", ""] {
            assert_eq!(reply_header_meaning(name, b"whatever"), UNKNOWN_REPLY_HEADER, "{name}");
        }
        assert_eq!(request_header_meaning("X-Mine", b"1"), UNKNOWN_REQUEST_HEADER);
    }

    #[test]
    fn values_that_matter_are_told() {
        assert_eq!(reply_header_meaning("Content-Length", b"37"), "The body is 37 bytes long, the server says.");
        assert_eq!(
            reply_header_meaning("Content-Length", b"5242880"),
            "The body is 5.2 million bytes (5 MB) long, the server says (5,242,880 bytes)."
        );
        assert!(reply_header_meaning("Content-Length", b"12abc").contains("not a plain number"));
        assert!(reply_header_meaning("Content-Type", b"application/json").contains("JSON data"));
        assert!(reply_header_meaning("Content-Type", b"image/png").contains("a PNG image"));
        assert_eq!(reply_header_meaning("Location", b"/"), "Where to go instead: the page / on this same server.");
        assert!(
            reply_header_meaning("Location", b"http://example.invalid/x")
                .contains("the address http://example.invalid/x")
        );
        assert!(reply_header_meaning("Location", b"next.html").contains("counted from this page's address"));
        assert!(reply_header_meaning("Transfer-Encoding", b"chunked").contains("chunks"));
        assert!(reply_header_meaning("Content-Encoding", b"gzip").contains("compressed with gzip"));
        assert!(reply_header_meaning("Connection", b"keep-alive").contains("keep the line open"));
        assert!(reply_header_meaning("Connection", b"close").contains("hang up"));
        assert_eq!(reply_header_meaning("Retry-After", b"120"), "Wait 120 seconds before asking again.");
        assert!(request_header_meaning("Host", b"localhost").contains("localhost"));
    }

    #[test]
    fn a_hostile_value_stays_one_short_line() {
        let meaning = reply_header_meaning("Location", format!("/a\r\n\x1b[2J{}", "x".repeat(10_000)).as_bytes());
        assert!(!meaning.contains('\n') && !meaning.contains('\x1b'), "{meaning:?}");
        assert!(meaning.chars().count() < 200, "{} characters", meaning.chars().count());
    }
}
