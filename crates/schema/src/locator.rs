//! Where a part of a disk is: a path of element and attribute steps from `<disk>`, as the
//! rules report it and the parser finds it in the text.

use alloc::vec::Vec;
use core::fmt;

/// One step from `<disk>` towards the offending part.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The `index`-th (0-based) child element called `name`.
    Element {
        /// The element's name.
        name: &'static str,
        /// Which one of that name, from 0.
        index: usize,
    },
    /// An attribute of the element reached so far.
    Attribute(&'static str),
}

/// Where a problem is, as a path from `<disk>`: `source/host[2]/@port` (indexes from 1,
/// as in XPath, and only where there can be several).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Locator(pub Vec<Step>);

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("disk")?;
        for step in &self.0 {
            match step {
                Step::Element { name, index: 0 } => write!(f, "/{name}")?,
                Step::Element { name, index } => write!(f, "/{name}[{}]", index + 1)?,
                Step::Attribute(name) => write!(f, "/@{name}")?,
            }
        }
        Ok(())
    }
}
