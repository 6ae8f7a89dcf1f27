//! diskxml writes, reads and connects libvirt `<disk>` devices: typed, validated, lossless.
//!
//! ```
//! use diskxml::{Bus, Disk, DiskInfo, EdgePresets, Host, ToXml};
//!
//! // Build an Open vStorage Edge disk and write it in libvirt's style.
//! let disk = Disk::openvstorage_edge("vol1")
//!     .host(Host::rdma("ovs.include.gr", 12329))
//!     .original_defaults()                     // the original patch's preset (EdgePresets)
//!     .build()?;
//! let xml = disk.to_xml()?;
//! assert!(xml.contains("<host name='ovs.include.gr' port='12329' transport='rdma'/>"));
//!
//! // Read it back: nothing is lost.
//! assert_eq!(diskxml::parse_disk(&xml)?, disk);
//!
//! // Or go from the volume service's connection info straight to XML.
//! // (checked against libvirt's QEMU driver's rules, with what was ignored as warnings).
//! let rendered = diskxml::render(
//!     r#"{"driver_volume_type": "openvstorage_edge", "serial": "8d5e2a5c",
//!         "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"}}"#,
//!     &DiskInfo::new("vdb", Bus::Virtio),
//! )?;
//! assert!(rendered.xml.contains("<serial>8d5e2a5c</serial>"));
//! assert!(rendered.warnings.is_empty());
//! # Ok::<(), diskxml::Error>(())
//! ```
//!
//! # Crates
//! The facade re-exports the workspace's crates as modules; pick one directly to depend on
//! less:
//! - [`model`] (`diskxml-model`): the typed disk, no XML;
//! - [`schema`] (`diskxml-schema`): libvirt's XML vocabulary, one table per element;
//! - [`rules`] (`diskxml-rules`): libvirt's rules: validate, normalize, the facts;
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
//! Every function here returns [`Error`], which wraps the error of the step that failed;
//! each names where (line:column for XML, the field for JSON, the character for device
//! paths).
//!
//! # Input safety
//! No value can change the structure of the XML written: the model refuses characters XML
//! cannot carry and the writer escapes the rest. The parser refuses DTDs and limits input
//! size, node count and depth.
//!
//! # Crate features
//! - `serde` (off by default): `Serialize` and `Deserialize` for every model type
//!   (see [`model`]).
//! - `libvirt` (off by default): the `libvirt` module, for attaching and detaching volumes,
//!   and `audit`, which checks every disk of every domain on a host; building it needs Debian's `libvirt-dev`.
//!
//! # Printing and parsing a disk
//! [`Disk`] is the model's type and the model knows no XML, so `Disk` has no `Display` or
//! `FromStr`: write it with [`ToXml::to_xml`] (a `Result`: a kept unknown attribute that
//! clashes with a known one has no XML, and `Display` could only panic on it) and read it
//! with [`parse_disk`]. [`Rendered`], which holds checked XML, is `Display`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

// Inlined, so that this crate's documentation alone reaches every public type (on docs.rs
// and in `cargo doc -p diskxml --no-deps`).
#[doc(inline)]
pub use diskxml_connector as connector;
#[doc(inline)]
pub use diskxml_model as model;
#[doc(inline)]
pub use diskxml_parser as parser;
#[doc(inline)]
pub use diskxml_rules as rules;
#[doc(inline)]
pub use diskxml_schema as schema;
#[doc(inline)]
pub use diskxml_writer as writer;

/// Attach and detach through libvirt (`diskxml-libvirt`), with the `libvirt` feature.
#[cfg(feature = "libvirt")]
#[doc(inline)]
pub use diskxml_libvirt as libvirt;

pub use connector::{
    ConnectionInfo, DeviceInfo, DiskInfo, EdgePath, EdgePresets, ProbeOptions, Registry, VolumeDriver,
};
pub use model::{
    Auth, Bus, Cache, DetectZeroes, DeviceKind, Discard, Disk, DiskBuilder, Driver, EdgeDiskBuilder, Encryption,
    ErrorPolicy, Format, Host, IntoHost, IntoSecret, Io, Iotune, PciAddress, Port, Protocol, ReadErrorPolicy, Secret,
    SecretType, Source, Target, Text, Transport,
};
pub use parser::{DiskSelector, Document, DomainDisk, Options, Pos};
pub use rules::{Problem, Profile, Rule, normalize, validate};

// The README's and the migration guide's examples run as doctests of
// `crates/front-door`, which depends on this crate alone, as a user's crate does.

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
    /// libvirt would refuse the disk: the problems, each with its rule (the qemu profile,
    /// but the host-dependent rules; [`rules::libvirt_accepts`]).
    #[error("libvirt would refuse this disk: {0}")]
    Refused(rules::Refused),
    /// An argument (a flag, a keyword) that libvirt's vocabulary does not have: its name
    /// (`dev`, `bus`, `device`, `unit`, `profile`) and what is wrong.
    #[error("{name}: {message}")]
    Argument {
        /// The argument's name.
        name: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// libvirt failed (with the `libvirt` feature): the typed [`libvirt::Error`], with what
    /// was done about it (`Done`), shared so that this error stays `Clone`.
    #[cfg(feature = "libvirt")]
    #[error(transparent)]
    Libvirt(LibvirtError),
}

/// A [`libvirt::Error`] inside [`Error::Libvirt`], kept whole: [`LibvirtError::error`] gives
/// it back to match on (`AttachRefused { done, .. }` and the rest). Two are equal when they
/// say the same.
///
/// ```no_run
/// fn guests() -> Result<usize, diskxml::Error> {
///     let libvirt = diskxml::libvirt::Libvirt::open("qemu:///system")?;
///     Ok(libvirt.definitions()?.len())
/// }
///
/// if let Err(diskxml::Error::Libvirt(e)) = guests() {
///     if let diskxml::libvirt::Error::AttachRefused { done, .. } = e.error() {
///         eprintln!("refused; {done}");
///     }
/// }
/// ```
#[cfg(feature = "libvirt")]
#[derive(Clone, Debug)]
pub struct LibvirtError(std::sync::Arc<libvirt::Error>);

#[cfg(feature = "libvirt")]
impl LibvirtError {
    /// The libvirt crate's error.
    #[must_use]
    pub fn error(&self) -> &libvirt::Error {
        &self.0
    }
}

#[cfg(feature = "libvirt")]
impl std::fmt::Display for LibvirtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(feature = "libvirt")]
impl std::error::Error for LibvirtError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

#[cfg(feature = "libvirt")]
impl PartialEq for LibvirtError {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

#[cfg(feature = "libvirt")]
impl Eq for LibvirtError {}

/// `?` works on [`libvirt`] calls in a function that returns [`Error`].
#[cfg(feature = "libvirt")]
impl From<libvirt::Error> for Error {
    fn from(e: libvirt::Error) -> Self {
        Self::Libvirt(LibvirtError(std::sync::Arc::new(e)))
    }
}

#[cfg(feature = "libvirt")]
mod audit;
#[cfg(feature = "libvirt")]
pub use audit::{AuditFinding, audit};
mod check;
pub use check::{Finding, check};
mod render;
pub use render::{Rendered, Warning, render, render_info};
mod target;
pub use target::{bus, dev, device, disk_info, profile};

/// Writes a disk to a new `String` (the allocating convenience over [`writer::write_disk`]).
pub trait ToXml {
    /// The disk as libvirt `<disk>` XML, ending with a newline.
    ///
    /// # Errors
    /// [`Error::Write`] ([`writer::Error::AttributeClash`]) when a kept unknown attribute has
    /// a known name.
    fn to_xml(&self) -> Result<String, Error>;
}

impl ToXml for Disk {
    fn to_xml(&self) -> Result<String, Error> {
        // Most disks fit (a network disk with hosts, iotune and serial is about 600 bytes).
        let mut out = String::with_capacity(1024);
        writer::write_disk_to_string(self, &mut out)?;
        Ok(out)
    }
}

/// Reads a document whose root is a `<disk>` or a `<domain>`, under `options` (the
/// hostile-input limits), and says which it was: the facade's one reader for either. The
/// other readers take one root each, and each has a `_with` twin taking [`Options`].
///
/// ```
/// use diskxml::{Document, Options};
///
/// let text = "<domain><devices><disk type='file'><target dev='vda'/></disk></devices></domain>";
/// let Document::Domain(disks) = diskxml::read(text, &Options::default())? else { unreachable!() };
/// assert_eq!(disks[0].disk.target.as_ref().map(|t| t.dev().as_str()), Some("vda"));
/// let mut tight = Options::default();
/// tight.max_size = 16;
/// assert!(diskxml::read(text, &tight).is_err(), "over the size limit");
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn read(text: &str, options: &Options) -> Result<Document, Error> {
    Ok(parser::read_document(text, options)?)
}

/// Reads a document whose root is `<disk>`; see [`parser::parse_disk`].
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn parse_disk(text: &str) -> Result<Disk, Error> {
    Ok(parser::parse_disk(text)?)
}

/// [`parse_disk`] under `options`.
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn parse_disk_with(text: &str, options: &Options) -> Result<Disk, Error> {
    Ok(parser::parse_disk_with(text, options)?)
}

/// [`parse_domain_disks`] under `options`.
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn parse_domain_disks_with(text: &str, options: &Options) -> Result<Vec<Disk>, Error> {
    Ok(parser::parse_domain_disks_with(text, options)?)
}

/// [`domain_disks`] under `options`.
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn domain_disks_with(text: &str, options: &Options) -> Result<Vec<DomainDisk>, Error> {
    Ok(parser::domain_disks_with(text, options)?)
}

/// [`find_disk`] under `options`.
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn find_disk_with(text: &str, selector: &DiskSelector, options: &Options) -> Result<Option<DomainDisk>, Error> {
    Ok(parser::find_disk_with(text, selector, options)?)
}

/// Reads the disks of a `<domain>` document; see [`parser::parse_domain_disks`].
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn parse_domain_disks(text: &str) -> Result<Vec<Disk>, Error> {
    Ok(parser::parse_domain_disks(text)?)
}

/// Every disk of a `<domain>` document with its byte range; see [`parser::domain_disks`].
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn domain_disks(text: &str) -> Result<Vec<DomainDisk>, Error> {
    Ok(parser::domain_disks(text)?)
}

/// The disk `selector` picks in a `<domain>` document; see [`parser::find_disk`].
///
/// # Errors
/// [`Error::Parse`] with line:column.
pub fn find_disk(text: &str, selector: &DiskSelector) -> Result<Option<DomainDisk>, Error> {
    Ok(parser::find_disk(text, selector)?)
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
/// [`Error::Edit`] (no such disk, unreadable document, another disk with `disk`'s target
/// dev: [`parser::EditError::DuplicateDev`]) or [`Error::Write`].
pub fn replace_disk(text: &str, selector: &DiskSelector, disk: &Disk) -> Result<String, Error> {
    Ok(parser::replace_disk_xml(text, selector, &disk.to_xml()?)?)
}

/// Inserts `disk` as the last device of a `<domain>` document's `<devices>`.
///
/// # Errors
/// [`Error::Edit`] (no `<devices>`, unreadable document, a disk of the domain with `disk`'s
/// target dev: [`parser::EditError::DuplicateDev`]) or [`Error::Write`].
pub fn insert_disk(text: &str, disk: &Disk) -> Result<String, Error> {
    Ok(parser::insert_disk_xml(text, &disk.to_xml()?)?)
}

/// Removes the disk `selector` picks from a `<domain>` document; see [`parser::remove_disk`].
///
/// # Errors
/// [`Error::Edit`] (no such disk, unreadable document).
pub fn remove_disk(text: &str, selector: &DiskSelector) -> Result<String, Error> {
    Ok(parser::remove_disk(text, selector)?)
}

/// [`replace_disk`] reading `text` under `options` (the hostile-input limits). The edits'
/// names follow one scheme: `replace_disk`, `insert_disk`, `remove_disk` on the facade take
/// models; the parser's `replace_disk_xml`, `insert_disk_xml` take the disk as XML text
/// (`remove_disk` takes no disk); each has a `_with` twin taking [`Options`].
///
/// ```
/// use diskxml::{Bus, Disk, Options};
///
/// let domain = "<domain><devices></devices></domain>";
/// let disk = Disk::openvstorage_edge("vol").target("vdb", Bus::Virtio).build()?;
/// let mut tight = Options::default();
/// tight.max_size = 8;
/// assert!(diskxml::insert_disk_with(domain, &disk, &tight).is_err(), "over the size limit");
/// assert!(diskxml::insert_disk_with(domain, &disk, &Options::default())?.contains("<disk type='network'"));
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// As [`replace_disk`], and the limits' [`Error::Edit`].
pub fn replace_disk_with(text: &str, selector: &DiskSelector, disk: &Disk, options: &Options) -> Result<String, Error> {
    Ok(parser::replace_disk_xml_with(text, selector, &disk.to_xml()?, options)?)
}

/// [`insert_disk`] reading `text` under `options`; see [`replace_disk_with`].
///
/// # Errors
/// As [`insert_disk`], and the limits' [`Error::Edit`].
pub fn insert_disk_with(text: &str, disk: &Disk, options: &Options) -> Result<String, Error> {
    Ok(parser::insert_disk_xml_with(text, &disk.to_xml()?, options)?)
}

/// [`remove_disk`] reading `text` under `options`; see [`replace_disk_with`].
///
/// # Errors
/// As [`remove_disk`], and the limits' [`Error::Edit`].
pub fn remove_disk_with(text: &str, selector: &DiskSelector, options: &Options) -> Result<String, Error> {
    Ok(parser::remove_disk_with(text, selector, options)?)
}
