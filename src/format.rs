//! Numbers as people read them.

use std::time::Duration;

/// `67108962` → `67,108,962`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular for one: `1 line`, `1,024 lines`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// The exact count with its unit: `5,242,880 bytes`, `1 byte`. For a hover text or a detailed line.
pub fn exact(n: u64) -> String {
    counted(n, "byte", "bytes")
}

/// A size in words a non-technical audience reads: `5.2 million bytes (5 MB)`, `48 thousand bytes
/// (48 kB)`; below ten thousand the exact count, `1,708 bytes`. Rounded: [`exact`] has every byte.
pub fn bytes(n: u64) -> String {
    match scaled(n) {
        None => exact(n),
        Some(size) => format!("{} {} bytes ({} {})", size.number(), size.word, size.whole(), size.unit),
    }
}

/// [`bytes`] and then the exact count, for a line where a developer wants every byte:
/// `5.2 million bytes (5 MB; 5,242,880 bytes)`.
pub fn detailed(n: u64) -> String {
    match scaled(n) {
        None => exact(n),
        Some(size) => format!("{} {} bytes ({} {}; {})", size.number(), size.word, size.whole(), size.unit, exact(n)),
    }
}

/// Milliseconds with two decimals: loopback steps take well under one. The window, the terminal and
/// the benches all write times this way, so a figure reads the same everywhere.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A size short enough for a picture's label: `1,708 bytes`, `48 kB`, `5.2 MB`.
pub fn short_bytes(n: u64) -> String {
    match scaled(n) {
        None => exact(n),
        Some(size) => format!("{} {}", size.number(), size.unit),
    }
}

/// A size of ten thousand bytes or more, in the largest unit of a thousand it holds at least once.
struct Scaled {
    /// The size in `unit`s, from 1 to just under 1000.
    value: f64,
    word: &'static str,
    unit: &'static str,
}

impl Scaled {
    /// One decimal below 10 (`5.2`, never `5.0`), whole numbers above.
    fn number(&self) -> String {
        let tenths = (self.value * 10.0).round() / 10.0;
        if tenths < 10.0 && tenths.fract() != 0.0 { format!("{tenths:.1}") } else { format!("{:.0}", self.value) }
    }

    fn whole(&self) -> String {
        format!("{:.0}", self.value)
    }
}

/// `None` below ten thousand bytes, which read well as they are.
fn scaled(n: u64) -> Option<Scaled> {
    const UNITS: [(&str, &str); 6] = [
        ("thousand", "kB"),
        ("million", "MB"),
        ("billion", "GB"),
        ("trillion", "TB"),
        ("quadrillion", "PB"),
        ("quintillion", "EB"),
    ];
    if n < 10_000 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // a size for people is rounded anyway
    let mut value = n as f64;
    let mut unit = 0;
    value /= 1000.0;
    // Move up while the rounded number would read 1000 or more (999,999 is "1 million", not
    // "1000 thousand").
    while value.round() >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let (word, unit) = UNITS[unit];
    Some(Scaled { value, word, unit })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(67_108_962), "67,108,962");
    }

    #[test]
    fn one_of_a_thing_is_singular() {
        assert_eq!(counted(1, "line", "lines"), "1 line");
        assert_eq!(counted(0, "line", "lines"), "0 lines");
        assert_eq!(counted(2_000, "line", "lines"), "2,000 lines");
    }

    #[test]
    fn sizes_are_words_with_the_exact_count_on_request() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(9_999), "9,999 bytes");
        assert_eq!(bytes(10_000), "10 thousand bytes (10 kB)");
        assert_eq!(bytes(48_300), "48 thousand bytes (48 kB)");
        assert_eq!(bytes(5 * 1024 * 1024), "5.2 million bytes (5 MB)");
        assert_eq!(bytes(5_000_000), "5 million bytes (5 MB)");
        assert_eq!(bytes(999_999), "1 million bytes (1 MB)");
        assert_eq!(bytes(67_108_864), "67 million bytes (67 MB)");
        assert_eq!(bytes(1 << 30), "1.1 billion bytes (1 GB)");
        assert_eq!(bytes(u64::MAX), "18 quintillion bytes (18 EB)");
        assert_eq!(detailed(5 * 1024 * 1024), "5.2 million bytes (5 MB; 5,242,880 bytes)");
        assert_eq!(detailed(52), "52 bytes");
        assert_eq!(exact(5 * 1024 * 1024), "5,242,880 bytes");
        assert_eq!(short_bytes(1708), "1,708 bytes");
        assert_eq!(short_bytes(5 * 1024 * 1024), "5.2 MB");
    }

    /// The number a size in words reads as, in bytes: `5.2 million bytes (5 MB)` → 5,200,000.
    fn read_back(text: &str) -> f64 {
        let mut words = text.split(' ');
        let number: f64 = words.next().and_then(|n| n.replace(',', "").parse().ok()).expect("a number first");
        let scale = match words.next() {
            Some("thousand") => 1e3,
            Some("million") => 1e6,
            Some("billion") => 1e9,
            Some("trillion") => 1e12,
            Some("quadrillion") => 1e15,
            Some("quintillion") => 1e18,
            _ => 1.0,
        };
        number * scale
    }

    proptest! {
        /// Whatever the size, the words read within 5 % of it, and the number before the word is
        /// below 1000.
        #[test]
        fn words_read_close_to_the_size(n in any::<u64>()) {
            let text = bytes(n);
            #[allow(clippy::cast_precision_loss)]
            let size = n as f64;
            let read = read_back(&text);
            prop_assert!((read - size).abs() <= size * 0.05, "{n} read as {text}");
            let number = text.split(' ').next().unwrap_or_default().replace(',', "");
            prop_assert!(n < 10_000 || number.parse::<f64>().is_ok_and(|v| v < 1000.0), "{text}");
        }
    }

    #[test]
    fn milliseconds_get_two_decimals() {
        use std::time::Duration;
        assert_eq!(super::ms(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(super::ms(Duration::ZERO), "0.00 ms");
        assert_eq!(super::ms(Duration::from_secs(10)), "10000.00 ms");
    }
}
