//! "Copy as curl command": a `curl` command line that sends the same request bytes as socket-fetch.
//!
//! curl adds headers of its own (User-Agent, Accept; with a body Content-Type, Content-Length and,
//! for a large one, Expect): each one the request does not carry is switched off with
//! `-H 'Name:'`. The request's own headers go as `-H`, in order (an empty one as `-H 'Name;'`); the
//! path goes as `--request-target`, so curl sends it exactly (`*` included), the body with
//! `--data-binary`. Every argument is single-quoted for a POSIX shell; a body that is not plain
//! text (a NUL byte, other control bytes, bytes that are not UTF-8, or a leading `@`, which curl would
//! read as a file name) is written with `printf` octal escapes and piped in as `--data-binary @-`,
//! so any bytes survive a copy and paste as plain ASCII.
//!
//! One thing curl does its own way: it always sends Host right after the request line. A request
//! whose Host header comes later in its list gets the same headers from curl, with Host first.

use std::fmt::Write as _;

use crate::fetch::{Method, Request, Target, Version};

/// The curl command line that sends `request` to `target`.
pub fn curl_command(target: &Target, request: &Request) -> String {
    let mut args = vec!["curl".to_owned(), "-i".to_owned()];
    args.push(match request.version() {
        Version::Http10 => "--http1.0".to_owned(),
        Version::Http11 => "--http1.1".to_owned(),
    });
    let body = request.body();
    let method = request.method();
    // curl's own method for these options: -I sends HEAD, a body POST, nothing else GET.
    let curls_own = if body.is_empty() { Method::Get } else { Method::Post };
    if *method == Method::Head && body.is_empty() {
        args.push("-I".to_owned());
    } else if *method != curls_own {
        args.extend(["-X".to_owned(), quote(method.as_str())]);
    }
    let carries = |name: &str| request.headers().iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    for (name, value) in request.headers() {
        let header = if value.is_empty() { format!("{name};") } else { format!("{name}: {value}") };
        args.extend(["-H".to_owned(), quote(&header)]);
    }
    let mut curls_own = vec!["Host", "User-Agent", "Accept"];
    if !body.is_empty() {
        curls_own.extend(["Content-Type", "Content-Length", "Expect"]);
    }
    for name in curls_own.into_iter().filter(|name| !carries(name)) {
        args.extend(["-H".to_owned(), quote(&format!("{name}:"))]);
    }
    args.extend(["--request-target".to_owned(), quote(request.path())]);
    let mut pipe = String::new();
    if !body.is_empty() {
        if let Some(text) = std::str::from_utf8(body).ok().filter(|text| is_plain(text)) {
            args.extend(["--data-binary".to_owned(), quote(text)]);
        } else {
            pipe = format!("printf '{}' | ", printf_escaped(body));
            args.extend(["--data-binary".to_owned(), "@-".to_owned()]);
        }
    }
    let host = if target.host.contains(':') { format!("[{}]", target.host) } else { target.host.clone() };
    args.push(quote(&format!("{}://{host}:{}/", target.scheme(), target.port)));
    pipe + &args.join(" ")
}

/// Text that goes in a quoted argument as it is: no control bytes but line feeds and tabs, and no
/// leading `@`.
fn is_plain(text: &str) -> bool {
    !text.starts_with('@') && text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t')
}

/// Single-quoted for a POSIX shell: everything inside is literal, and a `'` is closed, escaped and
/// reopened.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `bytes` as a printf format that prints exactly them: printable ASCII as itself (`%` doubled),
/// every other byte, the backslash and the quote as a three-digit octal escape.
fn printf_escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b' '..=b'~' if b != b'\\' && b != b'\'' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{HeaderField, RequestSpec};

    #[test]
    fn a_default_request_switches_off_curls_own_headers() {
        let target = Target::parse("127.0.0.1", "8080").unwrap();
        let request = RequestSpec::new(&target).build().unwrap();
        assert_eq!(
            curl_command(&target, &request),
            "curl -i --http1.0 -H 'Host: 127.0.0.1:8080' -H 'User-Agent:' -H 'Accept:' --request-target '/' 'http://127.0.0.1:8080/'"
        );
    }

    #[test]
    fn quotes_and_binary_bodies_survive_the_shell() {
        let target = Target::parse("::1", "81").unwrap();
        let mut spec = RequestSpec::new(&target);
        "PUT".clone_into(&mut spec.method);
        spec.headers = vec![HeaderField::new("X-Q", "it's"), HeaderField::new("X-E", "")];
        spec.body = b"a%\0\\'\xff".to_vec().into();
        let command = curl_command(&target, &spec.build().unwrap());
        assert!(command.starts_with(r"printf 'a%%\000\134\047\377' | curl -i --http1.0 -X 'PUT' -H 'X-Q: it'\''s' -H 'X-E;' -H 'Content-Length: 6' -H 'Host:'"), "{command}");
        assert!(command.ends_with(r"--data-binary @- 'http://[::1]:81/'"), "{command}");
    }
}
