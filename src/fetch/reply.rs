//! Following a reply as its bytes arrive: its head (after any interim 1xx heads), then its body to
//! the end its framing gives: a length, the last chunk, or the server hanging up. The bytes themselves
//! are never changed here; this only says where things are.

use super::error::FetchError;
use super::framing::{ChunkProblem, Dechunker};
use super::head::{Framing, HeadProblem, HeadRead, HeadReader, MAX_INTERIM_HEADS, ReplyHead, is_interim};

/// Where the reader is in the reply.
#[derive(Debug)]
enum Stage {
    /// Reading a head; `interim` heads came before it.
    Head {
        reader: HeadReader,
        interim: usize,
    },
    /// A body of a known length, `left` bytes still to come, ending at byte `end` of the reply.
    Length {
        left: u64,
        end: u64,
    },
    Chunked(Box<Dechunker>),
    /// A body that ends when the server hangs up; also where a reply that is not HTTP goes on.
    UntilClose {
        http: bool,
    },
    /// The reply has ended by its framing.
    Ended,
}

/// What one feed found: the heads it read, and whether the reply ended.
#[derive(Debug)]
pub struct Fed {
    /// Heads read (interim ones, then the real one), or why none can be, in order.
    pub found: Vec<Found>,
    pub end: End,
}

/// One thing a feed found in the reply; the caller tells it as it wishes.
#[derive(Debug)]
pub enum Found {
    /// A head, read whole: an interim one or the real one.
    Head(ReplyHead),
    /// The rest of the reply cannot be read as HTTP; its bytes are still kept.
    Unreadable(HeadProblem),
}

#[derive(Debug, PartialEq, Eq)]
pub enum End {
    /// The reply goes on.
    More,
    /// The reply ended after `used` of the bytes just fed; the rest came after it.
    Complete { used: usize },
    /// The chunked body is broken: the reply cannot be followed further.
    Broken(ChunkProblem),
    /// The head's Content-Length cannot be used: where the body ends cannot be known.
    BadLength(HeadProblem),
}

/// Follows one reply. See the module's documentation.
#[derive(Debug)]
pub struct ReplyReader {
    stage: Stage,
    /// Reply bytes fed so far.
    fed: u64,
    head_request: bool,
}

impl ReplyReader {
    /// `head_request`: the request was HEAD, so the reply has no body whatever its head says.
    pub fn new(head_request: bool) -> Self {
        Self { stage: Stage::Head { reader: HeadReader::new(0, head_request), interim: 0 }, fed: 0, head_request }
    }

    /// Takes the next bytes of the reply, in any split.
    pub fn feed(&mut self, input: &[u8]) -> Fed {
        let mut found = Vec::new();
        let mut at = 0;
        let end = loop {
            let rest = &input[at..];
            match &mut self.stage {
                Stage::Head { reader, interim } => match reader.feed(rest) {
                    HeadRead::More => break End::More,
                    HeadRead::Unreadable(problem) => {
                        found.push(Found::Unreadable(problem));
                        self.stage = Stage::UntilClose { http: false };
                    }
                    HeadRead::Head { head, used } => {
                        at += used;
                        let offset = self.fed + at as u64;
                        let endless = is_interim(head.status) && *interim == MAX_INTERIM_HEADS;
                        self.stage = match head.framing {
                            _ if endless => Stage::UntilClose { http: false },
                            _ if is_interim(head.status) => Stage::Head {
                                reader: HeadReader::new(offset, self.head_request),
                                interim: *interim + 1,
                            },
                            Framing::NoBody => Stage::Ended,
                            Framing::Length(left) => Stage::Length { left, end: offset.saturating_add(left) },
                            Framing::Chunked => Stage::Chunked(Box::default()),
                            Framing::UntilClose => Stage::UntilClose { http: true },
                        };
                        // An unusable Content-Length is an error a client cannot recover from (RFC 9112,
                        // section 6.3): where the body ends cannot be known, so the reply is not followed.
                        let bad_length = head.length_problem.clone();
                        found.push(Found::Head(head));
                        if endless {
                            found.push(Found::Unreadable(HeadProblem::EndlessInterimHeads));
                        }
                        if let Some(problem) = bad_length {
                            self.fed += input.len() as u64;
                            return Fed { found, end: End::BadLength(problem) };
                        }
                    }
                },
                Stage::Length { left, .. } => {
                    let take = usize::try_from(*left).map_or(rest.len(), |left| left.min(rest.len()));
                    at += take;
                    *left -= take as u64;
                    if *left > 0 {
                        break End::More;
                    }
                    self.stage = Stage::Ended;
                }
                Stage::Chunked(dechunker) => match dechunker.feed(rest, &mut |_| {}) {
                    Ok(Some(used)) => {
                        at += used;
                        self.stage = Stage::Ended;
                    }
                    Ok(None) => break End::More,
                    Err(problem) => break End::Broken(problem),
                },
                Stage::UntilClose { .. } => break End::More,
                Stage::Ended => break End::Complete { used: at },
            }
        };
        self.fed += input.len() as u64;
        Fed { found, end }
    }

    /// How the reply ends when the server hangs up: `Ok(true)` when it is complete by its framing
    /// (one that ends at the hang-up), `Ok(false)` when there is no framing to judge by (bytes that
    /// are not HTTP, a head cut short), or why it is cut short.
    /// `plain`: the request went in plain text (not over TLS).
    pub fn at_close(&self, plain: bool) -> Result<bool, FetchError> {
        let received = self.fed;
        match self.stage {
            _ if received == 0 => Err(FetchError::ClosedEmpty { plain }),
            Stage::Length { end, .. } => Err(FetchError::Truncated { expected: end, received }),
            Stage::Chunked(_) => Err(FetchError::ChunkedCutShort { received }),
            Stage::UntilClose { http: true } | Stage::Ended => Ok(true),
            // A head cut short, or bytes that are not HTTP: shown as they came, with no end to judge.
            Stage::Head { .. } | Stage::UntilClose { http: false } => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Feeds `pieces`; the heads' statuses, and where the reply ended counted from the first byte.
    fn follow(pieces: &[&[u8]], head_request: bool) -> (Vec<u16>, Option<usize>, ReplyReader) {
        let mut reader = ReplyReader::new(head_request);
        let mut statuses = Vec::new();
        let mut offset = 0;
        for piece in pieces {
            let fed = reader.feed(piece);
            statuses.extend(fed.found.iter().filter_map(|found| match found {
                Found::Head(head) => Some(head.status),
                Found::Unreadable(_) => None,
            }));
            match fed.end {
                End::Complete { used } => return (statuses, Some(offset + used), reader),
                End::More => offset += piece.len(),
                End::Broken(problem) => panic!("broken: {problem}"),
                End::BadLength(problem) => panic!("length cannot be used: {problem}"),
            }
        }
        (statuses, None, reader)
    }

    /// Bytes that come after a reply's end.
    const AFTER: &[u8] = b"EXTRA";

    /// Each reply, and whether its framing ends it (before [`AFTER`]); the others end at the hang-up.
    const REPLIES: [(&[u8], bool); 6] = [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", true),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nT: 1\r\n\r\nEXTRA", true),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nEXTRA", true),
        (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\nEXTRA", true),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nEXTRA", true),
        (b"HTTP/1.0 200 OK\r\n\r\nbody until close", false),
    ];

    #[test]
    fn each_reply_ends_where_its_framing_says_in_any_split() {
        for (reply, framed) in REPLIES {
            let text = String::from_utf8_lossy(reply);
            let end = framed.then(|| reply.len() - AFTER.len());
            assert_eq!(follow(&[reply], false).1, end, "{text}");
            for cut in 0..=reply.len() {
                assert_eq!(follow(&[&reply[..cut], &reply[cut..]], false).1, end, "{text} cut at {cut}");
            }
            let bytes: Vec<&[u8]> = reply.chunks(1).collect();
            assert_eq!(follow(&bytes, false).1, end, "{text} one byte at a time");
        }
    }

    #[test]
    fn a_length_that_cannot_be_used_stops_the_reply_at_its_head() {
        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nContent-Length: 9\r\n\r\nbody";
        for cut in 0..=reply.len() {
            let mut reader = ReplyReader::new(false);
            let first = reader.feed(&reply[..cut]);
            let end = if first.end == End::More { reader.feed(&reply[cut..]).end } else { first.end };
            assert_eq!(end, End::BadLength(HeadProblem::LengthsDisagree { first: 8, second: 9 }), "cut at {cut}");
        }
        // Where there is no body to frame, the length is never looked at.
        let fed = ReplyReader::new(true).feed(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
        assert_eq!(fed.end, End::Complete { used: 38 });
    }

    #[test]
    fn interim_heads_are_each_told_and_the_real_one_frames_the_body() {
        let reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        let (statuses, end, _) = follow(&[reply], false);
        assert_eq!((statuses, end), (vec![100, 200], Some(reply.len())));
    }

    #[test]
    fn a_reply_to_head_ends_with_its_head() {
        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
        assert_eq!(follow(&[reply], true).1, Some(reply.len()));
        assert_eq!(follow(&[reply], false).1, None);
    }

    #[test]
    fn a_hang_up_before_the_end_is_named() {
        let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let (_, _, reader) = follow(&[cut], false);
        let expected = (cut.len() + 7) as u64;
        assert_eq!(reader.at_close(false), Err(FetchError::Truncated { expected, received: cut.len() as u64 }));
        let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab";
        let (_, _, reader) = follow(&[cut], false);
        assert_eq!(reader.at_close(false), Err(FetchError::ChunkedCutShort { received: cut.len() as u64 }));
        let (_, _, reader) = follow(&[b"HTTP/1.0 200 OK\r\n\r\nall of it"], false);
        assert_eq!(reader.at_close(false), Ok(true));
        assert_eq!(ReplyReader::new(false).at_close(true), Err(FetchError::ClosedEmpty { plain: true }));
    }

    #[test]
    fn a_broken_chunk_size_stops_the_reader_with_its_problem() {
        let mut reader = ReplyReader::new(false);
        let fed = reader.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assert_eq!(fed.end, End::Broken(ChunkProblem::SizeNotHex { found: b'z' }));
    }

    #[test]
    fn endless_interim_heads_are_not_followed_for_ever() {
        let reply = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(MAX_INTERIM_HEADS + 5);
        let mut reader = ReplyReader::new(false);
        let fed = reader.feed(&reply);
        assert_eq!(fed.end, End::More);
        assert!(matches!(fed.found.last(), Some(Found::Unreadable(HeadProblem::EndlessInterimHeads))));
        assert_eq!(reader.at_close(false), Ok(false));
    }

    /// A reply whose body is `body`, framed by its length or in chunks of `piece` bytes, with
    /// `interim` 100 Continue heads before it.
    fn framed(body: &[u8], chunked: bool, piece: usize, interim: usize) -> Vec<u8> {
        let mut reply = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(interim);
        if chunked {
            reply.extend_from_slice(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for part in body.chunks(piece) {
                reply.extend_from_slice(format!("{:X}\r\n", part.len()).as_bytes());
                reply.extend_from_slice(part);
                reply.extend_from_slice(b"\r\n");
            }
            reply.extend_from_slice(b"0\r\n\r\n");
        } else {
            reply.extend_from_slice(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
            reply.extend_from_slice(body);
        }
        reply
    }

    proptest! {
        #[test]
        fn any_framed_reply_ends_at_its_end_in_any_split(
            body in prop::collection::vec(any::<u8>(), 0..600),
            chunked in any::<bool>(),
            piece in 1..200usize,
            interim in 0..3usize,
            after in prop::collection::vec(any::<u8>(), 0..30),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let reply = framed(&body, chunked, piece, interim);
            let mut bytes = reply.clone();
            bytes.extend_from_slice(&after);
            let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
            cuts.extend([0, bytes.len()]);
            cuts.sort_unstable();
            let pieces: Vec<&[u8]> = cuts.windows(2).map(|pair| &bytes[pair[0]..pair[1]]).collect();
            let (statuses, end, _) = follow(&pieces, false);
            prop_assert_eq!(end, Some(reply.len()));
            prop_assert_eq!(statuses.len(), interim + 1);
        }
    }
}
