//! Why the terminal's flags cannot be used, each told as the line the terminal prints.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::fetch::{PemProblem, RawProblem};
use crate::server_text::one_line;

/// A flag, or the file it names, that cannot be used; nothing is sent then.
#[derive(Debug, Error)]
pub enum FlagError {
    #[error("-H \"{}\" is not a header: write -H 'Name: value' (or -H 'Name:' to leave a header out).", one_line(.0))]
    NotAHeader(String),
    /// `flag` is `-d` or `--data-binary`; `name` the file after its `@`.
    #[error("{flag} @{}: the file cannot be read ({error}).", one_line(name))]
    DataUnreadable { flag: &'static str, name: String, error: io::Error },
    #[error("--raw-request: {0}\n# Try: {hint}", hint = .0.hint())]
    RawRequest(RawProblem),
    #[error("--cacert {}: cannot be read ({error}).", path.display())]
    CaCertUnreadable { path: PathBuf, error: io::Error },
    #[error("--cacert {}: {problem}.", path.display())]
    CaCertNoCertificates { path: PathBuf, problem: PemProblem },
    #[error("-o {}: the file cannot be written ({error}).", path.display())]
    OutputUnwritable { path: PathBuf, error: io::Error },
}
