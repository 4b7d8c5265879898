//! The history's own thread (`history-store`): every write and read of the history's files happens
//! there, so the window's thread never waits on the disk. It also looks at the folder twice a second,
//! so a change another window made (history off, a fetch recorded) shows here within a second.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::{Comparison, Entry, Record, Store, compare};
use crate::shared_bytes::SharedBytes;

/// What the window asks of the history.
enum Order {
    Add(Record, Option<SharedBytes>),
    SetOn(bool),
    Reply(u64),
    Compare(u64, u64),
}

/// How often the folder is looked at (a `stat` of two files) for another window's changes.
const LOOK_AGAIN: Duration = Duration::from_millis(500);

/// The history as it is now.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Oldest first.
    pub entries: Arc<[Entry]>,
    pub on: bool,
    /// The folder can be written: when not, what it holds is shown and nothing is recorded.
    pub can_record: bool,
    /// What was skipped or refused in the folder, in plain words.
    pub notices: Arc<[String]>,
}

impl Snapshot {
    fn of(store: &Store) -> Self {
        Self {
            entries: store.entries().into(),
            on: store.is_on(),
            can_record: store.can_record(),
            notices: store.notices().into(),
        }
    }
}

/// What the history tells the window.
#[derive(Debug)]
pub enum News {
    /// The history now.
    Entries(Snapshot),
    /// The kept reply of an entry, or why it cannot be read, and its log.
    Reply(u64, io::Result<Vec<u8>>, io::Result<String>),
    /// Two entries' kept replies compared (read and compared here, never in the window's memory).
    Compared(u64, u64, io::Result<Comparison>),
    /// A write that failed, in plain words.
    Failed(String),
}

/// The window's handle on the `history-store` thread; the thread ends when this is dropped.
pub struct Keeper {
    orders: Sender<Order>,
    news: Receiver<News>,
}

impl Keeper {
    /// Opens the history in `dir` on a thread of its own; `wake` is called after each piece of news.
    pub fn start(dir: PathBuf, wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (orders, inbox) = crossbeam_channel::unbounded();
        let (tell, news) = crossbeam_channel::unbounded();
        thread::Builder::new().name("history-store".to_owned()).spawn(move || {
            let say = |item| {
                // The window is gone when this fails: nothing is left to tell.
                if tell.send(item).is_ok() {
                    wake();
                }
            };
            let mut store = match Store::open(&dir) {
                Ok(store) => store,
                Err(e) => {
                    say(News::Failed(format!("The history in {} could not be opened: {e}.", dir.display())));
                    return;
                }
            };
            say(News::Entries(Snapshot::of(&store)));
            let mut looked = Instant::now();
            loop {
                let order = match inbox.recv_timeout(LOOK_AGAIN.saturating_sub(looked.elapsed())) {
                    Ok(order) => Some(order),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                if looked.elapsed() >= LOOK_AGAIN {
                    looked = Instant::now();
                    match store.refresh() {
                        Ok(true) => say(News::Entries(Snapshot::of(&store))),
                        Ok(false) => {}
                        Err(e) => {
                            say(News::Failed(format!("The history in {} could not be read: {e}.", dir.display())));
                        }
                    }
                }
                let Some(order) = order else { continue };
                let result = match order {
                    Order::Add(record, reply) => store.add(record, reply.as_deref()),
                    Order::SetOn(on) => store.set_on(on),
                    Order::Reply(id) => {
                        let log = store.log(id);
                        say(News::Reply(id, store.reply(id), log));
                        continue;
                    }
                    Order::Compare(a, b) => {
                        let both = store.reply(a).and_then(|first| Ok(compare(&first, &store.reply(b)?)));
                        say(News::Compared(a, b, both));
                        continue;
                    }
                };
                if let Err(e) = result {
                    say(News::Failed(format!("The history could not be written in {}: {e}.", dir.display())));
                }
                say(News::Entries(Snapshot::of(&store)));
            }
        })?;
        Ok(Self { orders, news })
    }

    /// Remembers a fetch that ended, with its reply when it is to be kept: the finished reply
    /// itself, read on this thread, never copied for it.
    pub fn add(&self, record: Record, reply: Option<SharedBytes>) {
        self.order(Order::Add(record, reply));
    }

    pub fn set_on(&self, on: bool) {
        self.order(Order::SetOn(on));
    }

    /// Asks for an entry's kept reply and its log: they come as [`News::Reply`].
    pub fn ask_reply(&self, id: u64) {
        self.order(Order::Reply(id));
    }

    /// Asks for two entries' kept replies compared: the result comes as [`News::Compared`].
    pub fn ask_comparison(&self, first: u64, second: u64) {
        self.order(Order::Compare(first, second));
    }

    /// The next piece of news, if any.
    pub fn try_news(&self) -> Option<News> {
        self.news.try_recv().ok()
    }

    fn order(&self, order: Order) {
        // The thread ends only when it could not open the history, which it has said in its news.
        let _ = self.orders.send(order);
    }
}
