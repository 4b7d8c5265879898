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

/// A byte count with its unit, and the size in KiB/MiB when that helps: `67,108,962 bytes (64.0 MiB)`.
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let unit = if n == 1 { "byte" } else { "bytes" };
    let n_f = n as f64;
    if n_f >= KIB * KIB {
        format!("{} {unit} ({:.1} MiB)", count(n), n_f / KIB / KIB)
    } else if n_f >= 10.0 * KIB {
        format!("{} {unit} ({:.0} KiB)", count(n), n_f / KIB)
    } else {
        format!("{} {unit}", count(n))
    }
}

/// A byte count short enough for a picture's label: `1,708 bytes`, `48 KiB`, `64.0 MiB`.
pub fn short_bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let n_f = n as f64;
    if n_f >= KIB * KIB {
        format!("{:.1} MiB", n_f / KIB / KIB)
    } else if n_f >= 10.0 * KIB {
        format!("{:.0} KiB", n_f / KIB)
    } else {
        format!("{} bytes", count(n))
    }
}

/// Milliseconds with two decimals: loopback steps take well under one. The window, the terminal and
/// the benches all write times this way, so a figure reads the same everywhere.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1,000");
        assert_eq!(super::count(67_108_962), "67,108,962");
        assert_eq!(super::bytes(1), "1 byte");
        assert_eq!(super::bytes(67_108_864), "67,108,864 bytes (64.0 MiB)");
        assert_eq!(super::short_bytes(1708), "1,708 bytes");
        assert_eq!(super::short_bytes(67_108_962), "64.0 MiB");
    }

    #[test]
    fn milliseconds_get_two_decimals() {
        use std::time::Duration;
        assert_eq!(super::ms(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(super::ms(Duration::ZERO), "0.00 ms");
        assert_eq!(super::ms(Duration::from_secs(10)), "10000.00 ms");
    }
}
