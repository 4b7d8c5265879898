//! The worker thread: takes commands from a channel, runs one job at a time, streams events back.

use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::chunk::BufferPool;
use super::event::Event;
use super::job::{Job, JobId};
use super::run::{self, After, Outbox};

/// Called after each event is sent, so a window can wake up and draw it.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What the worker can be told. [`Worker`]'s methods send these; they are public for tests and tools.
#[derive(Debug)]
pub enum Command {
    /// Start a job. A job already running is cancelled first, as a browser drops a page for a new click.
    Fetch(JobId, Box<Job>),
    /// Stop that job (if it still runs) and report what arrived.
    Cancel(JobId),
    /// Step-through mode: run the step the job is paused before.
    Next(JobId),
    Shutdown,
}

/// Owns the worker thread; dropping it shuts the thread down.
pub struct Worker {
    commands: Sender<Command>,
    last_id: JobId,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread. Events go to `events`; `wake` runs after each one. A bounded `events`
    /// channel makes the worker wait for a slow reader (the terminal keeps memory flat that way).
    pub fn spawn(events: Sender<Event>, wake: Waker) -> std::io::Result<Self> {
        let (commands, inbox) = unbounded();
        let thread = thread::Builder::new()
            .name("fetch-worker".to_owned())
            .spawn(move || worker_loop(&inbox, &events, &wake))?;
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

fn worker_loop(inbox: &Receiver<Command>, events: &Sender<Event>, wake: &Waker) {
    let buffers = BufferPool::new();
    let out = Outbox { events, wake, buffers: &buffers };
    let mut next = None;
    loop {
        let command = match next.take() {
            Some(command) => command,
            None => match inbox.recv() {
                Ok(command) => command,
                Err(_) => return,
            },
        };
        match command {
            Command::Fetch(id, job) => match run::run(id, &job, inbox, &out) {
                After::Idle => {}
                After::Then(command) => next = Some(command),
                After::Exit => return,
            },
            // Cancel or Next for a job that already ended: nothing to do.
            Command::Cancel(_) | Command::Next(_) => {}
            Command::Shutdown => return,
        }
    }
}
