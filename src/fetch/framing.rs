//! Reading a chunked body (`Transfer-Encoding: chunked`, RFC 9112 section 7.1) as it streams in.
//!
//! A chunked body is a run of pieces, each a size line in hexadecimal, that many data bytes and a line
//! break; a piece of size 0 ends it, followed by optional trailer lines and an empty line. The
//! [`Dechunker`] takes the raw body in any split and hands out the data; it never keeps the data itself,
//! so its memory stays small however large the body is. Every size is the server's claim: checked
//! arithmetic, and a size that cannot be true is a [`ChunkProblem`], never a wrap.

use std::fmt;

/// The longest size line (digits, extensions and spaces) taken; a longer one is a [`ChunkProblem`]
/// rather than a line the reader waits on forever.
pub const MAX_SIZE_LINE: usize = 4096;
/// The most trailer bytes kept after the last chunk, all lines together.
pub const MAX_TRAILER_BYTES: usize = 64 * 1024;

/// Why a chunked body cannot be read further. Each reads as the end of a sentence starting "The
/// chunked body is broken: ".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkProblem {
    /// A size line does not start with a hexadecimal digit (an empty size line included).
    SizeNotHex { found: u8 },
    /// A size has more value than 64 bits hold: no real body is that large.
    SizeTooLarge,
    /// After the size digits came something other than `;`, a space or the end of the line.
    BadCharAfterSize { found: u8 },
    /// A size line went on longer than [`MAX_SIZE_LINE`] without ending.
    SizeLineTooLong,
    /// A carriage return (`\r`) in a size or trailer line was not followed by a line feed (`\n`).
    CrWithoutLf { found: u8 },
    /// A chunk's data was not followed by a line break: the size did not match the data.
    MissingCrlfAfterData { found: u8 },
    /// The trailer lines after the last chunk went on longer than [`MAX_TRAILER_BYTES`].
    TrailersTooLarge,
}

/// A byte as it can be quoted in a sentence: printable ASCII as itself, any other as an escape.
struct Quoted(u8);

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", crate::escape::escape(crate::escape::Style::Line, &[self.0]))
    }
}

impl fmt::Display for ChunkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::SizeNotHex { found } => write!(
                f,
                "a chunk size must be a hexadecimal number (digits 0-9 and letters a-f), but the size line starts with {}",
                Quoted(found)
            ),
            Self::SizeTooLarge => f.write_str(
                "a chunk size is larger than any real body could be (more than 16 hexadecimal digits of value)",
            ),
            Self::BadCharAfterSize { found } => write!(
                f,
                "after a chunk size only a \";\" extension, spaces or the end of the line may follow, but {} came",
                Quoted(found)
            ),
            Self::SizeLineTooLong => write!(f, "a chunk size line is longer than {MAX_SIZE_LINE} bytes without ending"),
            Self::CrWithoutLf { found } => write!(
                f,
                "a carriage return (\\r) in a chunk's line is followed by {} instead of a line feed (\\n)",
                Quoted(found)
            ),
            Self::MissingCrlfAfterData { found } => write!(
                f,
                "a chunk's data must end with a line break (\\r\\n), but {} came: the chunk size does not match its data",
                Quoted(found)
            ),
            Self::TrailersTooLarge => {
                write!(f, "the trailer lines after the last chunk are longer than {MAX_TRAILER_BYTES} bytes together")
            }
        }
    }
}

impl std::error::Error for ChunkProblem {}

/// Where the reader is within the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between data: in a size line, a data's line break or a trailer line, read byte by byte.
    Line(Line),
    /// Inside a chunk's data, `left` bytes still to come; handed out a slice at a time.
    Data { left: u64 },
    /// The body has ended; nothing more belongs to it.
    Done,
    /// A problem was found; the reader stays stopped at it.
    Broken(ChunkProblem),
}

/// Which line the reader is in, outside a chunk's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// At a size line: `value` so far from `digits` hex digits.
    Size { value: u64, digits: usize },
    /// After the size digits: skipping spaces and extensions up to the line's end.
    SizeRest { value: u64, in_extension: bool },
    /// A `\r` ended the size line; a `\n` must follow.
    SizeLf { value: u64 },
    /// After a chunk's data: its line break must follow.
    DataEnd,
    /// After the data's `\r`: its `\n` must follow.
    DataLf,
    /// After the last chunk: a trailer line (or the empty line that ends the body) is being read;
    /// `cr` when its `\r` was just taken.
    Trailer { cr: bool },
}

const NEXT_SIZE: State = State::Line(Line::Size { value: 0, digits: 0 });

/// Reads a chunked body fed in pieces of any size. See the module's documentation.
#[derive(Debug, Clone)]
pub struct Dechunker {
    state: State,
    /// Bytes of the current size line, held against [`MAX_SIZE_LINE`].
    line_len: usize,
    /// The current trailer line so far.
    line: Vec<u8>,
    trailers: Vec<Vec<u8>>,
    /// Trailer bytes taken so far, held against [`MAX_TRAILER_BYTES`].
    trailer_bytes: usize,
}

impl Default for Dechunker {
    fn default() -> Self {
        Self::new()
    }
}

impl Dechunker {
    pub fn new() -> Self {
        Self { state: NEXT_SIZE, line_len: 0, line: Vec::new(), trailers: Vec::new(), trailer_bytes: 0 }
    }

    /// Takes the next raw body bytes (after the head). Each piece of body data is handed to `data`
    /// as found. Returns `Ok(Some(used))` when the zero-size chunk and its trailers have ended, `used`
    /// being how many bytes of `input` belonged to the body (the rest came after it); `Ok(None)` for
    /// "needs more". Once ended, it answers `Ok(Some(0))`: nothing more belongs to the body. Once
    /// broken, it answers the same problem again.
    pub fn feed(&mut self, input: &[u8], data: &mut dyn FnMut(&[u8])) -> Result<Option<usize>, ChunkProblem> {
        let mut at = 0;
        loop {
            match self.state {
                State::Done => return Ok(Some(at)),
                State::Broken(problem) => return Err(problem),
                _ if at == input.len() => return Ok(None),
                State::Data { left } => {
                    // The data goes out in one slice, not byte by byte: a body may be gigabytes.
                    let available = input.len() - at;
                    let take = usize::try_from(left).map_or(available, |left| left.min(available));
                    data(&input[at..at + take]);
                    at += take;
                    let left = left - take as u64;
                    self.state = if left == 0 { State::Line(Line::DataEnd) } else { State::Data { left } };
                }
                State::Line(line) => {
                    let byte = input[at];
                    at += 1;
                    self.state = self.step(line, byte).unwrap_or_else(State::Broken);
                }
            }
        }
    }

    /// The trailer header lines seen after the last chunk, each without its line break, in order.
    pub fn trailers(&self) -> &[Vec<u8>] {
        &self.trailers
    }

    /// Whether the zero-size chunk and its trailers have ended.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Takes one byte outside a chunk's data; answers where the reader is next.
    fn step(&mut self, line: Line, byte: u8) -> Result<State, ChunkProblem> {
        Ok(match line {
            Line::Size { value, digits } => {
                self.count_size_line()?;
                match hex_value(byte) {
                    Some(digit) => {
                        let value = value
                            .checked_mul(16)
                            .and_then(|value| value.checked_add(u64::from(digit)))
                            .ok_or(ChunkProblem::SizeTooLarge)?;
                        State::Line(Line::Size { value, digits: digits + 1 })
                    }
                    None if digits == 0 => return Err(ChunkProblem::SizeNotHex { found: byte }),
                    None => self.after_size(value, false, byte)?,
                }
            }
            Line::SizeRest { value, in_extension } => {
                self.count_size_line()?;
                self.after_size(value, in_extension, byte)?
            }
            Line::SizeLf { value } => match byte {
                b'\n' => self.size_line_ended(value),
                found => return Err(ChunkProblem::CrWithoutLf { found }),
            },
            Line::DataEnd => match byte {
                b'\r' => State::Line(Line::DataLf),
                // A bare line feed, as curl and browsers also accept.
                b'\n' => NEXT_SIZE,
                found => return Err(ChunkProblem::MissingCrlfAfterData { found }),
            },
            Line::DataLf => match byte {
                b'\n' => NEXT_SIZE,
                found => return Err(ChunkProblem::MissingCrlfAfterData { found }),
            },
            Line::Trailer { cr } => self.trailer_byte(cr, byte)?,
        })
    }

    /// A byte of the size line after its digits.
    fn after_size(&mut self, value: u64, in_extension: bool, byte: u8) -> Result<State, ChunkProblem> {
        Ok(match byte {
            b'\r' => State::Line(Line::SizeLf { value }),
            // A bare line feed, as curl and browsers also accept.
            b'\n' => self.size_line_ended(value),
            // Extensions (`;name=value`) carry nothing this reader needs: skipped to the line's end.
            _ if in_extension => State::Line(Line::SizeRest { value, in_extension }),
            b';' => State::Line(Line::SizeRest { value, in_extension: true }),
            b' ' | b'\t' => State::Line(Line::SizeRest { value, in_extension }),
            found => return Err(ChunkProblem::BadCharAfterSize { found }),
        })
    }

    fn size_line_ended(&mut self, value: u64) -> State {
        self.line_len = 0;
        if value == 0 { State::Line(Line::Trailer { cr: false }) } else { State::Data { left: value } }
    }

    fn count_size_line(&mut self) -> Result<(), ChunkProblem> {
        self.line_len += 1;
        if self.line_len > MAX_SIZE_LINE {
            return Err(ChunkProblem::SizeLineTooLong);
        }
        Ok(())
    }

    /// A byte after the last chunk: trailer lines until an empty one.
    fn trailer_byte(&mut self, cr: bool, byte: u8) -> Result<State, ChunkProblem> {
        if cr && byte != b'\n' {
            return Err(ChunkProblem::CrWithoutLf { found: byte });
        }
        match byte {
            b'\r' => Ok(State::Line(Line::Trailer { cr: true })),
            b'\n' if self.line.is_empty() => Ok(State::Done),
            b'\n' => {
                self.trailers.push(std::mem::take(&mut self.line));
                Ok(State::Line(Line::Trailer { cr: false }))
            }
            _ => {
                self.trailer_bytes += 1;
                if self.trailer_bytes > MAX_TRAILER_BYTES {
                    return Err(ChunkProblem::TrailersTooLarge);
                }
                self.line.push(byte);
                Ok(State::Line(Line::Trailer { cr: false }))
            }
        }
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Feeds `pieces` in order; returns the data, the bytes used of all input, and the result.
    fn feed_all(pieces: &[&[u8]]) -> (Vec<u8>, Result<Option<usize>, ChunkProblem>, Dechunker) {
        let mut reader = Dechunker::new();
        let mut out = Vec::new();
        let mut offset = 0;
        let mut result = Ok(None);
        for piece in pieces {
            result = reader.feed(piece, &mut |bytes| out.extend_from_slice(bytes));
            match result {
                Ok(Some(used)) => {
                    result = Ok(Some(offset + used));
                    break;
                }
                Ok(None) => offset += piece.len(),
                Err(_) => break,
            }
        }
        (out, result, reader)
    }

    const BODY: &[u8] =
        b"7\r\nMozilla\r\n11;name=value\r\nDeveloper Network\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\nEXTRA";
    const BODY_USED: usize = BODY.len() - b"EXTRA".len();

    #[test]
    fn whole_body_gives_data_trailers_and_where_it_ends() {
        let (data, result, reader) = feed_all(&[BODY]);
        assert_eq!(data, b"MozillaDeveloper Network");
        assert_eq!(result, Ok(Some(BODY_USED)));
        assert_eq!(reader.trailers(), [b"Expires: never".to_vec(), b"X-Sum: 1".to_vec()]);
        assert!(reader.is_done());
    }

    #[test]
    fn every_split_point_gives_the_same_result() {
        for cut in 0..=BODY.len() {
            let (data, result, reader) = feed_all(&[&BODY[..cut], &BODY[cut..]]);
            assert_eq!(data, b"MozillaDeveloper Network", "cut at {cut}");
            assert_eq!(result, Ok(Some(BODY_USED)), "cut at {cut}");
            assert_eq!(reader.trailers().len(), 2, "cut at {cut}");
        }
    }

    #[test]
    fn one_byte_at_a_time_gives_the_same_result() {
        let pieces: Vec<&[u8]> = BODY.chunks(1).collect();
        let (data, result, reader) = feed_all(&pieces);
        assert_eq!(data, b"MozillaDeveloper Network");
        assert_eq!(result, Ok(Some(BODY_USED)));
        assert_eq!(reader.trailers().len(), 2);
    }

    #[test]
    fn needs_more_until_the_empty_line_after_the_last_chunk() {
        let without_end = &BODY[..BODY_USED - 2];
        let (_, result, reader) = feed_all(&[without_end]);
        assert_eq!(result, Ok(None));
        assert!(!reader.is_done());
    }

    #[test]
    fn after_the_end_nothing_more_belongs_to_the_body() {
        let mut reader = Dechunker::new();
        assert_eq!(reader.feed(b"0\r\n\r\n", &mut |_| {}), Ok(Some(5)));
        assert_eq!(reader.feed(b"more", &mut |_| panic!("no data after the end")), Ok(Some(0)));
    }

    #[test]
    fn bare_line_feeds_are_taken_as_curl_takes_them() {
        let body = b"3\nabc\n0\n\n";
        let (data, result, _) = feed_all(&[body]);
        assert_eq!(data, b"abc");
        assert_eq!(result, Ok(Some(body.len())));
    }

    #[test]
    fn upper_case_hex_spaces_and_leading_zeros_are_sizes() {
        let (data, result, _) = feed_all(&[b"0000A \t;x\r\n0123456789\r\n0\r\n\r\n"]);
        assert_eq!(data, b"0123456789");
        assert!(matches!(result, Ok(Some(_))));
    }

    fn problem_of(body: &[u8]) -> ChunkProblem {
        match feed_all(&[body]).1 {
            Err(problem) => problem,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn a_size_that_is_not_hex_is_named() {
        assert_eq!(problem_of(b"zz\r\n"), ChunkProblem::SizeNotHex { found: b'z' });
        assert_eq!(problem_of(b"\r\n"), ChunkProblem::SizeNotHex { found: b'\r' });
        assert_eq!(problem_of(b"3\r\nabc\r\n-1\r\n"), ChunkProblem::SizeNotHex { found: b'-' });
    }

    #[test]
    fn a_size_beyond_64_bits_is_a_problem_not_a_wrap() {
        assert_eq!(problem_of(b"ffffffffffffffffff\r\n"), ChunkProblem::SizeTooLarge);
        assert_eq!(problem_of(b"10000000000000000\r\n"), ChunkProblem::SizeTooLarge);
        // The largest size that fits is still a size: data is awaited.
        assert_eq!(feed_all(&[b"ffffffffffffffff\r\nab"]).1, Ok(None));
    }

    #[test]
    fn other_broken_lines_are_named() {
        assert_eq!(problem_of(b"3x\r\n"), ChunkProblem::BadCharAfterSize { found: b'x' });
        assert_eq!(problem_of(b"3\rx"), ChunkProblem::CrWithoutLf { found: b'x' });
        assert_eq!(problem_of(b"3\r\nabcd"), ChunkProblem::MissingCrlfAfterData { found: b'd' });
        assert_eq!(problem_of(b"3\r\nabc\rx"), ChunkProblem::MissingCrlfAfterData { found: b'x' });
        assert_eq!(problem_of(b"0\r\nX: 1\rY"), ChunkProblem::CrWithoutLf { found: b'Y' });
    }

    #[test]
    fn endless_lines_are_refused_not_waited_on() {
        let mut long_extension = b"1;".to_vec();
        long_extension.resize(MAX_SIZE_LINE + 1, b'a');
        assert_eq!(problem_of(&long_extension), ChunkProblem::SizeLineTooLong);
        let mut long_trailer = b"0\r\n".to_vec();
        long_trailer.resize(3 + MAX_TRAILER_BYTES + 1, b'a');
        assert_eq!(problem_of(&long_trailer), ChunkProblem::TrailersTooLarge);
    }

    #[test]
    fn a_broken_reader_stays_broken() {
        let mut reader = Dechunker::new();
        assert!(reader.feed(b"g", &mut |_| {}).is_err());
        assert_eq!(reader.feed(b"0\r\n\r\n", &mut |_| {}), Err(ChunkProblem::SizeNotHex { found: b'g' }));
    }

    #[test]
    fn problems_read_as_plain_words() {
        let text = ChunkProblem::SizeNotHex { found: b'\r' }.to_string();
        assert!(text.contains("hexadecimal") && text.contains("\"\\r\""), "{text}");
        let text = ChunkProblem::MissingCrlfAfterData { found: b'd' }.to_string();
        assert!(text.contains("\"d\""), "{text}");
    }

    /// Encodes `pieces` as a chunked body (with an extension on every other size line), then a
    /// trailer, then `after`.
    fn encode(pieces: &[Vec<u8>], after: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            let extension = if index % 2 == 0 { "" } else { ";n=v" };
            body.extend_from_slice(format!("{:x}{extension}\r\n", piece.len()).as_bytes());
            body.extend_from_slice(piece);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"0\r\nT: 1\r\n\r\n");
        body.extend_from_slice(after);
        body
    }

    proptest! {
        #[test]
        fn random_bodies_round_trip_in_random_splits(
            pieces in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..300), 0..8),
            after in prop::collection::vec(any::<u8>(), 0..20),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..10),
        ) {
            let body = encode(&pieces, &after);
            let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(body.len() + 1)).collect();
            cuts.push(0);
            cuts.push(body.len());
            cuts.sort_unstable();
            let split: Vec<&[u8]> = cuts.windows(2).map(|pair| &body[pair[0]..pair[1]]).collect();
            let (data, result, reader) = feed_all(&split);
            prop_assert_eq!(data, pieces.concat());
            prop_assert_eq!(result, Ok(Some(body.len() - after.len())));
            prop_assert_eq!(reader.trailers(), [b"T: 1".to_vec()]);
        }
    }
}
