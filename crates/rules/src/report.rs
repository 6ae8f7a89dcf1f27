//! What a rule check reports: a [`Problem`] (rule, place, message), collected per disk.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use diskxml_schema::{Locator, Step};

use crate::Rule;

/// A rule of libvirt's that a disk breaks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Which rule.
    pub rule: Rule,
    /// Where.
    pub at: Locator,
    /// What is wrong, in words that say what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The first child element called `name`: a step of a [`Locator`].
pub(crate) const fn el(name: &'static str) -> Step {
    Step::Element { name, index: 0 }
}

/// Collects problems for one disk.
#[derive(Default)]
pub(crate) struct Report(Vec<Problem>);

impl Report {
    pub(crate) fn add(&mut self, rule: Rule, steps: &[Step], message: String) {
        self.0.push(Problem { rule, at: Locator(steps.to_vec()), message });
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.0
    }
}
