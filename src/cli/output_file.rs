//! `-o FILE`: the reply written to a file, byte for byte, read after read, on the worker's thread.
//! The file is opened before anything is sent, so a path that cannot be written is told before the
//! fetch; a file already there is emptied only when the first reply byte comes, so a fetch that
//! gets nothing (a refused connection) leaves it as it was. A write that fails later (a full disk)
//! stops the fetch, is told with its reason, and leaves what was written in the file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::flag_error::FlagError;
use crate::fetch::ReplyWriter;

/// What to try when the file cannot be written.
pub const HINT: &str = "Check that the folder exists and can be written to, and that the disk has room; or leave out -o to get the reply on stdout.";

/// The output file, and the first write error, shared with the writer the worker holds.
pub struct OutputFile {
    path: PathBuf,
    file: File,
    failed: Arc<Mutex<Option<io::Error>>>,
}

impl OutputFile {
    /// Opens the file for writing, making it if needed, without emptying it yet; `Err` is the
    /// message that says why it cannot be.
    pub fn create(path: &Path) -> Result<Self, FlagError> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|error| FlagError::OutputUnwritable { path: path.to_owned(), error })?;
        Ok(Self { path: path.to_owned(), file, failed: Arc::default() })
    }

    /// A writer into the file for the worker; its first error is kept for [`OutputFile::problem`].
    pub fn writer(&self) -> io::Result<ReplyWriter> {
        // A regular file is emptied at the first byte; a device (/dev/null, a terminal) is written as is.
        let empty_first = self.file.metadata()?.is_file();
        Ok(Box::new(Recording { file: self.file.try_clone()?, empty_first, failed: Arc::clone(&self.failed) }))
    }

    /// Why writing stopped, when it did: the reply was cut there, and the file keeps what came before.
    pub fn problem(&self) -> Option<String> {
        let failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        failed.as_ref().map(|e| {
            format!(
                "Writing the reply to {} failed ({e}), so the fetch stopped; the file keeps what was written before.",
                self.path.display()
            )
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

struct Recording {
    file: File,
    /// The file still holds what was there before this fetch: empty it before the first write.
    empty_first: bool,
    failed: Arc<Mutex<Option<io::Error>>>,
}

impl Recording {
    fn record<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
            failed.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

impl Write for Recording {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.empty_first {
            let emptied = self.file.set_len(0);
            self.record(emptied)?;
            self.empty_first = false;
        }
        let written = self.file.write(bytes);
        self.record(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.file.flush();
        self.record(flushed)
    }
}
