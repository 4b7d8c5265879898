//! The code panel's data: the tutorial's program in Python and in Rust, and which lines do each step.
//!
//! Each program marks the lines that do a step's work with a comment at the end of the line:
//! `# step: connect` in Python, `// step: connect` in Rust. A line that does two steps names both,
//! as in `// step: socket, connect`. The markers are ordinary comments, so the programs are shown
//! exactly as they are, markers included. The line numbers are found by reading the markers, so the
//! programs can be edited freely.

use crate::fetch::Step;

const PYTHON_SOURCE: &str = include_str!("../../assets/tutorial/fetch.py");
const RUST_SOURCE: &str = include_str!("../../examples/tutorial.rs");

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

    /// The program's file name, for a heading.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Python => "fetch.py",
            Self::Rust => "tutorial.rs",
        }
    }

    /// How to run the program, from the project's folder.
    pub fn run_command(self) -> &'static str {
        match self {
            Self::Python => "python3 assets/tutorial/fetch.py HOST [PORT]",
            Self::Rust => "cargo run --example tutorial -- HOST [PORT]",
        }
    }

    /// The program's text, exactly as in its file, markers included.
    pub fn source(self) -> &'static str {
        match self {
            Self::Python => PYTHON_SOURCE,
            Self::Rust => RUST_SOURCE,
        }
    }

    /// How a step marker starts in this language: the comment sign, then `step: `.
    pub fn marker_prefix(self) -> &'static str {
        match self {
            Self::Python => "# step: ",
            Self::Rust => "// step: ",
        }
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

/// The lines of `language`'s program marked for `step`, in order, as **0-based** indexes into
/// `language.source().lines()` (add 1 for the numbers an editor shows).
pub fn marked_lines(language: Language, step: Step) -> Vec<usize> {
    language
        .source()
        .lines()
        .enumerate()
        .filter(|(_, line)| steps_marked(language, line).contains(&step))
        .map(|(number, _)| number)
        .collect()
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
    fn every_step_is_marked_in_both_programs() {
        for language in Language::ALL {
            for step in Step::PLAIN {
                assert!(!marked_lines(language, step).is_empty(), "{step:?} has no marked line in {language:?}");
            }
        }
    }

    #[test]
    fn markers_are_found_in_step_order() {
        for language in Language::ALL {
            let firsts: Vec<usize> = Step::PLAIN.iter().map(|step| marked_lines(language, *step)[0]).collect();
            assert!(firsts.is_sorted_by(|a, b| a < b), "{language:?}: first marked lines {firsts:?}");
        }
        // Python has a separate line for each step, so each step's lines end before the next begins.
        for pair in Step::PLAIN.windows(2) {
            let (before, after) = (marked_lines(Language::Python, pair[0]), marked_lines(Language::Python, pair[1]));
            assert!(before.last() < after.first(), "{pair:?}");
        }
    }

    #[test]
    fn every_marker_names_a_step() {
        for language in Language::ALL {
            for line in language.source().lines() {
                let words = marker_words(language, line);
                assert_eq!(steps_marked(language, line).len(), words.len(), "{language:?}: {line:?}");
            }
        }
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
        let lines: Vec<&str> = Language::Rust.source().lines().collect();
        let socket = marked_lines(Language::Rust, Step::Socket);
        assert!(socket.iter().any(|n| lines[*n].contains("TcpStream::connect")), "{socket:?}");
    }

    #[test]
    fn programs_print_the_tutorial_progress_lines() {
        for language in Language::ALL {
            for step in Step::PLAIN {
                // The connect line names the host and address, as the tutorial's did.
                let line = if step == Step::Connect { "Establishing connection to " } else { step.tutorial_line() };
                assert!(language.source().contains(&format!("\"# {line}")), "{language:?} lacks {line:?}");
            }
        }
    }

    #[test]
    fn program_lines_fit_the_code_panel() {
        for language in Language::ALL {
            for line in language.source().lines() {
                assert!(line.chars().count() <= 120, "{language:?}: {line:?}");
            }
        }
    }
}
