//! The window's half without drawing (no egui here): the [`Session`] that starts fetches from a
//! [`FetchPlan`] and folds their events on a thread of its own, the fetch view it folds into, the
//! reply's store with its row index, and the decoded body's model.

mod decoded_body;
mod fetch_view;
mod fold;
mod plan;
pub mod reply_text;

use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::Sender;
use parking_lot::{MappedRwLockReadGuard, RwLock, RwLockReadGuard};

use crate::demo_server::DemoServer;
use crate::fetch::{self, Event, Target, Waker, Worker};
use crate::history::Keeper;
use crate::teach::hops;

pub use decoded_body::{DecodedBody, Shared};
pub use fetch_view::{Attempt, Completion, FetchView, LogLine, StepState};
pub use fold::Folded;
pub use plan::{FetchPlan, JobLimits};
pub use reply_text::{Reply, ReplyText};

/// What could not start.
#[derive(Debug)]
pub enum StartError {
    /// The fetch's threads (the worker, or the session's fold thread).
    Worker(std::io::Error),
    DemoServer(std::io::Error),
}

/// The fetch on show, for reading.
pub struct Reader(Arc<RwLock<Folded>>);

impl Reader {
    /// The fetch on show, as folded so far. Held for a frame's drawing at most: the fold waits
    /// meanwhile. Reads may nest (a test's check inside another); a write never happens under one.
    pub fn read(&self) -> RwLockReadGuard<'_, Folded> {
        self.0.read_recursive()
    }
}

/// The fetches of one window: the worker, the fold of its events, the demo server and the history.
pub struct Session {
    folded: Arc<RwLock<Folded>>,
    /// The worker's end of the events, until the first fetch starts the worker.
    events: Sender<Event>,
    /// Until attached: the fold thread's end of the events.
    unattached: Option<crossbeam_channel::Receiver<Event>>,
    worker: Option<Worker>,
    demo: Option<DemoServer>,
    history_dir: Option<PathBuf>,
    history: Option<Arc<Keeper>>,
    /// The plan of the fetch on show: a redirect is followed with its limits.
    plan: Option<FetchPlan>,
}

impl Session {
    /// A session that keeps its history in `history_dir`, if any; nothing runs until [`Self::attach`].
    pub fn new(history_dir: Option<PathBuf>) -> Self {
        // Bounded: when the fold falls behind a fast server, the worker waits instead of piling
        // chunks up in memory.
        let (events, unattached) = fetch::event_channel();
        Self {
            folded: Arc::default(),
            events,
            unattached: Some(unattached),
            worker: None,
            demo: None,
            history_dir,
            history: None,
            plan: None,
        }
    }

    /// Starts the history's thread and the fold thread; `wake` is called after each batch of
    /// events and each piece of the history's news. Once; later calls do nothing.
    /// Answers the history's failure to start, in plain words (the fetches go on without it).
    pub fn attach(&mut self, wake: &Waker) -> Result<Option<String>, StartError> {
        let Some(events) = self.unattached.take() else { return Ok(None) };
        let mut failure = None;
        if let Some(dir) = self.history_dir.take() {
            let wake = Arc::clone(wake);
            match Keeper::start(dir, move || wake()) {
                Ok(keeper) => self.history = Some(Arc::new(keeper)),
                Err(e) => failure = Some(format!("The history could not start: {e}.")),
            }
        }
        let (folded, history, wake) = (Arc::clone(&self.folded), self.history.clone(), Arc::clone(wake));
        thread::Builder::new()
            .name("session-fold".to_owned())
            .spawn(move || fold::fold_events(&events, &folded, history.as_deref(), &wake))
            .map_err(StartError::Worker)?;
        Ok(failure)
    }

    /// A reader of the fetch on show, apart from the session, so the window can read it while it
    /// changes its own state. Never start, follow or clear while holding a read: they write.
    pub fn reader(&self) -> Reader {
        Reader(Arc::clone(&self.folded))
    }

    /// The fetch view on show, if any (for tests and benchmarks).
    pub fn view(&self) -> Option<MappedRwLockReadGuard<'_, FetchView>> {
        RwLockReadGuard::try_map(self.folded.read_recursive(), |folded| folded.view.as_ref()).ok()
    }

    /// Starts the fetch `plan` says; nothing on show belongs to an earlier fetch after it.
    pub fn start(&mut self, plan: FetchPlan) -> Result<(), StartError> {
        self.launch(plan, None)
    }

    /// Follows the redirect of the fetch on show to `url` (at `target`), as the next hop of the same story.
    pub fn follow(&mut self, url: &url::Url, target: Target) -> Result<(), StartError> {
        let Some(plan) = self.plan.as_ref().map(|plan| plan.redirected(target)) else { return Ok(()) };
        let mut folded = self.folded.write();
        let Some(previous) = folded.view.take() else { return Ok(()) };
        let from = folded.target.as_ref().and_then(|t| fetch::url_of(t).ok()).unwrap_or_else(|| url.clone());
        drop(folded);
        let line = format!("Hop {}: {}", previous.hop + 1, hops::hop_text(&from, url));
        self.launch(plan, Some((previous, line)))
    }

    /// `hop`: the fetch this one follows on from, and the line that says so.
    fn launch(&mut self, plan: FetchPlan, hop: Option<(FetchView, String)>) -> Result<(), StartError> {
        if self.worker.is_none() {
            // The worker needs no waking: the fold thread waits on its events and wakes the window.
            let quiet: Waker = Arc::new(|| {});
            match Worker::spawn(self.events.clone(), quiet) {
                Ok(worker) => self.worker = Some(worker),
                Err(e) => {
                    self.clear();
                    return Err(StartError::Worker(e));
                }
            }
        }
        let Some(worker) = &mut self.worker else { return Ok(()) };
        let job = plan.job(self.demo.as_ref().map(DemoServer::ca));
        let (host, port, max_bytes) = (plan.target.host.clone(), plan.target.port, plan.limits.max_bytes);
        // Locked before the job is sent: its first events wait for its view.
        let mut folded = self.folded.write();
        let id = worker.fetch(job);
        let mut view = match hop {
            Some((previous, line)) => FetchView::next_hop(previous, id, host, port, max_bytes, line),
            None => FetchView::new(id, host, port, max_bytes),
        };
        view.raw = plan.is_raw();
        folded.view = Some(view);
        folded.target = Some(plan.target.clone());
        drop(folded);
        self.plan = Some(plan);
        Ok(())
    }

    /// Nothing on show from an earlier fetch.
    pub fn clear(&mut self) {
        *self.folded.write() = Folded::default();
        self.plan = None;
    }

    pub fn cancel(&self) {
        if let (Some(worker), Some(job)) = (&self.worker, self.job()) {
            worker.cancel(job);
        }
    }

    /// Step-through mode: run the step the fetch is paused before.
    pub fn next_step(&self) {
        if let (Some(worker), Some(job)) = (&self.worker, self.job()) {
            worker.next(job);
        }
    }

    fn job(&self) -> Option<fetch::JobId> {
        self.folded.read_recursive().view.as_ref().map(|v| v.job)
    }

    /// Starts the demo server, once; answers it.
    pub fn use_demo(&mut self) -> Result<&DemoServer, StartError> {
        let server = match self.demo.take() {
            Some(server) => server,
            None => DemoServer::start(0).map_err(|e| {
                self.clear();
                StartError::DemoServer(e)
            })?,
        };
        Ok(self.demo.insert(server))
    }

    /// The demo server, while it runs.
    pub fn demo(&self) -> Option<&DemoServer> {
        self.demo.as_ref()
    }

    /// The history's thread, once attached, when this run keeps one.
    pub fn history(&self) -> Option<&Keeper> {
        self.history.as_deref()
    }
}
