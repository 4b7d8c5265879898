//! Where a reply sends the client next: a 3xx status with a Location header, read into the next hop.
//!
//! The Location is the server's text, so it is read as a claim: it may be relative (`/`, `page2`,
//! `//host/x`, `?q`), resolved against the URL just fetched as a browser does (the `url` crate's
//! `Url::join`, which follows the WHATWG URL standard); it may be another scheme, not text at
//! all, or name a host the host field would refuse. Each case is a [`Redirect`] the window and the
//! terminal can say in plain words.

use thiserror::Error;
use url::Url;

use super::error::InputError;
use super::head::{ReplyHead, header_name};
use super::target::Target;
use crate::server_text::one_line;

/// The most redirects followed in a row (the terminal's `-L`): more is almost always a mistake on the server.
pub const MAX_REDIRECTS: usize = 10;

/// What a redirecting reply asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// An http:// or https:// URL: fetching `target` follows it. `leaves_tls`: from an https page
    /// to a plain http one, so the next request and its reply travel unencrypted.
    Follow { url: Url, target: Target, leaves_tls: bool },
    /// The Location cannot be followed; `location` is the server's text as sent (not yet made safe to show).
    Unusable { location: String, problem: LocationProblem },
}

/// Why a Location cannot be followed, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LocationProblem {
    #[error("it is not text")]
    NotText,
    #[error("it has a control character in it")]
    HasControl,
    #[error("it is empty")]
    Empty,
    #[error("it is not a web address ({0})")]
    NotUrl(url::ParseError),
    #[error("\"{}:\" is another way of talking, which socket-fetch does not speak", one_line(.0))]
    OtherScheme(String),
    /// An address the host field would refuse, said as the server's: its words for typed input
    /// ("type a number ...") would ask the person to fix what the server sent.
    #[error("{}", server_sent(.0))]
    Target(InputError),
}

/// Why the address a server sent cannot be fetched, as a clause (no closing period).
fn server_sent(problem: &InputError) -> String {
    match problem {
        InputError::EmptyHost => "it names no host".to_owned(),
        InputError::HostHasSpace(host) => format!("the host it names, \"{}\", has a space in it", one_line(host)),
        InputError::HostHasControl => "the host it names has an invisible control character in it".to_owned(),
        InputError::HostTooLong(n) => format!("the host it names is {n} characters long; a name can be at most 253"),
        InputError::HostBadChar { host, bad } => format!(
            "the host it names, \"{}\", has a character a computer name cannot have: '{}'",
            one_line(host),
            one_line(&bad.to_string())
        ),
        InputError::BadIpv4(host) => format!(
            "it names \"{}\", which looks like an IP address, but each of its four numbers must be from 0 to 255",
            one_line(host)
        ),
        InputError::BadInternationalName(host) => format!(
            "it names \"{}\", which cannot be written in the plain letters the internet's phone book uses",
            one_line(host)
        ),
        InputError::UnsupportedScheme(scheme) => {
            format!("\"{}:\" is another way of talking, which socket-fetch does not speak", one_line(scheme))
        }
        InputError::PortZero => "it names port 0, which is reserved: no server can listen on it".to_owned(),
        InputError::EmptyPort | InputError::PortNotNumber(_) | InputError::PortTooLarge(_) => {
            "the port it names is not one from 1 to 65535".to_owned()
        }
        InputError::PathHasControl { .. } => "its path has a control character in it".to_owned(),
        InputError::Limit(limit) => limit.to_string(),
    }
}

/// The statuses that send the client elsewhere. 304 (Not Modified) is a 3xx that means "use the copy
/// you have", so it is not one, as in curl.
pub fn is_redirect_status(status: u16) -> bool {
    (300..400).contains(&status) && status != 304
}

/// The redirect a reply to a fetch of `current` asks for: `None` unless its status is a redirect and
/// it has a Location (the first, when a server sends several).
pub fn redirect_of(head: &ReplyHead, current: &Target) -> Option<Redirect> {
    if !is_redirect_status(head.status) {
        return None;
    }
    let location = head.header(header_name::LOCATION)?;
    Some(match url_of(current) {
        Ok(current) => resolve_location(&current, location),
        // A checked target always makes a URL; were it not to, the Location could not be read against it.
        Err(e) => Redirect::Unusable {
            location: String::from_utf8_lossy(location).into_owned(),
            problem: LocationProblem::NotUrl(e),
        },
    })
}

/// Reads a Location's bytes against the URL it came from.
pub fn resolve_location(current: &Url, location: &[u8]) -> Redirect {
    let Ok(text) = std::str::from_utf8(location) else {
        let location = String::from_utf8_lossy(location).into_owned();
        return Redirect::Unusable { location, problem: LocationProblem::NotText };
    };
    let unusable = |problem| Redirect::Unusable { location: text.to_owned(), problem };
    // Header values carry their surrounding blanks; the URL parser would drop a tab or line break
    // inside silently, so a control character is refused before it looks.
    let trimmed = text.trim_matches([' ', '\t']);
    if trimmed.chars().any(char::is_control) {
        return unusable(LocationProblem::HasControl);
    }
    if trimmed.is_empty() {
        return unusable(LocationProblem::Empty);
    }
    let url = match current.join(trimmed) {
        Ok(url) => url,
        Err(e) => return unusable(LocationProblem::NotUrl(e)),
    };
    match url.scheme() {
        "http" | "https" => match Target::from_url(&url) {
            Ok(target) => {
                let leaves_tls = current.scheme() == "https" && !target.secure;
                Redirect::Follow { url: without_fragment(url), target, leaves_tls }
            }
            Err(e) => unusable(LocationProblem::Target(e)),
        },
        other => unusable(LocationProblem::OtherScheme(other.to_owned())),
    }
}

/// The URL a target is fetched from, as the next Location is read against and as hops are compared.
pub fn url_of(target: &Target) -> Result<Url, url::ParseError> {
    Url::parse(&format!("{}://{}{}", target.scheme(), target.host_header(), target.path))
}

/// Which of the first request's own headers (`-H`) a hop after a redirect still sends, as curl
/// decides it: Authorization and Cookie go only to the first URL's host, port and scheme (so a
/// chain A → B → A sends them again at its end), unless curl's `--location-trusted` says to send
/// them anywhere; a Host header of one's own goes only to the first URL's host name, whatever the
/// port, scheme or `--location-trusted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    /// Authorization and Cookie.
    pub credentials: bool,
    pub host: bool,
}

impl Carried {
    /// The first hop sends every header it was given.
    pub const ALL: Self = Self { credentials: true, host: true };

    /// For a hop to `next` in a chain that began at `first`; `trusted` is `--location-trusted`.
    pub fn to(first: &Target, next: &Target, trusted: bool) -> Self {
        let same_name = first.host.eq_ignore_ascii_case(&next.host);
        let same_origin = same_name && first.port == next.port && first.secure == next.secure;
        Self { credentials: trusted || same_origin, host: same_name }
    }
}

/// The fragment (`#...`) is the browser's own: it is never sent, so two URLs that differ only in it
/// are the same fetch.
fn without_fragment(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::Framing;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8801/dir/page?old=1").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The URL and target followed, or what came instead.
    fn followed(location: &str) -> (String, String, u16, String) {
        match resolve_location(&base(), location.as_bytes()) {
            Redirect::Follow { url, target, .. } => (url.to_string(), target.host, target.port, target.path),
            other @ Redirect::Unusable { .. } => panic!("{location:?}: {other:?}"),
        }
    }

    #[test]
    fn relative_and_absolute_locations_resolve_as_a_browser_does() {
        let cases = [
            ("/", "http://127.0.0.1:8801/", "127.0.0.1", 8801, "/"),
            ("page2", "http://127.0.0.1:8801/dir/page2", "127.0.0.1", 8801, "/dir/page2"),
            ("?q", "http://127.0.0.1:8801/dir/page?q", "127.0.0.1", 8801, "/dir/page?q"),
            ("//other.invalid/x", "http://other.invalid/x", "other.invalid", 80, "/x"),
            ("http://[::1]:9/a b/ü#frag", "http://[::1]:9/a%20b/%C3%BC", "::1", 9, "/a%20b/%C3%BC"),
            ("  /padded\t", "http://127.0.0.1:8801/padded", "127.0.0.1", 8801, "/padded"),
            ("../up", "http://127.0.0.1:8801/up", "127.0.0.1", 8801, "/up"),
            ("HTTP://B\u{fc}cher.invalid:80", "http://xn--bcher-kva.invalid/", "xn--bcher-kva.invalid", 80, "/"),
        ];
        for (location, url, host, port, path) in cases {
            assert_eq!(followed(location), (url.to_owned(), host.to_owned(), port, path.to_owned()), "{location:?}");
        }
    }

    #[test]
    fn https_is_followed_into_tls_and_other_schemes_and_broken_locations_are_not() {
        let got = resolve_location(&base(), b"https://secure.invalid/x#y");
        let Redirect::Follow { url, target, leaves_tls } = got else { panic!("{got:?}") };
        assert_eq!((url.as_str(), target.port, target.secure), ("https://secure.invalid/x", 443, true));
        assert!(!leaves_tls, "into TLS is not out of it");
        let secure = Url::parse("https://secure.invalid/x").unwrap_or_else(|e| panic!("{e}"));
        for (location, leaves) in [("http://plain.invalid/", true), ("/same", false), ("//other.invalid/", false)] {
            let got = resolve_location(&secure, location.as_bytes());
            assert!(matches!(got, Redirect::Follow { leaves_tls, .. } if leaves_tls == leaves), "{location}: {got:?}");
        }
        let problem = |location: &[u8]| match resolve_location(&base(), location) {
            Redirect::Unusable { problem, .. } => problem,
            other @ Redirect::Follow { .. } => panic!("{location:?}: {other:?}"),
        };
        assert_eq!(problem(b"\xff/x"), LocationProblem::NotText);
        assert_eq!(problem(b"/a\r\nSet-Cookie: x"), LocationProblem::HasControl);
        assert_eq!(problem(b"   "), LocationProblem::Empty);
        assert_eq!(problem(b"http://[::1/"), LocationProblem::NotUrl(url::ParseError::InvalidIpv6Address));
        assert_eq!(problem(b"ftp://files.invalid/"), LocationProblem::OtherScheme("ftp".into()));
        assert_eq!(problem(b"http://h.invalid:0/"), LocationProblem::Target(InputError::PortZero));
    }

    #[test]
    fn an_address_the_server_sent_is_told_as_the_servers_not_as_typing_to_fix() {
        let too_long = format!("http://{}invalid/", "a.".repeat(130));
        for location in ["http://h.invalid:0/", &too_long] {
            let redirect = resolve_location(&base(), location.as_bytes());
            let Redirect::Unusable { problem, .. } = redirect else { panic!("{location}: {redirect:?}") };
            // Said after "which cannot be followed: ", and ended with a period there.
            let said = problem.to_string();
            assert!(said.starts_with("it names") || said.starts_with("the host it names"), "{said}");
            assert!(!said.to_lowercase().contains("type") && !said.ends_with('.'), "{said}");
        }
    }

    fn head(status: u16, headers: &[(&str, &str)]) -> ReplyHead {
        ReplyHead::for_tests(status, Framing::UntilClose, headers)
    }

    #[test]
    fn only_a_redirect_status_with_a_location_redirects() {
        let current = Target::from_url(&base()).unwrap_or_else(|e| panic!("{e}"));
        let to = |status, headers: &[(&str, &str)]| redirect_of(&head(status, headers), &current);
        assert!(matches!(to(302, &[("location", "/")]), Some(Redirect::Follow { .. })));
        assert!(matches!(to(301, &[("Server", "x"), ("LOCATION", "/a"), ("Location", "/b")]),
            Some(Redirect::Follow { target, .. }) if target.path == "/a"));
        assert_eq!(to(302, &[("Server", "x")]), None);
        assert_eq!(to(304, &[("Location", "/")]), None);
        assert_eq!(to(200, &[("Location", "/")]), None);
        assert_eq!(to(201, &[("Location", "/")]), None);
    }

    #[test]
    fn a_target_gives_back_its_url() {
        let target = Target::parse("http://[::1]:8080/a%20b?q", "80").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url_of(&target).map(String::from), Ok("http://[::1]:8080/a%20b?q".to_owned()));
        let target = Target::parse("example.invalid", "80").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url_of(&target).map(String::from), Ok("http://example.invalid/".to_owned()));
    }

    #[test]
    fn credentials_stay_with_the_first_origin_and_a_host_header_with_its_name() {
        let at = |text: &str| Target::parse(text, "80").unwrap_or_else(|e| panic!("{e}"));
        let first = at("http://a.invalid:8080/");
        let carried = |next: &str, trusted| {
            let c = Carried::to(&first, &at(next), trusted);
            (c.credentials, c.host)
        };
        assert_eq!(carried("http://A.invalid:8080/other", false), (true, true), "same origin, any path or case");
        assert_eq!(carried("http://a.invalid:9090/", false), (false, true), "another port");
        assert_eq!(carried("https://a.invalid:8080/", false), (false, true), "another scheme");
        assert_eq!(carried("http://b.invalid:8080/", false), (false, false), "another host");
        assert_eq!(carried("http://b.invalid:8080/", true), (true, false), "trusted: credentials, never the Host");
    }

    proptest::proptest! {
        /// For any Location bytes: never a panic; what is followed is an http target whose request
        /// path is printable ASCII without spaces, and its URL reads back to the same target.
        #[test]
        fn any_location_is_followed_safely_or_refused(location in proptest::prop_oneof![
            proptest::collection::vec(proptest::num::u8::ANY, 0..60),
            proptest::prelude::Strategy::prop_map("[ -~é€\t]{0,40}", String::into_bytes),
        ]) {
            if let Redirect::Follow { url, target, .. } = resolve_location(&base(), &location) {
                proptest::prop_assert_eq!(url.scheme(), "http");
                proptest::prop_assert!(target.path.starts_with('/'));
                proptest::prop_assert!(target.path.bytes().all(|b| b.is_ascii_graphic()), "{:?}", target.path);
                let again = Target::from_url(&url);
                proptest::prop_assert_eq!(again.as_ref(), Ok(&target));
            }
        }
    }
}
