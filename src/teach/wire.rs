//! The wire in plain words: what each kind of piece on it is, and what someone on the way (the
//! café's Wi-Fi, the network provider) can and cannot learn from this fetch's own bytes.

use std::net::SocketAddr;

use crate::fetch::wire::Tally;
use crate::fetch::{ContentType, Direction, Piece};
use crate::format;

/// What a piece on the wire is, in a word or two: its name in the list of pieces.
pub fn piece_words(piece: Piece, direction: Direction) -> String {
    match (piece, direction) {
        (Piece::Plain, Direction::Sent) => "request bytes".to_owned(),
        (Piece::Plain, Direction::Received) => "reply bytes".to_owned(),
        (Piece::Record(ContentType::Handshake), _) => "handshake".to_owned(),
        (Piece::Record(ContentType::ChangeCipherSpec), _) => "change cipher spec".to_owned(),
        (Piece::Record(ContentType::Alert), _) => "alert".to_owned(),
        (Piece::Record(ContentType::ApplicationData), _) => "encrypted data".to_owned(),
        (Piece::Record(ContentType::Other(byte)), _) => format!("unknown type {byte}"),
    }
}

/// What a kind of piece is for, in plain words, beside its name.
pub fn piece_meaning(piece: Piece, direction: Direction) -> &'static str {
    match (piece, direction) {
        (Piece::Plain, Direction::Sent) => "the request itself, as it is",
        (Piece::Plain, Direction::Received) => "the reply itself, as it is",
        (Piece::Record(ContentType::Handshake), _) => "hellos, the certificate, the keys",
        (Piece::Record(ContentType::ChangeCipherSpec), _) => "\"now we switch to the secret code\"",
        (Piece::Record(ContentType::Alert), _) => "a warning, or a goodbye",
        (Piece::Record(ContentType::ApplicationData), _) => "scrambled: only the two ends can read it",
        (Piece::Record(ContentType::Other(_)), _) => "no TLS record has this type: not TLS, or garbled",
    }
}

/// Says how to read a row of the list of pieces.
pub const ROW_LEGEND: &str = "Each row: when it crossed (from the connect), which way, what, its size on the wire \
     (for a TLS record, its 5-byte header included), and for encrypted data its first bytes in hex.";

/// A direction with its arrow, for monospace text (the proportional font has no arrows).
pub fn direction_words(direction: Direction) -> &'static str {
    match direction {
        Direction::Sent => "→ sent",
        Direction::Received => "← received",
    }
}

/// The wire's totals in one line, for the terminal: what anyone on the way saw of the fetch.
pub fn wire_line(tls: bool, sent: Tally, received: Tally) -> String {
    let pieces = |tally: Tally, one: &str| {
        format!("{} in {}", format::exact(tally.bytes), format::counted(tally.count, one, &format!("{one}s")))
    };
    let (write, read) = if tls { ("TLS record", "TLS record") } else { ("write", "read") };
    format!(
        "On the wire (what anyone on the way sees): sent {}, received {}.",
        pieces(sent, write),
        pieces(received, read)
    )
}

/// Says what a view of the wire shows, above it.
pub const WIRE_INTRO: &str = "Every byte that crossed the connection, as anyone on the way sees it: \
     the café's Wi-Fi, the network provider, any computer the bytes pass through.";

/// Said under a plain http fetch's pieces: `kept` reply bytes are in the Reply tab, `on_wire` came. They
/// differ when the size limit stopped the fetch, as the reader takes one byte more to know the reply
/// went past it.
pub fn plain_is_the_reply(kept: u64, on_wire: u64) -> String {
    match on_wire.checked_sub(kept) {
        Some(0) | None => {
            "Nothing is hidden: these bytes are exactly the request and the reply shown in the Reply tab, \
                           each read and write as it crossed."
                .to_owned()
        }
        Some(more) => format!(
            "Nothing is hidden: these bytes are the request and the reply, each read and write as it crossed. Of \
             the {} that came, the Reply tab keeps {}: the last {} came past the size limit.",
            format::exact(on_wire),
            format::count(kept),
            format::exact(more)
        ),
    }
}

/// Said about TLS 1.3's records after the hello: they all look alike from outside.
pub const RECORDS_LOOK_ALIKE: &str = "After the hellos, TLS 1.3 hides even the kind of each record: the rest of the \
     handshake, the page and the goodbye all travel as \"encrypted data\".";

/// One fetch as someone on the way saw it.
#[derive(Debug, Clone)]
pub struct Onlooker<'a> {
    /// Over HTTPS.
    pub tls: bool,
    /// The server's address and port, once connected.
    pub server: Option<SocketAddr>,
    /// The name sent in the handshake (SNI), if one was sent.
    pub server_name: Option<&'a str>,
    /// The host as typed, which a plain request names in its Host line.
    pub host: &'a str,
    /// The path asked for.
    pub path: &'a str,
    /// Bytes that crossed each way, and how many pieces.
    pub sent: u64,
    pub received: u64,
    pub pieces: u64,
    /// The reply's size as the program read it (decrypted over HTTPS).
    pub reply: u64,
}

/// What someone on the way can learn from this fetch, and what not: (can, cannot), each a sentence.
pub fn onlooker_learns(seen: &Onlooker<'_>) -> (Vec<String>, Vec<String>) {
    let mut can = Vec::new();
    if let Some(server) = seen.server {
        can.push(format!("Which server this computer talked to: the address {}, port {}.", server.ip(), server.port()));
    }
    let sizes = format!(
        "When and how much went each way: {} sent and {} received, in {} pieces.",
        format::bytes(seen.sent),
        format::bytes(seen.received),
        format::count(seen.pieces)
    );
    if !seen.tls {
        can.push(format!("The name of the site, \"{}\", written in the request's Host line.", seen.host));
        can.push(format!("The page asked for: {}.", seen.path));
        can.push("Every header and cookie of the request and of the reply.".to_owned());
        can.push(format!("The whole reply, {}, byte for byte.", format::bytes(seen.reply)));
        can.push(sizes);
        can.push("Worse: someone on the way could change those bytes, and neither side would notice.".to_owned());
        return (can, Vec::new());
    }
    match seen.server_name {
        Some(name) => can.push(format!(
            "The name of the site, \"{name}\": it is sent unencrypted in the first hello (the server name, \
             SNI), so the server knows which certificate to show."
        )),
        None => can.push(
            "No site name: this fetch used a bare IP address, so no server name was sent in the hello.".to_owned(),
        ),
    }
    can.push(sizes);
    let cannot = vec![
        format!("Which page was asked for (here {}): the request is inside the encrypted data.", seen.path),
        "The request's headers and any cookies.".to_owned(),
        format!(
            "What the server answered: its status, its headers and the {} of the reply.",
            format::bytes(seen.reply)
        ),
    ];
    (can, cannot)
}

/// What TLS added on the wire: the reply as decrypted beside the bytes that came for it.
pub fn overhead_line(reply: u64, received: u64) -> String {
    let extra = received.saturating_sub(reply);
    let share = if received == 0 { 0.0 } else { extra as f64 * 100.0 / received as f64 };
    format!(
        "What was decrypted: a reply of {}, from {} on the wire. The other {} ({share:.1} %) are TLS's own: the \
         handshake, a 5-byte header per record and the encryption's check bytes.",
        format::exact(reply),
        format::exact(received),
        format::exact(extra)
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_plain_wire_says_when_the_limit_kept_less_than_came() {
        assert!(plain_is_the_reply(100, 100).contains("exactly the request and the reply"));
        let cut = plain_is_the_reply(1_000, 1_001);
        assert!(!cut.contains("exactly"), "{cut}");
        assert!(cut.contains("Of the 1,001 bytes that came, the Reply tab keeps 1,000: the last 1 byte"), "{cut}");
    }
    use super::*;

    fn seen(tls: bool, server_name: Option<&str>) -> Onlooker<'_> {
        Onlooker {
            tls,
            server: Some(SocketAddr::from(([127, 0, 0, 1], 8443))),
            server_name,
            host: "localhost",
            path: "/secret/page",
            sent: 700,
            received: 4_200,
            pieces: 9,
            reply: 3_000,
        }
    }

    #[test]
    fn over_https_the_name_and_sizes_show_but_not_the_page() {
        let (can, cannot) = onlooker_learns(&seen(true, Some("localhost")));
        let can = can.join(" ");
        assert!(can.contains("127.0.0.1, port 8443") && can.contains("\"localhost\""), "{can}");
        assert!(can.contains("700 bytes sent and 4,200 bytes received, in 9 pieces"), "{can}");
        assert!(!can.contains("/secret/page"), "{can}");
        assert!(cannot.join(" ").contains("/secret/page"), "{cannot:?}");
        let (can, _) = onlooker_learns(&seen(true, None));
        assert!(can.join(" ").contains("no server name was sent"), "{can:?}");
    }

    #[test]
    fn over_plain_http_everything_shows() {
        let (can, cannot) = onlooker_learns(&seen(false, None));
        let can = can.join(" ");
        assert!(can.contains("/secret/page") && can.contains("3,000 bytes, byte for byte"), "{can}");
        assert!(cannot.is_empty());
    }

    #[test]
    fn the_terminal_line_counts_pieces_in_words() {
        let one = Tally { count: 1, bytes: 53 };
        let many = Tally { count: 4_096, bytes: 1 << 30 };
        let plain = wire_line(false, one, many);
        assert!(plain.contains("sent 53 bytes in 1 write, received 1,073,741,824 bytes in 4,096 reads."), "{plain}");
        assert!(wire_line(true, one, many).ends_with("in 4,096 TLS records."));
    }

    #[test]
    fn the_overhead_is_what_came_beyond_the_reply() {
        let line = overhead_line(3_000, 4_200);
        assert!(line.contains("3,000 bytes, from 4,200 bytes") && line.contains("1,200 bytes (28.6 %)"), "{line}");
    }
}
