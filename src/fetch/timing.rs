//! Time per phase of a fetch, the way a browser's developer tools and curl's `-w` report it.

use std::time::{Duration, Instant};

use super::step::Step;

/// The phases of a fetch's timeline. `Wait` is the time between sending the request and the first
/// byte of the reply (the server thinking); `Download` runs from the first byte to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Socket,
    Resolve,
    Connect,
    /// The TLS handshake (curl's `time_appconnect` ends with it).
    Handshake,
    Send,
    Wait,
    Download,
}

impl Phase {
    pub const ALL: [Self; 7] =
        [Self::Socket, Self::Resolve, Self::Connect, Self::Handshake, Self::Send, Self::Wait, Self::Download];

    pub fn label(self) -> &'static str {
        match self {
            Self::Socket => "socket",
            Self::Resolve => "name lookup",
            Self::Connect => "connect",
            Self::Handshake => "secure handshake",
            Self::Send => "request sent",
            Self::Wait => "waiting for first byte",
            Self::Download => "download",
        }
    }
}

/// The phase a step's time counts in: the receive step's time up to the first byte is the server's
/// wait (the download phase starts at that byte).
impl From<Step> for Phase {
    fn from(step: Step) -> Self {
        match step {
            Step::Socket => Self::Socket,
            Step::Resolve => Self::Resolve,
            Step::Connect => Self::Connect,
            Step::Handshake => Self::Handshake,
            Step::Send => Self::Send,
            Step::Receive => Self::Wait,
        }
    }
}

/// The phases a fetch went through, in order, with how long each took. They add up to `total`:
/// each phase ends where the next begins, on one clock that stops while a step-through is paused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    pub phases: Vec<(Phase, Duration)>,
    pub total: Duration,
}

impl Timings {
    pub fn get(&self, phase: Phase) -> Option<Duration> {
        self.phases.iter().find(|(p, _)| *p == phase).map(|(_, d)| *d)
    }

    /// Time from the start until the end of `phase` (curl's `time_namelookup`, `time_connect`, ...).
    pub fn until_end_of(&self, phase: Phase) -> Option<Duration> {
        let end = self.phases.iter().position(|(p, _)| *p == phase)?;
        Some(self.phases[..=end].iter().map(|(_, d)| *d).sum())
    }
}

/// A stopwatch that leaves out paused time.
#[derive(Debug)]
pub struct Clock {
    start: Instant,
    paused_total: Duration,
    paused_since: Option<Instant>,
}

impl Clock {
    pub fn start() -> Self {
        Self { start: Instant::now(), paused_total: Duration::ZERO, paused_since: None }
    }

    pub fn elapsed(&self) -> Duration {
        let now = self.paused_since.unwrap_or_else(Instant::now);
        now.duration_since(self.start).saturating_sub(self.paused_total)
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    pub fn pause(&mut self) {
        self.paused_since.get_or_insert_with(Instant::now);
    }

    pub fn resume(&mut self) {
        if let Some(since) = self.paused_since.take() {
            self.paused_total += since.elapsed();
        }
    }
}

/// Records phase boundaries as a fetch moves on.
#[derive(Debug)]
pub struct PhaseRecorder {
    current: Option<(Phase, Duration)>,
    timings: Timings,
}

impl PhaseRecorder {
    pub fn new() -> Self {
        Self { current: None, timings: Timings::default() }
    }

    /// Ends the running phase (if any) at `now` and starts `phase`.
    pub fn enter(&mut self, phase: Phase, now: Duration) {
        self.close(now);
        self.current = Some((phase, now));
    }

    /// Ends the running phase at `now`; the timings so far.
    pub fn finish(&mut self, now: Duration) -> Timings {
        self.close(now);
        self.timings.total = now;
        std::mem::take(&mut self.timings)
    }

    fn close(&mut self, now: Duration) {
        if let Some((phase, since)) = self.current.take() {
            self.timings.phases.push((phase, now.saturating_sub(since)));
        }
    }
}
