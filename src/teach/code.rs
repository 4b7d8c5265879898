//! The code panel's data: the tutorial's program in Python and in Rust, plain or over HTTPS (with
//! the TLS lines), and which lines do each step.
//!
//! Each program marks the lines that do a step's work with a comment at the end of the line:
//! `# step: connect` in Python, `// step: connect` in Rust. A line that does two steps names both,
//! as in `// step: socket, connect`. The markers are ordinary comments, so the programs are shown
//! exactly as they are, markers included. The line numbers are found by reading the markers, so the
//! programs can be edited freely.

use crate::fetch::Step;

const PYTHON_SOURCE: &str = include_str!("../../assets/tutorial/fetch.py");
const RUST_SOURCE: &str = include_str!("../../examples/tutorial.rs");
const PYTHON_HTTPS_SOURCE: &str = include_str!("../../assets/tutorial/fetch_https.py");
const RUST_HTTPS_SOURCE: &str = include_str!("../../examples/tutorial_https.rs");

/// The language of one of the tutorial's two programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// The classic tutorial's own language.
    #[default]
    Python,
    Rust,
}

impl Language {
    pub const ALL: [Self; 2] = [Self::Python, Self::Rust];

    pub fn name(self) -> &'static str {
        match self {
            Self::Python => "Python",
            Self::Rust => "Rust",
        }
    }

    /// The plain (http) program's text, exactly as in its file, markers included.
    pub fn source(self) -> &'static str {
        Program { language: self, tls: false }.source()
    }

    /// How a step marker starts in this language: the comment sign, then `step: `.
    pub fn marker_prefix(self) -> &'static str {
        match self {
            Self::Python => "# step: ",
            Self::Rust => "// step: ",
        }
    }
}

/// One of the tutorial's programs: its language, and whether it fetches over HTTPS (with the TLS
/// handshake's lines) or plain http.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Program {
    pub language: Language,
    pub tls: bool,
}

impl Program {
    /// All four: each language, plain and over HTTPS.
    pub const ALL: [Self; 4] = [
        Self { language: Language::Python, tls: false },
        Self { language: Language::Rust, tls: false },
        Self { language: Language::Python, tls: true },
        Self { language: Language::Rust, tls: true },
    ];

    /// The program's file name, for a heading.
    pub fn file_name(self) -> &'static str {
        match (self.language, self.tls) {
            (Language::Python, false) => "fetch.py",
            (Language::Rust, false) => "tutorial.rs",
            (Language::Python, true) => "fetch_https.py",
            (Language::Rust, true) => "tutorial_https.rs",
        }
    }

    /// How to run the program, from the project's folder.
    pub fn run_command(self) -> &'static str {
        match (self.language, self.tls) {
            (Language::Python, false) => "python3 assets/tutorial/fetch.py HOST [PORT]",
            (Language::Rust, false) => "cargo run --example tutorial -- HOST [PORT]",
            (Language::Python, true) => "python3 assets/tutorial/fetch_https.py HOST [PORT]",
            (Language::Rust, true) => "cargo run --example tutorial_https -- HOST [PORT]",
        }
    }

    /// The program's text, exactly as in its file, markers included.
    pub fn source(self) -> &'static str {
        match (self.language, self.tls) {
            (Language::Python, false) => PYTHON_SOURCE,
            (Language::Rust, false) => RUST_SOURCE,
            (Language::Python, true) => PYTHON_HTTPS_SOURCE,
            (Language::Rust, true) => RUST_HTTPS_SOURCE,
        }
    }

    /// The steps it does: six over HTTPS, five without.
    pub fn steps(self) -> &'static [Step] {
        Step::of_fetch(self.tls)
    }

    /// The lines marked for `step`, in order, as **0-based** indexes into `self.source().lines()`
    /// (add 1 for the numbers an editor shows).
    pub fn marked_lines(self, step: Step) -> Vec<usize> {
        self.source()
            .lines()
            .enumerate()
            .filter(|(_, line)| steps_marked(self.language, line).contains(&step))
            .map(|(number, _)| number)
            .collect()
    }
}

/// The word a marker uses for `step`: `socket`, `resolve`, `connect`, `send` or `receive`.
pub fn marker_name(step: Step) -> &'static str {
    match step {
        Step::Socket => "socket",
        Step::Resolve => "resolve",
        Step::Connect => "connect",
        Step::Handshake => "handshake",
        Step::Send => "send",
        Step::Receive => "receive",
    }
}

/// The steps one line of a `language` program is marked with, in the order written; empty for an
/// unmarked line. Unknown words in a marker are left out (a unit test makes sure there are none).
pub fn steps_marked(language: Language, line: &str) -> Vec<Step> {
    marker_words(language, line)
        .into_iter()
        .filter_map(|word| Step::ALL.into_iter().find(|step| marker_name(*step) == word))
        .collect()
}

/// The lines of `language`'s plain program marked for `step` (see [`Program::marked_lines`]).
pub fn marked_lines(language: Language, step: Step) -> Vec<usize> {
    Program { language, tls: false }.marked_lines(step)
}

/// The words after the marker prefix, split at commas; empty when the line has no marker.
fn marker_words(language: Language, line: &str) -> Vec<&str> {
    let prefix = language.marker_prefix();
    line.rfind(prefix).map_or_else(Vec::new, |at| line[at + prefix.len()..].split(',').map(str::trim).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_marked_in_every_program_and_the_handshake_only_over_https() {
        for program in Program::ALL {
            for step in program.steps() {
                assert!(!program.marked_lines(*step).is_empty(), "{step:?} has no marked line in {program:?}");
            }
            assert_eq!(program.marked_lines(Step::Handshake).is_empty(), !program.tls, "{program:?}");
        }
    }

    #[test]
    fn markers_are_found_in_step_order() {
        for program in Program::ALL {
            let firsts: Vec<usize> = program.steps().iter().map(|step| program.marked_lines(*step)[0]).collect();
            assert!(firsts.is_sorted_by(|a, b| a < b), "{program:?}: first marked lines {firsts:?}");
        }
        // Python has a separate line for each step, so each step's lines end before the next begins.
        for tls in [false, true] {
            let python = Program { language: Language::Python, tls };
            for pair in python.steps().windows(2) {
                let (before, after) = (python.marked_lines(pair[0]), python.marked_lines(pair[1]));
                assert!(before.last() < after.first(), "{pair:?}");
            }
        }
    }

    #[test]
    fn every_marker_names_a_step() {
        for program in Program::ALL {
            for line in program.source().lines() {
                let words = marker_words(program.language, line);
                assert_eq!(steps_marked(program.language, line).len(), words.len(), "{program:?}: {line:?}");
            }
        }
    }

    #[test]
    fn the_https_programs_do_the_tls_lines_the_tutorial_teaches() {
        let lines = |language, needle: &str| {
            let program = Program { language, tls: true };
            let source: Vec<&str> = program.source().lines().collect();
            program.marked_lines(Step::Handshake).iter().any(|n| source[*n].contains(needle))
        };
        assert!(lines(Language::Python, "ssl.create_default_context()"));
        assert!(lines(Language::Python, "wrap_socket(s, server_hostname=host)"));
        assert!(lines(Language::Rust, "ClientConnection::new"));
        assert!(lines(Language::Rust, "StreamOwned::new"));
        assert!(!Program { language: Language::Rust, tls: false }.source().contains("webpki_roots"));
        assert!(Program { language: Language::Rust, tls: true }.source().contains("webpki_roots::TLS_SERVER_ROOTS"));
    }

    #[test]
    fn a_line_can_name_two_steps() {
        let line = "    stream = TcpStream::connect(address)?; // step: socket, connect";
        assert_eq!(steps_marked(Language::Rust, line), [Step::Socket, Step::Connect]);
        assert!(steps_marked(Language::Python, line).is_empty());
        assert!(steps_marked(Language::Rust, "let x = 1; // a comment").is_empty());
    }

    #[test]
    fn rust_marks_where_the_socket_comes_into_being() {
        for tls in [false, true] {
            let rust = Program { language: Language::Rust, tls };
            let lines: Vec<&str> = rust.source().lines().collect();
            let socket = rust.marked_lines(Step::Socket);
            assert!(socket.iter().any(|n| lines[*n].contains("TcpStream::connect")), "{socket:?}");
        }
    }

    #[test]
    fn programs_print_the_tutorial_progress_lines() {
        for program in Program::ALL {
            for step in program.steps() {
                // The connect line names the host and address, as the tutorial's did.
                let line = if *step == Step::Connect { "Establishing connection to " } else { step.tutorial_line() };
                assert!(program.source().contains(&format!("\"# {line}")), "{program:?} lacks {line:?}");
            }
        }
    }

    #[test]
    fn program_lines_fit_the_code_panel() {
        for program in Program::ALL {
            for line in program.source().lines() {
                assert!(line.chars().count() <= 120, "{program:?}: {line:?}");
            }
        }
    }
}
