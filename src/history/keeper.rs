//! The history's own thread (`history-store`): every write and read of the history's files happens
//! there, so the window's thread never waits on the disk.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, Sender};

use super::{Comparison, Entry, Record, Store, compare};
use crate::shared_bytes::SharedBytes;

/// What the window asks of the history.
enum Order {
    Add(Record, Option<SharedBytes>),
    SetOn(bool),
    Reply(u64),
    Compare(u64, u64),
}

/// What the history tells the window.
#[derive(Debug)]
pub enum News {
    /// The entries now, oldest first, and whether history is on.
    Entries(Arc<[Entry]>, bool),
    /// The kept reply of an entry, or why it cannot be read, and its log.
    Reply(u64, Result<Vec<u8>, String>, Result<String, String>),
    /// Two entries' kept replies compared (read and compared here, never in the window's memory).
    Compared(u64, u64, Result<Comparison, String>),
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
            say(News::Entries(store.entries().into(), store.is_on()));
            for order in inbox {
                let result = match order {
                    Order::Add(record, reply) => store.add(record, reply.as_deref()),
                    Order::SetOn(on) => store.set_on(on),
                    Order::Reply(id) => {
                        let log = store.log(id).map_err(|e| e.to_string());
                        say(News::Reply(id, store.reply(id).map_err(|e| e.to_string()), log));
                        continue;
                    }
                    Order::Compare(a, b) => {
                        let both = store.reply(a).and_then(|first| Ok(compare(&first, &store.reply(b)?)));
                        say(News::Compared(a, b, both.map_err(|e| e.to_string())));
                        continue;
                    }
                };
                if let Err(e) = result {
                    say(News::Failed(format!("The history could not be written in {}: {e}.", dir.display())));
                }
                say(News::Entries(store.entries().into(), store.is_on()));
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
