//! One job, step by step, as the tutorial's program does it: socket, resolve, connect, send, receive;
//! over HTTPS with the TLS handshake between connect and send.
//!
//! Every wait is interruptible: blocking calls the OS cannot interrupt (name lookup, connect) run on
//! a short-lived side thread that the job stops waiting for when cancelled, and socket reads and
//! writes wait in slices of [`SLICE`] so commands are looked at in between.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, bounded, select};
use socket2::{Domain, Protocol, Socket, Type};

use super::chunk::{BufferPool, Chunk};
use super::error::FetchError;
use super::event::{Event, EventKind, Summary};
use super::job::{Command, Job, JobId, Payload, Waker};
use super::lookup::{LookupFailure, lookup, no_route_to_name_servers};
use super::raw::StopRule;
use super::reply::{End, Found, ReplyReader};
use super::request::Outgoing;
use super::slice::{SLICE, is_slice_timeout};
use super::step::Step;
use super::timing::{Clock, Phase, PhaseRecorder};
use super::tls::{self, Link, TlsLink, Trust, Turn};
use super::wire::{Tap, WireRecord};

/// What crossed the wire is reported once this many pieces wait, or after [`WIRE_EVERY`]: a 1 GiB
/// download over TLS is some 65,000 records, which as one event each would cost more than the download.
const WIRE_BATCH: usize = 1024;
const WIRE_EVERY: Duration = Duration::from_millis(100);

/// After a complete reply, how long to wait for the server's hang-up (over TLS, its `close_notify`)
/// before saying it keeps the line open: a server that closes right after its last byte may take
/// a few milliseconds more on a busy machine.
const LINE_WAIT: Duration = Duration::from_millis(250);

/// What the worker does after a job: take the next command (the queue first), or stop.
pub(super) enum After {
    Idle,
    Exit,
}

/// Why a job stopped before its end.
enum Stop {
    /// The fetch failed; the error is reported.
    Failed(FetchError),
    /// Cancelled by the caller.
    Cancelled,
    /// A new fetch came: it runs next, as a browser drops a page for a new click.
    Replaced(Command),
    /// The program is closing: nobody reads events, or the worker was told to shut down.
    Exit,
}

impl From<FetchError> for Stop {
    fn from(error: FetchError) -> Self {
        Self::Failed(error)
    }
}

type StepResult<T> = Result<T, Stop>;

struct Run<'a> {
    id: JobId,
    job: &'a Job,
    inbox: &'a Receiver<Command>,
    /// Commands taken from the inbox but not acted on yet; they come before the inbox.
    queued: &'a mut VecDeque<Command>,
    out: &'a Outbox<'a>,
    reply: Option<&'a mut dyn Write>,
    clock: Clock,
    phases: PhaseRecorder,
    received: u64,
    /// When the connect and the TLS handshake after it must be done, on the job's clock: the connect
    /// timeout counts from the start of the connect attempt that succeeded.
    setup_by: Duration,
    /// The connection's last pieces on the wire, those it ended inside included: reported once the
    /// socket is closed, so a reader that is behind cannot hold the line open.
    wire_left: Vec<WireRecord>,
}

/// Where a job's events go: the channel, the wake-up call after each, and the read buffers.
pub(super) struct Outbox<'a> {
    pub events: &'a Sender<Event>,
    pub wake: &'a Waker,
    pub buffers: &'a BufferPool,
}

/// Runs one job. `queued` holds commands to act on before the inbox's, and gets those the job leaves
/// for the worker; `reply`, if given, takes the reply bytes instead of `Received` events.
pub(super) fn run(
    id: JobId,
    job: &Job,
    inbox: &Receiver<Command>,
    queued: &mut VecDeque<Command>,
    out: &Outbox<'_>,
    reply: Option<&mut dyn Write>,
) -> After {
    let mut run = Run {
        id,
        job,
        inbox,
        queued,
        out,
        reply: reply.map(|w| -> &mut dyn Write { w }),
        clock: Clock::start(),
        phases: PhaseRecorder::new(),
        received: 0,
        setup_by: Duration::ZERO,
        wire_left: Vec::new(),
    };
    let outcome = run.all_steps();
    if let Some(reply) = run.reply.as_mut() {
        // Every byte was handed to the writer already; a writer that cannot flush has lost its
        // reader, which the last write would have told.
        let _ = reply.flush();
    }
    let (error, exit) = match outcome {
        Ok(()) => (None, false),
        Err(Stop::Failed(error)) => (Some(error), false),
        Err(Stop::Cancelled) => (Some(FetchError::Cancelled), false),
        Err(Stop::Replaced(command)) => {
            run.queued.push_front(command);
            (Some(FetchError::Cancelled), false)
        }
        Err(Stop::Exit) => (Some(FetchError::Cancelled), true),
    };
    let now = run.clock.elapsed();
    let summary = Summary { received: run.received, timings: run.phases.finish(now), error };
    let last = Event { job: id, at: now, kind: EventKind::Finished(summary) };
    let wire_left = std::mem::take(&mut run.wire_left);
    let exit = exit
        || (!wire_left.is_empty()
            && run.hand_over(Event { job: id, at: now, kind: EventKind::Wire(wire_left) }, Meanwhile::Queue).is_err());
    if exit {
        // Shutting down: a reader still there gets the end if there is room; nobody is waited for.
        if run.out.events.try_send(last).is_ok() {
            (run.out.wake)();
        }
        return After::Exit;
    }
    match run.hand_over(last, Meanwhile::Queue) {
        Ok(()) => After::Idle,
        Err(_) => After::Exit,
    }
}

/// What a wait for the event reader does with the commands that arrive meanwhile.
#[derive(Clone, Copy)]
enum Meanwhile {
    /// Act on them: the job may end.
    Obey,
    /// Keep them for after this event (the job's last), except Shutdown, which gives the event up.
    Queue,
}

impl Run<'_> {
    fn all_steps(&mut self) -> StepResult<()> {
        let job = self.job;
        let request = job.payload.outgoing();
        self.emit(EventKind::Started {
            host: job.target.host.clone(),
            port: job.target.port,
            request: Arc::clone(&request.first),
            tls: job.target.secure,
        })?;
        // The fetch's clock starts at step 1: handing the Started event over (and waking a window)
        // is the program's own work, and a busy machine can make it take milliseconds.
        self.clock = Clock::start();
        let socket = self.step(Step::Socket, Self::open_socket)?;
        let addresses = self.step(Step::Resolve, Self::resolve)?;
        let stream = self.step(Step::Connect, |run| run.connect(socket, &addresses))?;
        let tap = Tap::new(stream, job.target.secure, self.clock.elapsed());
        let mut link = match job.tls() {
            Some(trust) => Link::Tls(Box::new(self.step(Step::Handshake, |run| run.handshake(tap, trust))?)),
            None => Link::Plain(Box::new(tap)),
        };
        let outcome = self.step(Step::Send, |run| run.send(&mut link, &request)).and_then(|()| match &job.payload {
            Payload::Raw { stop, .. } => self.step(Step::Receive, |run| run.receive_raw(&mut link, *stop)),
            Payload::Http(_) => self.step(Step::Receive, |run| run.receive(&mut link)),
        });
        self.wire_left = link.tap_mut().take_last();
        outcome
    }

    /// Runs one step between its `StepStarted` and `StepDone` events, pausing first in step-through mode.
    fn step<T>(&mut self, step: Step, body: impl FnOnce(&mut Self) -> StepResult<T>) -> StepResult<T> {
        if self.job.step_through {
            self.pause_before(step)?;
        }
        let started = self.clock.elapsed();
        self.phases.enter(step.into(), started);
        self.emit(EventKind::StepStarted(step))?;
        let value = body(self)?;
        let took = self.clock.elapsed().saturating_sub(started);
        self.emit(EventKind::StepDone { step, took })?;
        Ok(value)
    }

    fn pause_before(&mut self, step: Step) -> StepResult<()> {
        self.clock.pause();
        self.emit(EventKind::Paused { next: step })?;
        loop {
            let command = match self.queued.pop_front() {
                Some(command) => command,
                None => self.inbox.recv().map_err(|_| Stop::Exit)?,
            };
            if matches!(command, Command::Next(id) if id == self.id) {
                self.clock.resume();
                return Ok(());
            }
            self.obey(command)?;
        }
    }

    /// Acts on a command that arrived mid-job: an error ends the job.
    fn obey(&self, command: Command) -> StepResult<()> {
        match command {
            Command::Cancel(id) if id == self.id => Err(Stop::Cancelled),
            Command::Fetch(..) => Err(Stop::Replaced(command)),
            Command::Shutdown => Err(Stop::Exit),
            Command::Cancel(_) | Command::Next(_) => Ok(()),
        }
    }

    /// Looks at commands without waiting.
    fn poll_commands(&mut self) -> StepResult<()> {
        while let Some(command) = self.queued.pop_front().or_else(|| self.inbox.try_recv().ok()) {
            self.obey(command)?;
        }
        Ok(())
    }

    fn emit(&mut self, kind: EventKind) -> StepResult<()> {
        // Reporting a step is the program's own work, not the network's: the clock stops meanwhile,
        // so a window busy drawing does not make "set up the socket" look slow. Reply bytes are the
        // exception: a reader that falls behind really does slow the download.
        let reporting = !matches!(kind, EventKind::Received { .. }) && !self.clock.is_paused();
        let event = Event { job: self.id, at: self.clock.elapsed(), kind };
        if reporting {
            self.clock.pause();
        }
        let sent = self.hand_over(event, Meanwhile::Obey);
        if reporting {
            self.clock.resume();
        }
        sent
    }

    /// Sends `event` and wakes the reader. While the reader is behind (the channel is full), waits
    /// in slices and looks at the commands in between, so Cancel, a new Fetch and Shutdown still act
    /// within [`SLICE`]s; an interrupted wait drops the event.
    fn hand_over(&mut self, mut event: Event, meanwhile: Meanwhile) -> StepResult<()> {
        loop {
            match self.out.events.send_timeout(event, SLICE) {
                Ok(()) => {
                    (self.out.wake)();
                    return Ok(());
                }
                // Nobody reads events any more: the program is closing.
                Err(SendTimeoutError::Disconnected(_)) => return Err(Stop::Exit),
                Err(SendTimeoutError::Timeout(back)) => event = back,
            }
            match meanwhile {
                Meanwhile::Obey => self.poll_commands()?,
                Meanwhile::Queue => {
                    while let Ok(command) = self.inbox.try_recv() {
                        if matches!(command, Command::Shutdown) {
                            return Err(Stop::Exit);
                        }
                        self.queued.push_back(command);
                    }
                }
            }
        }
    }

    /// Step 1. Like the tutorial, open an IPv4 TCP socket before knowing the address.
    fn open_socket(_: &mut Self) -> StepResult<Socket> {
        Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
            .map_err(|e| FetchError::io(Step::Socket, &e).into())
    }

    /// Step 2. Ask the system's resolver (hosts file, then DNS) for every address of the host.
    fn resolve(&mut self) -> StepResult<Vec<IpAddr>> {
        let host = self.job.target.host.clone();
        // RFC 6761: names under .invalid never resolve, so no lookup is sent for them.
        let reserved_invalid = host.eq_ignore_ascii_case("invalid") || host.to_ascii_lowercase().ends_with(".invalid");
        let mut addresses = if reserved_invalid {
            Vec::new()
        } else {
            let lookup_host = host.clone();
            let limit = self.job.connect_timeout;
            // A temporary failure is looked at on the side thread too: it reads a file and asks for routes.
            let found = self.wait_on_side_thread(Step::Resolve, self.capped(limit), move || {
                lookup(&lookup_host).map_err(|failure| {
                    let no_network = failure == LookupFailure::Temporary && no_route_to_name_servers();
                    (failure, no_network)
                })
            })?;
            match found {
                Some(Ok(addresses)) => addresses,
                Some(Err((failure, no_network))) => return Err(lookup_error(failure, no_network, host).into()),
                None => return Err(self.timed_out(FetchError::ResolveTimedOut { host, after: limit }).into()),
            }
        };
        dedup_keep_order(&mut addresses);
        if addresses.is_empty() {
            return Err(FetchError::NameNotFound { host }.into());
        }
        self.emit(EventKind::Resolved { addresses: addresses.clone() })?;
        Ok(addresses)
    }

    /// Step 3. Try each address in turn until one accepts.
    fn connect(&mut self, socket: Socket, addresses: &[IpAddr]) -> StepResult<TcpStream> {
        let mut spare = Some(socket);
        let mut last_error = None;
        for (i, ip) in addresses.iter().enumerate() {
            let address = SocketAddr::new(*ip, self.job.target.port);
            self.within_max_time()?;
            self.emit(EventKind::Connecting { address, attempt: i + 1, of: addresses.len() })?;
            // A socket serves one connect attempt and one address family: reuse step 1's when it fits.
            let socket = match spare.take() {
                Some(s) if address.is_ipv4() => s,
                _ => Socket::new(Domain::for_address(address), Type::STREAM, Some(Protocol::TCP))
                    .map_err(|e| FetchError::io(Step::Connect, &e))?,
            };
            let limit = self.job.connect_timeout;
            self.setup_by = self.clock.elapsed().saturating_add(limit);
            // Never zero: the OS refuses a zero timeout.
            let capped = self.capped(limit).max(Duration::from_millis(1));
            // Connect waits a little longer than its own limit, so the OS's timeout (with its reason) comes first.
            let outcome = self.wait_on_side_thread(Step::Connect, capped + SLICE, move || {
                socket.connect_timeout(&address.into(), capped).map(|()| socket)
            })?;
            let error = match outcome {
                Some(Ok(socket)) => {
                    let stream = TcpStream::from(socket);
                    let (local, remote) = (stream.local_addr(), stream.peer_addr());
                    if let (Ok(local), Ok(remote)) = (local, remote) {
                        self.emit(EventKind::Connected { local, remote })?;
                    }
                    stream
                        .set_read_timeout(Some(SLICE))
                        .and_then(|()| stream.set_write_timeout(Some(SLICE)))
                        .map_err(|e| FetchError::io(Step::Connect, &e))?;
                    return Ok(stream);
                }
                Some(Err(e)) => self.timed_out(connect_error(&e, address, limit)),
                None => self.timed_out(FetchError::ConnectTimedOut { addr: address, after: limit }),
            };
            self.emit(EventKind::AttemptFailed { address, error: error.clone() })?;
            last_error = Some(error);
        }
        Err(last_error.unwrap_or(FetchError::NameNotFound { host: self.job.target.host.clone() }).into())
    }

    /// The HTTPS step, after connect: the TLS handshake, turn by turn in read slices so Cancel acts
    /// within one; a server silent for the read timeout ends it, and so does one that is not done
    /// within the connect timeout, however it trickles its bytes.
    fn handshake(&mut self, mut tap: Tap, trust: &Trust) -> StepResult<TlsLink> {
        tap.sync(self.clock.elapsed());
        let mut link = tls::begin(tap, &self.job.target.host, trust)?;
        if let Err(stop) = self.handshake_turns(&mut link) {
            // What crossed before the handshake failed (an alert, say) is part of the story.
            self.wire_left = link.tap_mut().take_last();
            return Err(stop);
        }
        self.report_wire(link.tap_mut())?;
        self.emit(EventKind::Secured(Box::new(link.agreed(&self.job.target.host, trust))))?;
        Ok(link)
    }

    fn handshake_turns(&mut self, link: &mut TlsLink) -> StepResult<()> {
        let mut last_progress = Instant::now();
        loop {
            match link.handshake_turn()? {
                Turn::Done => return Ok(()),
                Turn::Going { progress: true } => last_progress = Instant::now(),
                Turn::Going { progress: false } => {
                    if last_progress.elapsed() > self.job.read_timeout {
                        return Err(FetchError::HandshakeTimedOut { after: self.job.read_timeout }.into());
                    }
                }
            }
            if self.clock.elapsed() > self.setup_by {
                return Err(self.timed_out(FetchError::HandshakeTooSlow { after: self.job.connect_timeout }).into());
            }
            self.within_max_time()?;
            self.poll_commands()?;
        }
    }

    /// What a read loop does after each read, bytes or none: the wire is reported when due, commands
    /// are acted on, and the whole fetch's limit is checked, so a server that trickles bytes can
    /// neither hold the fetch past its limit nor keep Cancel waiting.
    fn between_reads(&mut self, tap: &mut Tap, last_wire: &mut Instant) -> StepResult<()> {
        self.report_wire_when_due(tap, last_wire)?;
        self.poll_commands()?;
        self.within_max_time()
    }

    /// Fails the fetch once it has run longer than its whole-fetch limit (the job's clock, which a
    /// step-through pause stops).
    fn within_max_time(&self) -> StepResult<()> {
        if self.clock.elapsed() >= self.job.max_time {
            return Err(FetchError::FetchTimedOut { after: self.job.max_time }.into());
        }
        Ok(())
    }

    /// `limit`, or less when the whole fetch's limit comes first.
    fn capped(&self, limit: Duration) -> Duration {
        limit.min(self.job.max_time.saturating_sub(self.clock.elapsed()))
    }

    /// A wait's own timeout, or the whole fetch's when that is the one that passed.
    fn timed_out(&self, own: FetchError) -> FetchError {
        if own.is_timeout() && self.clock.elapsed() >= self.job.max_time {
            FetchError::FetchTimedOut { after: self.job.max_time }
        } else {
            own
        }
    }

    /// Reports the wire in batches while reading: when a batch is full, or some wait and a moment passed.
    fn report_wire_when_due(&mut self, tap: &mut Tap, last_wire: &mut Instant) -> StepResult<()> {
        let waiting = tap.waiting();
        if waiting >= WIRE_BATCH || (waiting > 0 && last_wire.elapsed() >= WIRE_EVERY) {
            self.report_wire(tap)?;
            *last_wire = Instant::now();
        }
        Ok(())
    }

    /// Reports what crossed the wire since the last report, and times what crosses next on the
    /// job's clock again (it stops while steps are reported).
    fn report_wire(&mut self, tap: &mut Tap) -> StepResult<()> {
        let records = tap.take();
        if !records.is_empty() {
            self.emit(EventKind::Wire(records))?;
        }
        tap.sync(self.clock.elapsed());
        Ok(())
    }

    /// Step 4 (5 over HTTPS). Hand the whole request to the network; over TLS, as encrypted records.
    fn send(&mut self, link: &mut Link, request: &Outgoing) -> StepResult<()> {
        link.tap_mut().sync(self.clock.elapsed());
        let mut written = 0;
        let mut last_progress = Instant::now();
        loop {
            let moved = match link.push() {
                Ok(true) => Ok(None),
                Ok(false) if written == request.len() => break,
                Ok(false) => link.write(request.after(written)).map(Some),
                Err(e) => Err(e),
            };
            match moved {
                Ok(Some(0)) => return Err(FetchError::Reset { received: 0 }.into()),
                Ok(Some(n)) => {
                    written += n;
                    last_progress = Instant::now();
                }
                Ok(None) => last_progress = Instant::now(),
                Err(e) if is_slice_timeout(&e) => {}
                Err(e) => return Err(stream_error(&e, 0, Step::Send).into()),
            }
            self.poll_commands()?;
            self.within_max_time()?;
            if last_progress.elapsed() > self.job.read_timeout {
                return Err(FetchError::SendTimedOut { after: self.job.read_timeout }.into());
            }
        }
        self.report_wire(link.tap_mut())?;
        self.emit(EventKind::Sent { bytes: written })?;
        Ok(())
    }

    /// The last step. Read until the reply ends: where its framing says (a length, the last chunk), or
    /// when the server hangs up. Bytes after the end that came in the same read stay in the reply.
    /// Over TLS the bytes are the decrypted ones; a hang-up without `close_notify` is a hang-up, told
    /// as unproven when the hang-up is what ends the reply.
    fn receive(&mut self, link: &mut Link) -> StepResult<()> {
        let tls = matches!(link, Link::Tls(_));
        // The reply's first two bytes: a plain fetch answered with a TLS record was sent to an https server.
        let mut first = Vec::with_capacity(2);
        let mut reply = ReplyReader::new(self.job.payload.asks_head_only());
        let mut last_progress = Instant::now();
        let mut last_wire = Instant::now();
        link.tap_mut().sync(self.clock.elapsed());
        let mut spare = None;
        loop {
            let mut buf = spare.take().unwrap_or_else(|| self.out.buffers.take());
            // One byte more than the limit allows tells whether the reply goes past it.
            let room = self.job.max_bytes.saturating_sub(self.received);
            let want = buf.len().min(usize::try_from(room.saturating_add(1)).unwrap_or(usize::MAX));
            let read = match link.read(&mut buf[..want]) {
                Err(e) if tls && e.kind() == io::ErrorKind::UnexpectedEof => {
                    if reply.at_close(false)? {
                        self.emit(EventKind::UnprovenEnd)?;
                    }
                    Ok(0)
                }
                read => read,
            };
            match read {
                Ok(0) if !tls && tls::starts_like_tls(&first) => return Err(FetchError::SpeaksTls.into()),
                Ok(0) if reply.at_close(!tls)? => {
                    return self.emit(EventKind::ReplyComplete { extra: 0, line_open: false });
                }
                Ok(0) => return Ok(()),
                Ok(n) => {
                    last_progress = Instant::now();
                    if self.received == 0 {
                        self.phases.enter(Phase::Download, self.clock.elapsed());
                    }
                    let keep = n.min(usize::try_from(room).unwrap_or(usize::MAX));
                    let chunk = self.out.buffers.chunk(buf, keep, &mut spare);
                    first.extend(chunk.iter().take(2 - first.len()));
                    let fed = reply.feed(&chunk);
                    for found in fed.found {
                        self.emit(match found {
                            Found::Head(head) => EventKind::Head(head),
                            Found::Unreadable(problem) => EventKind::HeadUnreadable { problem },
                        })?;
                    }
                    let kept = chunk.len();
                    self.pass_on(chunk)?;
                    // No HTTP reply starts with a TLS record: say so now, kept bytes and all, rather
                    // than wait for a TLS server that may never hang up.
                    if !tls && first.len() == 2 && tls::starts_like_tls(&first) {
                        return Err(FetchError::SpeaksTls.into());
                    }
                    match fed.end {
                        End::Complete { used } => {
                            let extra = kept.saturating_sub(used) as u64;
                            // The reply's time ends at its last byte: the look at the line is the
                            // program's own work, kept out of the timings as reporting is.
                            self.clock.pause();
                            let line_open = self.line_open(link);
                            self.clock.resume();
                            return self.emit(EventKind::ReplyComplete { extra, line_open });
                        }
                        End::Broken(problem) => return Err(FetchError::BrokenChunks(problem).into()),
                        End::BadLength(problem) => return Err(FetchError::BadLength(problem).into()),
                        End::More if keep < n => {
                            return Err(FetchError::TooLarge { limit: self.job.max_bytes }.into());
                        }
                        End::More => {}
                    }
                }
                Err(e) if is_slice_timeout(&e) => {
                    spare = Some(buf);
                    if last_progress.elapsed() > self.job.read_timeout {
                        let unanswered_plain = !tls && self.received == 0;
                        return Err(FetchError::ReadTimedOut { after: self.job.read_timeout, unanswered_plain }.into());
                    }
                }
                Err(e) => {
                    let error = tls::read_error(&e).unwrap_or_else(|| stream_error(&e, self.received, Step::Receive));
                    return Err(error.into());
                }
            }
            self.between_reads(link.tap_mut(), &mut last_wire)?;
        }
    }

    /// The last step in raw mode: no HTTP, so no framing; read until the stop rule says, or the server
    /// hangs up (which ends it whatever the rule). With a quiet rule, quiet is the end rather than a
    /// failure, so the read timeout does not apply.
    fn receive_raw(&mut self, link: &mut Link, rule: StopRule) -> StepResult<()> {
        let tls = matches!(link, Link::Tls(_));
        let mut last_progress = Instant::now();
        let mut last_wire = Instant::now();
        link.tap_mut().sync(self.clock.elapsed());
        let mut spare = None;
        // The most to read: the stop rule's count, or one byte more than the size limit allows.
        let wanted = match rule {
            StopRule::Bytes(n) if n <= self.job.max_bytes => n,
            StopRule::Bytes(_) | StopRule::Hangup | StopRule::Quiet(_) => self.job.max_bytes.saturating_add(1),
        };
        loop {
            let mut buf = spare.take().unwrap_or_else(|| self.out.buffers.take());
            let want = buf.len().min(usize::try_from(wanted.saturating_sub(self.received)).unwrap_or(usize::MAX));
            match link.read(&mut buf[..want]) {
                Err(e) if tls && e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.emit(EventKind::UnprovenEnd)?;
                    return self.emit(EventKind::RawEnd { by: StopRule::Hangup });
                }
                Ok(0) => return self.emit(EventKind::RawEnd { by: StopRule::Hangup }),
                Ok(n) => {
                    last_progress = Instant::now();
                    if self.received == 0 {
                        self.phases.enter(Phase::Download, self.clock.elapsed());
                    }
                    let room = self.job.max_bytes.saturating_sub(self.received);
                    let keep = n.min(usize::try_from(room).unwrap_or(usize::MAX));
                    let chunk = self.out.buffers.chunk(buf, keep, &mut spare);
                    self.pass_on(chunk)?;
                    if self.received == wanted {
                        return self.emit(EventKind::RawEnd { by: rule });
                    }
                    if keep < n {
                        return Err(FetchError::TooLarge { limit: self.job.max_bytes }.into());
                    }
                }
                Err(e) if is_slice_timeout(&e) => {
                    spare = Some(buf);
                    match rule {
                        StopRule::Quiet(quiet) if last_progress.elapsed() >= quiet => {
                            return self.emit(EventKind::RawEnd { by: rule });
                        }
                        StopRule::Hangup | StopRule::Bytes(_) if last_progress.elapsed() > self.job.read_timeout => {
                            let unanswered_plain = !tls && self.received == 0;
                            return Err(
                                FetchError::ReadTimedOut { after: self.job.read_timeout, unanswered_plain }.into()
                            );
                        }
                        // A quiet rule is its own read timeout.
                        StopRule::Quiet(_) | StopRule::Hangup | StopRule::Bytes(_) => {}
                    }
                }
                Err(e) => {
                    let error = tls::read_error(&e).unwrap_or_else(|| stream_error(&e, self.received, Step::Receive));
                    return Err(error.into());
                }
            }
            self.between_reads(link.tap_mut(), &mut last_wire)?;
        }
    }

    /// Whether the server still holds the line open once its reply is complete: it has neither hung
    /// up (over TLS, said `close_notify`) nor reset within [`LINE_WAIT`], so a hang-up on its way (a
    /// server that closes right after its last byte) is never taken for an open line. Bytes after the
    /// reply mean the server is still talking. A command that arrives meanwhile ends the look: the
    /// line is then not said to be open, as it was not seen open for the whole wait.
    fn line_open(&mut self, link: &mut Link) -> bool {
        let until = Instant::now() + LINE_WAIT;
        loop {
            if let Some(open) = link.line_state() {
                return open;
            }
            if !self.queued.is_empty() || !self.inbox.is_empty() {
                return false;
            }
            if Instant::now() >= until {
                return true;
            }
        }
    }

    /// Passes reply bytes on: to the reply writer when there is one, else as a `Received` event.
    /// They count as received once passed on, so the summary never counts bytes the reader missed.
    fn pass_on(&mut self, chunk: Chunk) -> StepResult<()> {
        let total = self.received + chunk.len() as u64;
        match self.reply.as_mut() {
            // The reader went away (`| head`): stop fetching what nobody reads.
            Some(writer) => writer.write_all(&chunk).map_err(|_| Stop::Cancelled)?,
            None => self.emit(EventKind::Received { chunk, total })?,
        }
        self.received = total;
        Ok(())
    }

    /// Runs a blocking call on a named side thread and waits for it, for commands, or for `limit`.
    /// `Ok(None)` means the limit passed; an abandoned call finishes on its own and is dropped.
    fn wait_on_side_thread<T: Send + 'static>(
        &mut self,
        step: Step,
        limit: Duration,
        call: impl FnOnce() -> T + Send + 'static,
    ) -> StepResult<Option<T>> {
        let (done, result) = bounded(1);
        thread::Builder::new()
            .name(format!("{}-job-{}", step.name().replace(' ', "-"), self.id))
            .spawn(move || {
                // The job may have stopped waiting (cancelled or timed out): then nobody needs the result.
                let _ = done.send(call());
            })
            .map_err(|e| FetchError::io(step, &e))?;
        self.poll_commands()?;
        let deadline = Instant::now() + limit;
        loop {
            select! {
                recv(result) -> value => {
                    return match value {
                        Ok(value) => Ok(Some(value)),
                        Err(_) => Err(FetchError::HelperCrashed { step }.into()),
                    };
                }
                recv(self.inbox) -> command => {
                    let command = command.map_err(|_| Stop::Exit)?;
                    self.obey(command)?;
                }
                default(deadline.saturating_duration_since(Instant::now())) => return Ok(None),
            }
        }
    }
}

fn dedup_keep_order(addresses: &mut Vec<IpAddr>) {
    let mut seen = Vec::with_capacity(addresses.len());
    addresses.retain(|a| {
        let new = !seen.contains(a);
        seen.push(*a);
        new
    });
}

/// A failed lookup, named for its cause: a temporary failure with no route to any name server
/// means this computer is not on a network, not that the name is wrong.
fn lookup_error(failure: LookupFailure, no_network: bool, host: String) -> FetchError {
    match failure {
        LookupFailure::NoSuchName => FetchError::NameNotFound { host },
        LookupFailure::Temporary if no_network => FetchError::NoNetwork { host },
        LookupFailure::Temporary => FetchError::NameServerSilent { host },
        LookupFailure::Other(os_text) => FetchError::LookupFailed { host, os_text },
    }
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "io::ErrorKind is the standard library's, and grows: kinds not named here are kept in FetchError::Io"
)]
fn connect_error(e: &io::Error, addr: SocketAddr, limit: Duration) -> FetchError {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => FetchError::Refused { addr },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => FetchError::ConnectTimedOut { addr, after: limit },
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable | io::ErrorKind::AddrNotAvailable => {
            FetchError::Unreachable { addr }
        }
        _ => FetchError::io(Step::Connect, e),
    }
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "io::ErrorKind is the standard library's, and grows: kinds not named here are kept in FetchError::Io"
)]
fn stream_error(e: &io::Error, received: u64, step: Step) -> FetchError {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
            FetchError::Reset { received }
        }
        _ => FetchError::io(step, e),
    }
}
