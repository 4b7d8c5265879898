//! Reading a reply's head (status line and headers) a line at a time as it arrives, and what it says
//! about where the body ends (RFC 9112, section 6.3).
//!
//! Every number in a head is the server's claim: a length that cannot be believed is a [`HeadProblem`]
//! kept beside the head, and the reply is then read until the server hangs up.

use std::fmt;

use crate::format::count;
use crate::server_text::one_line;

/// A reply head longer than this is not parsed (the bytes are still kept and shown).
pub const MAX_HEAD: usize = 64 * 1024;

/// More interim (1xx) heads than this before a real one is not a server answering a request.
pub const MAX_INTERIM_HEADS: usize = 20;

/// One header line of a reply, as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    /// The name as sent (its case kept); names are plain ASCII tokens.
    pub name: String,
    /// The value's bytes, which may be any bytes at all.
    pub value: Vec<u8>,
}

/// How a reply says where its body ends (RFC 9112, section 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// The reply has no body: its status is 1xx, 204 or 304, or it answers a HEAD request.
    NoBody,
    /// `Content-Length`: exactly this many body bytes follow the head.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the body comes in pieces, each after its size in hex; a piece of
    /// size 0 ends it.
    Chunked,
    /// Neither: the body ends when the server hangs up, as HTTP/1.0 servers do.
    UntilClose,
}

/// The status line, headers and framing of a reply, read from its head once the head has fully arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyHead {
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub version: u8,
    pub status: u16,
    pub reason: String,
    /// Where this head starts in the reply: 0, or after the interim (1xx) heads before it.
    pub offset: u64,
    /// Bytes of the status line and headers, including the blank line that ends them.
    pub head_len: usize,
    /// Every header line, in the order sent.
    pub headers: Vec<HeaderLine>,
    /// Where the body ends, as the head tells it.
    pub framing: Framing,
    /// The whole reply's expected size (any interim heads, this head and its body) when its framing
    /// is a usable Content-Length, or no body at all; `None` for an interim head. It is only the
    /// server's claim: more or fewer bytes may come.
    pub expected_total: Option<u64>,
    /// Why the server's Content-Length cannot be used (several that disagree, not a number, more
    /// than any reply can be); the end of the reply is then when the server hangs up.
    pub length_problem: Option<HeadProblem>,
}

/// The names of the reply headers the engine and the teaching texts read, written once.
pub mod header_name {
    pub const CONTENT_ENCODING: &str = "Content-Encoding";
    pub const CONTENT_LENGTH: &str = "Content-Length";
    pub const CONTENT_TYPE: &str = "Content-Type";
    pub const LOCATION: &str = "Location";
    pub const TRANSFER_ENCODING: &str = "Transfer-Encoding";
}

/// The values of every line named `name` (in any case), in the order sent.
fn values_named<'a>(headers: &'a [HeaderLine], name: &'a str) -> impl Iterator<Item = &'a [u8]> {
    headers.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| &h.value[..])
}

/// The items of every line named `name`, a list header (RFC 9110, section 5.3: its lines combine as
/// one list, separated by commas): each trimmed, empty ones dropped.
fn items_named<'a>(headers: &'a [HeaderLine], name: &'a str) -> impl Iterator<Item = &'a [u8]> {
    values_named(headers, name).flat_map(|v| v.split(|b| *b == b',')).map(<[u8]>::trim_ascii).filter(|i| !i.is_empty())
}

impl ReplyHead {
    /// The value of the first line named `name` (in any case): for headers that are one value,
    /// such as Location or Content-Type.
    pub fn header<'a>(&'a self, name: &'a str) -> Option<&'a [u8]> {
        values_named(&self.headers, name).next()
    }

    /// The values of every line named `name` (in any case), in the order sent.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> {
        values_named(&self.headers, name)
    }

    /// The items of a list header across all its lines (`Content-Encoding: gzip` and a second line
    /// `Content-Encoding: br` are `gzip, br`), each trimmed, empty ones dropped.
    pub fn list<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> {
        items_named(&self.headers, name)
    }

    /// An interim head (1xx other than 101): the real head follows it.
    pub fn is_interim(&self) -> bool {
        is_interim(self.status)
    }
}

#[cfg(test)]
impl ReplyHead {
    /// A head for unit tests: this status, framing and headers, the rest zero or empty.
    pub(crate) fn for_tests(status: u16, framing: Framing, headers: &[(&str, &str)]) -> Self {
        Self {
            version: 1,
            status,
            reason: String::new(),
            offset: 0,
            head_len: 0,
            headers: headers
                .iter()
                .map(|(name, value)| HeaderLine { name: (*name).to_owned(), value: value.as_bytes().to_vec() })
                .collect(),
            framing,
            expected_total: None,
            length_problem: None,
        }
    }
}

/// Why a head, or its length, cannot be used. Each reads as the end of a sentence about the reply
/// ("This reply is not ordinary HTTP: ...", "Its length cannot be used: ...").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadProblem {
    /// The bytes do not start like an HTTP reply; the parser's own words say where.
    NotHttp(httparse::Error),
    /// No blank line ended the head within [`MAX_HEAD`] bytes.
    TooLong,
    /// More than [`MAX_INTERIM_HEADS`] interim (1xx) heads came without a real one.
    EndlessInterimHeads,
    /// A Content-Length value that is not a plain number, as sent (lossily made text).
    LengthNotNumber(String),
    /// A Content-Length value above 2^63 - 1, more than any count of bytes can hold, as sent.
    LengthBeyondCounting(String),
    /// Two Content-Length values that differ: which one is meant cannot be known.
    LengthsDisagree { first: u64, second: u64 },
}

impl fmt::Display for HeadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotHttp(error) => write!(f, "it does not start like an HTTP reply ({error})"),
            Self::TooLong => write!(f, "its head is longer than {} KiB", MAX_HEAD / 1024),
            Self::EndlessInterimHeads => {
                write!(f, "it sent more than {MAX_INTERIM_HEADS} interim heads (1xx) without ever sending the real one")
            }
            Self::LengthNotNumber(value) => {
                write!(f, "its Content-Length \"{}\" is not a number of bytes", one_line(value))
            }
            Self::LengthBeyondCounting(value) => {
                write!(f, "its Content-Length {} is more than any reply can be", one_line(value))
            }
            Self::LengthsDisagree { first, second } => write!(
                f,
                "it gives two different lengths ({} and {} bytes), so neither can be believed",
                count(*first),
                count(*second)
            ),
        }
    }
}

/// What one feed of the head reader found.
#[derive(Debug)]
pub enum HeadRead {
    /// The head has not ended yet.
    More,
    /// The head ended; `used` bytes of the bytes just fed belonged to it (the rest come after it).
    Head { head: ReplyHead, used: usize },
    /// The bytes cannot be read as a head; the reply is then only shown as it came.
    Unreadable(HeadProblem),
}

/// Reads one reply head, fed in pieces of any size.
///
/// The head is read a line at a time as its lines end, and each line is read once: a server that
/// sends its head one byte per read costs work in proportion to the head's size, not its square.
#[derive(Debug)]
pub struct HeadReader {
    /// The head so far, at most [`MAX_HEAD`] + 1 bytes.
    bytes: Vec<u8>,
    /// Where this head starts in the reply: after any interim (1xx) heads before it.
    offset: u64,
    /// The request was HEAD: the reply then has no body, whatever its head says.
    head_request: bool,
    /// Where the line that has not ended yet starts: every line before it is read.
    line_start: usize,
    /// How many bytes of the unended line were last looked at. It is looked at again only once it
    /// has doubled, so that bytes that are not HTTP are still named early at little cost.
    looked_at: usize,
    /// The status line, once read.
    status: Option<StatusLine>,
    /// The header lines read so far, in order.
    headers: Vec<HeaderLine>,
    /// Bytes handed to the parser so far, for the test that the work stays linear.
    #[cfg(test)]
    parsed: usize,
}

/// A reply's first line: `HTTP/1.1 200 OK`.
#[derive(Debug)]
struct StatusLine {
    version: u8,
    code: u16,
    reason: String,
}

/// What one line of a head is.
enum Line {
    /// A status or header line, now read; or an empty line before the status line, skipped.
    Read,
    /// The blank line that ends the head.
    End,
}

impl HeadReader {
    pub fn new(offset: u64, head_request: bool) -> Self {
        Self {
            bytes: Vec::new(),
            offset,
            head_request,
            line_start: 0,
            looked_at: 0,
            status: None,
            headers: Vec::new(),
            #[cfg(test)]
            parsed: 0,
        }
    }

    /// Takes the next bytes of the reply.
    pub fn feed(&mut self, input: &[u8]) -> HeadRead {
        let before = self.bytes.len();
        let take = input.len().min(MAX_HEAD + 1 - before);
        self.bytes.extend_from_slice(&input[..take]);
        // Only the new bytes are searched: the unended line had no line end before them.
        let mut from = before;
        while let Some(found) = memchr::memchr(b'\n', &self.bytes[from..]) {
            let end = from + found + 1;
            match self.read_line(end) {
                Ok(Line::Read) => {}
                Ok(Line::End) => {
                    let head = self.read_head(end);
                    return HeadRead::Head { head, used: end.saturating_sub(before) };
                }
                Err(error) => return HeadRead::Unreadable(HeadProblem::NotHttp(error)),
            }
            self.line_start = end;
            self.looked_at = 0;
            from = end;
        }
        let open = self.bytes.len() - self.line_start;
        if open > 0
            && open >= 2 * self.looked_at
            && let Err(error) = self.look_at_open_line()
        {
            return HeadRead::Unreadable(HeadProblem::NotHttp(error));
        }
        if self.bytes.len() > MAX_HEAD { HeadRead::Unreadable(HeadProblem::TooLong) } else { HeadRead::More }
    }

    /// Reads the line from `line_start` to `end` (just after its `\n`).
    fn read_line(&mut self, end: usize) -> Result<Line, httparse::Error> {
        let line = &self.bytes[self.line_start..end];
        #[cfg(test)]
        {
            self.parsed += line.len();
        }
        if self.status.is_none() {
            // As httparse does, empty lines before the status line are skipped.
            if line == b"\n" || line == b"\r\n" {
                return Ok(Line::Read);
            }
            let mut response = httparse::Response::new(&mut []);
            // With no room for headers, a good status line is `Partial`: nothing follows it here.
            response.parse(line)?;
            self.status = Some(StatusLine {
                version: response.version.unwrap_or(0),
                code: response.code.unwrap_or(0),
                reason: response.reason.unwrap_or("").to_owned(),
            });
            return Ok(Line::Read);
        }
        // With no room for headers, a good header line is `TooManyHeaders` and the blank line
        // `Complete`; the line is then cut as httparse cuts it.
        match httparse::parse_headers(line, &mut []) {
            Ok(httparse::Status::Complete(_)) => Ok(Line::End),
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                self.headers.push(header_line(line));
                Ok(Line::Read)
            }
            Err(error) => Err(error),
        }
    }

    /// Looks at the line that has not ended yet: bytes that cannot start a status or header line are
    /// named now, without waiting for a line end that may never come.
    fn look_at_open_line(&mut self) -> Result<(), httparse::Error> {
        let line = &self.bytes[self.line_start..];
        self.looked_at = line.len();
        #[cfg(test)]
        {
            self.parsed += line.len();
        }
        if self.status.is_none() {
            httparse::Response::new(&mut []).parse(line)?;
        } else {
            match httparse::parse_headers(line, &mut []) {
                Ok(_) | Err(httparse::Error::TooManyHeaders) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// The head, `head_len` bytes long, whose lines have all been read.
    fn read_head(&mut self, head_len: usize) -> ReplyHead {
        let StatusLine { version, code: status, reason } =
            self.status.take().unwrap_or(StatusLine { version: 0, code: 0, reason: String::new() });
        let headers = std::mem::take(&mut self.headers);
        let bodiless = self.head_request || has_no_body(status);
        // Checked: a claim near u64::MAX must not wrap round to a small total.
        let head_end = self.offset.checked_add(head_len as u64);
        // A Transfer-Encoding wins over a Content-Length (RFC 9112, section 6.3): the length is only
        // looked at, and only called unusable, where it would frame the body.
        let (framing, expected_total, length_problem) = match last_transfer_coding(&headers) {
            _ if bodiless => (Framing::NoBody, head_end.filter(|_| !is_interim(status)), None),
            _ if status == 101 => (Framing::UntilClose, None, None),
            Some(coding) if coding.eq_ignore_ascii_case("chunked") => (Framing::Chunked, None, None),
            // Any other last coding: the body ends when the server hangs up.
            Some(_) => (Framing::UntilClose, None, None),
            None => match (announced_length(&headers), head_end) {
                (Ok(Some(length)), Some(head_end)) => match head_end.checked_add(length) {
                    Some(total) => (Framing::Length(length), Some(total), None),
                    // Past u64 with the head before it: beyond counting as well.
                    None => (Framing::UntilClose, None, Some(HeadProblem::LengthBeyondCounting(length.to_string()))),
                },
                (Ok(_), _) => (Framing::UntilClose, None, None),
                (Err(problem), _) => (Framing::UntilClose, None, Some(problem)),
            },
        };
        ReplyHead {
            version,
            status,
            reason,
            offset: self.offset,
            head_len,
            headers,
            framing,
            expected_total,
            length_problem,
        }
    }

    /// Bytes handed to the parser so far.
    #[cfg(test)]
    fn parsed(&self) -> usize {
        self.parsed
    }
}

/// A header line httparse has found good, cut as httparse cuts it: the name before the colon, the
/// value without the spaces and tabs around it or the line end.
fn header_line(line: &[u8]) -> HeaderLine {
    let colon = memchr::memchr(b':', line).unwrap_or(line.len());
    let value = line.get(colon + 1..).unwrap_or_default();
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let first = value.iter().position(|b| !is_space(b)).unwrap_or(value.len());
    let last = value.iter().rposition(|b| !is_space(b)).map_or(first, |i| i + 1);
    HeaderLine { name: String::from_utf8_lossy(&line[..colon]).into_owned(), value: value[first..last].to_vec() }
}

/// 1xx heads other than 101 (Switching Protocols) are interim: the real head follows them.
pub fn is_interim(status: u16) -> bool {
    matches!(status, 100..=199) && status != 101
}

/// Replies with these codes have no body, whatever their head says.
fn has_no_body(status: u16) -> bool {
    is_interim(status) || matches!(status, 204 | 304)
}

/// The last transfer coding the head lists (across all its Transfer-Encoding lines), if any: only a
/// last `chunked` frames the body in chunks.
fn last_transfer_coding(headers: &[HeaderLine]) -> Option<String> {
    items_named(headers, header_name::TRANSFER_ENCODING)
        .last()
        .map(|coding| String::from_utf8_lossy(coding).into_owned())
}

/// The body length the head's Content-Length headers announce: `Ok(None)` when there is none, a
/// problem when they cannot be believed. Several headers, or one with a list (`5, 5`), are usable only
/// when they all agree (RFC 9110, section 8.6).
fn announced_length(headers: &[HeaderLine]) -> Result<Option<u64>, HeadProblem> {
    let mut claim: Option<u64> = None;
    for value in values_named(headers, header_name::CONTENT_LENGTH) {
        let value = String::from_utf8_lossy(value);
        for item in value.split(',').map(str::trim) {
            if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HeadProblem::LengthNotNumber(value.into_owned()));
            }
            // All digits: only a number past 2^63 - 1 fails, the largest length curl takes (a
            // signed 64-bit count of bytes, as most programs keep one).
            let Some(length) = item.parse::<i64>().ok().and_then(|length| u64::try_from(length).ok()) else {
                return Err(HeadProblem::LengthBeyondCounting(item.to_owned()));
            };
            match claim {
                Some(first) if first != length => return Err(HeadProblem::LengthsDisagree { first, second: length }),
                _ => claim = Some(length),
            }
        }
    }
    Ok(claim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(reply: &[u8], head_request: bool) -> (ReplyHead, usize) {
        match HeadReader::new(0, head_request).feed(reply) {
            HeadRead::Head { head, used } => (head, used),
            other @ (HeadRead::More | HeadRead::Unreadable(_)) => panic!("no head read: {other:?}"),
        }
    }

    fn head(reply: &[u8]) -> ReplyHead {
        head_of(reply, false).0
    }

    #[test]
    fn a_head_with_a_hundred_headers_is_read_whole() {
        let mut reply = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..100 {
            reply.extend_from_slice(format!("X-Header-{i}: value {i}\r\n").as_bytes());
        }
        reply.extend_from_slice(b"Content-Length: 2\r\n\r\nhi");
        let head = head(&reply);
        assert_eq!(head.headers.len(), 101);
        assert_eq!(head.headers[99], HeaderLine { name: "X-Header-99".to_owned(), value: b"value 99".to_vec() });
        assert_eq!(head.framing, Framing::Length(2));
        assert_eq!(head.expected_total, Some(reply.len() as u64));
    }

    #[test]
    fn the_framing_is_read_from_status_and_headers() {
        let cases: [(&[u8], Framing); 11] = [
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 9\r\n\r\n", Framing::Chunked),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", Framing::UntilClose),
            // A Transfer-Encoding that does not end in chunked still wins over a length.
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 9\r\n\r\n", Framing::UntilClose),
            // Across several lines, the last coding of the last line counts.
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", Framing::UntilClose),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED , \r\n\r\n", Framing::Chunked),
            (b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", Framing::NoBody),
            (b"HTTP/1.1 304 Not Modified\r\n\r\n", Framing::NoBody),
            (b"HTTP/1.1 100 Continue\r\n\r\n", Framing::NoBody),
            (b"HTTP/1.1 101 Switching Protocols\r\nContent-Length: 3\r\n\r\n", Framing::UntilClose),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Framing::Length(0)),
            (b"HTTP/1.0 200 OK\r\n\r\n", Framing::UntilClose),
        ];
        for (reply, framing) in cases {
            assert_eq!(head(reply).framing, framing, "{}", String::from_utf8_lossy(reply));
        }
    }

    #[test]
    fn a_reply_to_head_has_no_body_whatever_its_length_says() {
        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
        let (head, used) = head_of(reply, true);
        assert_eq!((head.framing, head.expected_total, used), (Framing::NoBody, Some(reply.len() as u64), reply.len()));
    }

    #[test]
    fn a_head_split_at_every_point_is_read_the_same() {
        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX: y\r\n\r\nbody";
        let whole = head(reply);
        for cut in 0..reply.len() {
            let mut reader = HeadReader::new(0, false);
            let (first, rest) = reply.split_at(cut);
            let (head, used) = match reader.feed(first) {
                HeadRead::More => match reader.feed(rest) {
                    HeadRead::Head { head, used } => (head, cut + used),
                    other @ (HeadRead::More | HeadRead::Unreadable(_)) => panic!("cut at {cut}: {other:?}"),
                },
                HeadRead::Head { head, used } => (head, used),
                HeadRead::Unreadable(problem) => panic!("cut at {cut}: {problem}"),
            };
            assert_eq!(head, whole, "cut at {cut}");
            assert_eq!(used, reply.len() - 4, "cut at {cut}");
        }
    }

    #[test]
    fn a_head_after_interim_heads_knows_where_it_starts() {
        let mut reader = HeadReader::new(25, false);
        let HeadRead::Head { head, .. } = reader.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc") else {
            panic!("no head");
        };
        assert_eq!((head.offset, head.expected_total), (25, Some(25 + 38 + 3)));
    }

    #[test]
    fn a_length_that_frames_nothing_is_no_problem() {
        for reply in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n"[..],
            b"HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n",
        ] {
            assert_eq!(head(reply).length_problem, None, "{}", String::from_utf8_lossy(reply));
        }
    }

    #[test]
    fn lengths_that_cannot_be_believed_are_named() {
        let cases: [(&[u8], HeadProblem); 5] = [
            (b"Content-Length: 5\r\nContent-Length: 700", HeadProblem::LengthsDisagree { first: 5, second: 700 }),
            (b"Content-Length: 5x", HeadProblem::LengthNotNumber("5x".to_owned())),
            (
                b"Content-Length: 99999999999999999999999",
                HeadProblem::LengthBeyondCounting("99999999999999999999999".to_owned()),
            ),
            (
                b"Content-Length: 18446744073709551610",
                HeadProblem::LengthBeyondCounting("18446744073709551610".to_owned()),
            ),
            // One past 2^63 - 1, the largest length curl takes.
            (
                b"Content-Length: 9223372036854775808",
                HeadProblem::LengthBeyondCounting("9223372036854775808".to_owned()),
            ),
        ];
        for (headers, problem) in cases {
            let mut reply = b"HTTP/1.0 200 OK\r\n".to_vec();
            reply.extend_from_slice(headers);
            reply.extend_from_slice(b"\r\n\r\n");
            let head = head(&reply);
            assert_eq!(head.length_problem, Some(problem), "{}", String::from_utf8_lossy(headers));
            assert_eq!((head.framing, head.expected_total), (Framing::UntilClose, None));
        }
    }

    /// Feeds `reply` one byte per read; the head, and the bytes handed to the parser.
    fn head_byte_by_byte(reply: &[u8]) -> (ReplyHead, usize) {
        let mut reader = HeadReader::new(0, false);
        for (at, byte) in reply.iter().enumerate() {
            match reader.feed(std::slice::from_ref(byte)) {
                HeadRead::More => {}
                HeadRead::Head { head, .. } => return (head, reader.parsed()),
                HeadRead::Unreadable(problem) => panic!("at byte {at}: {problem}"),
            }
        }
        panic!("the head never ended")
    }

    #[test]
    fn a_head_of_64_kib_fed_a_byte_at_a_time_is_parsed_in_linear_work() {
        // Many short lines, and one line of half the head: each shape once, as a slow server sends it.
        let mut short = b"HTTP/1.1 200 OK\r\n".to_vec();
        while short.len() < MAX_HEAD - 40 {
            short.extend_from_slice(format!("X-Line-{}: value\r\n", short.len()).as_bytes());
        }
        short.extend_from_slice(b"\r\n");
        let mut long = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
        long.resize(MAX_HEAD / 2, b'v');
        long.extend_from_slice(b"\r\nX-After: 1\r\n");
        while long.len() < MAX_HEAD - 40 {
            long.extend_from_slice(b"X: y\r\n");
        }
        long.extend_from_slice(b"\r\n");
        for reply in [short, long] {
            let (head, parsed) = head_byte_by_byte(&reply);
            assert_eq!(head, self::head(&reply), "read a byte at a time as it is read whole");
            assert!(reply.len() > MAX_HEAD - 64, "the head is {} bytes", reply.len());
            assert!(parsed <= 4 * reply.len(), "{parsed} bytes parsed for a head of {}", reply.len());
        }
    }

    #[test]
    fn lines_are_cut_as_httparse_cuts_them() {
        let replies: [&[u8]; 5] = [
            b"HTTP/1.1 200 OK\r\nA:b\r\nC: \t d e \t\r\nEmpty:\r\nSpaces:   \r\n\r\n",
            b"\r\n\nHTTP/1.0 404 Not here\nX: 1\n\n",
            b"HTTP/1.1 204\r\nX: \xff\xfe bytes\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nX: a\r\n\nafter",
            b"HTTP/1.1 301 \r\nLocation: /x\r\n\r\n",
        ];
        for reply in replies {
            let mut slots = [httparse::EMPTY_HEADER; 8];
            let mut response = httparse::Response::new(&mut slots);
            let Ok(httparse::Status::Complete(head_len)) = response.parse(reply) else {
                panic!("httparse reads no head in {}", String::from_utf8_lossy(reply))
            };
            let (head, used) = head_of(reply, false);
            let expected: Vec<HeaderLine> = response
                .headers
                .iter()
                .map(|h| HeaderLine { name: h.name.to_owned(), value: h.value.to_vec() })
                .collect();
            let text = String::from_utf8_lossy(reply);
            assert_eq!(head.headers, expected, "{text}");
            assert_eq!(
                (head.version, head.status),
                (response.version.unwrap_or(9), response.code.unwrap_or(0)),
                "{text}"
            );
            assert_eq!(
                (head.reason.as_str(), head.head_len, used),
                (response.reason.unwrap_or("-"), head_len, head_len),
                "{text}"
            );
            assert_eq!(head_byte_by_byte(reply).0, head, "{text} a byte at a time");
        }
    }

    #[test]
    fn bytes_that_are_not_http_are_named_before_their_line_ends() {
        for start in [&b"SSH-2.0-OpenSSH_9.6"[..], b"HTTP/1.1 200 OK\r\nA Name With Spaces"] {
            assert!(
                matches!(HeadReader::new(0, false).feed(start), HeadRead::Unreadable(HeadProblem::NotHttp(_))),
                "{}",
                String::from_utf8_lossy(start)
            );
        }
    }

    #[test]
    fn bytes_that_are_not_a_head_are_named() {
        assert!(matches!(
            HeadReader::new(0, false).feed(b"\0\0garbage\r\n\r\n"),
            HeadRead::Unreadable(HeadProblem::NotHttp(_))
        ));
        let mut long = b"HTTP/1.0 200 OK\r\nX: ".to_vec();
        long.resize(MAX_HEAD + 10, b'h');
        assert!(matches!(HeadReader::new(0, false).feed(&long), HeadRead::Unreadable(HeadProblem::TooLong)));
    }
}
