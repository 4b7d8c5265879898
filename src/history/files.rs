//! The history folder's files, handled so that nothing in the folder can lead the store elsewhere:
//! no symbolic link is ever followed, every file is written whole under a fresh name and then put in
//! place, a FIFO or device is never opened for reading (it could block or never end), and what the
//! store makes is readable by its owner only (the files hold the request headers typed).

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The folder's mode: its owner only may list, read and write it.
pub const DIR_MODE: u32 = 0o700;
/// Each file's mode: its owner only may read and write it.
pub const FILE_MODE: u32 = 0o600;
/// The start of every temporary file's name: one left by a writer that was killed is known as such.
pub const TEMP_PREFIX: &str = ".tmp.";
/// The folder's lock file.
pub const LOCK: &str = "lock";

/// Makes `dir` (and its missing parents) with [`DIR_MODE`]. A `dir` that is a symbolic link is refused.
pub fn make_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)?;
    if fs::symlink_metadata(dir)?.is_dir() {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, "it is not a folder (a link or a file)"))
    }
}

/// Gives `dir` [`DIR_MODE`] when an earlier version made it open to others.
pub fn tighten_dir(dir: &Path) -> io::Result<()> {
    if fs::symlink_metadata(dir)?.permissions().mode() & 0o777 != DIR_MODE {
        fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))?;
    }
    Ok(())
}

/// Opens `path` for reading only if it is a regular file: a symbolic link is not followed, and a FIFO
/// or device is opened without waiting (`O_NONBLOCK`) and refused. `Ok(None)`: there is no such file.
pub fn open_regular(path: &Path) -> io::Result<Option<File>> {
    let file = match OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(not_regular("a symbolic link")),
        Err(e) => return Err(e),
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        Ok(Some(file))
    } else if kind.is_dir() {
        Err(not_regular("a folder"))
    } else {
        Err(not_regular("a FIFO, socket or device"))
    }
}

fn not_regular(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("it is {what}, not a file"))
}

/// Gives the regular file at `path` [`FILE_MODE`] when it is more open (a file of an earlier version).
/// Anything else at `path` is left alone.
pub fn tighten(path: &Path) -> io::Result<()> {
    let Ok(Some(file)) = open_regular(path) else { return Ok(()) };
    if file.metadata()?.permissions().mode() & 0o777 != FILE_MODE {
        // On the open file: the name may have been swapped for a link since it was opened.
        file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    }
    Ok(())
}

/// Writes `bytes` as `dir/name`, whole or not at all: into a new temporary file in the same folder
/// (`O_EXCL`, so an existing file or link of that name is never opened), then renamed over `name`,
/// which replaces a link there rather than following it. A reader sees the old file or the new one.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    // Unique among this process's writers; the process id tells two windows' apart, and O_EXCL
    // settles any clash left (a name taken is skipped).
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    let (temp, mut file) = loop {
        let temp = dir.join(format!("{TEMP_PREFIX}{name}.{pid}.{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        match OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).custom_flags(libc::O_NOFOLLOW).open(&temp)
        {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    };
    // Not synced to the disk: the record must be in place as soon as the fetch ends (a window may be
    // killed right after), and a file cut short by a power cut is caught by its size when read.
    let written = file.write_all(bytes);
    drop(file);
    match written.and_then(|()| fs::rename(&temp, dir.join(name))) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&temp); // the error said is the write's; this one adds nothing
            Err(e)
        }
    }
}

/// Removes `path` (a link itself, never its target); a file already gone is fine.
pub fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The lock of a history folder, held while a store reads and changes it: two windows' stores take
/// turns. An advisory lock (`flock`, through std's [`File::lock`]) on the folder's [`LOCK`] file; it
/// is let go when this is dropped, and by the system when the process dies.
pub struct FolderLock {
    _held: File,
}

impl FolderLock {
    /// Waits for the lock of `dir`. Fails when the folder cannot be written (the store then only reads).
    pub fn take(dir: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(dir.join(LOCK))?;
        if !file.metadata()?.is_file() {
            return Err(not_regular("a FIFO, socket or device"));
        }
        file.lock()?;
        Ok(Self { _held: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_write_replaces_a_link_and_leaves_its_target_alone() {
        let dir = std::env::temp_dir().join(format!("socket-fetch-files-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        make_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        tighten_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        let target = dir.with_extension("target");
        fs::write(&target, b"not yours").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&target, dir.join("name")).unwrap_or_else(|e| panic!("{e}"));
        assert!(open_regular(&dir.join("name")).is_err(), "a link is not read through");
        write_whole(&dir, "name", b"new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs::read(&target).ok(), Some(b"not yours".to_vec()));
        let meta = fs::symlink_metadata(dir.join("name")).unwrap_or_else(|e| panic!("{e}"));
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, FILE_MODE);
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_file(&target);
    }
}
