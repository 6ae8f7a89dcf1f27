//! Writes a [`Disk`] as libvirt `<disk>` XML, into any [`core::fmt::Write`], without a
//! single heap allocation.
//!
//! ```
//! use diskxml_model::{Bus, Disk, Host};
//!
//! let disk = Disk::openvstorage_edge("vol1")
//!     .host(Host::rdma("ovs.include.gr", 12329))
//!     .snapshot_timeout(120)
//!     .target("vda", Bus::Virtio)
//!     .build()?;
//! let mut xml = String::new();
//! diskxml_writer::write_disk(&disk, &mut xml)?;
//! assert_eq!(xml, "\
//! <disk type='network'>
//!   <source protocol='openvstorage' name='vol1' snapshot-timeout='120'>
//!     <host name='ovs.include.gr' port='12329' transport='rdma'/>
//!   </source>
//!   <target dev='vda' bus='virtio'/>
//! </disk>
//! ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Should I use this crate directly?
//! Use it when you want the XML in a buffer of your own (a reused `String`, a fixed-size
//! buffer, a formatter) with no allocation. The facade crate `diskxml` re-exports it as
//! `diskxml::writer` and adds `to_xml()`, which allocates the `String` for you.
//!
//! # Style
//! libvirt's own (`virsh dumpxml`): single-quoted attributes, two-space indentation,
//! attributes and children in libvirt's order, as the element tables of `diskxml-schema` give
//! them (`diskxml_schema::DISK.children`, say), `<x/>` for empty elements, a final newline.
//! What the model does not know follows the known attributes and children of the same
//! element, in its original order.
//!
//! # Errors
//! [`Error::Format`] when the destination refuses a write, and [`Error::AttributeClash`]
//! when a kept unknown attribute has the name of one the element writes itself (which
//! would make the XML ill-formed). The clash check runs before the first byte is written,
//! so an error never leaves half a disk behind, except a destination's own failure.
//!
//! # Input safety
//! `& < > ' "` are escaped everywhere; in attribute values tab, LF and CR too (as `&#9;`
//! `&#10;` `&#13;`, which a parser would otherwise turn into spaces), and CR in text. The
//! model refuses characters that XML cannot carry, so any [`Disk`] writes well-formed XML.
//!
//! # Crate features
//! None. The crate is `no_std` and needs `alloc` only for the model's types.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

extern crate alloc;

mod escape;
mod number;
mod write;
mod write_source;

use core::fmt::{self, Write};

use diskxml_model::{Disk, Name};

/// Why a disk could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The destination refused a write.
    Format,
    /// A kept unknown attribute has the name of an attribute the element writes itself.
    AttributeClash {
        /// The element, e.g. `driver`.
        element: &'static str,
        /// The clashing attribute's name.
        attribute: Name,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format => f.write_str("the destination refused a write"),
            Self::AttributeClash { element, attribute } => write!(
                f,
                "<{element}>: the unknown attribute '{attribute}' has the name of a known one; \
                 set the model's field instead"
            ),
        }
    }
}

impl core::error::Error for Error {}

impl From<fmt::Error> for Error {
    fn from(_: fmt::Error) -> Self {
        Self::Format
    }
}

/// Writes `value` escaped for an XML attribute value or text (markup characters, quotes,
/// and the whitespace a parser would normalise), for XML diskxml does not model, such as a
/// libvirt secret's definition.
///
/// ```
/// let mut out = String::new();
/// diskxml_writer::write_escaped(&mut out, "iqn.x/1 <&'>")?;
/// assert_eq!(out, "iqn.x/1 &lt;&amp;&apos;&gt;");
/// # Ok::<(), core::fmt::Error>(())
/// ```
///
/// # Errors
/// The writer's own error.
pub fn write_escaped<W: Write + ?Sized>(out: &mut W, value: &str) -> fmt::Result {
    escape::escape(out, value, true)
}

/// Writes `disk` as a `<disk>` element at the left margin, ending with a newline.
///
/// # Errors
/// See the [crate docs](crate#errors).
pub fn write_disk<W: Write + ?Sized>(disk: &Disk, out: &mut W) -> Result<(), Error> {
    write_disk_indented(disk, out, 0)
}

/// Writes `disk` indented by `depth` levels of two spaces, as it sits inside a domain's
/// `<devices>` (depth 2), ending with a newline.
///
/// # Errors
/// See the [crate docs](crate#errors).
pub fn write_disk_indented<W: Write + ?Sized>(disk: &Disk, out: &mut W, depth: usize) -> Result<(), Error> {
    // A dry run first, into nothing: the one traversal that writes also meets every element's
    // kept unknown attributes, so a clash is found before a byte reaches `out`.
    let mut nothing = Discard;
    let mut dry = write::Writer::dry_run(&mut nothing, depth);
    if dry.disk(disk).is_err() {
        return Err(failure(dry.clash));
    }
    write::Writer::new(out, depth).disk(disk)?;
    Ok(())
}

/// Why a traversal stopped: the clash it met, else the destination's refusal.
fn failure(clash: Option<(&'static str, Name)>) -> Error {
    clash.map_or(Error::Format, |(element, attribute)| Error::AttributeClash { element, attribute })
}

/// Appends `disk` to `out`, as [`write_disk`] writes it, in one pass: a `String` can take
/// back what was written, so a clash found on the way (a kept unknown attribute named like a
/// known one) truncates `out` to what it held before, and no dry run is needed. The fast path
/// for a `String`, which `diskxml`'s `to_xml` takes.
///
/// ```
/// use diskxml_model::{Bus, Disk, Name, Text};
///
/// let mut out = String::from("<devices>\n");
/// let disk = Disk::openvstorage_edge("vol").target("vdb", Bus::Virtio).build()?;
/// diskxml_writer::write_disk_to_string(&disk, &mut out)?;
/// assert!(out.starts_with("<devices>\n<disk type='network'"));
///
/// let mut clash = disk.clone();
/// clash.unknown.set_attribute(Name::new("n", "device")?, Text::new("t", "disk")?);
/// let before = out.clone();
/// assert!(diskxml_writer::write_disk_to_string(&clash, &mut out).is_err());
/// assert_eq!(out, before, "nothing of the refused disk is left");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// See the [crate docs](crate#errors).
pub fn write_disk_to_string(disk: &Disk, out: &mut alloc::string::String) -> Result<(), Error> {
    let start = out.len();
    let mut writer = write::Writer::new(out, 0);
    if writer.disk(disk).is_ok() {
        return Ok(());
    }
    let clash = writer.clash;
    out.truncate(start);
    Err(failure(clash))
}

/// A destination that keeps nothing: the dry run's.
struct Discard;

impl Write for Discard {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}
