//! The history's index file: one line per entry, every text field in hex, so whatever a server or a
//! person typed (spaces, newlines, any bytes) cannot break a line. Read as far as it makes sense: a
//! line that does not parse is skipped, never a panic.

use std::fmt::Write as _;

use super::Entry;

/// The first word of every line: a later format can tell its lines from these.
const VERSION: &str = "v1";

/// One entry as its line, without the newline.
pub fn line_of(entry: &Entry) -> String {
    let status = entry.status.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let error = entry.error.as_deref().map_or_else(|| "-".to_owned(), |e| hex(e.as_bytes()));
    format!(
        "{VERSION} {} {} {} {} {} {} {status} {} {} {error} {} {}",
        entry.id,
        entry.at_ms,
        hex(entry.host.as_bytes()),
        entry.port,
        hex(entry.path.as_bytes()),
        hex(entry.method.as_bytes()),
        entry.reply_size,
        entry.duration_us,
        u8::from(entry.reply_kept),
        hex(&entry.request),
    )
}

/// The entries of an index file's text, in file order; lines that are not entries are left out.
pub fn entries_of(text: &[u8]) -> Vec<Entry> {
    text.split(|b| *b == b'\n').filter_map(|line| std::str::from_utf8(line).ok().and_then(entry_of)).collect()
}

fn entry_of(line: &str) -> Option<Entry> {
    let mut words = line.split(' ');
    let mut next = || words.next();
    if next()? != VERSION {
        return None;
    }
    let id = next()?.parse().ok()?;
    let at_ms = next()?.parse().ok()?;
    let host = text(next()?)?;
    let port = next()?.parse().ok()?;
    let path = text(next()?)?;
    let method = text(next()?)?;
    let status = match next()? {
        "-" => None,
        word => Some(word.parse().ok()?),
    };
    let reply_size = next()?.parse().ok()?;
    let duration_us = next()?.parse().ok()?;
    let error = match next()? {
        "-" => None,
        word => Some(text(word)?),
    };
    let reply_kept = match next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let request = bytes(next()?)?;
    if next().is_some() {
        return None;
    }
    Some(Entry { id, at_ms, host, port, path, method, status, reply_size, duration_us, error, reply_kept, request })
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}"); // writing to a String cannot fail
    }
    out
}

fn bytes(word: &str) -> Option<Vec<u8>> {
    if !word.len().is_multiple_of(2) {
        return None;
    }
    word.as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

fn text(word: &str) -> Option<String> {
    String::from_utf8(bytes(word)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            id: 7,
            at_ms: 1_700_000_000_000,
            host: "a host with spaces\nand a newline".to_owned(),
            port: 8080,
            path: "/ä ö".to_owned(),
            method: "GET".to_owned(),
            status: Some(200),
            reply_size: 123_456,
            duration_us: 987,
            error: Some("The server hung up.".to_owned()),
            reply_kept: true,
            request: b"GET / HTTP/1.0\r\n\r\n\0\xff".to_vec(),
        }
    }

    #[test]
    fn an_entry_reads_back_as_written_whatever_its_text() {
        let first = entry();
        let second = Entry { status: None, error: None, reply_kept: false, request: Vec::new(), ..entry() };
        let text = format!("{}\n{}\n", line_of(&first), line_of(&second));
        assert_eq!(entries_of(text.as_bytes()), vec![first, second]);
    }

    #[test]
    fn lines_that_are_not_entries_are_skipped() {
        let good = line_of(&entry());
        let cut = &good[..good.len() - 3];
        let odd = good.replace(" 1 ", " 2 ");
        let text = format!("garbage\n{cut}\n{good} extra\n{odd}\nv1\n{good}\n");
        assert_eq!(entries_of(text.as_bytes()), vec![entry()]);
    }
}
