//! Where the reply goes: stdout, or `-o FILE` byte for byte, read after read (on the worker's
//! thread, or on the terminal's in front of a person). `-o` checks the path before anything is sent,
//! with a probe that leaves nothing behind; the file itself is made, or emptied, only when the
//! first reply byte comes, so a fetch that gets nothing leaves no file, or the old one as it was.
//! The first write that fails (a full disk, a reader gone) stops the fetch and is told as curl's
//! write error.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::flag_error::FlagError;
use crate::fetch::ReplyWriter;
use crate::server_text::one_line;

/// What to try when the file cannot be written.
pub const HINT: &str = "Check that the folder exists and can be written to, and that the disk has room; or leave out -o to get the reply on stdout.";

/// The reply's destination, and what happened to it, shared with the writers that fill it.
pub struct Output {
    /// `None`: stdout.
    file: Option<PathBuf>,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// A reply byte came, so the file was made (or emptied).
    opened: bool,
    failed: Option<io::Error>,
}

impl Output {
    /// Stdout, as `-o -` says too.
    pub fn stdout() -> Self {
        Self { file: None, state: Arc::default() }
    }

    /// `-o FILE`, once a probe says it can be written; `Err` says why it cannot. Nothing is made
    /// or changed.
    pub fn file(path: &Path) -> Result<Self, FlagError> {
        if path == Path::new("-") {
            return Ok(Self::stdout());
        }
        probe(path).map_err(|error| FlagError::OutputUnwritable { path: path.to_owned(), error })?;
        Ok(Self { file: Some(path.to_owned()), state: Arc::default() })
    }

    pub fn is_stdout(&self) -> bool {
        self.file.is_none()
    }

    /// A writer that fills this output, `stdout` for stdout; its first error is kept for
    /// [`Output::write_error`].
    pub fn writer(&self, stdout: impl FnOnce() -> ReplyWriter) -> ReplyWriter {
        let sink = match &self.file {
            Some(path) => Sink::File { path: path.clone(), file: None },
            None => Sink::Stdout(stdout()),
        };
        Box::new(Recording { sink, state: Arc::clone(&self.state) })
    }

    /// The line that tells a failed write, as curl's write error: the reply was cut there.
    pub fn write_error(&self) -> Option<String> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let error = state.failed.as_ref()?;
        Some(match (&self.file, error.kind()) {
            (None, io::ErrorKind::BrokenPipe) => {
                "The program reading stdout stopped reading (a closed pipe), so the fetch stopped.".to_owned()
            }
            (None, _) => format!("Write error: stdout could not take the reply ({error}), so the fetch stopped."),
            (Some(path), _) => format!(
                "Write error: the reply could not be written to {} ({error}), so the fetch stopped; the file keeps what was written before. {HINT}",
                shown(path)
            ),
        })
    }

    /// Said once the reply went to `-o`'s file: only when a byte of it came.
    pub fn saved_line(&self) -> Option<String> {
        let path = self.file.as_ref()?;
        let opened = self.state.lock().unwrap_or_else(PoisonError::into_inner).opened;
        opened.then(|| format!("The reply is in {}.", shown(path)))
    }
}

fn shown(path: &Path) -> String {
    one_line(&path.to_string_lossy())
}

/// Whether `path` can be written, changing nothing: a file there is opened for writing without
/// being emptied; else a file of another name is made in the same folder, and removed.
fn probe(path: &Path) -> io::Result<()> {
    match OpenOptions::new().write(true).open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        other => return other.map(drop),
    }
    let name = path.file_name().ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    let mut probe_name = std::ffi::OsString::from(".");
    probe_name.push(name);
    probe_name.push(format!(".socket-fetch-probe-{}", std::process::id()));
    let probe = path.with_file_name(probe_name);
    OpenOptions::new().write(true).create_new(true).open(&probe)?;
    std::fs::remove_file(&probe)
}

enum Sink {
    Stdout(ReplyWriter),
    /// Made, or emptied, at the first write.
    File {
        path: PathBuf,
        file: Option<File>,
    },
}

struct Recording {
    sink: Sink,
    state: Arc<Mutex<State>>,
}

impl Recording {
    fn record<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.failed.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        }
        result
    }

    fn target(&mut self) -> io::Result<&mut dyn Write> {
        match &mut self.sink {
            Sink::Stdout(out) => Ok(out),
            Sink::File { file: Some(file), .. } => Ok(file),
            Sink::File { path, file } => {
                let opened = File::create(&*path)?;
                self.state.lock().unwrap_or_else(PoisonError::into_inner).opened = true;
                Ok(file.insert(opened))
            }
        }
    }
}

impl Write for Recording {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.target().and_then(|out| out.write(bytes));
        self.record(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File { file, .. } => file.as_mut().map_or(Ok(()), Write::flush),
        };
        self.record(flushed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("socket-fetch-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        names
    }

    #[test]
    fn the_probe_leaves_nothing_behind_and_the_file_comes_with_the_first_byte() {
        let dir = tempdir("probe");
        let path = dir.join("reply.bin");
        let output = Output::file(&path).unwrap();
        assert!(names(&dir).is_empty(), "the probe left {:?}", names(&dir));
        let mut writer = output.writer(|| unreachable!("a file, not stdout"));
        writer.flush().unwrap();
        assert!(!path.exists() && output.saved_line().is_none(), "no byte, no file, no claim");
        writer.write_all(b"abc").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
        assert_eq!(output.saved_line(), Some(format!("The reply is in {}.", path.display())));
        assert!(output.write_error().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dash_is_stdout_and_a_missing_folder_is_told() {
        assert!(Output::file(Path::new("-")).unwrap().is_stdout());
        let missing = tempdir("missing").join("no-such-folder").join("reply.bin");
        assert!(matches!(Output::file(&missing), Err(FlagError::OutputUnwritable { .. })));
    }
}
