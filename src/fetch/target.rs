//! Turning what a person typed (host field, port field) into a place to fetch from.
//!
//! Pasted URLs are understood rather than refused: `http://example.com:8080/x` gives host
//! `example.com`, port 8080 and path `/x`. A port written in the host field wins over the port field.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::error::InputError;

/// The longest host name DNS allows (RFC 1035), in characters.
pub const MAX_HOST_LEN: usize = 253;

/// The port web servers listen on, used where a person gives none.
pub const DEFAULT_PORT: u16 = 80;

/// A validated host, port and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A DNS name in ASCII (international names converted), or an IP address without brackets.
    pub host: String,
    pub port: u16,
    /// The path asked for in the request line; `/` unless a pasted URL gave one.
    pub path: String,
}

impl Target {
    /// Reads the host and port fields. An empty port field means [`DEFAULT_PORT`].
    pub fn parse(host_field: &str, port_field: &str) -> Result<Self, InputError> {
        let mut rest = host_field.trim();
        if rest.is_empty() {
            return Err(InputError::EmptyHost);
        }
        if rest.chars().any(char::is_control) {
            return Err(InputError::HostHasControl);
        }
        if rest.contains(char::is_whitespace) {
            return Err(InputError::HostHasSpace(rest.to_owned()));
        }
        if let Some((scheme, after)) = split_scheme(rest) {
            if !scheme.eq_ignore_ascii_case("http") {
                return Err(InputError::UnsupportedScheme(scheme.to_owned()));
            }
            rest = after;
        }
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let path = match path {
            "" => "/".to_owned(),
            p if p.starts_with('/') => p.split('#').next().unwrap_or("/").to_owned(),
            p => format!("/{}", p.split('#').next().unwrap_or_default()),
        };
        // user:password@ never belongs in a raw fetch's Host header.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let (host, port_in_host) = split_port(authority)?;
        let port = match port_in_host {
            Some(p) => parse_port(p)?,
            None if port_field.trim().is_empty() => DEFAULT_PORT,
            None => parse_port(port_field)?,
        };
        Ok(Self { host: check_host(host)?, port, path })
    }

    /// The value of the request's Host header: the port is named only when it is not 80.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        if self.port == DEFAULT_PORT { host } else { format!("{host}:{}", self.port) }
    }
}

/// Splits `scheme://rest`. `http:/host` and `http:host`, a slash or two short, are read as browsers
/// read them (rather than as a host called "http" with an empty port); `http:8080` stays a host and port.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    if let Some(found) = text.split_once("://") {
        return Some(found);
    }
    let (scheme, after) = text.split_once(':')?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let is_port = !after.is_empty() && after.bytes().all(|b| b.is_ascii_digit());
    (web && !is_port).then(|| (scheme, after.trim_start_matches('/')))
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
    fn host_header_names_port_only_when_not_80() {
        let t = Target::parse("::1", "8080").unwrap();
        assert_eq!(t.host_header(), "[::1]:8080");
        let t = Target::parse("example.com", "80").unwrap();
        assert_eq!(t.host_header(), "example.com");
    }
}
