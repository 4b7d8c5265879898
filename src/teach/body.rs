//! What a reply's body is, told from what the server says it is (Content-Type, Content-Encoding,
//! Transfer-Encoding) and from its first bytes: a server may say one thing and send another, and
//! then the text says so.

use crate::fetch::{Framing, MediaType, ReplyHead, header_name};
use crate::format;
use crate::server_text::visible;

/// The kinds of body a reader meets, each told in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Html,
    Json,
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
    OtherImage,
    Pdf,
    PlainText,
    Css,
    JavaScript,
    Xml,
    /// gzip's own bytes: compressed, whatever is inside.
    Gzip,
    Audio,
    Video,
    Font,
    /// Bytes that are not text, of no kind named here.
    NotText,
}

impl BodyKind {
    /// The kind with its article: "an HTML page", "JSON data".
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "an HTML page",
            Self::Json => "JSON data",
            Self::Png => "a PNG image",
            Self::Jpeg => "a JPEG image (a photo)",
            Self::Gif => "a GIF image",
            Self::Webp => "a WebP image",
            Self::Svg => "an SVG image (a drawing written as text)",
            Self::OtherImage => "an image",
            Self::Pdf => "a PDF document",
            Self::PlainText => "plain text",
            Self::Css => "a style sheet (CSS)",
            Self::JavaScript => "a JavaScript program",
            Self::Xml => "XML data",
            Self::Gzip => "compressed bytes (gzip)",
            Self::Audio => "a sound recording",
            Self::Video => "a video",
            Self::Font => "a font",
            Self::NotText => "bytes that are not text",
        }
    }

    /// What someone does with this kind, in one sentence that is true for it.
    pub fn use_of(self) -> &'static str {
        match self {
            Self::Html => "A web browser would draw it as a page; here you see the text it is written in.",
            Self::Json => "Data for a program to read: names and values in braces and brackets, not a page to draw.",
            Self::Png | Self::Jpeg | Self::Gif | Self::Webp | Self::OtherImage => {
                "A browser would show it as a picture; its bytes are not text, so here most are shown as \\xNN."
            }
            Self::Svg => "A browser would draw it as a picture; here you see the text that describes the drawing.",
            Self::Pdf => "A document viewer would show its pages; its bytes are mostly not text.",
            Self::PlainText => "Text to read as it is, with no page layout.",
            Self::Css => "Rules for how a page looks (colours, sizes, places); a browser applies them to a page.",
            Self::JavaScript => "A program that a web page runs inside the browser.",
            Self::Xml => "Data in tags, like HTML, but for programs to read rather than a page to draw.",
            Self::Gzip => "It must be unpacked before it can be read; here you see it packed, as it was sent.",
            Self::Audio => "A player would play it; its bytes are not text.",
            Self::Video => "A player would show it; its bytes are not text.",
            Self::Font => "The shapes of letters, for a page to write with; its bytes are not text.",
            Self::NotText => "Here each byte that is not text is shown as \\xNN.",
        }
    }

    /// Kinds written as text, which first bytes that are only text cannot tell apart.
    fn is_text(self) -> bool {
        matches!(self, Self::Html | Self::Json | Self::Svg | Self::PlainText | Self::Css | Self::JavaScript | Self::Xml)
    }
}

impl BodyKind {
    /// The kind a media type names, if a known one.
    pub fn of_media_type(media: &MediaType) -> Option<Self> {
        match media.essence.as_str() {
            "text/html" | "application/xhtml+xml" => Some(Self::Html),
            "application/json" => Some(Self::Json),
            "image/png" => Some(Self::Png),
            "image/jpeg" | "image/jpg" => Some(Self::Jpeg),
            "image/gif" => Some(Self::Gif),
            "image/webp" => Some(Self::Webp),
            "image/svg+xml" => Some(Self::Svg),
            "application/pdf" => Some(Self::Pdf),
            "text/plain" => Some(Self::PlainText),
            "text/css" => Some(Self::Css),
            "text/javascript" | "application/javascript" | "application/x-javascript" => Some(Self::JavaScript),
            "text/xml" | "application/xml" => Some(Self::Xml),
            "application/gzip" | "application/x-gzip" => Some(Self::Gzip),
            "application/octet-stream" => Some(Self::NotText),
            m if m.ends_with("+json") => Some(Self::Json),
            m if m.ends_with("+xml") => Some(Self::Xml),
            m if m.starts_with("image/") => Some(Self::OtherImage),
            m if m.starts_with("audio/") => Some(Self::Audio),
            m if m.starts_with("video/") => Some(Self::Video),
            m if m.starts_with("font/") => Some(Self::Font),
            _ => None,
        }
    }
}

/// "an HTML page, written in UTF-8 letters" or, for a type this tool does not know, its name.
pub fn describe_media_type(media: &MediaType) -> String {
    let kind = BodyKind::of_media_type(media)
        .map_or_else(|| format!("a kind named \"{}\"", visible(&media.essence)), |k| k.name().to_owned());
    match &media.charset {
        Some(charset) => format!("{kind}, its letters written in the {} character set", visible(charset)),
        None => kind,
    }
}

/// How many of a body's first bytes tell its kind: the work per frame stays small however large
/// the body.
pub const SNIFF_BYTES: usize = 512;

/// The kind that a body's first bytes look like (only the first [`SNIFF_BYTES`] are read); `None`
/// when there are none.
pub fn sniff(bytes: &[u8]) -> Option<BodyKind> {
    const SIGNATURES: [(&[u8], BodyKind); 7] = [
        (b"\x89PNG\r\n\x1a\n", BodyKind::Png),
        (b"\xff\xd8\xff", BodyKind::Jpeg),
        (b"GIF87a", BodyKind::Gif),
        (b"GIF89a", BodyKind::Gif),
        (b"%PDF-", BodyKind::Pdf),
        (b"\x1f\x8b", BodyKind::Gzip),
        (b"wOF2", BodyKind::Font),
    ];
    if bytes.is_empty() {
        return None;
    }
    let bytes = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(signature, _)| bytes.starts_with(signature)) {
        return Some(*kind);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(BodyKind::Webp);
    }
    if !looks_like_text(bytes) {
        return Some(BodyKind::NotText);
    }
    let start = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = &start[start.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(start.len())..];
    let lower: Vec<u8> = start.iter().take(256).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let kind = if ["<!doctype html", "<html", "<head", "<body"].iter().any(|tag| lower.starts_with(tag.as_bytes())) {
        BodyKind::Html
    } else if lower.starts_with(b"<svg") || (lower.starts_with(b"<?xml") && has(b"<svg")) {
        BodyKind::Svg
    } else if lower.starts_with(b"<?xml") {
        BodyKind::Xml
    } else if lower.starts_with(b"{") || lower.starts_with(b"[") {
        BodyKind::Json
    } else {
        BodyKind::PlainText
    };
    Some(kind)
}

/// Valid UTF-8 (a character cut at the end is allowed: more may come) with no control byte but
/// tab, line feed, carriage return and form feed.
fn looks_like_text(bytes: &[u8]) -> bool {
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        let cut_at_end = chunks.peek().is_none() && chunk.invalid().len() < 4;
        if !chunk.invalid().is_empty() && !cut_at_end {
            return false;
        }
        if chunk.valid().chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
            return false;
        }
    }
    true
}

/// `bytes` on one line, at most `max` characters of it: text as it is, control characters and
/// invisible ones as escapes (`\r`, `\x00`, `\u{202E}`), bytes that are not UTF-8 as `\xNN`.
pub fn one_line_bytes(bytes: &[u8], max: usize) -> String {
    crate::escape::line(bytes, max)
}

/// How many of a body's first bytes its description quotes.
pub const FIRST_BYTES: usize = 48;

/// A reply's body described from what arrived so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyStory {
    /// What the body is, in one or two sentences.
    pub what: String,
    /// Its first bytes, on one safe line; empty when there are none.
    pub first_bytes: String,
    /// Its size so far as it came (chunk size lines and compression included), in words, and exactly.
    pub size: String,
    pub exact_size: String,
}

/// Describes the body of a reply whose head is `head`: `after_head` is every byte that arrived
/// after the head so far, of which the last `extra` came after the reply's end (they are not its
/// body); `complete`: no more will come.
pub fn describe_body(head: &ReplyHead, after_head: &[u8], extra: u64, complete: bool) -> BodyStory {
    let extra = usize::try_from(extra).unwrap_or(usize::MAX);
    let body = &after_head[..after_head.len().saturating_sub(extra)];
    let size = body.len() as u64;
    let declared = head.header(header_name::CONTENT_TYPE).map(MediaType::parse);
    // Every Content-Encoding line, as the decoded body view reads them: lines of a list combine.
    let codings: Vec<String> = head
        .list(header_name::CONTENT_ENCODING)
        .map(|coding| String::from_utf8_lossy(coding).to_ascii_lowercase())
        .filter(|coding| coding != "identity")
        .collect();
    let encoding = (!codings.is_empty()).then(|| codings.join(", "));
    let chunked = head.framing == Framing::Chunked;
    // The first chunk's size line is framing, not content: look past it to tell the kind.
    let content = if chunked { after_first_chunk_size(body) } else { body };
    let what = if body.is_empty() && (complete || head.framing == Framing::NoBody) {
        nothing_story(head)
    } else if body.is_empty() {
        "The body has not arrived yet.".to_owned()
    } else {
        let mut what = kind_story(declared.as_ref(), encoding.as_deref(), sniff(content));
        if chunked {
            what.push_str(" It comes in chunks: pieces, each after a line with its size.");
        }
        what
    };
    BodyStory {
        what,
        first_bytes: one_line_bytes(&body[..body.len().min(FIRST_BYTES * 4)], FIRST_BYTES),
        size: format::bytes(size),
        exact_size: format::exact(size),
    }
}

fn nothing_story(head: &ReplyHead) -> String {
    let why = match head.status {
        204 => "status 204 means there is nothing to send back",
        304 => "status 304 means the copy already kept is still good",
        100..=199 => "a status from 100 to 199 is only a note before the real answer",
        _ if head.framing == Framing::NoBody => "it answers a request that asked only about the page (HEAD)",
        _ => "the server sent no body after the empty line",
    };
    format!("Nothing at all: {why}.")
}

/// What the body is, from what the server says and what its first bytes look like.
fn kind_story(declared: Option<&MediaType>, encoding: Option<&str>, sniffed: Option<BodyKind>) -> String {
    let said = declared.map(describe_media_type);
    if let Some(encoding) = encoding {
        let inside = said.map_or_else(String::new, |said| format!(" Once unpacked, the server says it is {said}."));
        let unlike = if encoding.contains("gzip") && sniffed.is_some_and(|k| k != BodyKind::Gzip) {
            " But its first bytes do not start the way gzip's do."
        } else {
            ""
        };
        return format!(
            "Compressed bytes: the server squeezed the body with {} (Content-Encoding) to send fewer bytes, \
             so it must be unpacked before it can be read.{inside}{unlike}",
            visible(encoding)
        );
    }
    let declared_kind = declared.and_then(BodyKind::of_media_type);
    match (said, declared_kind, sniffed) {
        (None, _, Some(sniffed)) => format!(
            "The server does not say what kind it is; its first bytes look like {}. {}",
            sniffed.name(),
            sniffed.use_of()
        ),
        (None, _, None) => "The server does not say what kind it is.".to_owned(),
        (Some(said), Some(kind), sniffed) if sniffed.is_none_or(|s| agrees(kind, s)) => {
            format!("{}. {}", capitalised(&said), kind.use_of())
        }
        (Some(said), _, Some(sniffed)) => format!(
            "The server says it is {said}, but its first bytes look like {}. {}",
            sniffed.name(),
            sniffed.use_of()
        ),
        (Some(said), _, None) => format!("{}.", capitalised(&said)),
    }
}

/// Whether first bytes that look like `sniffed` fit a body said to be `declared`.
fn agrees(declared: BodyKind, sniffed: BodyKind) -> bool {
    declared == sniffed
        || (sniffed == BodyKind::PlainText && declared.is_text())
        || (declared == BodyKind::Xml && sniffed == BodyKind::Svg)
        || (declared == BodyKind::Svg && sniffed == BodyKind::Xml)
        || (declared == BodyKind::OtherImage && !sniffed.is_text())
        || matches!(declared, BodyKind::NotText | BodyKind::Audio | BodyKind::Video | BodyKind::Font)
            && !sniffed.is_text()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The bytes after a chunked body's first size line (`1a;ext\r\n`), or all of them when the line
/// is not there yet or is not a size.
fn after_first_chunk_size(body: &[u8]) -> &[u8] {
    const SIZE_LINE: usize = 1024;
    let Some(end) = body[..body.len().min(SIZE_LINE)].windows(2).position(|w| w == b"\r\n") else { return body };
    let size = body[..end].split(|b| *b == b';').next().unwrap_or_default();
    if !size.is_empty() && size.iter().all(u8::is_ascii_hexdigit) { &body[end + 2..] } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16, framing: Framing, headers: &[(&str, &str)]) -> ReplyHead {
        ReplyHead::for_tests(status, framing, headers)
    }

    #[test]
    fn first_bytes_tell_the_kind() {
        let cases: [(&[u8], BodyKind); 16] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", BodyKind::Png),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", BodyKind::Jpeg),
            (b"GIF89a\x01\0", BodyKind::Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", BodyKind::Webp),
            (b"%PDF-1.7\n", BodyKind::Pdf),
            (b"\x1f\x8b\x08\0", BodyKind::Gzip),
            (b"<!DOCTYPE html>\n<html>", BodyKind::Html),
            (b"\xef\xbb\xbf  \n<HTML lang=en>", BodyKind::Html),
            (b"<?xml version=\"1.0\"?><svg xmlns=", BodyKind::Svg),
            (b"<svg width=\"10\">", BodyKind::Svg),
            (b"<?xml version=\"1.0\"?><feed>", BodyKind::Xml),
            (b"{\"name\": \"value\"}", BodyKind::Json),
            (b"\n [1, 2, 3]", BodyKind::Json),
            (b"Hello, world.\r\n", BodyKind::PlainText),
            (b"caf\xc3", BodyKind::PlainText),
            (b"\0\x01\x02\x03", BodyKind::NotText),
        ];
        for (bytes, kind) in cases {
            assert_eq!(sniff(bytes), Some(kind), "{bytes:?}");
        }
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"caf\xc3 au lait"), Some(BodyKind::NotText), "an invalid byte inside is not text");
        assert_eq!(sniff(b"text\x1b[31m"), Some(BodyKind::NotText), "an escape byte is not text");
        // Only the first bytes are read: a text start is text, whatever comes far after it.
        let mut long = "é".repeat(SNIFF_BYTES).into_bytes();
        long.push(0);
        assert_eq!(sniff(&long), Some(BodyKind::PlainText));
    }

    #[test]
    fn content_types_name_their_kind() {
        let cases = [
            ("text/html; charset=utf-8", Some(BodyKind::Html)),
            ("Application/JSON", Some(BodyKind::Json)),
            ("application/problem+json", Some(BodyKind::Json)),
            ("image/png", Some(BodyKind::Png)),
            ("image/avif", Some(BodyKind::OtherImage)),
            ("image/svg+xml", Some(BodyKind::Svg)),
            ("text/css", Some(BodyKind::Css)),
            ("text/javascript", Some(BodyKind::JavaScript)),
            ("application/rss+xml", Some(BodyKind::Xml)),
            ("application/x-made-up", None),
        ];
        for (value, kind) in cases {
            assert_eq!(BodyKind::of_media_type(&MediaType::parse(value.as_bytes())), kind, "{value}");
        }
        let html = MediaType::parse(b"text/html; charset=\"UTF-8\"");
        assert_eq!(describe_media_type(&html), "an HTML page, its letters written in the UTF-8 character set");
        let made_up = MediaType::parse(b"application/x-made-up");
        assert_eq!(describe_media_type(&made_up), "a kind named \"application/x-made-up\"");
    }

    #[test]
    fn every_content_encoding_line_counts_as_the_decoder_reads_them() {
        let two_lines =
            head(200, Framing::Length(2), &[("Content-Encoding", "identity"), ("content-encoding", " GZIP ,")]);
        let story = describe_body(&two_lines, b"\x1f\x8b", 0, true);
        assert!(story.what.starts_with("Compressed bytes: the server squeezed the body with gzip "), "{}", story.what);
        let identity = head(200, Framing::Length(2), &[("Content-Encoding", "identity")]);
        assert!(!describe_body(&identity, b"hi", 0, true).what.contains("Compressed"));
    }

    #[test]
    fn a_body_is_told_by_what_it_is() {
        let json = describe_body(
            &head(200, Framing::Length(7), &[("Content-Type", "application/json")]),
            b"{\"a\":1}",
            0,
            true,
        );
        assert!(json.what.starts_with("JSON data."), "{}", json.what);
        assert!(!json.what.contains("browser would draw"), "{}", json.what);
        assert_eq!(json.first_bytes, "{\"a\":1}");
        assert_eq!(json.size, "7 bytes");

        let png = describe_body(
            &head(200, Framing::UntilClose, &[("Content-Type", "image/png")]),
            b"\x89PNG\r\n\x1a\n",
            0,
            true,
        );
        assert!(png.what.starts_with("A PNG image."), "{}", png.what);
        assert_eq!(png.first_bytes, "\\x89PNG\\r\\n\\x1A\\n");

        let html = describe_body(&head(404, Framing::UntilClose, &[("Content-Type", "text/html")]), b"<html>", 0, true);
        assert!(html.what.contains("web browser would draw it"), "{}", html.what);
    }

    #[test]
    fn a_body_unlike_its_content_type_is_said_to_be() {
        let head = head(200, Framing::UntilClose, &[("Content-Type", "text/html")]);
        let story = describe_body(&head, b"\x89PNG\r\n\x1a\n", 0, true);
        assert!(
            story.what.contains("says it is an HTML page, but its first bytes look like a PNG image"),
            "{}",
            story.what
        );
        let plain = describe_body(&head, b"just words", 0, true);
        assert!(!plain.what.contains(" but "), "text fits an HTML page's type: {}", plain.what);
    }

    #[test]
    fn bytes_after_the_reply_are_not_its_body() {
        let keep_alive = head(200, Framing::Length(5), &[("Content-Type", "text/plain")]);
        let story = describe_body(&keep_alive, b"hello<html>", 6, true);
        assert_eq!(story.exact_size, "5 bytes");
        assert_eq!(story.first_bytes, "hello");
        let nothing = describe_body(&head(204, Framing::NoBody, &[]), b"extra", 5, true);
        assert!(nothing.what.starts_with("Nothing at all"), "{}", nothing.what);
        let odd = describe_body(&keep_alive, b"ab", u64::MAX, true);
        assert_eq!(odd.exact_size, "0 bytes", "a count larger than what arrived takes it all, no more");
    }

    #[test]
    fn nothing_at_all_is_said_with_why() {
        for (status, framing, why) in [
            (204, Framing::NoBody, "204"),
            (304, Framing::NoBody, "304"),
            (200, Framing::NoBody, "HEAD"),
            (301, Framing::Length(0), "no body"),
        ] {
            let story = describe_body(&head(status, framing, &[("Location", "/")]), b"", 0, true);
            assert!(story.what.starts_with("Nothing at all") && story.what.contains(why), "{status}: {}", story.what);
            assert!(story.first_bytes.is_empty());
        }
        let waiting = describe_body(&head(200, Framing::Length(5), &[]), b"", 0, false);
        assert!(waiting.what.contains("not arrived yet"));
    }

    #[test]
    fn compressed_and_chunked_bodies_say_so() {
        let gzip = head(200, Framing::Length(4), &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")]);
        let story = describe_body(&gzip, b"\x1f\x8b\x08\0", 0, true);
        assert!(story.what.starts_with("Compressed bytes") && story.what.contains("gzip"), "{}", story.what);
        assert!(story.what.contains("Once unpacked, the server says it is an HTML page"), "{}", story.what);

        let chunked = head(200, Framing::Chunked, &[("Content-Type", "application/json")]);
        let story = describe_body(&chunked, b"7\r\n{\"a\":1}\r\n0\r\n\r\n", 0, true);
        assert!(story.what.starts_with("JSON data.") && story.what.contains("chunks"), "{}", story.what);
        assert!(story.first_bytes.starts_with("7\\r\\n{"), "the raw bytes, size line and all: {}", story.first_bytes);
    }

    proptest::proptest! {
        /// Whatever the bytes and the headers, the body is told without a panic, and its first
        /// bytes are one short line with nothing a label or a terminal would obey.
        #[test]
        fn any_body_is_told_safely(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            kind in "[ -~]{0,40}",
            encoding in "[ -~]{0,10}",
            chunked in proptest::prelude::any::<bool>(),
        ) {
            let framing = if chunked { Framing::Chunked } else { Framing::UntilClose };
            let story = describe_body(&head(200, framing, &[("Content-Type", &kind), ("Content-Encoding", &encoding)]), &body, 0, true);
            proptest::prop_assert!(!story.what.is_empty());
            // The longest mark, `\u{E007F}`, is 9 characters; "…" ends a cut line.
            proptest::prop_assert!(story.first_bytes.chars().count() <= FIRST_BYTES * 9 + 1);
            proptest::prop_assert!(!story.first_bytes.chars().any(|c| c.is_control() || crate::escape::is_invisible(c)));
            proptest::prop_assert_eq!(story.exact_size, format::exact(body.len() as u64));
        }
    }

    #[test]
    fn first_bytes_are_one_safe_short_line() {
        assert_eq!(one_line_bytes(b"a\r\nb\x1b[0m\xff\xfe", 80), "a\\r\\nb\\x1B[0m\\xFF\\xFE");
        assert_eq!(one_line_bytes("\u{202e}x".as_bytes(), 80), "\\u{202E}x");
        assert_eq!(one_line_bytes(&[b'x'; 100], 48), format!("{}…", "x".repeat(48)));
        assert_eq!(one_line_bytes(b"", 48), "");
    }
}
