//! Timeouts and the size limit, read where they enter (the terminal's options, the window's Limits
//! menu) by the same functions, so both accept and refuse the same values with the same words.
//!
//! As in curl, **0 means no limit**. A negative number, something that is not a number (`nan`), or a
//! wait longer than [`MAX_WAIT`] is refused: none of them is a limit anyone means, and silently
//! replacing them with a default would hide the mistake.

use std::time::Duration;

use thiserror::Error;

/// The longest wait a person can ask for: one day. A longer one is almost surely a typo (`1e300`).
pub const MAX_WAIT: Duration = Duration::from_hours(24);

/// What "no limit" on a wait becomes inside a [`super::Job`]: a century, so that every deadline the
/// engine computes from it (`now + limit`) stays representable and never fires in practice.
pub const NO_WAIT_LIMIT: Duration = Duration::from_hours(100 * 365 * 24);

/// What "no limit" on the size becomes inside a [`super::Job`].
pub const NO_SIZE_LIMIT: u64 = u64::MAX;

/// Which limit a value was meant for, named as the person set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// How long to wait for the name lookup and for the server to accept the call.
    Connect,
    /// How long the server may stay silent.
    Read,
    /// How long the whole fetch may take.
    Whole,
}

impl Wait {
    fn name(self) -> &'static str {
        match self {
            Self::Connect => "connect timeout",
            Self::Read => "read timeout",
            Self::Whole => "time limit for the whole fetch",
        }
    }
}

/// Why a limit cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    #[error("The {} \"{text}\" is not a number of seconds: type a number such as 10 or 0.5 (0 means no limit).", .what.name())]
    NotSeconds { what: Wait, text: String },
    #[error("The {} {seconds} s is negative: type a number of seconds from 0 (no limit) to 86400 (one day).", .what.name())]
    Negative { what: Wait, seconds: String },
    #[error("The {} {seconds} s is longer than one day (86400 s): type a smaller number, or 0 for no limit.", .what.name())]
    TooLong { what: Wait, seconds: String },
    #[error("The size limit \"{0}\" is not a whole number of bytes: type a number such as 1000000 (0 means no limit).")]
    NotBytes(String),
    #[error("The keep limit of {0} MiB cannot be used: type a number of MiB from 1 to {MAX_KEEP_MIB}.")]
    KeepOutOfRange(u64),
}

/// The most the window keeps of a reply, in MiB: it holds the whole reply in memory.
pub const MAX_KEEP_MIB: u64 = 4096;

/// Reads a wait in seconds; 0 is no limit ([`NO_WAIT_LIMIT`]).
pub fn wait_from_seconds(what: Wait, seconds: f64) -> Result<Duration, LimitError> {
    if seconds.is_nan() {
        return Err(LimitError::NotSeconds { what, text: seconds.to_string() });
    }
    if seconds < 0.0 {
        return Err(LimitError::Negative { what, seconds: shown(seconds) });
    }
    if seconds == 0.0 {
        return Ok(NO_WAIT_LIMIT);
    }
    // Also refuses infinity; below a day, the conversion cannot fail.
    match Duration::try_from_secs_f64(seconds) {
        Ok(wait) if wait <= MAX_WAIT => Ok(wait),
        _ => Err(LimitError::TooLong { what, seconds: shown(seconds) }),
    }
}

/// Reads a wait typed as text (the terminal's `--connect-timeout`, `--read-timeout`, `--max-time`); a refusal
/// quotes the text as typed.
pub fn wait_from_text(what: Wait, text: &str) -> Result<Duration, LimitError> {
    let typed = text.trim().to_owned();
    let seconds = typed.parse::<f64>().map_err(|_| LimitError::NotSeconds { what, text: typed.clone() })?;
    wait_from_seconds(what, seconds).map_err(|e| match e {
        LimitError::NotSeconds { .. } => LimitError::NotSeconds { what, text: typed },
        LimitError::Negative { .. } => LimitError::Negative { what, seconds: typed },
        LimitError::TooLong { .. } => LimitError::TooLong { what, seconds: typed },
        other @ (LimitError::NotBytes(_) | LimitError::KeepOutOfRange(_)) => other,
    })
}

/// A number of seconds as a refusal quotes it: `1e300`, not three hundred digits.
fn shown(seconds: f64) -> String {
    if seconds.abs() >= 1e9 { format!("{seconds:e}") } else { seconds.to_string() }
}

/// Reads a size limit in bytes typed as text (the terminal's `--max-bytes`); 0 is no limit.
pub fn size_from_text(text: &str) -> Result<u64, LimitError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LimitError::NotBytes(text.to_owned()));
    }
    // All digits: only a number past u64::MAX fails, and that many bytes is no limit at all.
    match trimmed.parse::<u64>() {
        Ok(0) | Err(_) => Ok(NO_SIZE_LIMIT),
        Ok(bytes) => Ok(bytes),
    }
}

/// Reads the window's keep limit in MiB, from 1 to [`MAX_KEEP_MIB`]: the window has no "no limit",
/// since it keeps what it shows in memory.
pub fn keep_from_mib(mib: u64) -> Result<u64, LimitError> {
    if (1..=MAX_KEEP_MIB).contains(&mib) { Ok(mib * 1024 * 1024) } else { Err(LimitError::KeepOutOfRange(mib)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_no_limit_and_nonsense_is_refused() {
        assert_eq!(wait_from_seconds(Wait::Read, 0.0), Ok(NO_WAIT_LIMIT));
        assert_eq!(wait_from_seconds(Wait::Read, 0.5), Ok(Duration::from_millis(500)));
        assert_eq!(wait_from_seconds(Wait::Read, 86_400.0), Ok(MAX_WAIT));
        assert!(matches!(wait_from_seconds(Wait::Read, f64::NAN), Err(LimitError::NotSeconds { .. })));
        assert!(matches!(wait_from_seconds(Wait::Read, -1.0), Err(LimitError::Negative { .. })));
        assert!(matches!(wait_from_seconds(Wait::Read, 1e300), Err(LimitError::TooLong { .. })));
        assert!(matches!(wait_from_seconds(Wait::Read, f64::INFINITY), Err(LimitError::TooLong { .. })));
        assert!(matches!(wait_from_text(Wait::Connect, "ten"), Err(LimitError::NotSeconds { .. })));
        assert_eq!(size_from_text("0"), Ok(NO_SIZE_LIMIT));
        assert_eq!(size_from_text("1000"), Ok(1000));
        assert_eq!(size_from_text("-1"), Err(LimitError::NotBytes("-1".into())));
        assert_eq!(keep_from_mib(0), Err(LimitError::KeepOutOfRange(0)));
        assert_eq!(keep_from_mib(4096), Ok(4096 * 1024 * 1024));
    }
}
