//! Reads libvirt `<disk>` XML into the [`diskxml_model`] types, losing nothing, with errors
//! that say what is wrong and where (`line:column`).
//!
//! ```
//! let disk = diskxml_parser::parse_disk("\
//! <disk type='network' device='disk'>
//!   <source protocol='openvstorage' name='vol1' snapshot-timeout='120'>
//!     <host name='ovs.include.gr' port='12329' transport='rdma'/>
//!   </source>
//!   <target dev='vda' bus='virtio'/>
//!   <vendorx a='1'/>
//! </disk>")?;
//! assert_eq!(disk.disk_type(), "network");
//! assert_eq!(disk.unknown.children.len(), 1, "unknown elements are kept");
//! # Ok::<(), diskxml_parser::Error>(())
//! ```
//!
//! # Should I use this crate directly?
//! Use it when you only read disk XML. The facade crate `diskxml` re-exports it as
//! `diskxml::parser` and adds `diskxml::parse_disk`.
//!
//! # Lossless
//! Attributes and elements the model does not know are kept ([`diskxml_model::Unknown`]):
//! attribute name and value; an element whole, with its texts and whitespace. The writer
//! puts them back after the known ones of the same parent, in their original order. A
//! value outside an enum's known set lands in `Other`. A second `<driver>`, `<source>`, and
//! so on is kept as unknown too. Comments and processing instructions are not kept.
//!
//! # Errors
//! [`Error`] carries a 1-based [`Pos`] and an [`ErrorKind`]: malformed XML, a root that is
//! not `<disk>` (or `<domain>`), a missing or invalid attribute, a value the model refuses.
//!
//! # Input safety
//! DTDs are refused, and with them entity declarations; input size, node count and element
//! depth are limited ([`Options`]). No input panics.
//!
//! # Crate features
//! None.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod domain;
mod error;
mod read;

pub use domain::{
    DiskSelector, DomainDisk, EditError, domain_disks, find_disk, insert_disk, remove_disk, replace_disk,
};
pub use error::{Error, ErrorKind, Pos};
pub use read::Options;

use diskxml_model::Disk;

/// Reads a document whose root element is `<disk>`, with the default [`Options`].
///
/// # Errors
/// See [`ErrorKind`].
pub fn parse_disk(text: &str) -> Result<Disk, Error> {
    parse_disk_with(text, &Options::default())
}

/// Reads a document whose root element is `<disk>`.
///
/// # Errors
/// See [`ErrorKind`].
pub fn parse_disk_with(text: &str, options: &Options) -> Result<Disk, Error> {
    read::disk_document(text, options)
}

/// A problem of [`diskxml_model::validate`], located in the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Where: the offending attribute or element.
    pub pos: Pos,
    /// What.
    pub problem: diskxml_model::Problem,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.problem.message)
    }
}

/// Reads a `<disk>` document, or every disk of a `<domain>`, and checks each with
/// [`diskxml_model::validate`]: every problem, at the line:column of the offending attribute
/// or element. An empty list means libvirt's rules hold.
///
/// ```
/// let findings = diskxml_parser::check("<disk type='network'>\n  <source protocol='nbd'/>\n  <target dev='nvme0'/>\n</disk>")?;
/// let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
/// assert_eq!(lines, [
///     "2:3: protocol 'nbd' takes exactly one host, found 0",
///     "3:11: target dev \"nvme0\" must be fd, hd, sd, vd, xvd or ubd followed by letters, digits or _",
/// ]);
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the text cannot be read at all (the first such problem).
pub fn check(text: &str) -> Result<Vec<Finding>, Error> {
    check_with(text, &Options::default())
}

/// [`check`] with the given options.
///
/// # Errors
/// [`Error`] when the text cannot be read at all.
pub fn check_with(text: &str, options: &Options) -> Result<Vec<Finding>, Error> {
    read::check_document(text, options)
}

/// Reads the disks of a `<domain>` document (`domain/devices/disk`), in document order.
///
/// ```
/// let disks = diskxml_parser::parse_domain_disks("\
/// <domain type='kvm'><name>g</name><devices>
///   <disk type='file'><source file='/a.img'/><target dev='vda'/></disk>
///   <interface type='network'/>
///   <disk type='block'><source dev='/dev/sdb'/><target dev='vdb'/></disk>
/// </devices></domain>")?;
/// assert_eq!(disks.len(), 2);
/// assert_eq!(disks[1].disk_type(), "block");
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// See [`ErrorKind`]; the root must be `<domain>`.
pub fn parse_domain_disks(text: &str) -> Result<Vec<Disk>, Error> {
    parse_domain_disks_with(text, &Options::default())
}

/// Reads the disks of a `<domain>` document, with the given options.
///
/// # Errors
/// See [`ErrorKind`]; the root must be `<domain>`.
pub fn parse_domain_disks_with(text: &str, options: &Options) -> Result<Vec<Disk>, Error> {
    read::domain_document(text, options)
}
