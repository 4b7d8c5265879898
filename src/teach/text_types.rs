//! The shapes of teaching mode's texts, shared by the files that write them; nothing of `teach` is imported here.

/// What to show beside one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepText {
    /// A short heading, without a number (`step.index() + 1` gives one).
    pub title: &'static str,
    /// Two or three sentences shown beside the step while it runs.
    pub explanation: &'static str,
    /// One sentence on what is about to happen: shown while paused before the step in step-through
    /// mode, and printed by the terminal's `--step` mode.
    pub next: &'static str,
    /// The glossary's words the step's texts use, for a "words used here" list.
    pub terms: &'static [&'static str],
}

/// A technical word and its meaning, in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub word: &'static str,
    pub meaning: &'static str,
}
