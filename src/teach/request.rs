//! The request as it was sent, read back from its bytes and told line by line: the real method,
//! path and version, and each real header.

use super::headers::request_header_meaning;
use crate::server_text::one_line;

/// One line of the request, as sent (shown safely), with what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub shown: String,
    pub meaning: String,
}

/// The request's lines, from its bytes: the request line, each header line, and the empty line
/// that ends it (when it is there).
pub fn request_lines(request: &[u8]) -> Vec<Line> {
    let text = String::from_utf8_lossy(request);
    let mut lines = text.split("\r\n");
    let mut out = Vec::new();
    if let Some(first) = lines.next().filter(|l| !l.is_empty()) {
        out.push(Line { shown: one_line(first), meaning: request_line_meaning(first) });
    }
    for line in lines {
        if line.is_empty() {
            out.push(Line {
                shown: "(empty line)".to_owned(),
                meaning: "The request is finished: the server can answer now.".to_owned(),
            });
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        out.push(Line { shown: one_line(line), meaning: request_header_meaning(name.trim(), value.as_bytes()) });
    }
    out
}

/// The request line told in words: `GET /page.html HTTP/1.0` is "Please give me the page
/// /page.html, following version 1.0 of HTTP, the rules of the web."
pub fn request_line_meaning(line: &str) -> String {
    let mut words = line.split(' ');
    let (Some(method), Some(path), Some(version), None) = (words.next(), words.next(), words.next(), words.next())
    else {
        return format!(
            "This line does not have the usual three parts (what, which page, which rules): {}.",
            one_line(line)
        );
    };
    let ask = match method {
        "GET" => "Please give me".to_owned(),
        "HEAD" => "Please tell me about, without sending it,".to_owned(),
        "POST" => "Please take what follows, for".to_owned(),
        other => format!("Do \"{}\" to", one_line(other)),
    };
    let version = match version.strip_prefix("HTTP/") {
        Some(number) => format!("following version {} of HTTP, the rules of the web", one_line(number)),
        None => format!("following rules named \"{}\"", one_line(version)),
    };
    format!("{ask} {} ({method}), {version}.", path_meaning(path))
}

/// What a path asks for: "the main page (/)" only for `/`.
pub fn path_meaning(path: &str) -> String {
    let (page, query) = path.split_once('?').map_or((path, None), |(page, query)| (page, Some(query)));
    let page = if page == "/" {
        "the main page (/)".to_owned()
    } else if page.ends_with('/') {
        format!("the folder page {}", one_line(page))
    } else if page.starts_with('/') {
        format!("the page {}", one_line(page))
    } else {
        format!("the address {}", one_line(page))
    };
    match query {
        Some(query) => format!("{page}, with the question ?{}", one_line(query)),
        None => page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::headers::UNKNOWN_REQUEST_HEADER;

    #[test]
    fn the_request_line_is_told_from_its_real_parts() {
        assert_eq!(
            request_line_meaning("GET /page.html HTTP/1.0"),
            "Please give me the page /page.html (GET), following version 1.0 of HTTP, the rules of the web."
        );
        assert!(request_line_meaning("GET / HTTP/1.1").contains("the main page (/)"));
        assert!(request_line_meaning("GET / HTTP/1.1").contains("version 1.1"));
        assert!(
            request_line_meaning("HEAD /x HTTP/1.1")
                .starts_with("Please tell me about, without sending it, the page /x")
        );
        assert!(request_line_meaning("GET /docs/ HTTP/1.0").contains("the folder page /docs/"));
        assert!(
            request_line_meaning("GET /search?q=a%20b HTTP/1.0")
                .contains("the page /search, with the question ?q=a%20b")
        );
        assert!(request_line_meaning("GET /a b HTTP/1.0").contains("usual three parts"));
        assert!(!request_line_meaning("GET /page.html HTTP/1.0").contains("main page"));
    }

    #[test]
    fn every_line_of_the_bytes_sent_is_told() {
        let lines = request_lines(b"GET /page.html HTTP/1.0\r\nHost: localhost\r\nX-Mine: 1\r\n\r\n");
        let shown: Vec<&str> = lines.iter().map(|l| l.shown.as_str()).collect();
        assert_eq!(shown, ["GET /page.html HTTP/1.0", "Host: localhost", "X-Mine: 1", "(empty line)"]);
        assert!(lines[0].meaning.contains("the page /page.html"));
        assert!(lines[1].meaning.contains("localhost"));
        assert_eq!(lines[2].meaning, UNKNOWN_REQUEST_HEADER);
        assert!(request_lines(b"").is_empty());
    }
}
