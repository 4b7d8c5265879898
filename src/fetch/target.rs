//! Turning what a person typed (host field, port field) into a place to fetch from.
//!
//! Pasted URLs are understood rather than refused: `http://example.com:8080/x` gives host
//! `example.com`, port 8080 and path `/x`. A port written in the host field wins over the port field.

use std::net::{Ipv4Addr, Ipv6Addr};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::{Host, Position, Url};

use super::error::InputError;

/// The WHATWG URL standard's path percent-encode set: what a browser escapes in a path.
const PATH_SET: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');
/// The WHATWG URL standard's special-query percent-encode set: what a browser escapes in an http query.
const QUERY_SET: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'\'');

/// The longest host name DNS allows (RFC 1035), in characters.
pub const MAX_HOST_LEN: usize = 253;

/// The port web servers listen on, used where a person gives none.
pub const DEFAULT_PORT: u16 = 80;
/// The port of https, used for an `https://` address that names none.
pub const HTTPS_PORT: u16 = 443;

/// A validated host, port and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A DNS name in ASCII (international names converted), or an IP address without brackets.
    pub host: String,
    pub port: u16,
    /// The path asked for in the request line; `/` unless a pasted URL gave one.
    pub path: String,
    /// Over HTTPS (TLS): an `https://` address, or a bare host on port 443. An explicit `http://` never is.
    pub secure: bool,
}

impl Target {
    /// Reads the host and port fields. An empty port field means [`DEFAULT_PORT`].
    pub fn parse(host_field: &str, port_field: &str) -> Result<Self, InputError> {
        let text = host_field.trim();
        if text.is_empty() {
            return Err(InputError::EmptyHost);
        }
        let mut rest = text;
        let mut scheme = None;
        if let Some((name, after)) = split_scheme(rest) {
            scheme = Some(name);
            rest = after;
        }
        // A backslash starts the path too, and stands for a slash in it, as browsers read web addresses.
        let (authority, path) = match rest.find(['/', '?', '#', '\\']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        // Everything before the path names the computer; the path has rules of its own.
        let before_path = &text[..text.len() - path.len()];
        if before_path.chars().any(char::is_control) {
            return Err(InputError::HostHasControl);
        }
        if before_path.contains(char::is_whitespace) {
            return Err(InputError::HostHasSpace(before_path.to_owned()));
        }
        let https = scheme.is_some_and(|s| s.eq_ignore_ascii_case("https"));
        if let Some(scheme) = scheme.filter(|s| !s.eq_ignore_ascii_case("http") && !https) {
            return Err(InputError::UnsupportedScheme(scheme.to_owned()));
        }
        let path = if path.is_empty() { "/".to_owned() } else { parse_path(&backslashes_as_slashes(path))? };
        // user:password@ never belongs in a raw fetch's Host header.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let (host, port_in_host) = split_port(authority)?;
        // The port field's usual 80 is http's: an https:// address without a port of its own means 443.
        let field = port_field.trim();
        let port = match port_in_host {
            Some(p) => parse_port(p)?,
            None if https && (field.is_empty() || field == DEFAULT_PORT.to_string()) => HTTPS_PORT,
            None if field.is_empty() => DEFAULT_PORT,
            None => parse_port(port_field)?,
        };
        let secure = https || (scheme.is_none() && port == HTTPS_PORT);
        Ok(Self { host: check_host(host)?, port, path, secure })
    }

    /// The target of an http URL that came from elsewhere than the form (a server's Location), already
    /// parsed by the `url` crate: its path and query are percent-encoded, its host lowercased and in
    /// ASCII. The host field's rules still apply to the host, and port 0 is refused.
    pub fn from_url(url: &Url) -> Result<Self, InputError> {
        let host = match url.host() {
            None => return Err(InputError::EmptyHost),
            Some(Host::Domain(name)) => check_host(name)?,
            Some(Host::Ipv4(address)) => address.to_string(),
            Some(Host::Ipv6(address)) => address.to_string(),
        };
        let port = match url.port_or_known_default() {
            Some(0) => return Err(InputError::PortZero),
            Some(port) => port,
            None => DEFAULT_PORT,
        };
        let secure = url.scheme() == "https";
        Ok(Self { host, port, path: url[Position::BeforePath..Position::AfterQuery].to_owned(), secure })
    }

    /// `https` or `http`.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// The value of the request's Host header: the port is named only when it is not the scheme's own
    /// (80 for http, 443 for https).
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let usual = if self.secure { HTTPS_PORT } else { DEFAULT_PORT };
        if self.port == usual { host } else { format!("{host}:{}", self.port) }
    }
}

/// `\` as `/` in the path part of a URL (before `?` and `#`), as the URL standard reads web addresses.
fn backslashes_as_slashes(path: &str) -> String {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    format!("{}{}", path[..end].replace('\\', "/"), &path[end..])
}

/// Splits `scheme://rest`. `http:/host`, `http:host` and `http:\\host`, a slash or two short or
/// written as backslashes, are read as browsers read them (rather than as a host called "http" with
/// an empty port); `http:8080` stays a host and port.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    if let Some(found) = text.split_once("://") {
        return Some(found);
    }
    let (scheme, after) = text.split_once(':')?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let is_port = !after.is_empty() && after.bytes().all(|b| b.is_ascii_digit());
    (web && !is_port).then(|| (scheme, after.trim_start_matches(['/', '\\'])))
}

/// Splits `host:port`, `[v6]:port` and `[v6]`; a bare IPv6 address (many colons) has no port.
/// An empty port (`host:`) is no port, as in a URL; text after `[v6]` other than `:port` is refused.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), InputError> {
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        match inner.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, after)) => {
                let Some(port) = after.strip_prefix(':') else {
                    let bad = after.chars().next().unwrap_or(']');
                    return Err(InputError::HostBadChar { host: authority.to_owned(), bad });
                };
                (host, Some(port))
            }
            None => (authority, None),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) if !port.contains(':') => (host, Some(port)),
            _ => (authority, None),
        }
    };
    Ok((host, port.filter(|p| !p.is_empty())))
}

/// Reads the path to ask for (`--path`, or the path of a pasted URL) into the text of the request line.
///
/// A control character (CR, LF, NUL, tab, ...) is refused: in the request line it would end the line
/// and let the path write headers or a second request of its own. Spaces, quotes and letters beyond
/// ASCII are percent-encoded as a browser does (`/a b` → `/a%20b`, `/ü` → `/%C3%BC`); a `%` already
/// there is kept, so an encoded path is sent as given. The fragment (`#...`) is the browser's own and
/// is never sent. A missing leading `/` is added.
pub fn parse_path(text: &str) -> Result<String, InputError> {
    if let Some(bad) = text.chars().find(|c| c.is_control()) {
        return Err(InputError::PathHasControl { path: text.to_owned(), bad });
    }
    let text = text.split('#').next().unwrap_or_default();
    let (path, query) = match text.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (text, None),
    };
    let mut out = String::with_capacity(text.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    out.extend(utf8_percent_encode(path, PATH_SET));
    if let Some(query) = query {
        out.push('?');
        out.extend(utf8_percent_encode(query, QUERY_SET));
    }
    Ok(out)
}

/// Parses a port: a whole number from 1 to 65535, surrounding spaces ignored.
pub fn parse_port(text: &str) -> Result<u16, InputError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InputError::EmptyPort);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::PortNotNumber(text.to_owned()));
    }
    match text.parse::<u16>() {
        Ok(0) => Err(InputError::PortZero),
        Ok(port) => Ok(port),
        // All digits but no u16: too large.
        Err(_) => Err(InputError::PortTooLarge(text.to_owned())),
    }
}

fn check_host(host: &str) -> Result<String, InputError> {
    if host.is_empty() {
        return Err(InputError::EmptyHost);
    }
    if host.parse::<Ipv6Addr>().is_ok() || host.parse::<Ipv4Addr>().is_ok() {
        return Ok(host.to_owned());
    }
    if host.chars().count() > MAX_HOST_LEN {
        return Err(InputError::HostTooLong(host.chars().count()));
    }
    // Four dotted numbers that are not an IPv4 address would otherwise go to DNS and fail obscurely.
    if host.split('.').count() == 4 && host.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(InputError::BadIpv4(host.to_owned()));
    }
    let ascii = if host.is_ascii() {
        host.to_owned()
    } else {
        idna::domain_to_ascii(host).map_err(|_| InputError::BadInternationalName(host.to_owned()))?
    };
    if let Some(bad) = ascii.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        return Err(InputError::HostBadChar { host: host.to_owned(), bad });
    }
    if ascii.len() > MAX_HOST_LEN {
        return Err(InputError::HostTooLong(ascii.len()));
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_gives_host_port_and_path() {
        let t = Target::parse("http://example.com:8080/x?y=1#frag", "80").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("example.com", 8080, "/x?y=1"));
    }

    #[test]
    fn paths_are_encoded_as_a_browser_does_and_controls_refused() {
        assert_eq!(parse_path("/a b c").unwrap(), "/a%20b%20c");
        assert_eq!(parse_path("x/ü?q=a b'c#frag").unwrap(), "/x/%C3%BC?q=a%20b%27c");
        assert_eq!(parse_path("/already%20encoded").unwrap(), "/already%20encoded");
        let injected = "/x HTTP/1.0\r\nX-Injected: yes\r\n\r\nGET /second";
        assert_eq!(parse_path(injected), Err(InputError::PathHasControl { path: injected.into(), bad: '\r' }));
        assert!(matches!(parse_path("/\u{85}"), Err(InputError::PathHasControl { bad: '\u{85}', .. })));
    }

    proptest::proptest! {
        /// For any text: refused exactly when it holds a control character; otherwise the request
        /// line gets printable ASCII without spaces that decodes back to what was typed.
        #[test]
        fn any_path_is_refused_or_sent_as_safe_ascii(text in "\\PC{0,40}|[ -~\\r\\n\\t\\x00\\x7f\\u{85}é€]{0,40}") {
            let typed = text.split('#').next().unwrap_or_default();
            match parse_path(&text) {
                Err(InputError::PathHasControl { bad, .. }) => proptest::prop_assert!(bad.is_control()),
                Err(other) => proptest::prop_assert!(false, "{other}"),
                Ok(path) => {
                    proptest::prop_assert!(!text.chars().any(char::is_control));
                    proptest::prop_assert!(path.bytes().all(|b| b.is_ascii_graphic()), "{path:?}");
                    let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy().into_owned();
                    let with_slash = if typed.starts_with('/') { typed.to_owned() } else { format!("/{typed}") };
                    let typed_decoded = percent_encoding::percent_decode_str(&with_slash).decode_utf8_lossy().into_owned();
                    proptest::prop_assert_eq!(decoded, typed_decoded);
                }
            }
        }
    }

    proptest::proptest! {
        /// For any printable path pasted after a host: the host is never blamed, and the request line
        /// gets printable ASCII without spaces that decodes back to what was typed (a backslash before
        /// the query read as a slash, the fragment left out).
        #[test]
        fn any_pasted_path_is_sent_as_safe_ascii(text in "[^\\p{C}]{0,40}") {
            let target = Target::parse(&format!("http://h.invalid:8080/{text}"), "80");
            let target = target.map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!((target.host.as_str(), target.port), ("h.invalid", 8080));
            proptest::prop_assert!(target.path.bytes().all(|b| b.is_ascii_graphic()), "{:?}", target.path);
            // A paste's trailing blanks are not part of it.
            let typed = backslashes_as_slashes(&format!("/{}", text.trim_end()));
            let typed = typed.split('#').next().unwrap_or_default();
            let decoded = percent_encoding::percent_decode_str(&target.path).decode_utf8_lossy().into_owned();
            let typed_decoded = percent_encoding::percent_decode_str(typed).decode_utf8_lossy().into_owned();
            proptest::prop_assert_eq!(decoded, typed_decoded);
        }
    }

    #[test]
    fn https_means_tls_on_443_and_http_never_does() {
        let t = Target::parse("https://example.invalid/x", "80").unwrap();
        assert_eq!((t.port, t.secure, t.path.as_str(), t.host_header().as_str()), (443, true, "/x", "example.invalid"));
        let t = Target::parse("https://example.invalid:8443", "80").unwrap();
        assert_eq!((t.port, t.secure, t.host_header().as_str()), (8443, true, "example.invalid:8443"));
        let t = Target::parse("example.invalid", "443").unwrap();
        assert_eq!((t.port, t.secure), (443, true));
        let t = Target::parse("http://example.invalid:443", "80").unwrap();
        assert_eq!((t.port, t.secure, t.host_header().as_str()), (443, false, "example.invalid:443"));
        assert!(!Target::parse("example.invalid", "80").unwrap().secure);
    }

    #[test]
    fn host_header_names_port_only_when_not_80() {
        let t = Target::parse("::1", "8080").unwrap();
        assert_eq!(t.host_header(), "[::1]:8080");
        let t = Target::parse("example.com", "80").unwrap();
        assert_eq!(t.host_header(), "example.com");
    }
}
