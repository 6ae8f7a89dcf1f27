//! The parser's error: what is wrong, and where.

use std::fmt;

/// A 1-based position in the input: line and column (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a document could not be read, and where: `Display` prints `line:column: message`.
///
/// ```
/// let err = diskxml_parser::parse_disk("<disk type='file'>\n  <target/>\n</disk>").unwrap_err();
/// assert_eq!(err.pos().line, 2);
/// assert_eq!(err.to_string(), "2:3: <target> lacks the required attribute 'dev'");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pos: Pos,
    kind: ErrorKind,
}

impl Error {
    pub(crate) const fn new(pos: Pos, kind: ErrorKind) -> Self {
        Self { pos, kind }
    }

    /// Where the problem is: the offending element or attribute, or where the XML broke.
    #[must_use]
    pub const fn pos(&self) -> Pos {
        self.pos
    }

    /// What the problem is.
    #[must_use]
    pub const fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.kind)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Model(e) => Some(e),
            _ => None,
        }
    }
}

/// What went wrong; the position is in [`Error`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not well-formed XML (or uses a DTD, which is refused).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The input is larger than [`Options::max_size`](crate::Options::max_size).
    #[error("the input is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements nest deeper than [`Options::max_depth`](crate::Options::max_depth).
    #[error("elements nest deeper than the limit of {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The root element is not the one expected.
    #[error("expected a <{expected}> root element, found <{found}>")]
    UnexpectedRoot {
        /// The expected root.
        expected: &'static str,
        /// The root found.
        found: String,
    },
    /// A required attribute is missing.
    #[error("<{element}> lacks the required attribute '{attribute}'")]
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// A required child element is missing.
    #[error("<{element}> lacks the required element <{child}>: {why}")]
    MissingElement {
        /// The element.
        element: &'static str,
        /// The child.
        child: &'static str,
        /// Why it is required.
        why: &'static str,
    },
    /// An attribute's value is not what it must be.
    #[error("<{element}> attribute '{attribute}': expected {expected}, found '{found}'")]
    InvalidValue {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// An element's text is not what it must be.
    #[error("<{element}>: expected {expected}, found '{found}'")]
    InvalidText {
        /// The element.
        element: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// Content an element cannot have (an attribute on `<readonly/>`, an element in `<serial>`).
    #[error("<{element}> cannot have {found}")]
    UnexpectedContent {
        /// The element.
        element: &'static str,
        /// What it had.
        found: String,
    },
    /// A namespaced element or attribute inside `<disk>`; libvirt has none there.
    #[error("namespaced {what} '{name}' inside <disk> is not supported")]
    Namespaced {
        /// `element` or `attribute`.
        what: &'static str,
        /// The name as written.
        name: String,
    },
    /// A value the model refuses (see [`diskxml_model::Error`]).
    #[error(transparent)]
    Model(#[from] diskxml_model::Error),
}
