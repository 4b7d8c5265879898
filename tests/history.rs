//! The history's store on disk: what it keeps across a reopen, its disk budget, history off, damaged
//! or hostile files (links, FIFOs, sparse files, huge ids, a read-only folder), the files'
//! permissions, and two stores (two windows) sharing one folder. Each test has a folder of its own
//! under the system's temp folder.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly

use std::fs;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
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

/// A folder of its own holding `N` fetches (1 to `N`, replies of `len` bytes); their ids.
fn with_fetches<const N: usize>(name: &str, len: usize) -> (PathBuf, [u64; N]) {
    let dir = folder(name);
    let mut store = Store::open(&dir).unwrap();
    for n in 1..=N as u64 {
        add(&mut store, n, &reply(n, len));
    }
    let ids = std::array::from_fn(|i| store.entries()[i].id);
    (dir, ids)
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
    let (dir, [first, second]) = with_fetches("files", 1000);
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

/// The mode bits of `path` itself (a link is not followed).
fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// Rewrites every line of the index: `edit` gets its space-separated words (the second is the id,
/// the ninth the reply's size).
fn edit_index(dir: &Path, edit: impl Fn(&mut Vec<String>)) {
    let text = fs::read_to_string(dir.join("index")).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
        edit(&mut words);
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    fs::write(dir.join("index"), out).unwrap();
}

/// Runs `open` on a thread of its own and waits at most 10 s: a store that blocks fails the test.
fn within_ten_seconds<T: Send + 'static>(what: &str, open: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    std::thread::Builder::new().name("opening".to_owned()).spawn(move || done.send(open())).unwrap();
    result.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{what} blocked"))
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success());
}

#[test]
fn files_new_and_left_by_an_earlier_version_are_private_to_their_owner() {
    let dir = folder("modes");
    let mut store = Store::open(&dir).unwrap();
    add(&mut store, 1, &reply(1, 100));
    drop(store);
    // As an earlier version left them: readable by everyone.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    for name in all_files(&dir) {
        fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut store = Store::open(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700, "the folder is tightened on open");
    add(&mut store, 2, &reply(2, 100));
    store.set_on(false).unwrap();
    store.set_on(true).unwrap();
    add(&mut store, 3, &reply(3, 100));
    let names = all_files(&dir);
    assert!(names.len() >= 4, "index, lock, a reply and a log: {names:?}");
    for name in names {
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
    }
    let new = folder("modes-new").join("deeper");
    drop(Store::open(&new).unwrap());
    assert_eq!(mode(&new), 0o700, "a new folder too");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(new.parent().unwrap()).unwrap();
}

#[test]
fn a_link_planted_in_the_folder_is_never_followed() {
    let dir = folder("links");
    let outside = folder("links-outside");
    fs::create_dir_all(&outside).unwrap();
    let victim = outside.join("victim");
    fs::write(&victim, b"not the history's").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    let mut store = Store::open(&dir).unwrap();
    add(&mut store, 1, &reply(1, 100));
    let id = store.entries()[0].id;
    drop(store);
    // Every name the store reads or writes, and the temporary names it would pick next.
    for name in ["index.part", "index", "off.part", &format!("{id}.reply")] {
        let _ = fs::remove_file(dir.join(name));
        symlink(&victim, dir.join(name)).unwrap();
    }
    let mut store = Store::open(&dir).unwrap();
    assert!(store.entries().is_empty(), "the index that is a link is not read");
    assert!(store.notices().iter().any(|n| n.contains("index") && n.contains("link")), "{:?}", store.notices());
    for n in 0..2000 {
        let _ = symlink(&victim, dir.join(format!(".tmp.index.{}.{n}", std::process::id())));
    }
    for n in 2..5 {
        add(&mut store, n, &reply(n, 100));
    }
    store.set_on(false).unwrap();
    store.set_on(true).unwrap();
    add(&mut store, 5, &reply(5, 100));
    drop(store);
    drop(Store::open(&dir).unwrap());
    assert_eq!(fs::read(&victim).unwrap(), b"not the history's", "the link's target is untouched");
    assert_eq!(mode(&victim), 0o644, "and its mode too");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 1, "nothing new outside the folder");
    assert!(fs::symlink_metadata(dir.join("index")).unwrap().is_file(), "the index is a file again");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&outside).unwrap();
}

#[test]
fn sparse_reply_files_of_huge_sizes_are_not_kept_nor_read() {
    let (dir, ids) = with_fetches::<3>("sparse", 100);
    // Sizes that add past 2^64 in the index, and files as large as the file system allows (1 TiB,
    // sparse: no disk used), each matching the size its entry claims for the first.
    let huge = [1_u64 << 40, u64::MAX / 2, u64::MAX / 2];
    edit_index(&dir, |words| {
        let at = ids.iter().position(|id| words[1] == id.to_string()).unwrap();
        words[8] = huge[at].to_string();
    });
    fs::File::options().write(true).open(dir.join(format!("{}.reply", ids[0]))).unwrap().set_len(huge[0]).unwrap();
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.entries().len(), 3, "the entries remain");
    assert!(store.entries().iter().all(|e| !e.reply_kept), "no reply past the budget is kept");
    assert!(store.kept_bytes() <= socket_fetch::history::REPLY_BUDGET);
    assert!(store.notices().iter().any(|n| n.contains("past the budget")), "{:?}", store.notices());
    let start = Instant::now();
    assert!(store.reply(ids[0]).is_err(), "the 1 TiB file is not read");
    assert!(start.elapsed() < Duration::from_secs(1));
    assert!(!dir.join(format!("{}.reply", ids[0])).exists(), "and is removed as no kept reply's file");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fifo_in_the_folder_is_skipped_with_a_notice_and_never_blocks() {
    let (dir, [first, second]) = with_fetches("fifo", 100);
    // A FIFO as the first entry's reply and log: read through the index, which is still a file.
    for ext in ["reply", "log"] {
        fs::remove_file(dir.join(format!("{first}.{ext}"))).unwrap();
        mkfifo(&dir.join(format!("{first}.{ext}")));
    }
    let opened = within_ten_seconds("opening a folder with FIFOs", {
        let dir = dir.clone();
        move || Store::open(&dir).map(|store| (store.log(first).is_err(), store))
    });
    let (log_refused, store) = opened.unwrap();
    assert!(log_refused, "a FIFO as a log is not read");
    assert!(!store.entries()[0].reply_kept);
    assert!(store.notices().iter().any(|n| n.contains("FIFO")), "{:?}", store.notices());
    assert_eq!(store.reply(second).unwrap(), reply(2, 100), "the other entry is whole");
    drop(store);
    // A FIFO as the index.
    fs::remove_file(dir.join("index")).unwrap();
    mkfifo(&dir.join("index"));
    let mut store = within_ten_seconds("opening a FIFO as the index", {
        let dir = dir.clone();
        move || Store::open(&dir)
    })
    .unwrap();
    assert!(store.notices().iter().any(|n| n.contains("index was skipped")), "{:?}", store.notices());
    add(&mut store, 3, &reply(3, 100));
    drop(store);
    assert_eq!(Store::open(&dir).unwrap().entries().len(), 1, "it records again");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_folder_planted_where_a_file_goes_is_said_and_the_history_goes_on() {
    let (dir, [first, second]) = with_fetches("planted-folder", 100);
    // The first entry dropped from the index, and a folder planted as its log: a stray to remove.
    edit_index(&dir, |words| {
        if words[1] == first.to_string() {
            words[1] = "x".to_owned();
        }
    });
    fs::remove_file(dir.join(format!("{first}.log"))).unwrap();
    fs::create_dir(dir.join(format!("{first}.log"))).unwrap();
    let mut store = Store::open(&dir).unwrap();
    assert!(store.notices().iter().any(|n| n.contains(&format!("{first}.log"))), "{:?}", store.notices());
    assert_eq!(store.entries().len(), 1);
    assert_eq!(store.reply(second).unwrap(), reply(2, 100));
    add(&mut store, 3, &reply(3, 100));
    assert_eq!(Store::open(&dir).unwrap().entries().len(), 2, "it records on");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_id_of_two_to_the_53_minus_one_leaves_room_for_the_next_fetches() {
    let (dir, [id]) = with_fetches("huge-id", 100);
    let huge = (1_u64 << 53) - 1;
    edit_index(&dir, |words| words[1] = huge.to_string());
    for ext in ["reply", "log"] {
        fs::rename(dir.join(format!("{id}.{ext}")), dir.join(format!("{huge}.{ext}"))).unwrap();
    }
    for run in 2..=4 {
        let mut store = Store::open(&dir).unwrap();
        assert_eq!(store.entries().len(), usize::try_from(run - 1).unwrap(), "run {run} finds every earlier fetch");
        add(&mut store, run, &reply(run, 100));
    }
    let store = Store::open(&dir).unwrap();
    let hosts: Vec<_> = store.entries().iter().map(|e| e.host.clone()).collect();
    assert_eq!(hosts, ["host1.invalid", "host2.invalid", "host3.invalid", "host4.invalid"]);
    for (n, entry) in (1..).zip(store.entries()) {
        assert_eq!(store.reply(entry.id).unwrap(), reply(n, 100), "fetch {n}'s reply moved with it");
        assert_eq!(store.log(entry.id).unwrap(), record(n).log, "and its log");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Set for the copy of this test binary that runs as an unprivileged user: the folder to check.
const READ_ONLY_DIR: &str = "SOCKET_FETCH_TEST_READ_ONLY_DIR";

#[test]
fn a_read_only_folder_shows_what_it_can_read_and_says_it_cannot_record() {
    if let Some(dir) = std::env::var_os(READ_ONLY_DIR) {
        return read_only_check(Path::new(&dir));
    }
    let (dir, [first, _]) = with_fetches("read-only", 100);
    for name in all_files(&dir) {
        fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o644)).unwrap();
    }
    // And the first fetch's reply unreadable (to all but root).
    fs::set_permissions(dir.join(format!("{first}.reply")), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anyway: then the check runs in a copy of this test as the user nobody.
    if fs::write(dir.join("probe"), b"").is_ok() {
        fs::remove_file(dir.join("probe")).unwrap();
        // Run from the temp folder: the build folder may be under a home that nobody may enter.
        let me = std::env::temp_dir().join(format!("socket-fetch-history-test-{}", std::process::id()));
        let _ = fs::remove_file(&me);
        if fs::hard_link(std::env::current_exe().unwrap(), &me).is_err() {
            fs::copy(std::env::current_exe().unwrap(), &me).unwrap(); // another file system
        }
        let run = Command::new(&me)
            .args(["--exact", "a_read_only_folder_shows_what_it_can_read_and_says_it_cannot_record", "--nocapture"])
            .env(READ_ONLY_DIR, &dir)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap();
        fs::remove_file(&me).unwrap();
        let said = String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success() && said.contains("1 passed"), "as nobody: {said}");
    } else {
        read_only_check(&dir);
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    fs::remove_dir_all(&dir).unwrap();
}

fn read_only_check(dir: &Path) {
    let before = all_files(dir);
    let mut store = Store::open(dir).unwrap();
    assert_eq!(store.entries().len(), 2, "both entries are shown");
    assert!(!store.can_record());
    assert!(store.notices().iter().any(|n| n.contains("cannot be written")), "{:?}", store.notices());
    let id = store.entries()[1].id;
    assert_eq!(store.reply(id).unwrap(), reply(2, 100), "a kept reply can be read");
    assert!(!store.entries()[0].reply_kept, "an unreadable one is not kept");
    let said = store.notices().iter().any(|n| n.contains("host1.invalid") && n.contains("ermission denied"));
    assert!(said, "and said: {:?}", store.notices());
    add(&mut store, 3, &reply(3, 100));
    assert!(store.set_on(false).is_err(), "off cannot be written");
    assert_eq!(store.entries().len(), 2);
    assert_eq!(all_files(dir), before, "nothing written");
}

#[test]
fn two_stores_sharing_a_folder_keep_every_fetch_under_its_own_id() {
    let dir = folder("two");
    drop(Store::open(&dir).unwrap());
    let windows: Vec<_> = (0..2_u64)
        .map(|window| {
            let dir = dir.clone();
            std::thread::Builder::new()
                .name(format!("window {window}"))
                .spawn(move || {
                    let mut store = Store::open(&dir).unwrap();
                    for n in 0..20 {
                        let n = window * 100 + n;
                        add(&mut store, n, &reply(n, 1000));
                    }
                })
                .unwrap()
        })
        .collect();
    for window in windows {
        window.join().unwrap();
    }
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.entries().len(), 40, "every fetch of both");
    for entry in store.entries() {
        let n: u64 = entry.host.trim_start_matches("host").trim_end_matches(".invalid").parse().unwrap();
        assert_eq!(store.reply(entry.id).unwrap(), reply(n, 1000), "fetch {n} has its own reply");
        assert_eq!(store.log(entry.id).unwrap(), record(n).log, "and its own log");
        assert_eq!(entry.request, record(n).request);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn history_off_in_one_store_holds_for_the_others_next_fetch() {
    let dir = folder("off-shared");
    let mut first = Store::open(&dir).unwrap();
    let mut second = Store::open(&dir).unwrap();
    add(&mut first, 1, &reply(1, 100));
    second.set_on(false).unwrap();
    add(&mut first, 2, &reply(2, 100));
    assert!(first.entries().is_empty() && !first.is_on(), "the other store found history off");
    assert_eq!(all_files(&dir), ["index", "lock", "off"], "nothing left");
    assert_eq!(fs::read(dir.join("index")).unwrap(), b"");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_keeper_sees_another_windows_history_off_within_a_second() {
    let dir = folder("keeper-off");
    let mut other = Store::open(&dir).unwrap();
    add(&mut other, 1, &reply(1, 100));
    let keeper = Keeper::start(dir.clone(), || {}).unwrap();
    let wait_for = |what: &str, want: &dyn Fn(&socket_fetch::history::Snapshot) -> bool| {
        let start = Instant::now();
        loop {
            match keeper.try_news() {
                Some(News::Entries(now)) if want(&now) => return start.elapsed(),
                Some(News::Failed(e)) => panic!("{e}"),
                _ if start.elapsed() > Duration::from_secs(5) => panic!("{what}: no news"),
                _ => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    };
    wait_for("the first fetch", &|now| now.entries.len() == 1);
    other.set_on(false).unwrap();
    let took = wait_for("history off", &|now| now.entries.is_empty() && !now.on);
    assert!(took < Duration::from_secs(1), "the tab empties within a second: {took:?}");
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
