//! diskxml writes, reads and connects libvirt `<disk>` devices: typed, validated, lossless.
//!
//! ```
//! use diskxml::{Bus, Disk, DiskInfo, Host, ToXml};
//!
//! // Build an Open vStorage Edge disk and write it in libvirt's style.
//! let disk = Disk::openvstorage_edge("vol1")
//!     .host(Host::rdma("ovs.include.gr", 12329))
//!     .original_defaults()
//!     .build()?;
//! let xml = disk.to_xml()?;
//! assert!(xml.contains("<host name='ovs.include.gr' port='12329' transport='rdma'/>"));
//!
//! // Read it back: nothing is lost.
//! assert_eq!(diskxml::parse_disk(&xml)?, disk);
//!
//! // Or go from the volume service's connection info straight to XML.
//! let xml = diskxml::render(
//!     r#"{"driver_volume_type": "openvstorage_edge", "serial": "8d5e2a5c",
//!         "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"}}"#,
//!     &DiskInfo::new("vdb", Bus::Virtio),
//! )?;
//! assert!(xml.contains("<serial>8d5e2a5c</serial>"));
//! # Ok::<(), diskxml::Error>(())
//! ```
//!
//! # Crates
//! The facade re-exports the workspace's crates as modules; pick one directly to depend on
//! less:
//! - [`model`] (`diskxml-model`): the typed disk, no XML;
//! - [`writer`] (`diskxml-writer`): model to XML, without heap allocation;
//! - [`parser`] (`diskxml-parser`): XML to model, errors with line:column;
//! - [`connector`] (`diskxml-connector`): connection info to disk (volume drivers).
//!
//! - `libvirt` (`diskxml-libvirt`, with the `libvirt` feature): attach and detach volumes
//!   on running guests; needs the libvirt C library.
//!
//! A breaking change in any of them is a breaking change of this crate.
//!
//! # Errors
//! [`Error`] wraps the error of the step that failed; each names where (line:column for
//! XML, the field for JSON, the character for device paths).
//!
//! # Input safety
//! No value can change the structure of the XML written: the model refuses characters XML
//! cannot carry and the writer escapes the rest. The parser refuses DTDs and limits input
//! size, node count and depth.
//!
//! # Crate features
//! - `libvirt` (off by default): the `libvirt` module, for attaching and detaching volumes;
//!   building it needs Debian's `libvirt-dev`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub use diskxml_connector as connector;
pub use diskxml_model as model;
pub use diskxml_parser as parser;
pub use diskxml_writer as writer;

/// Attach and detach through libvirt (`diskxml-libvirt`), with the `libvirt` feature.
#[cfg(feature = "libvirt")]
pub use diskxml_libvirt as libvirt;

pub use connector::{ConnectionInfo, DeviceInfo, DiskInfo, EdgePath, ProbeOptions, Registry, VolumeDriver};
pub use model::{Bus, DeviceKind, Disk, Driver, Host, Profile, Protocol, Source, Target, normalize, validate};
pub use parser::{DiskSelector, DomainDisk, EditError, domain_disks, find_disk, remove_disk};

// The README's library example runs as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

/// Why a facade call failed: the error of the step that failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading XML failed.
    #[error(transparent)]
    Parse(#[from] parser::Error),
    /// Writing XML failed.
    #[error(transparent)]
    Write(#[from] writer::Error),
    /// Connection info could not become a disk.
    #[error(transparent)]
    Connector(#[from] connector::Error),
    /// A value the model refuses.
    #[error(transparent)]
    Model(#[from] model::Error),
    /// A domain edit failed.
    #[error(transparent)]
    Edit(#[from] parser::EditError),
}

/// Writes a disk to a new `String` (the allocating convenience over [`writer::write_disk`]).
pub trait ToXml {
    /// The disk as libvirt `<disk>` XML, ending with a newline.
    ///
    /// # Errors
    /// [`writer::Error::AttributeClash`] when a kept unknown attribute has a known name.
    fn to_xml(&self) -> Result<String, writer::Error>;
}

impl ToXml for Disk {
    fn to_xml(&self) -> Result<String, writer::Error> {
        let mut out = String::with_capacity(512);
        writer::write_disk(self, &mut out)?;
        Ok(out)
    }
}

/// Reads a document whose root is `<disk>`; see [`parser::parse_disk`].
///
/// # Errors
/// [`parser::Error`] with line:column.
pub fn parse_disk(text: &str) -> Result<Disk, parser::Error> {
    parser::parse_disk(text)
}

/// Reads the disks of a `<domain>` document; see [`parser::parse_domain_disks`].
///
/// # Errors
/// [`parser::Error`] with line:column.
pub fn parse_domain_disks(text: &str) -> Result<Vec<Disk>, parser::Error> {
    parser::parse_domain_disks(text)
}

/// Replaces the disk `selector` picks in a `<domain>` document with `disk`; every byte
/// outside that `<disk>` element is unchanged.
///
/// ```
/// use diskxml::{Bus, Disk, DiskSelector};
///
/// let doc = "<domain>\n  <devices>\n    <disk type='file'>\n      <target dev='vdb'/>\n    </disk>\n  </devices>\n</domain>\n";
/// let disk = Disk::openvstorage_edge("vol1").target("vdb", Bus::Virtio).build()?;
/// let new = diskxml::replace_disk(doc, &DiskSelector::TargetDev("vdb".into()), &disk)?;
/// assert!(new.starts_with("<domain>\n  <devices>\n    <disk type='network'>\n      <source protocol='openvstorage'"));
/// assert!(new.ends_with("    </disk>\n  </devices>\n</domain>\n"));
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Edit`] (no such disk, unreadable document) or [`Error::Write`].
pub fn replace_disk(text: &str, selector: &DiskSelector, disk: &Disk) -> Result<String, Error> {
    Ok(parser::replace_disk(text, selector, &disk.to_xml()?)?)
}

/// Inserts `disk` as the last device of a `<domain>` document's `<devices>`.
///
/// # Errors
/// [`Error::Edit`] (no `<devices>`, unreadable document) or [`Error::Write`].
pub fn insert_disk(text: &str, disk: &Disk) -> Result<String, Error> {
    Ok(parser::insert_disk(text, &disk.to_xml()?)?)
}

/// Connection info JSON to disk XML in one call, with the built-in volume drivers.
///
/// # Errors
/// [`Error::Connector`] naming the JSON field at fault, or [`Error::Write`].
pub fn render(connection_info: &str, disk_info: &DiskInfo) -> Result<String, Error> {
    let info = ConnectionInfo::from_json(connection_info)?;
    let disk = Registry::with_builtins().disk(&info, disk_info)?;
    Ok(disk.to_xml()?)
}
