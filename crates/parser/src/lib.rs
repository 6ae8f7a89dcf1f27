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
//! assert_eq!(disk.unknown.children().len(), 1, "unknown elements are kept");
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
//! # Locating
//! [`with_located_disks`] reads every disk of a document with the means to find any part
//! of it (a [`diskxml_schema::Locator`]) at its line:column; the facade's `check` joins that
//! with the rules' problems. The parser reads and locates; it judges nothing.
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
    DiskSelector, Document, DomainDisk, EditError, document_disks, document_disks_with, domain_disks,
    domain_disks_with, find_disk, find_disk_with, insert_disk_xml, insert_disk_xml_with, read_document, remove_disk,
    remove_disk_with, replace_disk_xml, replace_disk_xml_with, splice_disks,
};
pub use error::{Error, ErrorKind, Pos};
pub use read::Options;
pub use read::document::{LocatedDisk, with_located_disks};

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
    read::document::disk_document(text, options)
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
    read::document::domain_document(text, options)
}
