//! curl's request flags, with curl's meanings, turned into a [`RequestSpec`]: `-X`, `-I`, `-H`
//! (repeatable; `-H 'Name:'` removes a header, `-H 'Name;'` sends it empty), `-d` and
//! `--data-binary` (they imply POST and `Content-Type: application/x-www-form-urlencoded`; several
//! are joined with `&`), `--http1.1`; after a redirect, the `-H` headers curl keeps from another
//! host ([`Carried`]).

use std::io::Read as _;
use std::sync::Arc;

use super::flag_error::FlagError;
use crate::fetch::{Carried, HeaderField, RequestSpec, Target, Version};
use crate::server_text::one_line;

/// The Content-Type curl sends with `-d` and `--data-binary`, unless a header says otherwise.
pub const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// What the request flags asked for, read once (files included) and applied to each hop's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFlags {
    pub method: Option<String>,
    pub version: Version,
    pub headers: Vec<HeaderFlag>,
    /// `None` without `-d` or `--data-binary`; an empty body is still a body for the method. Held
    /// once, and shared with each hop's request.
    pub body: Option<Arc<Vec<u8>>>,
}

/// One `-H`, as curl reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderFlag {
    /// `Name: value`, or `Name;` for an empty value.
    Set { name: String, value: String },
    /// `Name:` with nothing after it: do not send it.
    Remove { name: String },
}

impl HeaderFlag {
    /// Reads one `-H` argument; `Err` says why it is not a header.
    pub fn parse(text: &str) -> Result<Self, FlagError> {
        let colon = text.find(':');
        let semicolon = text.find(';').filter(|&at| colon.is_none_or(|c| at < c));
        match (colon, semicolon) {
            (_, Some(at)) if text[at + 1..].trim().is_empty() => {
                Ok(Self::Set { name: text[..at].to_owned(), value: String::new() })
            }
            (Some(at), _) if text[at + 1..].trim().is_empty() => Ok(Self::Remove { name: text[..at].to_owned() }),
            (Some(at), _) => Ok(Self::Set { name: text[..at].to_owned(), value: text[at + 1..].to_owned() }),
            (None, _) => Err(FlagError::NotAHeader(text.to_owned())),
        }
    }

    /// The header's name, as typed.
    pub fn name(&self) -> &str {
        match self {
            Self::Set { name, .. } | Self::Remove { name } => name,
        }
    }
}

/// Adds the data of `-d` (text, or `@FILE` read with its line breaks left out, as curl does) or of
/// `--data-binary` (text, or `@FILE` byte for byte) to the end of `body`; `@-` reads standard
/// input. A file is read straight into `body`, so a large one is held once.
pub fn add_data(body: &mut Vec<u8>, text: &str, binary: bool) -> Result<(), FlagError> {
    let Some(name) = text.strip_prefix('@') else {
        body.extend_from_slice(text.as_bytes());
        return Ok(());
    };
    let start = body.len();
    // A file's read_to_end makes room for its whole size at once.
    let read = if name == "-" {
        std::io::stdin().read_to_end(body)
    } else {
        std::fs::File::open(name).and_then(|mut file| file.read_to_end(body))
    };
    let flag = if binary { "--data-binary" } else { "-d" };
    read.map_err(|error| FlagError::DataUnreadable { flag, name: name.to_owned(), error })?;
    if !binary {
        // Line breaks out, in place.
        let mut kept = start;
        for at in start..body.len() {
            let byte = body[at];
            if !matches!(byte, b'\r' | b'\n') {
                body[kept] = byte;
                kept += 1;
            }
        }
        body.truncate(kept);
    }
    Ok(())
}

impl RequestFlags {
    /// The request these flags ask for, to `target`: its Host (unless a flag changes it), then the
    /// Content-Type of the data, then each `-H` in order. A `-H` of a name already there replaces
    /// that header in place; `-H 'Name:'` keeps a switched-off row, so a header the builder would add
    /// (Connection, Content-Length) is left out too.
    ///
    /// `via`: the status of the redirect (`-L`) that led to `target`. After a 301, 302 or 303 the
    /// data's POST becomes a GET without the data, as curl does, unless `-X` named the method.
    /// `carried`: which of the `-H` headers that hop may send; the Host a flag may not set stays
    /// the target's own.
    pub fn spec(&self, target: &Target, via: Option<u16>, carried: Carried) -> RequestSpec {
        let mut spec = RequestSpec::new(target);
        spec.version = self.version;
        let to_get = self.method.is_none() && matches!(via, Some(301..=303));
        if let Some(body) = self.body.as_ref().filter(|_| !to_get) {
            "POST".clone_into(&mut spec.method);
            spec.headers.push(HeaderField::new("Content-Type", FORM_TYPE));
            spec.body = Arc::clone(body);
        }
        if let Some(method) = &self.method {
            method.clone_into(&mut spec.method);
        }
        let defaults = spec.headers.len();
        for flag in self.headers.iter().filter(|flag| carries(flag.name(), carried)) {
            let (name, field) = match flag {
                HeaderFlag::Set { name, value } => (name, HeaderField::new(name, value)),
                HeaderFlag::Remove { name } => (name, HeaderField::removed(name)),
            };
            let default = spec.headers[..defaults].iter_mut().find(|h| h.name.eq_ignore_ascii_case(name.trim()));
            match default {
                Some(row) => *row = field,
                None => spec.headers.push(field),
            }
        }
        spec
    }

    /// Says which `-H` headers a hop leaves out, and why; `None` when it sends them all.
    pub fn left_out_note(&self, carried: Carried) -> Option<String> {
        let names = self.left_out(carried);
        (!names.is_empty()).then(|| {
            format!(
                "not sent on this hop, as curl does: your -H {}. Authorization and Cookie go only to the \
                 first address's host, port and scheme (--location-trusted sends them on), a Host of your \
                 own only to its host name.",
                names.iter().map(|name| one_line(name)).collect::<Vec<_>>().join(", ")
            )
        })
    }

    /// The names of the `-H` headers a hop leaves out, as typed, each once.
    fn left_out(&self, carried: Carried) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.headers.iter().map(HeaderFlag::name).filter(|name| !carries(name, carried)) {
            if !names.iter().any(|n| n.trim().eq_ignore_ascii_case(name.trim())) {
                names.push(name.trim());
            }
        }
        names
    }
}

/// Whether a `-H` header of this name may be sent on a hop: see [`Carried`].
fn carries(name: &str, carried: Carried) -> bool {
    let is = |other: &str| name.trim().eq_ignore_ascii_case(other);
    if is("Host") {
        carried.host
    } else if is("Authorization") || is("Cookie") {
        carried.credentials
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_flags_read_as_curl_reads_them() {
        let set = |n: &str, v: &str| HeaderFlag::Set { name: n.to_owned(), value: v.to_owned() };
        let parse = |text: &str| HeaderFlag::parse(text).unwrap();
        assert_eq!(parse("X-A: 1"), set("X-A", " 1"));
        assert_eq!(parse("X-A: a:b;c"), set("X-A", " a:b;c"));
        assert_eq!(parse("X-A;"), set("X-A", ""));
        assert_eq!(parse("Accept:"), HeaderFlag::Remove { name: "Accept".to_owned() });
        assert!(matches!(HeaderFlag::parse("no colon"), Err(FlagError::NotAHeader(_))));
    }

    #[test]
    fn data_implies_post_and_a_form_type_that_a_header_can_replace() {
        let target = Target::parse("127.0.0.1", "8080").unwrap();
        let flags = RequestFlags {
            method: None,
            version: Version::Http11,
            headers: vec![
                HeaderFlag::parse("content-type: text/plain").unwrap(),
                HeaderFlag::parse("Host:").unwrap(),
                HeaderFlag::parse("X-B: 2").unwrap(),
            ],
            body: Some(Arc::new(b"hi".to_vec())),
        };
        let bytes = flags.spec(&target, None, Carried::ALL).build().unwrap().bytes();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "POST / HTTP/1.1\r\ncontent-type: text/plain\r\nX-B: 2\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn a_hop_leaves_out_the_headers_curl_keeps_from_other_hosts() {
        let target = Target::parse("127.0.0.1", "8080").unwrap();
        let headers = ["Authorization: Bearer S", "X-A: 1", "cookie: a=b", "Host: h.invalid", "COOKIE: c=d"];
        let flags = RequestFlags {
            method: None,
            version: Version::Http10,
            headers: headers.iter().map(|h| HeaderFlag::parse(h).unwrap()).collect(),
            body: None,
        };
        let sent = |credentials, host| {
            let carried = Carried { credentials, host };
            let bytes = flags.spec(&target, Some(302), carried).build().unwrap().bytes();
            (String::from_utf8(bytes).unwrap(), flags.left_out(carried))
        };
        let all = "GET / HTTP/1.0\r\nHost: h.invalid\r\nAuthorization: Bearer S\r\nX-A: 1\r\ncookie: a=b\r\nCOOKIE: c=d\r\n\r\n";
        assert_eq!(sent(true, true), (all.to_owned(), vec![]));
        assert_eq!(
            sent(false, false),
            (
                "GET / HTTP/1.0\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\n\r\n".to_owned(),
                vec!["Authorization", "cookie", "Host"]
            )
        );
        assert_eq!(sent(true, false).1, vec!["Host"]);
    }
}
