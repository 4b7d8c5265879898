//! The history of fetches, kept on disk across runs (no GUI here): a small index of the last
//! [`MAX_ENTRIES`] fetches, and their raw replies in files of their own up to [`REPLY_BUDGET`] bytes
//! in all, oldest dropped first; two kept replies can be compared. The window talks to it through [`Keeper`], on a thread of its own.

mod compare;
mod index;
mod keeper;

use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

pub use compare::{Comparison, HeadLine, compare};
pub use keeper::{Keeper, News};

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

/// The history in its folder.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    entries: Vec<Entry>,
    on: bool,
    budget: u64,
}

impl Store {
    /// Opens the history in `dir` (made if missing). A damaged index is read as far as it makes sense;
    /// a reply file that is missing or of the wrong size counts as not kept, and files no entry
    /// names are removed, so the budget holds whatever happened before.
    pub fn open(dir: &Path) -> io::Result<Self> {
        Self::with_budget(dir, REPLY_BUDGET)
    }

    /// [`Store::open`] with another reply budget (for tests).
    pub fn with_budget(dir: &Path, budget: u64) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let on = !dir.join(OFF).exists();
        let mut text = Vec::new();
        match fs::File::open(dir.join(INDEX)) {
            Ok(file) => {
                file.take(MAX_INDEX).read_to_end(&mut text)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut entries = index::entries_of(&text);
        // Ids must grow, and leave room to grow: a line out of order, repeated, or with an id no
        // real history reaches is dropped.
        let mut last = None;
        entries.retain(|e| {
            let grows = last.is_none_or(|l| e.id > l) && e.id < MAX_ID;
            last = if grows { Some(e.id) } else { last };
            grows
        });
        let mut store = Self { dir: dir.to_owned(), entries, on, budget };
        if !on {
            store.entries.clear();
        }
        for entry in &mut store.entries {
            entry.reply_kept = entry.reply_kept
                && fs::metadata(reply_path(dir, entry.id)).is_ok_and(|m| m.is_file() && m.len() == entry.reply_size);
        }
        store.trim()?;
        store.remove_strays()?;
        store.write_index()?;
        Ok(store)
    }

    /// Oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Remembers a fetch that ended and its reply (`None`: not kept). Nothing while history is off.
    pub fn add(&mut self, record: Record, reply: Option<&[u8]>) -> io::Result<()> {
        if !self.on {
            return Ok(());
        }
        let id = self.entries.last().map_or(1, |e| e.id + 1); // below MAX_ID + 1: it cannot overflow
        let (method, path) = method_and_path(&record.request);
        let mut request = record.request;
        request.truncate(MAX_REQUEST);
        let mut log = record.log;
        log.truncate(log.floor_char_boundary(MAX_LOG));
        fs::write(file_path(&self.dir, id, LOG_EXT), log)?;
        let reply = reply.filter(|r| r.len() as u64 <= self.budget);
        if let Some(reply) = reply {
            fs::write(self.reply_path(id), reply)?;
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
        self.trim()?;
        self.write_index()
    }

    /// Turns history on, or off: off forgets every entry and removes every reply file.
    pub fn set_on(&mut self, on: bool) -> io::Result<()> {
        self.on = on;
        if on {
            return remove_if_there(&self.dir.join(OFF));
        }
        self.entries.clear();
        fs::write(self.dir.join(OFF), b"history is off\n")?;
        self.remove_strays()?;
        self.write_index()
    }

    /// The kept reply of entry `id`.
    pub fn reply(&self, id: u64) -> io::Result<Vec<u8>> {
        let entry = self.entries.iter().find(|e| e.id == id && e.reply_kept);
        let Some(entry) = entry else {
            return Err(io::Error::new(io::ErrorKind::NotFound, "this fetch's reply is not kept"));
        };
        let mut bytes = Vec::new();
        // Never more than the entry says: the file is read as the store wrote it, or refused.
        fs::File::open(self.reply_path(id))?.take(entry.reply_size.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 == entry.reply_size {
            Ok(bytes)
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidData, "the kept reply's file has changed since"))
        }
    }

    /// The bytes all kept replies take on disk.
    pub fn kept_bytes(&self) -> u64 {
        self.entries.iter().filter(|e| e.reply_kept).map(|e| e.reply_size).sum()
    }

    fn reply_path(&self, id: u64) -> PathBuf {
        reply_path(&self.dir, id)
    }

    /// The last [`MAX_ENTRIES`] entries, and kept replies within the budget, oldest dropped first.
    fn trim(&mut self) -> io::Result<()> {
        let over = self.entries.len().saturating_sub(MAX_ENTRIES);
        for old in self.entries.drain(..over) {
            if old.reply_kept {
                remove_if_there(&reply_path(&self.dir, old.id))?;
            }
            remove_if_there(&file_path(&self.dir, old.id, LOG_EXT))?;
        }
        let mut kept = self.kept_bytes();
        for i in 0..self.entries.len() {
            if kept <= self.budget {
                break;
            }
            if self.entries[i].reply_kept {
                remove_if_there(&self.reply_path(self.entries[i].id))?;
                self.entries[i].reply_kept = false;
                kept -= self.entries[i].reply_size;
            }
        }
        Ok(())
    }

    /// The log of entry `id`, as far as it is text.
    pub fn log(&self, id: u64) -> io::Result<String> {
        let mut bytes = Vec::new();
        fs::File::open(file_path(&self.dir, id, LOG_EXT))?.take(MAX_LOG as u64).read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Removes the reply and log files no entry names (left by a run that stopped half-way).
    fn remove_strays(&self) -> io::Result<()> {
        for file in fs::read_dir(&self.dir)? {
            let path = file?.path();
            let Some(id) = path.file_stem().and_then(|stem| stem.to_str()?.parse::<u64>().ok()) else { continue };
            let named = match path.extension() {
                Some(ext) if ext == REPLY_EXT => self.entries.iter().any(|e| e.id == id && e.reply_kept),
                Some(ext) if ext == LOG_EXT => self.entries.iter().any(|e| e.id == id),
                _ => continue,
            };
            if !named {
                remove_if_there(&path)?;
            }
        }
        Ok(())
    }

    /// Writes the index whole, then puts it in place: a run stopped half-way leaves the old one.
    fn write_index(&self) -> io::Result<()> {
        let mut text = String::new();
        for entry in &self.entries {
            text.push_str(&index::line_of(entry));
            text.push('\n');
        }
        let part = self.dir.join(format!("{INDEX}.part"));
        fs::write(&part, text)?;
        fs::rename(part, self.dir.join(INDEX))
    }
}

fn reply_path(dir: &Path, id: u64) -> PathBuf {
    file_path(dir, id, REPLY_EXT)
}

fn file_path(dir: &Path, id: u64, ext: &str) -> PathBuf {
    dir.join(format!("{id}.{ext}"))
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
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
