//! The worker thread: takes commands from a channel, runs one job at a time, streams events back.

use std::collections::VecDeque;
use std::io::Write;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use super::chunk::BufferPool;
use super::event::Event;
use super::job::{Command, Job, JobId, Waker};
use super::run::{self, After, Outbox};

/// Where the terminal's reply bytes go: written by the worker itself, read after read.
pub type ReplyWriter = Box<dyn Write + Send>;

/// Events that may wait for a reader: a reader that falls behind makes the worker wait (cancellably)
/// instead of piling chunks up, so the reply bytes in flight stay under this many chunks.
pub const EVENT_QUEUE: usize = 16;

/// The bounded channel a reader of events should use (see [`EVENT_QUEUE`]).
pub fn event_channel() -> (Sender<Event>, Receiver<Event>) {
    bounded(EVENT_QUEUE)
}

/// Owns the worker thread; dropping it shuts the thread down.
pub struct Worker {
    commands: Sender<Command>,
    last_id: JobId,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread. Events go to `events`; `wake` runs after each one. A bounded `events`
    /// channel (as from [`event_channel`]) makes the worker wait for a slow reader, so memory stays flat.
    pub fn spawn(events: Sender<Event>, wake: Waker) -> std::io::Result<Self> {
        Self::start(events, wake, None)
    }

    /// Like [`Worker::spawn`], but reply bytes are written to `reply` on the worker's own thread and
    /// not sent as `Received` events. For the terminal: handing each read over to a thread that only
    /// writes it out cost two context switches a read (a third more kernel time than curl when both
    /// threads share a core), and the write needs nothing else the reader has.
    pub fn spawn_writing(events: Sender<Event>, wake: Waker, reply: ReplyWriter) -> std::io::Result<Self> {
        Self::start(events, wake, Some(reply))
    }

    fn start(events: Sender<Event>, wake: Waker, reply: Option<ReplyWriter>) -> std::io::Result<Self> {
        let (commands, inbox) = unbounded();
        let thread = thread::Builder::new()
            .name("fetch-worker".to_owned())
            .spawn(move || worker_loop(&inbox, &events, &wake, reply))?;
        Ok(Self { commands, last_id: 0, thread: Some(thread) })
    }

    /// Queues a job and returns its id.
    pub fn fetch(&mut self, job: Job) -> JobId {
        self.last_id += 1;
        self.send(Command::Fetch(self.last_id, Box::new(job)));
        self.last_id
    }

    pub fn cancel(&self, job: JobId) {
        self.send(Command::Cancel(job));
    }

    pub fn next(&self, job: JobId) {
        self.send(Command::Next(job));
    }

    fn send(&self, command: Command) {
        // The thread only stops when told to or when the event reader is gone; either way the
        // command has nobody left to serve, so a failed send needs no report.
        let _ = self.commands.send(command);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            // A panic in the worker was already printed by the panic hook.
            let _ = thread.join();
        }
    }
}

fn worker_loop(inbox: &Receiver<Command>, events: &Sender<Event>, wake: &Waker, mut reply: Option<ReplyWriter>) {
    let buffers = BufferPool::new();
    let out = Outbox { events, wake, buffers: &buffers };
    // Commands taken from the inbox but not acted on yet (a new fetch that ended a job, or commands
    // that came while a job's last event waited for the reader), in order.
    let mut next = VecDeque::new();
    loop {
        let command = match next.pop_front() {
            Some(command) => command,
            None => match inbox.recv() {
                Ok(command) => command,
                Err(_) => return,
            },
        };
        match command {
            Command::Fetch(id, job) => {
                let reply = reply.as_deref_mut().map(|w| -> &mut dyn Write { w });
                if let After::Exit = run::run(id, &job, inbox, &mut next, &out, reply) {
                    return;
                }
            }
            // Cancel or Next for a job that already ended: nothing to do.
            Command::Cancel(_) | Command::Next(_) => {}
            Command::Shutdown => return,
        }
    }
}
