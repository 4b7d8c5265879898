//! The history's store on disk: what it keeps across a reopen, its disk budget, history off, and
//! damaged or hostile files. Each test has a folder of its own under the system's temp folder.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use socket_fetch::history::{Keeper, MAX_ENTRIES, News, Record, Store};
use socket_fetch::shared_bytes::SharedBytes;

/// An empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socket-fetch-history-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn record(n: u64) -> Record {
    Record {
        at_ms: 1_700_000_000_000 + n,
        host: format!("host{n}.invalid"),
        port: 8000,
        duration_us: n * 10,
        status: Some(200),
        reply_size: 0,
        error: None,
        request: format!("GET /page/{n} HTTP/1.0\r\nHost: host{n}.invalid\r\n\r\n").into_bytes(),
        log: format!("[    0.000 ms] Fetching from host{n}.invalid, port 8000.\n"),
    }
}

/// A reply of `len` bytes that says which fetch it belongs to.
fn reply(n: u64, len: usize) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.0 200 OK\r\n\r\nfetch {n} ").into_bytes();
    bytes.resize(len.max(bytes.len()), u8::try_from(n % 256).unwrap());
    bytes
}

fn add(store: &mut Store, n: u64, reply: &[u8]) {
    store.add(Record { reply_size: reply.len() as u64, ..record(n) }, Some(reply)).unwrap();
}

/// The bytes of the reply files in `dir`.
fn reply_files(dir: &Path) -> (usize, u64) {
    let files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "reply"))
        .collect();
    let bytes = files.iter().map(|p| fs::metadata(p).unwrap().len()).sum();
    (files.len(), bytes)
}

/// The names of every file in `dir`, sorted.
fn all_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir).unwrap().map(|f| f.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn sixty_fetches_keep_the_last_fifty_across_a_reopen() {
    let dir = folder("sixty");
    let mut store = Store::open(&dir).unwrap();
    for n in 1..=60 {
        add(&mut store, n, &reply(n, 100));
    }
    drop(store);
    let store = Store::open(&dir).unwrap();
    let entries = store.entries();
    assert_eq!(entries.len(), MAX_ENTRIES);
    let hosts: Vec<_> = entries.iter().map(|e| e.host.clone()).collect();
    let want: Vec<_> = (11..=60).map(|n| format!("host{n}.invalid")).collect();
    assert_eq!(hosts, want, "the oldest ten are the ones dropped, in order");
    let last = entries.last().unwrap();
    assert_eq!((last.method.as_str(), last.path.as_str(), last.status), ("GET", "/page/60", Some(200)));
    assert_eq!(last.request, record(60).request);
    assert_eq!(store.reply(last.id).unwrap(), reply(60, 100), "its reply reads back byte for byte");
    assert_eq!(store.log(last.id).unwrap(), record(60).log, "and its log");
    assert_eq!(reply_files(&dir).0, MAX_ENTRIES, "the dropped entries' replies are gone from disk");
    assert_eq!(
        all_files(&dir).iter().filter(|f| Path::new(f).extension().is_some_and(|e| e == "log")).count(),
        MAX_ENTRIES,
        "and their logs"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_disk_budget_holds_oldest_replies_dropped_first() {
    let dir = folder("budget");
    let budget = 1 << 20;
    let mut store = Store::with_budget(&dir, budget).unwrap();
    for n in 1..=10 {
        add(&mut store, n, &reply(n, 300 << 10));
        let (_, on_disk) = reply_files(&dir);
        assert!(on_disk <= budget, "after fetch {n}: {on_disk} bytes of replies on disk");
        assert_eq!(on_disk, store.kept_bytes());
    }
    let kept: Vec<bool> = store.entries().iter().map(|e| e.reply_kept).collect();
    assert_eq!(kept, [false, false, false, false, false, false, false, true, true, true]);
    let first = store.entries()[0].id;
    assert!(store.reply(first).is_err(), "a dropped reply is said to be not kept");
    // A reply larger than the whole budget is not kept, and keeps the others.
    add(&mut store, 11, &reply(11, (1 << 20) + 1));
    let newest = store.entries().last().unwrap();
    assert!(!newest.reply_kept);
    assert_eq!(newest.reply_size, (1 << 20) + 1, "its entry remains, with its size");
    assert_eq!(store.entries().iter().filter(|e| e.reply_kept).count(), 3);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn history_off_keeps_nothing_and_is_remembered() {
    let dir = folder("off");
    let mut store = Store::open(&dir).unwrap();
    for n in 1..=3 {
        add(&mut store, n, &reply(n, 1000));
    }
    store.set_on(false).unwrap();
    assert!(store.entries().is_empty());
    assert_eq!(all_files(&dir), ["index", "lock", "off"], "what was kept is cleared, logs too");
    add(&mut store, 4, &reply(4, 1000));
    drop(store);
    let mut store = Store::open(&dir).unwrap();
    assert!(!store.is_on(), "off is remembered");
    assert!(store.entries().is_empty());
    assert_eq!(all_files(&dir), ["index", "lock", "off"], "nothing was kept while off");
    assert_eq!(fs::read(dir.join("index")).unwrap(), b"", "the index holds nothing");
    store.set_on(true).unwrap();
    add(&mut store, 5, &reply(5, 1000));
    assert_eq!(Store::open(&dir).unwrap().entries().len(), 1, "on again, fetches are kept again");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_reply_file_changed_or_left_behind_is_not_trusted() {
    let dir = folder("files");
    let mut store = Store::open(&dir).unwrap();
    add(&mut store, 1, &reply(1, 1000));
    add(&mut store, 2, &reply(2, 1000));
    let [first, second] = [store.entries()[0].id, store.entries()[1].id];
    drop(store);
    fs::write(dir.join(format!("{first}.reply")), b"shorter").unwrap();
    fs::write(dir.join("999.reply"), vec![0; 5000]).unwrap();
    fs::write(dir.join("999.log"), b"a log no entry names").unwrap();
    let store = Store::open(&dir).unwrap();
    assert!(!store.entries()[0].reply_kept, "a reply of the wrong size counts as not kept");
    assert_eq!(store.reply(second).unwrap(), reply(2, 1000));
    assert_eq!(reply_files(&dir), (1, 1000), "files no entry names are removed");
    assert!(!dir.join("999.log").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_keeper_writes_on_its_own_thread_and_says_what_it_holds() {
    let dir = folder("keeper");
    let keeper = Keeper::start(dir.clone(), || {}).unwrap();
    let reply = SharedBytes::whole(std::sync::Arc::new(b"hello".to_vec()));
    keeper.add(Record { reply_size: 5, ..record(1) }, Some(reply));
    let start = Instant::now();
    let id = loop {
        assert!(start.elapsed() < Duration::from_secs(10), "no news from the history thread");
        match keeper.try_news() {
            Some(News::Entries(now)) if now.on && now.entries.len() == 1 => break now.entries[0].id,
            Some(News::Failed(e)) => panic!("{e}"),
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    keeper.ask_reply(id);
    let reply = loop {
        assert!(start.elapsed() < Duration::from_secs(10), "the reply never came");
        match keeper.try_news() {
            Some(News::Reply(got, reply, log)) if got == id => {
                assert_eq!(log.unwrap(), record(1).log);
                break reply;
            }
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    assert_eq!(reply.unwrap(), b"hello");
    drop(keeper);
    fs::remove_dir_all(&dir).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any bytes as the index: the store opens, keeps at most fifty entries and only kept replies it
    /// can prove, and goes on recording.
    #[test]
    fn a_garbage_index_never_panics(garbage in proptest::collection::vec(any::<u8>(), 0..4096), valid in 0..3usize) {
        let dir = folder("garbage");
        {
            let mut store = Store::open(&dir).unwrap();
            for n in 0..valid as u64 {
                add(&mut store, n, &reply(n, 10));
            }
        }
        let mut text = fs::read(dir.join("index")).unwrap();
        text.extend_from_slice(&garbage);
        fs::write(dir.join("index"), &text).unwrap();
        let mut store = Store::open(&dir).unwrap();
        prop_assert!(store.entries().len() <= MAX_ENTRIES);
        prop_assert!(store.entries().len() >= valid, "the good lines before the garbage are read");
        add(&mut store, 100, &reply(100, 10));
        let id = store.entries().last().unwrap().id;
        prop_assert_eq!(store.reply(id).unwrap(), reply(100, 10));
        drop(store);
        fs::remove_dir_all(&dir).unwrap();
    }
}
