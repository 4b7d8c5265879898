//! The wire, as an eavesdropper sees it: every byte that crosses the socket, in both directions.
//!
//! A [`Tap`] wraps the connected socket (below TLS, for HTTPS) and notes each piece that crosses it:
//! over plain HTTP each read and write (those bytes *are* the request and the reply), over TLS each
//! record, cut from the byte stream by its 5-byte header (type, version, length) however the reads
//! split it. The records go out in batches ([`Tap::take`]), never one event per record: a 1 GiB
//! download over TLS is some 65,000 records. [`WireLog`] keeps them for a view, bounded.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A TLS record's header: content type (1 byte), version (2), length of what follows (2).
pub const HEADER_LEN: u64 = 5;
/// The longest record body TLS allows (RFC 5246: 2^14 + 2048); a longer claim is told as such.
pub const MAX_RECORD_BODY: u64 = (1 << 14) + 2048;
/// How many of an encrypted record's first bytes are kept, to be shown.
pub const FIRST_BYTES: usize = 16;
/// Records a view keeps one by one; past this, it counts them.
pub const KEEP_RECORDS: usize = 20_000;

/// Which way bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// From this computer to the server.
    Sent,
    /// From the server to this computer.
    Received,
}

impl Direction {
    pub const BOTH: [Self; 2] = [Self::Sent, Self::Received];
}

/// A TLS record's content type (RFC 8446, section 5.1), or any other byte a server put there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContentType {
    ChangeCipherSpec,
    Alert,
    Handshake,
    ApplicationData,
    /// No TLS record has this type: the other side does not speak TLS, or the stream is garbled.
    Other(u8),
}

impl From<u8> for ContentType {
    fn from(byte: u8) -> Self {
        match byte {
            20 => Self::ChangeCipherSpec,
            21 => Self::Alert,
            22 => Self::Handshake,
            23 => Self::ApplicationData,
            other => Self::Other(other),
        }
    }
}

/// What one piece on the wire is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Piece {
    /// One read or write of a plain (unencrypted) connection: the bytes themselves are the request or reply.
    Plain,
    /// One TLS record.
    Record(ContentType),
}

/// One piece that crossed the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireRecord {
    pub direction: Direction,
    pub piece: Piece,
    /// On the job's clock (as the events' `at`), when its first byte crossed.
    pub at: Duration,
    /// A record's length as its header claims (the body, without the header); a plain read's or write's size.
    pub length: u64,
    /// Bytes of it that crossed the wire: header and body for a record (fewer when the connection
    /// ended inside it), the size for a plain piece. Totals add these.
    pub wire: u64,
    /// A record's first body bytes: encrypted, for application data. Only `first_len` of them count.
    pub first: [u8; FIRST_BYTES],
    pub first_len: u8,
}

impl WireRecord {
    fn plain(direction: Direction, at: Duration, length: u64) -> Self {
        Self { direction, piece: Piece::Plain, at, length, wire: length, first: [0; FIRST_BYTES], first_len: 0 }
    }

    /// The first body bytes kept.
    pub fn first_bytes(&self) -> &[u8] {
        &self.first[..usize::from(self.first_len)]
    }

    /// Whether all of it crossed: a record may be cut short by the end of the connection.
    pub fn is_whole(&self) -> bool {
        match self.piece {
            Piece::Plain => true,
            Piece::Record(_) => self.length.checked_add(HEADER_LEN) == Some(self.wire),
        }
    }

    /// A record whose header claims more than TLS allows.
    pub fn is_too_long(&self) -> bool {
        matches!(self.piece, Piece::Record(_)) && self.length > MAX_RECORD_BODY
    }
}

/// Cuts one direction's byte stream into TLS records, however the stream is split into pieces.
/// Any bytes at all are accepted: a length is a 16-bit number, so no claim can make it misbehave.
#[derive(Debug, Default, Clone)]
pub struct RecordCutter {
    /// The header's [`HEADER_LEN`] bytes, as far as they came.
    header: [u8; 5],
    header_len: usize,
    /// When the record being read began.
    started: Duration,
    /// The record whose body is still arriving.
    current: Option<WireRecord>,
}

impl RecordCutter {
    /// Takes the next `bytes` of the stream, which crossed at `at`; each record completed goes to `out`.
    pub fn feed(&mut self, direction: Direction, at: Duration, mut bytes: &[u8], out: &mut Vec<WireRecord>) {
        while !bytes.is_empty() {
            let Some(record) = &mut self.current else {
                if self.header_len == 0 {
                    self.started = at;
                }
                let take = (self.header.len() - self.header_len).min(bytes.len());
                self.header[self.header_len..self.header_len + take].copy_from_slice(&bytes[..take]);
                self.header_len += take;
                bytes = &bytes[take..];
                if self.header_len == self.header.len() {
                    self.header_len = 0;
                    let [kind, _, _, high, low] = self.header;
                    let record = WireRecord {
                        direction,
                        piece: Piece::Record(ContentType::from(kind)),
                        at: self.started,
                        length: u64::from(u16::from_be_bytes([high, low])),
                        wire: HEADER_LEN,
                        first: [0; FIRST_BYTES],
                        first_len: 0,
                    };
                    if record.is_whole() {
                        out.push(record);
                    } else {
                        self.current = Some(record);
                    }
                }
                continue;
            };
            // The record is incomplete, so its wire count is below its length + header.
            let left = (record.length + HEADER_LEN).saturating_sub(record.wire);
            let take = usize::try_from(left).unwrap_or(usize::MAX).min(bytes.len());
            let have = usize::from(record.first_len);
            if have < FIRST_BYTES {
                let copy = (FIRST_BYTES - have).min(take);
                record.first[have..have + copy].copy_from_slice(&bytes[..copy]);
                // At most FIRST_BYTES, which fits a byte.
                record.first_len = u8::try_from(have + copy).unwrap_or(u8::MAX);
            }
            record.wire += take as u64;
            bytes = &bytes[take..];
            if record.is_whole() {
                out.push(*record);
                self.current = None;
            }
        }
    }

    /// The connection ended: a record (or header) it ended inside goes to `out`, as far as it came.
    pub fn finish(&mut self, direction: Direction, out: &mut Vec<WireRecord>) {
        if let Some(record) = self.current.take() {
            out.push(record);
        } else if self.header_len > 0 {
            let mut record = WireRecord::plain(direction, self.started, 0);
            record.piece = Piece::Record(ContentType::from(self.header[0]));
            record.wire = self.header_len as u64;
            out.push(record);
        }
        self.header_len = 0;
    }
}

/// The connected socket, with every byte that crosses it noted.
#[derive(Debug)]
pub struct Tap {
    stream: TcpStream,
    /// Over TLS the pieces are records; without, each read and write.
    tls: bool,
    cutters: [RecordCutter; 2],
    records: Vec<WireRecord>,
    totals: [u64; 2],
    /// The job's clock read at `synced`: records are timed on it.
    clock_at_sync: Duration,
    synced: Instant,
}

impl Tap {
    /// Taps `stream`; `now` is the job's clock.
    pub fn new(stream: TcpStream, tls: bool, now: Duration) -> Self {
        Self {
            stream,
            tls,
            cutters: [RecordCutter::default(), RecordCutter::default()],
            records: Vec::new(),
            totals: [0; 2],
            clock_at_sync: now,
            synced: Instant::now(),
        }
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Sets the time to the job's clock, which stops while a step-through is paused and while a step
    /// is reported.
    pub fn sync(&mut self, now: Duration) {
        self.clock_at_sync = now;
        self.synced = Instant::now();
    }

    /// Bytes that crossed in `direction`, exactly, whatever has been taken.
    pub fn total(&self, direction: Direction) -> u64 {
        self.totals[direction as usize]
    }

    /// Records noted and not taken yet.
    pub fn waiting(&self) -> usize {
        self.records.len()
    }

    /// The records noted since the last take.
    pub fn take(&mut self) -> Vec<WireRecord> {
        std::mem::take(&mut self.records)
    }

    /// The records noted since the last take, and those the connection ended inside: the last take.
    pub fn take_last(&mut self) -> Vec<WireRecord> {
        for direction in Direction::BOTH {
            self.cutters[direction as usize].finish(direction, &mut self.records);
        }
        self.take()
    }

    fn saw(&mut self, direction: Direction, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.totals[direction as usize] += bytes.len() as u64;
        let at = self.clock_at_sync + self.synced.elapsed();
        if self.tls {
            self.cutters[direction as usize].feed(direction, at, bytes, &mut self.records);
        } else {
            self.records.push(WireRecord::plain(direction, at, bytes.len() as u64));
        }
    }
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        self.saw(Direction::Received, &buf[..n]);
        Ok(n)
    }
}

impl Write for Tap {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stream.write(buf)?;
        self.saw(Direction::Sent, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// How many pieces of one kind went one way, and their bytes on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub bytes: u64,
}

impl Tally {
    pub fn add(&mut self, record: &WireRecord) {
        self.count += 1;
        self.bytes += record.wire;
    }
}

/// The wire of one fetch as a view keeps it: the first [`KEEP_RECORDS`] pieces one by one, and for
/// all of them (those past the cap too) counts and bytes per direction and kind, so totals stay exact
/// and memory stays bounded however long the download.
#[derive(Debug, Clone, Default)]
pub struct WireLog {
    /// When the connection was made, on the job's clock: records are timed from there.
    connected_at: Duration,
    records: Vec<WireRecord>,
    totals: BTreeMap<(Direction, Piece), Tally>,
    beyond: BTreeMap<(Direction, Piece), Tally>,
}

impl WireLog {
    /// The connection was made at `at` (the job's clock).
    pub fn connected(&mut self, at: Duration) {
        self.connected_at = at;
    }

    /// When `record` crossed, counted from the connect.
    pub fn since_connect(&self, record: &WireRecord) -> Duration {
        record.at.saturating_sub(self.connected_at)
    }

    pub fn add(&mut self, records: &[WireRecord]) {
        for record in records {
            let key = (record.direction, record.piece);
            self.totals.entry(key).or_default().add(record);
            if self.records.len() < KEEP_RECORDS {
                self.records.push(*record);
            } else {
                self.beyond.entry(key).or_default().add(record);
            }
        }
    }

    /// The pieces kept, in the order they crossed (each direction in order; the two interleaved by time).
    pub fn records(&self) -> &[WireRecord] {
        &self.records
    }

    /// All pieces that went `direction`: counted, and their bytes.
    pub fn total(&self, direction: Direction) -> Tally {
        self.totals.range((direction, Piece::Plain)..).take_while(|((d, _), _)| *d == direction).fold(
            Tally::default(),
            |sum, (_, tally)| Tally { count: sum.count + tally.count, bytes: sum.bytes + tally.bytes },
        )
    }

    /// Per direction and kind, every piece counted.
    pub fn totals(&self) -> impl Iterator<Item = (Direction, Piece, Tally)> + '_ {
        self.totals.iter().map(|((d, p), t)| (*d, *p, *t))
    }

    /// Per direction and kind, the pieces past the cap, which are only counted.
    pub fn beyond(&self) -> impl Iterator<Item = (Direction, Piece, Tally)> + '_ {
        self.beyond.iter().map(|((d, p), t)| (*d, *p, *t))
    }

    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cut_all(pieces: &[&[u8]]) -> Vec<WireRecord> {
        let mut cutter = RecordCutter::default();
        let mut out = Vec::new();
        for piece in pieces {
            cutter.feed(Direction::Received, Duration::ZERO, piece, &mut out);
        }
        cutter.finish(Direction::Received, &mut out);
        out
    }

    fn record(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut bytes = vec![kind, 3, 3];
        bytes.extend_from_slice(&u16::try_from(body.len()).expect("short body").to_be_bytes());
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn records_are_cut_by_their_headers_with_their_first_bytes() {
        let mut stream = record(22, b"hello");
        stream.extend(record(20, &[1]));
        stream.extend(record(23, &[0xAB; 40]));
        stream.extend(record(21, &[]));
        let records = cut_all(&[&stream]);
        let kinds: Vec<Piece> = records.iter().map(|r| r.piece).collect();
        assert_eq!(
            kinds,
            [ContentType::Handshake, ContentType::ChangeCipherSpec, ContentType::ApplicationData, ContentType::Alert]
                .map(Piece::Record)
        );
        assert_eq!(records.iter().map(|r| r.length).collect::<Vec<_>>(), [5, 1, 40, 0]);
        assert_eq!(records[0].first_bytes(), b"hello");
        assert_eq!(records[2].first_bytes(), &[0xAB; FIRST_BYTES]);
        assert!(records.iter().all(WireRecord::is_whole));
        assert_eq!(records.iter().map(|r| r.wire).sum::<u64>(), stream.len() as u64);
    }

    #[test]
    fn a_record_cut_short_and_a_bad_type_and_length_are_told_as_they_are() {
        let mut stream = vec![99, 3, 3, 0xFF, 0xFF];
        stream.extend_from_slice(&[0; 10]);
        let records = cut_all(&[&stream]);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].piece, Piece::Record(ContentType::Other(99)));
        assert!(records[0].is_too_long() && !records[0].is_whole());
        assert_eq!(records[0].wire, 15);

        let half_header = cut_all(&[&[23, 3]]);
        assert_eq!(half_header[0].wire, 2);
        assert!(!half_header[0].is_whole());
    }

    #[test]
    fn the_log_keeps_a_bounded_number_and_counts_the_rest_exactly() {
        let mut log = WireLog::default();
        let one = WireRecord::plain(Direction::Received, Duration::ZERO, 100);
        log.add(&vec![one; KEEP_RECORDS + 7]);
        log.add(&[WireRecord::plain(Direction::Sent, Duration::ZERO, 3)]);
        assert_eq!(log.records().len(), KEEP_RECORDS);
        assert_eq!(log.total(Direction::Received), Tally { count: KEEP_RECORDS as u64 + 7, bytes: 100 * 20_007 });
        assert_eq!(log.total(Direction::Sent), Tally { count: 1, bytes: 3 });
        let beyond: Vec<_> = log.beyond().collect();
        assert_eq!(
            beyond,
            [
                (Direction::Sent, Piece::Plain, Tally { count: 1, bytes: 3 }),
                (Direction::Received, Piece::Plain, Tally { count: 7, bytes: 700 })
            ]
        );
    }

    proptest! {
        #[test]
        fn any_stream_cut_anywhere_gives_the_records_of_the_whole(
            bodies in prop::collection::vec((20u8..=24, prop::collection::vec(any::<u8>(), 0..70)), 0..12),
            cuts in prop::collection::vec(0usize..2000, 0..20),
        ) {
            let stream: Vec<u8> = bodies.iter().flat_map(|(kind, body)| record(*kind, body)).collect();
            let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (stream.len() + 1)).collect();
            points.sort_unstable();
            let mut pieces = Vec::new();
            let mut from = 0;
            for point in points {
                pieces.push(&stream[from..point]);
                from = point;
            }
            pieces.push(&stream[from..]);
            let whole = cut_all(&[&stream]);
            prop_assert_eq!(&cut_all(&pieces), &whole);
            prop_assert_eq!(whole.len(), bodies.len());
            prop_assert_eq!(whole.iter().map(|r| r.wire).sum::<u64>(), stream.len() as u64);
        }

        #[test]
        fn garbage_cut_anywhere_never_panics_and_every_byte_is_counted(
            garbage in prop::collection::vec(any::<u8>(), 0..5000),
            cut in 0usize..5000,
        ) {
            let cut = cut.min(garbage.len());
            let records = cut_all(&[&garbage[..cut], &garbage[cut..]]);
            prop_assert_eq!(&records, &cut_all(&[&garbage]));
            prop_assert_eq!(records.iter().map(|r| r.wire).sum::<u64>(), garbage.len() as u64);
        }
    }
}
