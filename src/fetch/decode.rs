//! The reply's body as a browser sees it: the chunk framing removed and the compression undone.
//!
//! Pulled, not pushed: a reader of the raw body (the bytes after the head) goes through the framing
//! (a length, chunks, or up to the hang-up) and then through each content coding, last applied first,
//! and the decoded bytes are read out a piece at a time. Nothing is decoded ahead of what is read, so a
//! decompression bomb costs at most the keep limit and one piece, however much it would grow.
//! gzip and deflate are flate2's (`miniz_oxide`, pure Rust), not hand-written.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Cursor, Read};
use std::ops::ControlFlow;
use std::rc::Rc;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use super::framing::{ChunkProblem, Dechunker};
use super::head::{Framing, ReplyHead, header_name};

/// Bytes read out of the decoders at a time, and read from the raw body at a time.
const PIECE: usize = 64 * 1024;
/// The most codings undone on one body. Each is a decoder wrapped round the one before, and a
/// server may name thousands (`gzip, gzip, …`): a real body has one, rarely two.
pub const MAX_CODINGS: usize = 4;

/// A content coding the server applied to the body (its `Content-Encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `gzip` (or its old name `x-gzip`): deflate with a gzip header and checksum.
    Gzip,
    /// `deflate`: the standard says zlib-wrapped, some servers send raw deflate; both are accepted,
    /// as browsers do.
    Deflate,
}

/// What undoing a body takes, read from its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Where the body ends ([`Framing::Chunked`]: its chunk sizes are removed).
    pub framing: Framing,
    /// The codings to undo, in the order the server applied them; they are undone last first.
    pub codings: Vec<Coding>,
    /// Why the codings are not undone, if they are not: the body is then only unchunked.
    pub not_undone: Option<NotUndone>,
}

/// Why a body's codings are left as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotUndone {
    /// A coding socket-fetch does not undo (`br`, `zstd`, …), as the server named it (made printable).
    Unknown(String),
    /// More codings than [`MAX_CODINGS`]: this many.
    TooMany(usize),
}

impl Plan {
    /// What undoing this reply's body takes; `None` when its body is exactly as sent (not chunked and
    /// not compressed) or it has none.
    pub fn for_head(head: &ReplyHead) -> Option<Self> {
        if head.framing == Framing::NoBody {
            return None;
        }
        let (codings, not_undone) = codings(head);
        let plan = Self { framing: head.framing, codings, not_undone };
        (plan.framing == Framing::Chunked || plan.is_encoded()).then_some(plan)
    }

    /// Whether a content coding is undone (not only the chunk framing).
    pub fn decompresses(&self) -> bool {
        self.not_undone.is_none() && !self.codings.is_empty()
    }

    /// Whether the server says it compressed the body, whether or not that is undone.
    pub fn is_encoded(&self) -> bool {
        !self.codings.is_empty() || self.not_undone.is_some()
    }
}

/// The codings of all `Content-Encoding` lines, in order (`identity` means none), and why they cannot
/// be undone, if they cannot.
fn codings(head: &ReplyHead) -> (Vec<Coding>, Option<NotUndone>) {
    let mut known = Vec::new();
    for token in head.list(header_name::CONTENT_ENCODING) {
        if token.eq_ignore_ascii_case(b"identity") {
            continue;
        }
        if token.eq_ignore_ascii_case(b"gzip") || token.eq_ignore_ascii_case(b"x-gzip") {
            known.push(Coding::Gzip);
        } else if token.eq_ignore_ascii_case(b"deflate") {
            known.push(Coding::Deflate);
        } else {
            // The server's own word, made safe to print: every byte may be a control byte.
            return (Vec::new(), Some(NotUndone::Unknown(crate::escape::escape(crate::escape::Style::Line, token))));
        }
    }
    if known.len() > MAX_CODINGS {
        return (Vec::new(), Some(NotUndone::TooMany(known.len())));
    }
    (known, None)
}

/// How decoding ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The whole body was decoded.
    Complete,
    /// The decoded body would be larger than the keep limit: its first `limit` bytes were kept.
    TooLarge { limit: u64 },
    /// The chunk framing is broken; the data before the problem was decoded.
    BrokenChunks(ChunkProblem),
    /// The raw body ended before its framing said it would (fewer bytes than its Content-Length, or no
    /// last chunk).
    CutShort,
    /// The compressed data is damaged or incomplete (flate2's words in `detail`).
    Damaged { detail: String },
}

/// What decoding did: the sizes before and after, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Body bytes once the chunk framing was removed: the compressed size, when compressed.
    pub unchunked: u64,
    /// Bytes of the decoded body handed out.
    pub decoded: u64,
    pub end: End,
}

/// Decodes the raw body read from `raw` by `plan`, handing the decoded bytes to `sink` a piece at a time,
/// at most `limit` of them. `sink` answers `Break` to stop early (nobody wants the rest); then `None`.
pub fn decode(
    plan: &Plan,
    raw: impl Read,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]) -> ControlFlow<()>,
) -> Option<Decoded> {
    let unchunked = Rc::new(Cell::new(0));
    let body: Box<dyn Read + '_> = match plan.framing {
        Framing::Chunked => Box::new(Unchunked::new(raw)),
        Framing::Length(length) => Box::new(Exactly { inner: raw, left: length }),
        Framing::UntilClose | Framing::NoBody => Box::new(raw),
    };
    let mut body: Box<dyn Read + '_> = Box::new(Counted { inner: body, count: Rc::clone(&unchunked) });
    if plan.not_undone.is_none() {
        for coding in plan.codings.iter().rev() {
            body = match coding {
                Coding::Gzip => Box::new(MultiGzDecoder::new(body)),
                Coding::Deflate => Box::new(Deflate::Undecided(Some(body))),
            };
        }
    }
    let (decoded, end) = pump(&mut body, limit, sink)?;
    Some(Decoded { unchunked: unchunked.get(), decoded, end })
}

/// Reads `body` out to `sink`, up to `limit` bytes; `None` when the sink stopped it.
fn pump(body: &mut dyn Read, limit: u64, sink: &mut dyn FnMut(&[u8]) -> ControlFlow<()>) -> Option<(u64, End)> {
    let mut buf = vec![0; PIECE];
    let mut decoded = 0u64;
    loop {
        // At the limit, one byte more tells whether the body goes past it.
        let room = limit.saturating_sub(decoded);
        let want = usize::try_from(room).map_or(PIECE, |room| room.clamp(1, PIECE));
        match body.read(&mut buf[..want]) {
            Ok(0) => return Some((decoded, End::Complete)),
            Ok(_) if room == 0 => return Some((decoded, End::TooLarge { limit })),
            Ok(n) => {
                decoded += n as u64;
                sink(&buf[..n]).continue_value()?;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Some((decoded, end_of(&e))),
        }
    }
}

/// What an error out of the decoders means: a framing fault passed up through them, or damaged data.
fn end_of(error: &io::Error) -> End {
    match error.get_ref().and_then(|inner| inner.downcast_ref::<FramingFault>()) {
        Some(FramingFault::Broken(problem)) => End::BrokenChunks(*problem),
        Some(FramingFault::CutShort) => End::CutShort,
        None => End::Damaged { detail: error.to_string() },
    }
}

/// Why the raw body could not be read as its framing says; carried inside an [`io::Error`] through the
/// decoders, which pass their reader's errors on unchanged.
#[derive(Debug)]
enum FramingFault {
    Broken(ChunkProblem),
    CutShort,
}

impl fmt::Display for FramingFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Broken(problem) => write!(f, "the chunked body is broken: {problem}"),
            Self::CutShort => f.write_str("the body ended before its framing said it would"),
        }
    }
}

impl std::error::Error for FramingFault {}

fn fault(fault: FramingFault) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, fault)
}

/// Exactly `left` bytes of `inner` (a Content-Length body): fewer is [`FramingFault::CutShort`], and
/// what follows them is not part of the body.
struct Exactly<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exactly<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(self.left).map_or(buf.len(), |left| left.min(buf.len()));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(fault(FramingFault::CutShort));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The data of a chunked body, its sizes, line breaks and trailers removed (by [`Dechunker`]); what
/// follows its last chunk is not part of the body.
struct Unchunked<R> {
    inner: R,
    dechunker: Dechunker,
    raw: Vec<u8>,
    /// Data taken out of the last raw piece, not yet read; `served` of it already were.
    data: Vec<u8>,
    served: usize,
    /// The last chunk has ended: nothing more is read.
    ended: bool,
    /// The framing broke; told once the data before it is served.
    broken: Option<ChunkProblem>,
}

impl<R: Read> Unchunked<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            dechunker: Dechunker::new(),
            raw: vec![0; PIECE],
            data: Vec::new(),
            served: 0,
            ended: false,
            broken: None,
        }
    }
}

impl<R: Read> Read for Unchunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.served == self.data.len() {
            if let Some(problem) = self.broken {
                return Err(fault(FramingFault::Broken(problem)));
            }
            if self.ended {
                return Ok(0);
            }
            self.data.clear();
            self.served = 0;
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                return Err(fault(FramingFault::CutShort));
            }
            let data = &mut self.data;
            let fed = self.dechunker.feed(&self.raw[..n], &mut |piece| data.extend_from_slice(piece));
            match fed {
                Ok(Some(_)) => self.ended = true,
                Ok(None) => {}
                // The data before the problem is served first.
                Err(problem) => self.broken = Some(problem),
            }
        }
        let n = buf.len().min(self.data.len() - self.served);
        buf[..n].copy_from_slice(&self.data[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A `deflate` body: zlib-wrapped when its first two bytes are a zlib header, raw deflate otherwise
/// (what browsers accept). Decided at the first read.
enum Deflate<R: Read> {
    Undecided(Option<R>),
    Zlib(ZlibDecoder<io::Chain<Cursor<Vec<u8>>, R>>),
    Raw(DeflateDecoder<io::Chain<Cursor<Vec<u8>>, R>>),
}

impl<R: Read> Read for Deflate<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Self::Undecided(inner) = self {
            let Some(mut inner) = inner.take() else { return Ok(0) };
            let mut first = Vec::with_capacity(2);
            (&mut inner).take(2).read_to_end(&mut first)?;
            let zlib = is_zlib_header(&first);
            let both = Cursor::new(first).chain(inner);
            *self = if zlib { Self::Zlib(ZlibDecoder::new(both)) } else { Self::Raw(DeflateDecoder::new(both)) };
        }
        match self {
            Self::Undecided(_) => Ok(0),
            Self::Zlib(decoder) => decoder.read(buf),
            Self::Raw(decoder) => decoder.read(buf),
        }
    }
}

/// RFC 1950: method 8 (deflate), a window of at most 32 KiB, and a header check that is a multiple of 31.
fn is_zlib_header(first: &[u8]) -> bool {
    match *first {
        [cmf, flg] => cmf & 0x0F == 8 && cmf >> 4 <= 7 && (u16::from(cmf) << 8 | u16::from(flg)).is_multiple_of(31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use proptest::prelude::*;

    use super::*;

    /// A raw body that arrives in the given pieces, one per read (as a socket hands them out).
    struct Pieces(std::collections::VecDeque<Vec<u8>>);

    impl Pieces {
        /// `bytes` cut at `cuts` (positions, in any order, clamped to the length).
        fn cut(bytes: &[u8], cuts: &[usize]) -> Self {
            let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            at.extend([0, bytes.len()]);
            at.sort_unstable();
            at.dedup();
            Self(at.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect())
        }
    }

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(mut piece) = self.0.pop_front() else { return Ok(0) };
            let n = piece.len().min(buf.len());
            buf[..n].copy_from_slice(&piece[..n]);
            if n < piece.len() {
                self.0.push_front(piece.split_off(n));
            }
            Ok(n)
        }
    }

    fn plan(framing: Framing, codings: &[Coding]) -> Plan {
        Plan { framing, codings: codings.to_vec(), not_undone: None }
    }

    fn decode_all(plan: &Plan, raw: impl Read, limit: u64) -> (Vec<u8>, Decoded) {
        let mut out = Vec::new();
        let decoded = decode(plan, raw, limit, &mut |piece| {
            out.extend_from_slice(piece);
            ControlFlow::Continue(())
        });
        (out, decoded.expect("the sink never stops"))
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).expect("writing to a Vec");
        encoder.finish().expect("writing to a Vec")
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).expect("writing to a Vec");
        encoder.finish().expect("writing to a Vec")
    }

    fn raw_deflate(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).expect("writing to a Vec");
        encoder.finish().expect("writing to a Vec")
    }

    /// `body` in chunks of the given sizes (the rest in one last chunk), then the zero-size chunk.
    fn chunked(body: &[u8], sizes: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = body;
        for size in sizes.iter().chain([&rest.len()]) {
            let (piece, after) = rest.split_at((*size).min(rest.len()));
            if !piece.is_empty() {
                out.extend(format!("{:x}\r\n", piece.len()).bytes());
                out.extend(piece);
                out.extend(b"\r\n");
            }
            rest = after;
        }
        out.extend(b"0\r\n\r\n");
        out
    }

    fn text(len: usize) -> Vec<u8> {
        (0..len).flat_map(|i| format!("line {i} of a page that compresses well\n").into_bytes()).take(len).collect()
    }

    fn head_with(framing: Framing, headers: &[(&str, &str)]) -> ReplyHead {
        ReplyHead::for_tests(200, framing, headers)
    }

    #[test]
    fn the_plan_reads_the_codings_in_order_and_skips_identity() {
        let head = head_with(
            Framing::UntilClose,
            &[("content-encoding", "deflate, identity"), ("X-Other", "gzip"), ("Content-Encoding", " X-GZIP ")],
        );
        assert_eq!(Plan::for_head(&head), Some(plan(Framing::UntilClose, &[Coding::Deflate, Coding::Gzip])));
        assert_eq!(Plan::for_head(&head_with(Framing::Length(3), &[("Content-Encoding", "identity")])), None);
        assert_eq!(Plan::for_head(&head_with(Framing::NoBody, &[("Content-Encoding", "gzip")])), None);
        assert_eq!(Plan::for_head(&head_with(Framing::Chunked, &[])), Some(plan(Framing::Chunked, &[])));
        let unknown = Plan::for_head(&head_with(Framing::Length(3), &[("Content-Encoding", "gzip, br\x1b")]));
        let br = NotUndone::Unknown("br\\x1B".to_owned());
        assert_eq!(unknown.map(|p| (p.codings, p.not_undone)), Some((Vec::new(), Some(br))));
        let many = ["gzip"; MAX_CODINGS + 1].join(",");
        let too_many = Plan::for_head(&head_with(Framing::Length(3), &[("Content-Encoding", &many)]));
        assert_eq!(too_many.map(|p| p.not_undone), Some(Some(NotUndone::TooMany(MAX_CODINGS + 1))));
        let most = ["gzip"; MAX_CODINGS].join(",");
        let most = Plan::for_head(&head_with(Framing::Length(3), &[("Content-Encoding", &most)]));
        assert_eq!(most.map(|p| p.codings.len()), Some(MAX_CODINGS));
    }

    #[test]
    fn gzip_zlib_and_raw_deflate_are_decoded_byte_exact() {
        let page = text(100_000);
        for (coding, body) in
            [(Coding::Gzip, gzip(&page)), (Coding::Deflate, zlib(&page)), (Coding::Deflate, raw_deflate(&page))]
        {
            let (out, decoded) = decode_all(&plan(Framing::UntilClose, &[coding]), &body[..], u64::MAX);
            assert!(out == page, "{coding:?}");
            assert_eq!(
                decoded,
                Decoded { unchunked: body.len() as u64, decoded: page.len() as u64, end: End::Complete }
            );
        }
    }

    #[test]
    fn chunked_gzip_is_unchunked_then_unzipped_and_what_follows_is_not_body() {
        let page = text(50_000);
        let zipped = gzip(&page);
        let mut raw = chunked(&zipped, &[7, 300, 1]);
        raw.extend(b"HTTP/1.1 200 OK\r\n\r\nthe next reply");
        let (out, decoded) = decode_all(&plan(Framing::Chunked, &[Coding::Gzip]), &raw[..], u64::MAX);
        assert!(out == page);
        assert_eq!(decoded.unchunked, zipped.len() as u64);
        assert_eq!(decoded.end, End::Complete);
    }

    #[test]
    fn codings_are_undone_last_applied_first() {
        let page = text(5000);
        let twice = gzip(&zlib(&page));
        let (out, decoded) = decode_all(
            &plan(Framing::Length(twice.len() as u64), &[Coding::Deflate, Coding::Gzip]),
            &twice[..],
            u64::MAX,
        );
        assert!(out == page);
        assert_eq!(decoded.end, End::Complete);
    }

    #[test]
    fn an_unknown_coding_leaves_the_body_only_unchunked() {
        let body = b"\x0b\x02\x80not really brotli";
        let unknown = Plan {
            framing: Framing::Chunked,
            codings: vec![Coding::Gzip],
            not_undone: Some(NotUndone::Unknown("br".to_owned())),
        };
        let (out, decoded) = decode_all(&unknown, &chunked(body, &[3])[..], u64::MAX);
        assert_eq!(out, body);
        assert_eq!(decoded.end, End::Complete);
    }

    #[test]
    fn a_body_shorter_than_its_length_or_without_its_last_chunk_is_cut_short() {
        let page = text(3000);
        let (out, decoded) = decode_all(&plan(Framing::Length(5000), &[]), &page[..], u64::MAX);
        assert!(out == page);
        assert_eq!(decoded.end, End::CutShort);
        let raw = chunked(&page, &[1000]);
        let cut = &raw[..raw.len() - 5];
        let (out, decoded) = decode_all(&plan(Framing::Chunked, &[]), cut, u64::MAX);
        assert!(out == page);
        assert_eq!(decoded.end, End::CutShort);
    }

    #[test]
    fn a_broken_chunk_size_keeps_the_data_before_it() {
        let (out, decoded) = decode_all(&plan(Framing::Chunked, &[]), &b"3\r\nabc\r\nzz\r\nmore"[..], u64::MAX);
        assert_eq!(out, b"abc");
        assert_eq!(decoded.end, End::BrokenChunks(ChunkProblem::SizeNotHex { found: b'z' }));
    }

    #[test]
    fn damaged_gzip_says_so_and_keeps_what_was_decoded() {
        let page = text(400_000);
        let mut zipped = gzip(&page);
        let middle = zipped.len() * 3 / 4;
        for byte in &mut zipped[middle..middle + 64] {
            *byte ^= 0x5A;
        }
        let (out, decoded) = decode_all(&plan(Framing::UntilClose, &[Coding::Gzip]), &zipped[..], u64::MAX);
        assert!(matches!(decoded.end, End::Damaged { .. }), "{decoded:?}");
        assert!(!out.is_empty(), "what came before the damage is kept");
        assert!(page.starts_with(&out[..out.len().min(100_000)]), "the first bytes decoded are the page's");
        // Cut short: the gzip trailer never came.
        let (_, decoded) = decode_all(&plan(Framing::UntilClose, &[Coding::Gzip]), &gzip(&page)[..1000], u64::MAX);
        assert!(matches!(decoded.end, End::Damaged { .. }), "{decoded:?}");
    }

    #[test]
    fn decoding_stops_at_the_limit_and_says_so() {
        let page = text(10_000);
        let (out, decoded) = decode_all(&plan(Framing::UntilClose, &[Coding::Gzip]), &gzip(&page)[..], 4096);
        assert!(out == page[..4096]);
        assert_eq!(decoded.end, End::TooLarge { limit: 4096 });
        // Exactly the limit is not too large.
        let (out, decoded) = decode_all(&plan(Framing::UntilClose, &[Coding::Gzip]), &gzip(&page)[..], 10_000);
        assert!(out == page);
        assert_eq!(decoded.end, End::Complete);
    }

    #[test]
    fn a_sink_that_stops_stops_the_decoding() {
        let page = text(300_000);
        let mut pieces = 0;
        let stopped = decode(&plan(Framing::UntilClose, &[]), &page[..], u64::MAX, &mut |_| {
            pieces += 1;
            ControlFlow::Break(())
        });
        assert_eq!((stopped, pieces), (None, 1));
    }

    /// An encoder of flate2's.
    type Compress = fn(&[u8]) -> Vec<u8>;

    fn any_coding() -> impl Strategy<Value = (Coding, Compress)> {
        prop_oneof![
            Just((Coding::Gzip, gzip as Compress)),
            Just((Coding::Deflate, zlib as Compress)),
            Just((Coding::Deflate, raw_deflate as Compress)),
        ]
    }

    proptest! {
        // Each case compresses up to 20 KB in a debug build: fewer cases than the default 256 keep it quick.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_body_compressed_and_split_anywhere_decodes_byte_exact(
            body in prop::collection::vec(prop_oneof![Just(b'a'), Just(0u8), any::<u8>()], 0..20_000),
            (coding, compress) in any_coding(),
            chunk_sizes in prop::collection::vec(1usize..5000, 0..6),
            cuts in prop::collection::vec(any::<usize>(), 0..12),
            is_chunked in any::<bool>(),
        ) {
            let compressed = compress(&body);
            let (framing, raw) = if is_chunked {
                (Framing::Chunked, chunked(&compressed, &chunk_sizes))
            } else {
                (Framing::Length(compressed.len() as u64), compressed.clone())
            };
            let (out, decoded) = decode_all(&plan(framing, &[coding]), Pieces::cut(&raw, &cuts), u64::MAX);
            prop_assert!(out == body);
            prop_assert_eq!(decoded, Decoded { unchunked: compressed.len() as u64, decoded: body.len() as u64, end: End::Complete });
        }
    }
}
