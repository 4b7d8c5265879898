//! Shaping the request: a [`RequestSpec`] a person edits field by field (method, path, version,
//! headers, body) becomes a [`Request`], exactly the bytes to send.
//!
//! Injection-proof by construction: a [`Request`] can only be made by [`RequestSpec::build`], which
//! refuses any field that would change the request's meaning (a line break in a header value, a
//! space in the method, ...) with a [`RequestProblem`] naming the field. Nothing is sent then.
//!
//! Rules that are filled in for you, each visible in the bytes before anything is sent:
//! - **Host** is in the list from the start ([`RequestSpec::new`]), editable like any header.
//! - **Connection: close** is added to an HTTP/1.1 request, whose connections otherwise stay open
//!   after the reply, unless the list has a Connection header of its own.
//! - **Content-Length** is added when there is a body, after the listed headers, unless the list has a
//!   Content-Length header of its own: then the one typed is sent as typed, even when it is not the
//!   body's size (as curl does with `-H 'Content-Length: ...'`), since seeing how a server takes a
//!   wrong length is a developer's question.
//!
//! A header is **removed** by keeping its row switched off ([`HeaderField::on`] false): it is not
//! sent, and its name still counts as "the list has one", so nothing is added in its place. That is
//! how the terminal's `-H 'Connection:'` (curl's way to remove a header) is expressed.
//!
//! A body is shared, never copied: the spec, the request built from it, each hop that sends it
//! again and the bytes the worker sends ([`Request::outgoing`]) all point at the one copy, so a
//! large upload (`--data-binary @FILE`) is held in memory once.

use std::sync::Arc;

use thiserror::Error;

use super::error::InputError;
use super::target::{Target, parse_path};
use crate::server_text::one_line;

/// The HTTP version of the request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    /// The tutorial's: the server hangs up after its reply.
    #[default]
    Http10,
    Http11,
}

impl Version {
    /// As in the request line: `HTTP/1.0` or `HTTP/1.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http10 => "HTTP/1.0",
            Self::Http11 => "HTTP/1.1",
        }
    }
}

/// A request's method: the common ones by name, any other token as sent. Methods are compared with
/// their case (RFC 9110, section 9.1): `head` is not `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
    Patch,
    Connect,
    Trace,
    /// Any other token, as sent.
    Other(String),
}

impl Method {
    /// The method a token names; the token must already be one (see [`RequestSpec::build`]).
    fn of_token(token: String) -> Self {
        match token.as_str() {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "DELETE" => Self::Delete,
            "OPTIONS" => Self::Options,
            "PATCH" => Self::Patch,
            "CONNECT" => Self::Connect,
            "TRACE" => Self::Trace,
            _ => Self::Other(token),
        }
    }

    /// As in the request line: `GET`, `HEAD`, ...
    pub fn as_str(&self) -> &str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Patch => "PATCH",
            Self::Connect => "CONNECT",
            Self::Trace => "TRACE",
            Self::Other(token) => token,
        }
    }
}

/// One row of the header list, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    pub name: String,
    pub value: String,
    /// Off: the row is kept but not sent, and no header of its name is added for you.
    pub on: bool,
}

impl HeaderField {
    pub fn new(name: &str, value: &str) -> Self {
        Self { name: name.to_owned(), value: value.to_owned(), on: true }
    }

    /// A row switched off: "do not send this header", curl's `-H 'Name:'`.
    pub fn removed(name: &str) -> Self {
        Self { on: false, ..Self::new(name, "") }
    }
}

/// What a person asks for, field by field; [`RequestSpec::build`] makes it into bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    /// `GET`, `HEAD`, `POST`, ... or any other token.
    pub method: String,
    /// As typed: spaces and letters beyond ASCII are percent-encoded as a browser does.
    pub path: String,
    pub version: Version,
    /// In the order sent.
    pub headers: Vec<HeaderField>,
    /// Shared with every request built from the spec: `b"a=1".to_vec().into()`.
    pub body: Arc<Vec<u8>>,
}

impl RequestSpec {
    /// The tutorial's request to `target`: `GET <path> HTTP/1.0` and its Host header.
    pub fn new(target: &Target) -> Self {
        Self {
            method: "GET".to_owned(),
            path: target.path.clone(),
            version: Version::Http10,
            headers: vec![HeaderField::new("Host", &target.host_header())],
            body: Arc::default(),
        }
    }

    /// Whether the list has a row named `name` (any case), sent or switched off.
    pub fn lists(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.name.trim().eq_ignore_ascii_case(name))
    }

    /// The request, or the first field that cannot be sent, in the order the fields are shown.
    pub fn build(&self) -> Result<Request, RequestProblem> {
        let method =
            token(&self.method).map(Method::of_token).ok_or_else(|| RequestProblem::Method(one_line(&self.method)))?;
        let path =
            if self.path == "*" { "*".to_owned() } else { parse_path(&self.path).map_err(RequestProblem::Path)? };
        let mut headers = Vec::with_capacity(self.headers.len() + 2);
        for (row, field) in self.headers.iter().enumerate() {
            let name = token(field.name.trim())
                .ok_or_else(|| RequestProblem::HeaderName { row, name: one_line(&field.name) })?;
            let value = field_value(&field.value).map_err(|bad| RequestProblem::HeaderValue {
                row,
                name: one_line(&field.name),
                bad,
            })?;
            if field.on {
                headers.push((name, value));
            }
        }
        if self.version == Version::Http11 && !self.lists("Connection") {
            headers.push(("Connection".to_owned(), "close".to_owned()));
        }
        if !self.body.is_empty() && !self.lists("Content-Length") {
            headers.push(("Content-Length".to_owned(), self.body.len().to_string()));
        }
        Ok(Request { method, path, version: self.version, headers, body: Arc::clone(&self.body) })
    }
}

/// A well-formed request: only [`RequestSpec::build`] makes one, so every field is safe to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    method: Method,
    path: String,
    version: Version,
    headers: Vec<(String, String)>,
    body: Arc<Vec<u8>>,
}

/// Exactly the bytes a request sends, as two shared pieces sent one after the other: the head,
/// then the body. A body up to [`JOINED_BODY_MAX`] is joined to the head, so a small request goes
/// out in one write, as it was built; a larger one is sent from where it is held, not copied.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    /// The head, and the body when it is joined.
    pub first: Arc<[u8]>,
    /// The body, when it is not joined; else empty.
    pub then: Arc<Vec<u8>>,
}

/// The largest body copied next to its head to go out in the same writes (see [`Outgoing`]).
pub const JOINED_BODY_MAX: usize = 1 << 20;

impl Outgoing {
    /// Bytes sent as they are, in one piece.
    pub fn whole(bytes: &[u8]) -> Self {
        Self { first: Arc::from(bytes), then: Arc::default() }
    }

    pub fn len(&self) -> usize {
        self.first.len() + self.then.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What is left to send once `sent` bytes are: the rest of the piece that holds byte `sent`.
    pub fn after(&self, sent: usize) -> &[u8] {
        match sent.checked_sub(self.first.len()) {
            None => &self.first[sent..],
            Some(in_then) => &self.then[in_then.min(self.then.len())..],
        }
    }
}

impl Request {
    /// The tutorial's request to `target`: `GET <path> HTTP/1.0` with a Host header. The tutorial
    /// sent no Host header; nearly every server today hosts many sites on one address and needs it
    /// to know which site is meant.
    pub fn tutorial(target: &Target) -> Self {
        Self {
            method: Method::Get,
            path: target.path.clone(),
            version: Version::Http10,
            headers: vec![("Host".to_owned(), target.host_header())],
            body: Arc::default(),
        }
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path as sent: printable ASCII with no spaces.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// Every header sent, in order, the ones added for you included.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Exactly the bytes sent: the request line, each header (`Name: value`, or `Name:` for an
    /// empty value), the empty line, and the body.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.head();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// The same bytes as [`Request::bytes`], with a large body shared instead of copied.
    pub fn outgoing(&self) -> Outgoing {
        if self.body.len() <= JOINED_BODY_MAX {
            return Outgoing { first: Arc::from(self.bytes()), then: Arc::default() };
        }
        Outgoing { first: Arc::from(self.head()), then: Arc::clone(&self.body) }
    }

    /// The request line, the headers and the empty line.
    fn head(&self) -> Vec<u8> {
        let mut head = format!("{} {} {}\r\n", self.method.as_str(), self.path, self.version.as_str());
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push(':');
            if !value.is_empty() {
                head.push(' ');
                head.push_str(value);
            }
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// The tutorial's request to `target`, as bytes: see [`Request::tutorial`].
pub fn default_request(target: &Target) -> Vec<u8> {
    Request::tutorial(target).bytes()
}

/// Which field cannot be sent, in plain words, for a message next to it; [`RequestProblem::hint`]
/// says what to try.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RequestProblem {
    #[error(
        "The method \"{0}\" cannot be sent: a method is one word of letters, digits and a few signs such as - and _, with no spaces or line breaks."
    )]
    Method(String),
    #[error("{0}")]
    Path(InputError),
    #[error(
        "The name of header {} (\"{name}\") cannot be sent: a header's name is one word of letters, digits and a few signs such as -, with no spaces, colons or line breaks.",
        row + 1
    )]
    HeaderName { row: usize, name: String },
    #[error(
        "The value of header {} (\"{name}\") has a {} in it: inside a header it would end the line, and the rest would be read as a header or a request of its own.",
        row + 1,
        bad.describe()
    )]
    HeaderValue { row: usize, name: String, bad: BadByte },
}

/// A byte a header value cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadByte {
    CarriageReturn,
    LineFeed,
    Nul,
}

impl BadByte {
    fn describe(self) -> &'static str {
        match self {
            Self::CarriageReturn => "line break (carriage return, \\r)",
            Self::LineFeed => "line break (\\n)",
            Self::Nul => "zero byte (NUL, \\0)",
        }
    }
}

/// The field a [`RequestProblem`] is about, to put its message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Path,
    /// The header row, counting from 0.
    Header(usize),
}

impl RequestProblem {
    pub fn field(&self) -> Field {
        match self {
            Self::Method(_) => Field::Method,
            Self::Path(_) => Field::Path,
            Self::HeaderName { row, .. } | Self::HeaderValue { row, .. } => Field::Header(*row),
        }
    }

    /// What to try, in one sentence.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Method(_) => "Type a method such as GET, HEAD or POST.",
            Self::Path(_) => {
                "Remove the control character from the path, or write it percent-encoded (%0D%0A for a line break)."
            }
            Self::HeaderName { .. } => "Type a name such as Accept or X-My-Header, without the colon.",
            Self::HeaderValue { .. } => {
                "Remove the line break or zero byte; for several values, separate them with commas on one line."
            }
        }
    }
}

/// HTTP's token (RFC 9110, section 5.6.2): a method or a header name. `None` when it is not one.
fn token(text: &str) -> Option<String> {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    (!text.is_empty() && text.bytes().all(is_tchar)).then(|| text.to_owned())
}

/// A header value without its surrounding blanks (they are not part of it, RFC 9110 section 5.5),
/// or the first byte that would end the header line.
fn field_value(text: &str) -> Result<String, BadByte> {
    match text.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        Some(b'\r') => Err(BadByte::CarriageReturn),
        Some(b'\n') => Err(BadByte::LineFeed),
        Some(_) => Err(BadByte::Nul),
        None => Ok(text.trim_matches([' ', '\t']).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::parse("127.0.0.1", "8080").unwrap()
    }

    #[test]
    fn the_default_spec_sends_the_tutorials_request() {
        for (host, port) in [("127.0.0.1", "8080"), ("http://example.invalid/a b?c=d", "80"), ("::1", "80")] {
            let target = Target::parse(host, port).unwrap();
            assert_eq!(RequestSpec::new(&target).build().unwrap().bytes(), default_request(&target));
        }
    }

    #[test]
    fn http11_closes_and_a_body_gets_its_length_unless_listed() {
        let mut spec = RequestSpec::new(&target());
        spec.version = Version::Http11;
        spec.method = "POST".to_owned();
        spec.body = b"a=1".to_vec().into();
        assert_eq!(
            spec.build().unwrap().bytes(),
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\nContent-Length: 3\r\n\r\na=1"
        );
        spec.headers = vec![HeaderField::removed("Connection"), HeaderField::new("content-length", " 99 ")];
        assert_eq!(spec.build().unwrap().bytes(), b"POST / HTTP/1.1\r\ncontent-length: 99\r\n\r\na=1");
    }

    #[test]
    fn a_large_body_is_sent_from_where_it_is_held_and_a_small_one_with_its_head() {
        for size in [0, 3, JOINED_BODY_MAX, JOINED_BODY_MAX + 1] {
            let mut spec = RequestSpec::new(&target());
            spec.body = Arc::new((0..size).map(|i| u8::try_from(i % 251).unwrap()).collect());
            let request = spec.build().unwrap();
            let outgoing = request.outgoing();
            assert!(Arc::ptr_eq(&spec.body, &request.body), "{size}: the request shares the spec's body");
            assert_eq!(Arc::ptr_eq(&spec.body, &outgoing.then), size > JOINED_BODY_MAX, "{size}");
            // Sent piece after piece, in writes of any size, it is exactly the request's bytes.
            let mut sent = Vec::new();
            while sent.len() < outgoing.len() {
                let rest = outgoing.after(sent.len());
                sent.extend_from_slice(&rest[..rest.len().min(70_000)]);
            }
            assert!(sent == request.bytes(), "{size}");
        }
    }

    #[test]
    fn each_field_that_would_change_the_meaning_is_refused_and_named() {
        type Edit = dyn Fn(&mut RequestSpec);
        let base = RequestSpec::new(&target());
        let cases: [(&Edit, Field); 5] = [
            (&|s| s.method = "GET / HTTP/1.0\r\n".to_owned(), Field::Method),
            (&|s| s.method = String::new(), Field::Method),
            (&|s| s.path = "/x\r\nEvil: 1".to_owned(), Field::Path),
            (&|s| s.headers.push(HeaderField::new("X: y", "z")), Field::Header(1)),
            (&|s| s.headers[0].value = "a\0b".to_owned(), Field::Header(0)),
        ];
        for (edit, field) in cases {
            let mut spec = base.clone();
            edit(&mut spec);
            assert_eq!(spec.build().map_err(|p| p.field()), Err(field), "{spec:?}");
        }
        // A switched-off row is still checked: the list must stay sendable when it is switched on.
        let mut spec = base;
        spec.headers.push(HeaderField { on: false, ..HeaderField::new("X", "a\nb") });
        assert!(spec.build().is_err());
    }
}
