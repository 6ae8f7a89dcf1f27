//! The one error type of model construction.

use alloc::string::String;

/// Why a value was refused while building a [`Disk`](crate::Disk) or one of its parts.
///
/// Every variant names the field it concerns (`field`), spelled as the XML path below
/// `<disk>`, for example `source.host.port` or `target.dev`, so that a caller can point
/// its own user at the offending input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A string holds a character that XML 1.0 cannot carry (a control character other
    /// than tab, LF or CR, U+FFFE or U+FFFF).
    #[error(
        "{field}: character {index} is U+{code:04X}, which XML 1.0 cannot carry; remove it",
        code = u32::from(*ch)
    )]
    InvalidChar {
        /// The field that held the string.
        field: &'static str,
        /// The 0-based index of the character (counted in characters, not bytes).
        index: usize,
        /// The character itself.
        ch: char,
    },
    /// A port outside 1-65535.
    #[error("{field}: port {value} is out of range; expected 1-65535")]
    PortOutOfRange {
        /// The field that held the port.
        field: &'static str,
        /// The value that was given.
        value: u64,
    },
    /// A socket path for `transport='unix'` that is not absolute.
    #[error("{field}: unix socket path {path:?} is not absolute; it must start with '/'")]
    RelativeSocket {
        /// The field that held the path.
        field: &'static str,
        /// The path that was given.
        path: String,
    },
    /// A protocol got more hosts than it allows.
    #[error("source.host: protocol '{protocol}' takes at most {max} host(s), got {count}")]
    TooManyHosts {
        /// The protocol of the source.
        protocol: String,
        /// How many hosts the protocol allows.
        max: usize,
        /// How many were given.
        count: usize,
    },
    /// A protocol does not allow the transport of one of its hosts.
    #[error("source.host.transport: protocol '{protocol}' does not allow transport '{transport}'; {allowed}")]
    TransportNotAllowed {
        /// The protocol of the source.
        protocol: String,
        /// The transport that was given.
        transport: String,
        /// What the protocol allows, in words.
        allowed: &'static str,
    },
    /// A required value is missing.
    #[error("{field}: missing; {why}")]
    Missing {
        /// The missing field.
        field: &'static str,
        /// Why it is required.
        why: &'static str,
    },
    /// A value that must not be empty is empty.
    #[error("{field}: must not be empty")]
    Empty {
        /// The empty field.
        field: &'static str,
    },
    /// A name for an element or attribute the model does not know is not a valid
    /// XML name without a namespace prefix.
    #[error("{field}: {name:?} is not an XML name without a namespace prefix")]
    InvalidName {
        /// What the name was for (`element name` or `attribute name`).
        field: &'static str,
        /// The name that was given.
        name: String,
    },
    /// A number that must be positive is zero.
    #[error("{field}: must be a positive integer, got 0")]
    Zero {
        /// The field that held the number.
        field: &'static str,
    },
    /// Two attributes of one element share a name (the XML written would not be well
    /// formed); only values read from serde can try this.
    #[error("attribute name {name:?} appears twice")]
    DuplicateAttribute {
        /// The name.
        name: String,
    },
    /// Two values that exclude each other are both set.
    #[error("{field}: {why}")]
    Conflict {
        /// The field.
        field: &'static str,
        /// Which values, and why they cannot go together.
        why: &'static str,
    },
}
