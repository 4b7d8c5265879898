//! The decoded body in plain words: what chunks and compression are, what was undone to show the
//! body as a browser sees it, and why decoding stopped when it did.

use crate::fetch::decode::{Decoded, End, MAX_CODINGS, NotUndone, Plan};
use crate::fetch::{ChunkProblem, Framing};
use crate::format;

/// What a chunked body is, read aloud.
pub const CHUNKS: &str = "Chunks: when a server does not know how long the page will be before it starts sending, \
     it sends the page in pieces, called chunks. Before each piece comes its size, written as a hexadecimal number \
     (a, b, c, d, e and f count as 10 to 15), and a piece of size 0 says the page is complete. The raw reply shows \
     those sizes between the pieces; a browser removes them before it draws the page.";

/// What a compressed body is, read aloud.
pub const COMPRESSION: &str = "Compression: to save time on the line, a server can squeeze the page before sending \
     it, like a zip file, and say so in its Content-Encoding header (gzip or deflate). The raw bytes then look like \
     noise; the browser unzips them before it draws the page.";

/// The switch's two choices.
pub const RAW_CHOICE: &str = "Raw reply";
pub const DECODED_CHOICE: &str = "Decoded body";

/// What the log adds, once the head is read, of a body to decode: its compression, and what "Decoded
/// body" shows. (The log's line on the head already says the body comes in chunks.)
pub fn head_note(plan: &Plan) -> String {
    let chunked = plan.framing == Framing::Chunked;
    match (&plan.not_undone, plan.decompresses(), chunked) {
        (Some(why), ..) => format!(
            "Its body is compressed{}{}.",
            not_undone(why),
            if chunked { "; \"Decoded body\" shows it without its chunk sizes" } else { "" }
        ),
        (None, true, true) => {
            "Its body is compressed: \"Decoded body\" shows it unzipped, without its chunk sizes.".to_owned()
        }
        (None, true, false) => "Its body is compressed: \"Decoded body\" shows it unzipped.".to_owned(),
        (None, false, _) => "\"Decoded body\" shows it without its chunk sizes.".to_owned(),
    }
}

/// The one-line note above the decoded body: what was undone, with the sizes before and after
/// (`chunk sizes removed; unzipped from 1,234 to 5,678 bytes`). While decoding runs, `decoded` is
/// `None` and the note says what will be undone.
pub fn undone_note(plan: &Plan, decoded: Option<&Decoded>) -> String {
    let mut parts = Vec::new();
    if plan.framing == Framing::Chunked {
        parts.push("chunk sizes removed".to_owned());
    }
    if plan.decompresses() {
        let what = if plan.codings.len() > 1 {
            format!("unzipped {} times", plan.codings.len())
        } else {
            "unzipped".to_owned()
        };
        parts.push(match decoded {
            Some(done) => format!("{what} from {} to {}", format::bytes(done.unchunked), format::bytes(done.decoded)),
            None => what,
        });
    }
    if let Some(why) = &plan.not_undone {
        parts.push(format!("not unzipped: it is compressed{}", not_undone(why)));
    }
    if let Some(done) = decoded.filter(|_| !plan.decompresses()) {
        parts.push(format!("the body is {}", format::bytes(done.decoded)));
    }
    let mut note = parts.join("; ");
    if let Some(first) = note.get(..1) {
        note.replace_range(..1, &first.to_uppercase());
    }
    match decoded {
        Some(_) => format!("{note}."),
        None => format!("{note}: decoding…"),
    }
}

/// Why the compression is left as it is, continuing "It is compressed".
fn not_undone(why: &NotUndone) -> String {
    match why {
        NotUndone::Unknown(coding) => format!(" with \"{coding}\", which socket-fetch does not undo"),
        NotUndone::TooMany(n) => {
            format!(" {n} times over, by its Content-Encoding; socket-fetch undoes at most {MAX_CODINGS}")
        }
    }
}

/// Why decoding stopped before the end of the body, in plain words with what to try; `None` when the
/// whole body was decoded.
pub fn end_problem(end: &End) -> Option<String> {
    match end {
        End::Complete => None,
        End::TooLarge { limit } => Some(format!(
            "The decoded body would be larger than {}, the most a reply may keep; the first {} are shown. \
             A body that grows this much when unzipped can be a trap (a \"zip bomb\"); if you trust the server, \
             raise the limit under ⚙ Limits.",
            format::short_bytes(*limit),
            format::detailed(*limit)
        )),
        End::BrokenChunks(problem) => Some(format!(
            "The chunked body is broken: {problem}. The body up to that point is shown.{}",
            hint(*problem)
        )),
        End::CutShort => Some(
            "The body ended before the server's own framing said it would (fewer bytes than it announced, or no \
             last chunk): what arrived is shown, decoded as far as it goes."
                .to_owned(),
        ),
        End::Damaged { detail } => Some(format!(
            "The compressed data is damaged or incomplete ({detail}), so it could not all be unzipped. What was \
             unzipped before that point is shown; the raw reply has every byte as it came."
        )),
    }
}

fn hint(problem: ChunkProblem) -> &'static str {
    match problem {
        ChunkProblem::SizeTooLarge | ChunkProblem::SizeLineTooLong | ChunkProblem::TrailersTooLarge => "",
        ChunkProblem::SizeNotHex { .. }
        | ChunkProblem::BadCharAfterSize { .. }
        | ChunkProblem::CrWithoutLf { .. }
        | ChunkProblem::MissingCrlfAfterData { .. } => {
            " The raw reply shows the bytes where the sizes and the data stopped matching."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::decode::Coding;

    fn plan(framing: Framing, codings: &[Coding], unknown: Option<&str>) -> Plan {
        let not_undone = unknown.map(|coding| NotUndone::Unknown(coding.to_owned()));
        Plan { framing, codings: codings.to_vec(), not_undone }
    }

    #[test]
    fn the_note_names_what_was_undone_with_the_real_sizes() {
        let done = Decoded { unchunked: 1234, decoded: 5678, end: End::Complete };
        let both = plan(Framing::Chunked, &[Coding::Gzip], None);
        assert_eq!(undone_note(&both, Some(&done)), "Chunk sizes removed; unzipped from 1,234 bytes to 5,678 bytes.");
        assert_eq!(undone_note(&both, None), "Chunk sizes removed; unzipped: decoding…");
        let twice = plan(Framing::Length(9), &[Coding::Deflate, Coding::Gzip], None);
        assert_eq!(undone_note(&twice, Some(&done)), "Unzipped 2 times from 1,234 bytes to 5,678 bytes.");
        let brotli = plan(Framing::Chunked, &[], Some("br"));
        assert_eq!(
            undone_note(&brotli, Some(&done)),
            "Chunk sizes removed; not unzipped: it is compressed with \"br\", which socket-fetch does not undo; \
             the body is 5,678 bytes."
        );
        let chunks = plan(Framing::Chunked, &[], None);
        assert_eq!(undone_note(&chunks, Some(&done)), "Chunk sizes removed; the body is 5,678 bytes.");
        assert_eq!(undone_note(&chunks, None), "Chunk sizes removed: decoding…");
    }

    #[test]
    fn the_log_names_what_the_body_needs() {
        let note = |framing, codings: &[Coding], unknown| head_note(&plan(framing, codings, unknown));
        assert_eq!(note(Framing::Chunked, &[], None), "\"Decoded body\" shows it without its chunk sizes.");
        assert_eq!(
            note(Framing::Length(3), &[Coding::Gzip], None),
            "Its body is compressed: \"Decoded body\" shows it unzipped."
        );
        assert_eq!(
            note(Framing::Chunked, &[Coding::Gzip], None),
            "Its body is compressed: \"Decoded body\" shows it unzipped, without its chunk sizes."
        );
        assert_eq!(
            note(Framing::UntilClose, &[], Some("zstd")),
            "Its body is compressed with \"zstd\", which socket-fetch does not undo."
        );
        let many = Plan { framing: Framing::Chunked, codings: Vec::new(), not_undone: Some(NotUndone::TooMany(9)) };
        assert_eq!(
            head_note(&many),
            "Its body is compressed 9 times over, by its Content-Encoding; socket-fetch undoes at most 4; \
             \"Decoded body\" shows it without its chunk sizes."
        );
    }

    #[test]
    fn each_early_end_is_told_with_its_figures() {
        assert_eq!(end_problem(&End::Complete), None);
        let large = end_problem(&End::TooLarge { limit: 256 << 20 }).unwrap_or_default();
        assert!(large.starts_with("The decoded body would be larger than 268 MB"), "{large}");
        assert!(large.contains("the first 268 million bytes (268 MB; 268,435,456 bytes) are shown"), "{large}");
        let broken = end_problem(&End::BrokenChunks(ChunkProblem::SizeNotHex { found: b'z' })).unwrap_or_default();
        assert!(broken.contains("the size line starts with \"z\""), "{broken}");
        let damaged = end_problem(&End::Damaged { detail: "corrupt deflate stream".to_owned() }).unwrap_or_default();
        assert!(damaged.contains("(corrupt deflate stream)"), "{damaged}");
    }
}
