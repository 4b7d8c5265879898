//! The history of fetches, kept on disk across runs (no GUI here): a small index of the last
//! [`MAX_ENTRIES`] fetches, and their raw replies in files of their own up to [`REPLY_BUDGET`] bytes
//! in all, oldest dropped first; two kept replies can be compared. Several windows may share the
//! folder (each change is made under its lock), and nothing planted in it can lead the store
//! elsewhere (`files`). The window talks to it through [`Keeper`], on a thread of its own.

mod compare;
mod files;
mod index;
mod keeper;

use std::fs;
use std::io::{self, Read as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use compare::{Comparison, HeadLine, compare};
pub use keeper::{Keeper, News, Snapshot};

use crate::server_text::one_line;
use files::FolderLock;

/// How many fetches are remembered.
pub const MAX_ENTRIES: usize = 50;
/// The most bytes of replies kept on disk, all together: 64 MiB.
pub const REPLY_BUDGET: u64 = 64 << 20;
/// The most request bytes an entry keeps (a request with a large body keeps its start).
pub const MAX_REQUEST: usize = 64 << 10;
/// The most of an index file read: a hostile or damaged one cannot fill the memory.
const MAX_INDEX: u64 = 16 << 20;
/// Larger ids are not read from an index: the next ones could not be counted.
const MAX_ID: u64 = 1 << 53;
const INDEX: &str = "index";
/// Present while history is off: the choice is remembered with the history it governs.
const OFF: &str = "off";
const REPLY_EXT: &str = "reply";
/// Each entry's log, in a file of its own beside the index.
const LOG_EXT: &str = "log";
/// The most of a fetch's log kept: a log is a few dozen lines; a hostile reason phrase stays short in it.
pub const MAX_LOG: usize = 64 << 10;

/// One fetch as the history remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its number, which names its reply's file; later fetches have larger ones.
    pub id: u64,
    /// When it ended, in milliseconds since 1970 (UTC).
    pub at_ms: u64,
    pub host: String,
    pub port: u16,
    pub path: String,
    pub method: String,
    /// The reply's status code, when a head arrived.
    pub status: Option<u16>,
    /// Reply bytes received.
    pub reply_size: u64,
    pub duration_us: u64,
    /// The error's short words, when the fetch failed.
    pub error: Option<String>,
    /// Whether the reply is on disk (a reply over the budget, or dropped for newer ones, is not).
    pub reply_kept: bool,
    /// The request bytes sent (at most [`MAX_REQUEST`]).
    pub request: Vec<u8>,
}

/// A fetch that has just ended, to be remembered.
#[derive(Debug, Clone)]
pub struct Record {
    pub at_ms: u64,
    pub host: String,
    pub port: u16,
    pub duration_us: u64,
    pub status: Option<u16>,
    pub reply_size: u64,
    pub error: Option<String>,
    pub request: Vec<u8>,
    /// The fetch's log, as Copy log writes it (its steps and what happened at each).
    pub log: String,
}

/// The history folder: `$XDG_DATA_HOME/socket-fetch/history`, else `~/.local/share/socket-fetch/history`
/// (the XDG base directory rules: a relative `XDG_DATA_HOME` is ignored).
pub fn default_dir() -> Option<PathBuf> {
    dir_from(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
}

fn dir_from(xdg_data_home: Option<std::ffi::OsString>, home: Option<std::ffi::OsString>) -> Option<PathBuf> {
    let data = match xdg_data_home.map(PathBuf::from).filter(|p| p.is_absolute()) {
        Some(data) => data,
        None => home.map(PathBuf::from).filter(|p| p.is_absolute())?.join(".local/share"),
    };
    Some(data.join("socket-fetch/history"))
}

/// The history in its folder. Several stores (two windows) may share a folder: each change is made
/// under the folder's lock on what the folder holds then, never on an older copy in memory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    entries: Vec<Entry>,
    on: bool,
    budget: u64,
    /// The folder can be written: when not, the store only shows what it can read.
    writable: bool,
    /// What was skipped or refused in the folder, in plain words, each once.
    notices: Vec<String>,
    /// The index and the off marker as last read: another store's change shows as a new look.
    seen: Option<Look>,
}

/// What the folder's index and off marker are now, as `stat` tells (no reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    /// The index's inode, change time and size: every write puts a new file in place.
    index: Option<(u64, i64, i64, u64)>,
    off: bool,
}

impl Store {
    /// Opens the history in `dir` (made if missing, and made private to its owner if an earlier version
    /// left it open). A damaged index is read as far as it makes sense; a reply file that is missing,
    /// of the wrong size or not a regular file counts as not kept, and files no entry names are
    /// removed, so the budget holds whatever happened before. A folder that cannot be written is
    /// read as far as it can be, and nothing is recorded in it.
    pub fn open(dir: &Path) -> io::Result<Self> {
        Self::with_budget(dir, REPLY_BUDGET)
    }

    /// [`Store::open`] with another reply budget (for tests).
    pub fn with_budget(dir: &Path, budget: u64) -> io::Result<Self> {
        files::make_dir(dir)?;
        let mut store = Self {
            dir: dir.to_owned(),
            entries: Vec::new(),
            on: true,
            budget,
            writable: true,
            notices: Vec::new(),
            seen: None,
        };
        let lock = match FolderLock::take(dir) {
            Ok(lock) => lock,
            Err(e) => {
                store.writable = false;
                store.notice(format!(
                    "This history folder cannot be written (its lock file: {e}): what it holds is \
                     shown, and fetches are not recorded."
                ));
                store.reload();
                return Ok(store);
            }
        };
        store.tighten_all();
        store.reload();
        store.trim();
        store.remove_strays()?;
        store.write_index()?;
        drop(lock);
        Ok(store)
    }

    /// Oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Whether fetches can be recorded in the folder (it can be written).
    pub fn can_record(&self) -> bool {
        self.writable
    }

    /// What was skipped or refused in the folder, in plain words.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Remembers a fetch that ended and its reply (`None`: not kept). Nothing while history is off,
    /// here or in another window, and nothing in a folder that cannot be written.
    pub fn add(&mut self, record: Record, reply: Option<&[u8]>) -> io::Result<()> {
        if !self.writable {
            return Ok(());
        }
        let _lock = FolderLock::take(&self.dir)?;
        // Under the lock: another window may have recorded, or turned history off, since.
        self.reload();
        if !self.on {
            return Ok(());
        }
        let id = self.next_id()?;
        let (method, path) = method_and_path(&record.request);
        let mut request = record.request;
        request.truncate(MAX_REQUEST);
        let mut log = record.log;
        log.truncate(log.floor_char_boundary(MAX_LOG));
        files::write_whole(&self.dir, &file_name(id, LOG_EXT), log.as_bytes())?;
        let reply = reply.filter(|r| r.len() as u64 <= self.budget);
        if let Some(reply) = reply {
            files::write_whole(&self.dir, &file_name(id, REPLY_EXT), reply)?;
        }
        self.entries.push(Entry {
            id,
            at_ms: record.at_ms,
            host: record.host,
            port: record.port,
            path,
            method,
            status: record.status,
            reply_size: record.reply_size,
            duration_us: record.duration_us,
            error: record.error,
            reply_kept: reply.is_some(),
            request,
        });
        self.trim();
        self.write_index()
    }

    /// Turns history on, or off: off forgets every entry and removes every reply and log file, and
    /// is remembered in the folder, so another window sharing it records nothing either.
    pub fn set_on(&mut self, on: bool) -> io::Result<()> {
        if !self.writable {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, "the history folder cannot be written"));
        }
        let _lock = FolderLock::take(&self.dir)?;
        if on {
            files::remove_if_there(&self.dir.join(OFF))?;
            self.reload();
            return Ok(());
        }
        // The marker first: a window that takes the lock next finds history off before anything else.
        files::write_whole(&self.dir, OFF, b"history is off\n")?;
        self.reload();
        self.remove_strays()?;
        self.write_index()
    }

    /// Reads the folder again if another store changed it since it was last read; answers whether it did.
    pub fn refresh(&mut self) -> io::Result<bool> {
        if self.seen == Some(self.look()) {
            return Ok(false);
        }
        let _lock = if self.writable { Some(FolderLock::take(&self.dir)?) } else { None };
        self.reload();
        Ok(true)
    }

    /// The kept reply of entry `id`.
    pub fn reply(&self, id: u64) -> io::Result<Vec<u8>> {
        let entry = self.entries.iter().find(|e| e.id == id && e.reply_kept);
        let not_kept = || io::Error::new(io::ErrorKind::NotFound, "this fetch's reply is not kept");
        let Some(entry) = entry else { return Err(not_kept()) };
        let file = files::open_regular(&self.dir.join(file_name(id, REPLY_EXT)))?.ok_or_else(not_kept)?;
        let mut bytes = Vec::new();
        // Never more than the entry says, which is within the budget: the file is read as the store
        // wrote it, or refused.
        file.take(entry.reply_size.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 == entry.reply_size {
            Ok(bytes)
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidData, "the kept reply's file has changed since"))
        }
    }

    /// The bytes all kept replies take on disk. Checked: sizes read from a damaged index could add up
    /// past 2^64, and such a sum is over any budget.
    pub fn kept_bytes(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| e.reply_kept)
            .try_fold(0_u64, |sum, e| sum.checked_add(e.reply_size))
            .unwrap_or(u64::MAX)
    }

    /// The log of entry `id`, as far as it is text.
    pub fn log(&self, id: u64) -> io::Result<String> {
        let path = self.dir.join(file_name(id, LOG_EXT));
        let file = files::open_regular(&path)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "this fetch's log is not kept"))?;
        let mut bytes = Vec::new();
        file.take(MAX_LOG as u64).read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn notice(&mut self, text: String) {
        if !self.notices.contains(&text) {
            self.notices.push(text);
        }
    }

    fn look(&self) -> Look {
        let index =
            fs::symlink_metadata(self.dir.join(INDEX)).ok().map(|m| (m.ino(), m.ctime(), m.ctime_nsec(), m.len()));
        Look { index, off: fs::symlink_metadata(self.dir.join(OFF)).is_ok() }
    }

    /// Reads the index and the off marker as they are now (under the lock when the folder can be written).
    fn reload(&mut self) {
        self.seen = Some(self.look());
        self.on = !self.seen.is_some_and(|look| look.off);
        let mut text = Vec::new();
        let read = files::open_regular(&self.dir.join(INDEX))
            .and_then(|file| file.map_or(Ok(0), |file| file.take(MAX_INDEX).read_to_end(&mut text)));
        if let Err(e) = read {
            self.notice(format!("The history's index was skipped: {e}."));
            text.clear();
        }
        let mut entries = if self.on { index::entries_of(&text) } else { Vec::new() };
        // Ids must grow, and leave room to grow: a line out of order, repeated, or with an id no
        // real history reaches is dropped.
        let mut last = None;
        entries.retain(|e| {
            let grows = last.is_none_or(|l| e.id > l) && e.id < MAX_ID;
            last = if grows { Some(e.id) } else { last };
            grows
        });
        for entry in &mut entries {
            if !entry.reply_kept {
                continue;
            }
            // Only a regular file that can be read, of the size the entry says and within the
            // budget, is its reply: a sparse file can claim any size, and a FIFO or device is never
            // opened for reading.
            let file = files::open_regular(&self.dir.join(file_name(entry.id, REPLY_EXT)));
            entry.reply_kept = match file.and_then(|file| file.map(|file| file.metadata()).transpose()) {
                Err(e) => {
                    self.notice(format!("Skipped a kept reply ({}): {e}.", fetch_words(entry)));
                    false
                }
                Ok(Some(_)) if entry.reply_size > self.budget => {
                    let (size, fetch) = (entry.reply_size, fetch_words(entry));
                    self.notice(format!("Skipped a kept reply of {size} bytes, past the budget ({fetch})."));
                    false
                }
                Ok(Some(meta)) => meta.len() == entry.reply_size,
                Ok(None) => false,
            };
        }
        self.entries = entries;
    }

    /// The next entry's id: past the last one, and not below the time in milliseconds, so that an id
    /// is not given again after history off emptied the index (a window may still show the old one).
    fn next_id(&mut self) -> io::Result<u64> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        // A clock far in the future must not use up the ids.
        let floor = u64::try_from(now).unwrap_or(u64::MAX).min(MAX_ID / 2);
        let next = |entries: &[Entry]| entries.last().map_or(1, |e| e.id + 1).max(floor);
        if next(&self.entries) >= MAX_ID {
            self.renumber()?;
        }
        Ok(next(&self.entries))
    }

    /// Numbers the entries from 1 again, their files with them: the last id left no room to grow.
    fn renumber(&mut self) -> io::Result<()> {
        for (entry, id) in self.entries.iter_mut().zip(1..) {
            if entry.id == id {
                continue;
            }
            // Ids grow, so `id` is below every later entry's: no entry's file is in the way.
            for ext in [REPLY_EXT, LOG_EXT] {
                match fs::rename(self.dir.join(file_name(entry.id, ext)), self.dir.join(file_name(id, ext))) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
            entry.id = id;
        }
        self.write_index()
    }

    /// Files of an earlier version, readable by everyone, made private to their owner.
    fn tighten_all(&mut self) {
        let tightened = files::tighten_dir(&self.dir).and_then(|()| {
            for file in fs::read_dir(&self.dir)? {
                files::tighten(&file?.path())?;
            }
            Ok(())
        });
        if let Err(e) = tightened {
            self.notice(format!("The history's files could not all be made private to you: {e}."));
        }
    }

    /// The last [`MAX_ENTRIES`] entries, and kept replies within the budget, oldest dropped first.
    fn trim(&mut self) {
        let over = self.entries.len().saturating_sub(MAX_ENTRIES);
        let dropped: Vec<Entry> = self.entries.drain(..over).collect();
        for old in dropped {
            if old.reply_kept {
                self.discard(&file_name(old.id, REPLY_EXT));
            }
            self.discard(&file_name(old.id, LOG_EXT));
        }
        for i in 0..self.entries.len() {
            if self.kept_bytes() <= self.budget {
                break;
            }
            if self.entries[i].reply_kept {
                self.discard(&file_name(self.entries[i].id, REPLY_EXT));
                self.entries[i].reply_kept = false;
            }
        }
    }

    /// Removes the reply and log files no entry names, and temporary files (left by a run that
    /// stopped half-way: under the lock, no other store is writing one; `index.part` is an earlier
    /// version's).
    fn remove_strays(&mut self) -> io::Result<()> {
        for file in fs::read_dir(&self.dir)? {
            let name = file?.file_name().to_string_lossy().into_owned();
            let path = Path::new(&name);
            let stray = if name.starts_with(files::TEMP_PREFIX) || name == "index.part" {
                true
            } else if let Some(id) = path.file_stem().and_then(|stem| stem.to_str()?.parse::<u64>().ok()) {
                match path.extension() {
                    Some(ext) if ext == REPLY_EXT => !self.entries.iter().any(|e| e.id == id && e.reply_kept),
                    Some(ext) if ext == LOG_EXT => !self.entries.iter().any(|e| e.id == id),
                    _ => false,
                }
            } else {
                false
            };
            if stray {
                self.discard(&name);
            }
        }
        Ok(())
    }

    /// Removes the folder's file `name` (a link itself, never what it points to). What cannot be
    /// removed (a folder planted under that name) is said, and the history goes on without it.
    fn discard(&mut self, name: &str) {
        if let Err(e) = files::remove_if_there(&self.dir.join(name)) {
            self.notice(format!("Could not remove {} from the history's folder: {e}.", one_line(name)));
        }
    }

    /// Writes the index whole, then puts it in place: a run stopped half-way leaves the old one.
    fn write_index(&mut self) -> io::Result<()> {
        let mut text = String::new();
        for entry in &self.entries {
            text.push_str(&index::line_of(entry));
            text.push('\n');
        }
        files::write_whole(&self.dir, INDEX, text.as_bytes())?;
        self.seen = Some(self.look());
        Ok(())
    }
}

/// "the fetch of host:port/path", as a notice names it.
fn fetch_words(entry: &Entry) -> String {
    format!("the fetch of {}:{}{}", entry.host, entry.port, entry.path)
}

fn file_name(id: u64, ext: &str) -> String {
    format!("{id}.{ext}")
}

/// The method and path of a request's first line (`GET /a HTTP/1.0`), as text; a raw request that
/// is not HTTP has neither.
fn method_and_path(request: &[u8]) -> (String, String) {
    let line = request.split(|b| *b == b'\r' || *b == b'\n').next().unwrap_or_default();
    let mut words = line.split(|b| *b == b' ');
    let mut word = || String::from_utf8_lossy(words.next().unwrap_or_default()).into_owned();
    let method = word();
    let path = word();
    if path.is_empty() { (String::new(), String::new()) } else { (method, path) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_follows_xdg_data_home_then_home() {
        let dir = |xdg: Option<&str>, home: Option<&str>| dir_from(xdg.map(Into::into), home.map(Into::into));
        assert_eq!(dir(Some("/x/data"), Some("/home/a")), Some(PathBuf::from("/x/data/socket-fetch/history")));
        assert_eq!(dir(None, Some("/home/a")), Some(PathBuf::from("/home/a/.local/share/socket-fetch/history")));
        assert_eq!(dir(Some("relative"), Some("/home/a")), dir(None, Some("/home/a")));
        assert_eq!(dir(None, None), None);
        assert_eq!(dir(None, Some("relative")), None);
    }

    #[test]
    fn method_and_path_come_from_the_request_line() {
        assert_eq!(method_and_path(b"GET /a%20b HTTP/1.0\r\nHost: x\r\n\r\n"), ("GET".into(), "/a%20b".into()));
        assert_eq!(method_and_path(b"HELO there\n"), ("HELO".into(), "there".into()));
        assert_eq!(method_and_path(b"PING"), (String::new(), String::new()));
        assert_eq!(method_and_path(b""), (String::new(), String::new()));
    }
}
