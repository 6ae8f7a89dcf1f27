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
//! children in libvirt's order (driver, auth, source, backingStore, mirror, geometry, blockio,
//! target, iotune, readonly, shareable, transient, serial, wwn, vendor, product, encryption,
//! boot, alias, address; docs/formats.md has the children of a source), `<x/>` for empty elements, a final newline. What the model does not
//! know follows the known attributes and children of the same element, in its original order.
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

use core::fmt::{self, Write};

use diskxml_model::{
    Address, AddressKind, Auth, BackingLayer, BackingStore, Blockio, Disk, Driver, Element, Encryption, Host,
    IOTUNE_GROUP_NAME_AFTER, Iotune, Name, NetworkExtras, NetworkSource, Node, Source, Target, Unknown,
};

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
    check(disk)?;
    let mut w = Writer { out, depth };
    w.disk(disk)?;
    Ok(())
}

const DISK_ATTRS: &[&str] = &["type", "device"];
const DRIVER_ATTRS: &[&str] = &[
    "name",
    "type",
    "cache",
    "error_policy",
    "rerror_policy",
    "io",
    "ioeventfd",
    "event_idx",
    "copy_on_read",
    "discard",
    "iothread",
    "detect_zeroes",
    "queues",
    "queue_size",
    "iommu",
    "ats",
    "packed",
    "page_per_vq",
];
const NETWORK_SOURCE_ATTRS: &[&str] = &["protocol", "name", "tls", "tlsHostname", "query", "snapshot-timeout", "index"];
const HOST_ATTRS: &[&str] = &["name", "port", "transport", "socket"];
const TARGET_ATTRS: &[&str] = &["dev", "bus", "tray", "removable", "rotation_rate"];
const DRIVE_ATTRS: &[&str] = &["type", "controller", "bus", "target", "unit"];
const PCI_ATTRS: &[&str] = &["type", "domain", "bus", "slot", "function"];

fn no_clash(unknown: &Unknown, element: &'static str, known: &[&str]) -> Result<(), Error> {
    match unknown.clash(known) {
        Some(name) => Err(Error::AttributeClash { element, attribute: name.clone() }),
        None => Ok(()),
    }
}

fn encryption_clash(e: Option<&Encryption>) -> Result<(), Error> {
    let Some(e) = e else { return Ok(()) };
    no_clash(&e.unknown, "encryption", &["format", "engine"])?;
    for secret in &e.secrets {
        no_clash(&secret.unknown, "secret", &["type", "uuid", "usage"])?;
    }
    Ok(())
}

fn auth_clash(auth: &Auth) -> Result<(), Error> {
    no_clash(&auth.unknown, "auth", &["username"])?;
    match &auth.secret {
        Some(secret) => no_clash(&secret.unknown, "secret", &["type", "uuid", "usage"]),
        None => Ok(()),
    }
}

/// Refuses a disk whose kept unknown attributes clash with known ones, before any output.
fn check(disk: &Disk) -> Result<(), Error> {
    no_clash(&disk.unknown, "disk", DISK_ATTRS)?;
    if let Some(driver) = &disk.driver {
        no_clash(&driver.unknown, "driver", DRIVER_ATTRS)?;
    }
    if let Some(auth) = &disk.auth {
        auth_clash(auth)?;
    }
    if let Some(blockio) = &disk.blockio {
        no_clash(&blockio.unknown, "blockio", &["logical_block_size", "physical_block_size"])?;
    }
    if let Some(geometry) = &disk.geometry {
        no_clash(&geometry.unknown, "geometry", &["cyls", "heads", "secs", "trans"])?;
    }
    if let Some(transient) = &disk.transient {
        no_clash(&transient.unknown, "transient", &["shareBacking"])?;
    }
    if let Some(iotune) = &disk.iotune {
        no_clash(&iotune.unknown, "iotune", &[])?;
    }
    source_clash(&disk.source)?;
    encryption_clash(disk.encryption.as_deref())?;
    if let Some(backing) = &disk.backing_store {
        backing_clash(backing)?;
    }
    if let Some(mirror) = &disk.mirror {
        layer_clash(&mirror.layer, "mirror", &["type", "job", "ready", "index"])?;
    }
    if let Some(target) = &disk.target {
        no_clash(&target.unknown, "target", TARGET_ATTRS)?;
    }
    if let Some(boot) = &disk.boot {
        no_clash(&boot.unknown, "boot", &["order", "loadparm"])?;
    }
    if let Some(alias) = &disk.alias {
        no_clash(&alias.unknown, "alias", &["name"])?;
    }
    if let Some(address) = &disk.address {
        let known = match address.kind {
            AddressKind::Drive(_) => DRIVE_ATTRS,
            AddressKind::Pci(_) => PCI_ATTRS,
            AddressKind::Ccw(_) => &["type", "cssid", "ssid", "devno"],
            AddressKind::Usb(_) => &["type", "bus", "port"],
            AddressKind::Other(_) | _ => &["type"],
        };
        no_clash(&address.unknown, "address", known)?;
    }
    Ok(())
}

/// The clash check of a `<source>` (and its hosts, auth and encryption).
fn source_clash(source: &Source) -> Result<(), Error> {
    let encryption = match source {
        Source::File(f) => f.encryption.as_deref(),
        Source::Block(b) => b.encryption.as_deref(),
        Source::Dir(d) => d.encryption.as_deref(),
        Source::Volume(v) => v.encryption.as_deref(),
        Source::Network(n) => n.encryption.as_deref(),
        _ => None,
    };
    encryption_clash(encryption)?;
    match source {
        Source::File(file) => no_clash(&file.unknown, "source", &["file", "startupPolicy", "index"])?,
        Source::Block(block) => no_clash(&block.unknown, "source", &["dev", "startupPolicy", "index"])?,
        Source::Dir(dir) => no_clash(&dir.unknown, "source", &["dir", "startupPolicy", "index"])?,
        Source::Volume(v) => no_clash(&v.unknown, "source", &["pool", "volume", "mode", "startupPolicy", "index"])?,
        Source::Nvme(n) => no_clash(&n.unknown, "source", &["type", "managed", "namespace", "index"])?,
        Source::VhostUser(v) => no_clash(&v.unknown, "source", &["type", "path", "index"])?,
        Source::Network(net) => {
            no_clash(&net.unknown, "source", NETWORK_SOURCE_ATTRS)?;
            for host in net.hosts() {
                no_clash(&host.unknown, "host", HOST_ATTRS)?;
            }
            if let Some(auth) = &net.auth {
                auth_clash(auth)?;
            }
        }
        Source::Other(_) | _ => {}
    }
    Ok(())
}

/// The clash check of a backing chain, layer by layer.
fn backing_clash(backing: &BackingStore) -> Result<(), Error> {
    match backing {
        BackingStore::Layer(layer) => layer_clash(layer, "backingStore", &["type", "index"]),
        BackingStore::End => Ok(()),
    }
}

/// The clash check of one layer (a backing store or a mirror) and the chain below it.
fn layer_clash(layer: &BackingLayer, element: &'static str, known: &[&str]) -> Result<(), Error> {
    {
        no_clash(&layer.unknown, element, known)?;
        if let Some(format) = &layer.format {
            no_clash(&format.unknown, "format", &["type"])?;
        }
        source_clash(&layer.source)?;
    }
    match &layer.backing {
        Some(backing) => backing_clash(backing),
        None => Ok(()),
    }
}

struct Writer<'a, W: Write + ?Sized> {
    out: &'a mut W,
    depth: usize,
}

impl<W: Write + ?Sized> Writer<'_, W> {
    fn indent(&mut self) -> fmt::Result {
        for _ in 0..self.depth {
            self.out.write_str("  ")?;
        }
        Ok(())
    }

    /// Writes the indentation and `<name`.
    fn open(&mut self, name: &str) -> fmt::Result {
        self.indent()?;
        self.out.write_char('<')?;
        self.out.write_str(name)
    }

    fn attr(&mut self, name: &str, value: &str) -> fmt::Result {
        self.out.write_char(' ')?;
        self.out.write_str(name)?;
        self.out.write_str("='")?;
        escape(self.out, value, true)?;
        self.out.write_char('\'')
    }

    fn opt_attr(&mut self, name: &str, value: Option<&str>) -> fmt::Result {
        match value {
            Some(value) => self.attr(name, value),
            None => Ok(()),
        }
    }

    fn num_attr(&mut self, name: &str, value: Option<impl fmt::Display>) -> fmt::Result {
        match value {
            Some(value) => write!(self.out, " {name}='{value}'"),
            None => Ok(()),
        }
    }

    fn hex_attr(&mut self, name: &str, value: Option<u32>, width: usize) -> fmt::Result {
        match value {
            Some(value) => write!(self.out, " {name}='0x{value:0width$x}'"),
            None => Ok(()),
        }
    }

    /// Writes the unknown attributes, then closes the start tag: `/>` when there are no
    /// children (known ones included, `has_children`), else `>` and a newline.
    fn finish_start(&mut self, unknown: &Unknown, has_children: bool) -> Result<bool, fmt::Error> {
        for a in unknown.attributes() {
            self.attr(a.name.as_str(), a.value.as_str())?;
        }
        let open = has_children || !unknown.children.is_empty();
        self.out.write_str(if open { ">\n" } else { "/>\n" })?;
        Ok(open)
    }

    /// Writes the unknown children one level deeper and the end tag, if the element is open.
    fn finish(&mut self, name: &str, unknown: &Unknown, open: bool) -> fmt::Result {
        if !open {
            return Ok(());
        }
        self.depth += 1;
        for node in &unknown.children {
            self.indent()?;
            self.node(node)?;
            self.out.write_char('\n')?;
        }
        self.depth -= 1;
        self.indent()?;
        writeln!(self.out, "</{name}>")
    }

    fn disk(&mut self, disk: &Disk) -> fmt::Result {
        self.open("disk")?;
        if !matches!(&disk.source, Source::File(f) if f.implicit_type) {
            self.attr("type", disk.disk_type())?;
        }
        self.opt_attr("device", disk.device.as_ref().map(|d| d.as_str()))?;
        let open = self.finish_start(&disk.unknown, true)?;
        self.depth += 1;
        if let Some(driver) = &disk.driver {
            self.driver(driver)?;
        }
        if let Some(auth) = &disk.auth {
            self.auth(auth)?;
        }
        self.source(&disk.source)?;
        if let Some(backing) = &disk.backing_store {
            self.backing_store(backing)?;
        }
        if let Some(mirror) = &disk.mirror {
            self.layer("mirror", &mirror.layer, &[("job", mirror.job.as_deref()), ("ready", mirror.ready.as_deref())])?;
        }
        if let Some(geometry) = &disk.geometry {
            self.open("geometry")?;
            self.num_attr("cyls", geometry.cyls)?;
            self.num_attr("heads", geometry.heads)?;
            self.num_attr("secs", geometry.secs)?;
            self.opt_attr("trans", geometry.trans.as_deref())?;
            let open = self.finish_start(&geometry.unknown, false)?;
            self.finish("geometry", &geometry.unknown, open)?;
        }
        if let Some(blockio) = &disk.blockio {
            self.blockio(blockio)?;
        }
        if let Some(target) = &disk.target {
            self.target(target)?;
        }
        if let Some(iotune) = &disk.iotune {
            self.iotune(iotune)?;
        }
        if disk.readonly {
            self.indent()?;
            self.out.write_str("<readonly/>\n")?;
        }
        if disk.shareable {
            self.indent()?;
            self.out.write_str("<shareable/>\n")?;
        }
        if let Some(transient) = &disk.transient {
            self.open("transient")?;
            self.opt_attr("shareBacking", transient.share_backing.as_deref())?;
            let open = self.finish_start(&transient.unknown, false)?;
            self.finish("transient", &transient.unknown, open)?;
        }
        self.text_element("serial", disk.serial.as_deref())?;
        self.text_element("wwn", disk.wwn.as_deref())?;
        self.text_element("vendor", disk.vendor.as_deref())?;
        self.text_element("product", disk.product.as_deref())?;
        if let Some(encryption) = &disk.encryption {
            self.encryption(encryption)?;
        }
        if let Some(boot) = &disk.boot {
            self.open("boot")?;
            self.num_attr("order", Some(boot.order))?;
            self.opt_attr("loadparm", boot.loadparm.as_deref())?;
            let open = self.finish_start(&boot.unknown, false)?;
            self.finish("boot", &boot.unknown, open)?;
        }
        if let Some(alias) = &disk.alias {
            self.open("alias")?;
            self.attr("name", &alias.name)?;
            let open = self.finish_start(&alias.unknown, false)?;
            self.finish("alias", &alias.unknown, open)?;
        }
        if let Some(address) = &disk.address {
            self.address(address)?;
        }
        self.depth -= 1;
        self.finish("disk", &disk.unknown, open)
    }

    fn text_element(&mut self, name: &str, text: Option<&str>) -> fmt::Result {
        let Some(text) = text else { return Ok(()) };
        self.indent()?;
        write!(self.out, "<{name}>")?;
        escape(self.out, text, false)?;
        writeln!(self.out, "</{name}>")
    }

    fn driver(&mut self, d: &Driver) -> fmt::Result {
        self.open("driver")?;
        self.opt_attr("name", d.name.as_deref())?;
        self.opt_attr("type", d.format.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("cache", d.cache.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("error_policy", d.error_policy.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("rerror_policy", d.rerror_policy.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("io", d.io.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("ioeventfd", d.ioeventfd.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("event_idx", d.event_idx.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("copy_on_read", d.copy_on_read.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("discard", d.discard.as_ref().map(|v| v.as_str()))?;
        self.num_attr("iothread", d.iothread)?;
        self.opt_attr("detect_zeroes", d.detect_zeroes.as_ref().map(|v| v.as_str()))?;
        self.num_attr("queues", d.queues)?;
        self.num_attr("queue_size", d.queue_size)?;
        self.opt_attr("iommu", d.iommu.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("ats", d.ats.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("packed", d.packed.as_ref().map(|v| v.as_str()))?;
        self.opt_attr("page_per_vq", d.page_per_vq.as_ref().map(|v| v.as_str()))?;
        let open = self.finish_start(&d.unknown, d.metadata_cache.is_some())?;
        if let Some(cache) = &d.metadata_cache {
            self.depth += 1;
            self.open("metadata_cache")?;
            match cache.max_size {
                Some(size) => {
                    self.out.write_str(">\n")?;
                    self.depth += 1;
                    self.open("max_size")?;
                    self.opt_attr("unit", cache.unit.as_deref())?;
                    writeln!(self.out, ">{size}</max_size>")?;
                    self.depth -= 1;
                    self.indent()?;
                    self.out.write_str("</metadata_cache>\n")?;
                }
                None => self.out.write_str("/>\n")?,
            }
            self.depth -= 1;
        }
        self.finish("driver", &d.unknown, open)
    }

    fn source(&mut self, source: &Source) -> fmt::Result {
        // One rule decides whether a <source> is written, for disks and backing layers alike.
        if !writes_source(source) {
            return Ok(());
        }
        match source {
            Source::File(f) => {
                let policy = f.startup_policy.as_ref().map(|p| p.as_str());
                self.local_source(
                    &[("file", f.path.as_deref()), ("startupPolicy", policy)],
                    f.index,
                    f.encryption.as_deref(),
                    &f.unknown,
                )
            }
            Source::Block(b) => {
                let policy = b.startup_policy.as_ref().map(|p| p.as_str());
                self.local_source(
                    &[("dev", b.dev.as_deref()), ("startupPolicy", policy)],
                    b.index,
                    b.encryption.as_deref(),
                    &b.unknown,
                )
            }
            Source::Dir(d) => {
                let policy = d.startup_policy.as_ref().map(|p| p.as_str());
                self.local_source(
                    &[("dir", d.dir.as_deref()), ("startupPolicy", policy)],
                    d.index,
                    d.encryption.as_deref(),
                    &d.unknown,
                )
            }
            Source::Nvme(n) => self.nvme_source(n),
            Source::VhostUser(v) => {
                let attrs = [("type", v.source_type.as_deref()), ("path", v.path.as_deref())];
                self.local_source(&attrs, v.index, None, &v.unknown)
            }
            Source::Volume(v) => {
                let attrs = [
                    ("pool", v.pool.as_deref()),
                    ("volume", v.volume.as_deref()),
                    ("mode", v.mode.as_ref().map(|m| m.as_str())),
                    ("startupPolicy", v.startup_policy.as_ref().map(|p| p.as_str())),
                ];
                self.local_source(&attrs, v.index, v.encryption.as_deref(), &v.unknown)
            }
            Source::Network(net) => self.network_source(net),
            Source::Other(other) => match &other.source {
                Some(element) => {
                    self.indent()?;
                    self.element(element)?;
                    self.out.write_char('\n')
                }
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// A `<source>` of a disk on the host (file, block, dir, volume): its attributes in
    /// libvirt's order, then `index` (whether it is written at all is `writes_source`).
    fn local_source(
        &mut self,
        attrs: &[(&str, Option<&str>)],
        index: Option<u32>,
        encryption: Option<&Encryption>,
        unknown: &Unknown,
    ) -> fmt::Result {
        self.open("source")?;
        for (name, value) in attrs {
            self.opt_attr(name, *value)?;
        }
        self.num_attr("index", index)?;
        if let Some(encryption) = encryption {
            let open = self.finish_start(unknown, true)?;
            self.depth += 1;
            self.encryption(encryption)?;
            self.depth -= 1;
            return self.finish("source", unknown, open);
        }
        let open = self.finish_start(unknown, false)?;
        self.finish("source", unknown, open)
    }

    fn network_source(&mut self, net: &NetworkSource) -> fmt::Result {
        self.open("source")?;
        self.attr("protocol", net.protocol().as_str())?;
        self.opt_attr("name", net.name.as_deref())?;
        self.opt_attr("tls", net.tls.as_ref().map(|t| t.as_str()))?;
        self.opt_attr("tlsHostname", net.tls_hostname.as_deref())?;
        self.opt_attr("query", net.query.as_deref())?;
        self.num_attr("snapshot-timeout", net.snapshot_timeout)?;
        self.num_attr("index", net.index)?;
        let children =
            !net.hosts().is_empty() || net.auth.is_some() || net.encryption.is_some() || net.extras.is_some();
        let open = self.finish_start(&net.unknown, children)?;
        self.depth += 1;
        for host in net.hosts() {
            self.host(host)?;
        }
        if let Some(extras) = &net.extras {
            self.network_extras(extras)?;
        }
        if let Some(auth) = &net.auth {
            self.auth(auth)?;
        }
        if let Some(encryption) = &net.encryption {
            self.encryption(encryption)?;
        }
        self.depth -= 1;
        self.finish("source", &net.unknown, open)
    }

    fn host(&mut self, host: &Host) -> fmt::Result {
        self.open("host")?;
        if let Some(socket) = host.socket() {
            // libvirt's order for a unix host.
            self.attr("transport", "unix")?;
            self.attr("socket", socket)?;
        } else {
            self.opt_attr("name", host.name().map(|n| n.as_str()))?;
            self.num_attr("port", host.port())?;
            self.opt_attr("transport", host.transport().map(|t| t.as_str()))?;
        }
        let open = self.finish_start(&host.unknown, false)?;
        self.finish("host", &host.unknown, open)
    }

    fn nvme_source(&mut self, n: &diskxml_model::NvmeSource) -> fmt::Result {
        self.open("source")?;
        self.opt_attr("type", n.source_type.as_deref())?;
        self.opt_attr("managed", n.managed.as_ref().map(|m| m.as_str()))?;
        self.num_attr("namespace", n.namespace)?;
        self.num_attr("index", n.index)?;
        let open = self.finish_start(&n.unknown, n.address.is_some())?;
        if let Some(p) = &n.address {
            self.depth += 1;
            self.open("address")?;
            self.hex_attr("domain", p.domain, 4)?;
            self.hex_attr("bus", p.bus, 2)?;
            self.hex_attr("slot", p.slot, 2)?;
            self.hex_attr("function", p.function, 1)?;
            self.out.write_str("/>\n")?;
            self.depth -= 1;
        }
        self.finish("source", &n.unknown, open)
    }

    /// A backing chain, nested as libvirt writes it.
    fn backing_store(&mut self, backing: &BackingStore) -> fmt::Result {
        match backing {
            BackingStore::Layer(layer) => self.layer("backingStore", layer, &[]),
            BackingStore::End => {
                self.indent()?;
                self.out.write_str("<backingStore/>\n")
            }
        }
    }

    /// A backing layer or a mirror: `type`, `extra` attributes, `index`; format, source and
    /// the next backing store.
    fn layer(&mut self, element: &str, layer: &BackingLayer, extra: &[(&str, Option<&str>)]) -> fmt::Result {
        self.open(element)?;
        self.attr("type", layer.source.disk_type())?;
        for (name, value) in extra {
            self.opt_attr(name, *value)?;
        }
        self.num_attr("index", layer.index)?;
        let has_children = layer.format.is_some() || layer.backing.is_some() || writes_source(&layer.source);
        let open = self.finish_start(&layer.unknown, has_children)?;
        self.depth += 1;
        if let Some(format) = &layer.format {
            self.open("format")?;
            self.attr("type", format.format.as_str())?;
            let format_open = self.finish_start(&format.unknown, false)?;
            self.finish("format", &format.unknown, format_open)?;
        }
        self.source(&layer.source)?;
        if let Some(next) = &layer.backing {
            self.backing_store(next)?;
        }
        self.depth -= 1;
        self.finish(element, &layer.unknown, open)
    }

    /// One empty element with one attribute, if the value is there.
    fn single(&mut self, element: &str, attribute: &str, value: Option<&str>) -> fmt::Result {
        let Some(value) = value else { return Ok(()) };
        self.open(element)?;
        self.attr(attribute, value)?;
        self.out.write_str("/>\n")
    }

    fn single_number(&mut self, element: &str, attribute: &str, value: Option<u64>) -> fmt::Result {
        let Some(value) = value else { return Ok(()) };
        self.open(element)?;
        self.num_attr(attribute, Some(value))?;
        self.out.write_str("/>\n")
    }

    fn network_extras(&mut self, x: &NetworkExtras) -> fmt::Result {
        self.single("snapshot", "name", x.snapshot.as_deref())?;
        self.single("config", "file", x.config.as_deref())?;
        self.single("knownHosts", "path", x.known_hosts.as_deref())?;
        if let Some(id) = &x.identity {
            self.open("identity")?;
            self.opt_attr("user", id.user.as_deref())?;
            self.opt_attr("group", id.group.as_deref())?;
            self.opt_attr("username", id.username.as_deref())?;
            self.opt_attr("keyfile", id.keyfile.as_deref())?;
            self.opt_attr("agentsock", id.agentsock.as_deref())?;
            self.out.write_str("/>\n")?;
        }
        self.single_number("reconnect", "delay", x.reconnect_delay.map(u64::from))?;
        self.single("ssl", "verify", x.ssl_verify.as_ref().map(|v| v.as_str()))?;
        if !x.cookies.is_empty() {
            self.open("cookies")?;
            self.out.write_str(">\n")?;
            self.depth += 1;
            for (name, value) in &x.cookies {
                self.open("cookie")?;
                self.attr("name", name)?;
                self.out.write_char('>')?;
                escape(self.out, value, false)?;
                self.out.write_str("</cookie>\n")?;
            }
            self.depth -= 1;
            self.indent()?;
            self.out.write_str("</cookies>\n")?;
        }
        self.single_number("readahead", "size", x.readahead)?;
        self.single_number("timeout", "seconds", x.timeout)?;
        if let Some(iqn) = &x.initiator_iqn {
            self.open("initiator")?;
            self.out.write_str(">\n")?;
            self.depth += 1;
            self.single("iqn", "name", Some(iqn))?;
            self.depth -= 1;
            self.indent()?;
            self.out.write_str("</initiator>\n")?;
        }
        Ok(())
    }

    fn encryption(&mut self, e: &Encryption) -> fmt::Result {
        self.open("encryption")?;
        self.opt_attr("format", e.format.as_deref())?;
        self.opt_attr("engine", e.engine.as_deref())?;
        let open = self.finish_start(&e.unknown, !e.secrets.is_empty())?;
        self.depth += 1;
        for secret in &e.secrets {
            self.open("secret")?;
            self.opt_attr("type", secret.secret_type.as_deref())?;
            self.opt_attr("uuid", secret.uuid.as_deref())?;
            self.opt_attr("usage", secret.usage.as_deref())?;
            let secret_open = self.finish_start(&secret.unknown, false)?;
            self.finish("secret", &secret.unknown, secret_open)?;
        }
        self.depth -= 1;
        self.finish("encryption", &e.unknown, open)
    }

    fn auth(&mut self, auth: &Auth) -> fmt::Result {
        self.open("auth")?;
        self.attr("username", &auth.username)?;
        let open = self.finish_start(&auth.unknown, auth.secret.is_some())?;
        if let Some(secret) = &auth.secret {
            self.depth += 1;
            self.open("secret")?;
            self.opt_attr("type", secret.secret_type.as_ref().map(|t| t.as_str()))?;
            self.opt_attr("uuid", secret.uuid.as_deref())?;
            self.opt_attr("usage", secret.usage.as_deref())?;
            let secret_open = self.finish_start(&secret.unknown, false)?;
            self.finish("secret", &secret.unknown, secret_open)?;
            self.depth -= 1;
        }
        self.finish("auth", &auth.unknown, open)
    }

    fn blockio(&mut self, blockio: &Blockio) -> fmt::Result {
        self.open("blockio")?;
        self.num_attr("logical_block_size", blockio.logical_block_size)?;
        self.num_attr("physical_block_size", blockio.physical_block_size)?;
        let open = self.finish_start(&blockio.unknown, false)?;
        self.finish("blockio", &blockio.unknown, open)
    }

    fn iotune(&mut self, iotune: &Iotune) -> fmt::Result {
        self.open("iotune")?;
        let has_children = iotune.limits().next().is_some() || iotune.group_name.is_some();
        let open = self.finish_start(&iotune.unknown, has_children)?;
        self.depth += 1;
        let mut group_written = false;
        for (name, value) in iotune.limits() {
            let index = Iotune::LIMITS.iter().position(|l| *l == name).unwrap_or(0);
            if !group_written && index >= IOTUNE_GROUP_NAME_AFTER {
                self.group_name(iotune)?;
                group_written = true;
            }
            self.indent()?;
            writeln!(self.out, "<{name}>{value}</{name}>")?;
        }
        if !group_written {
            self.group_name(iotune)?;
        }
        self.depth -= 1;
        self.finish("iotune", &iotune.unknown, open)
    }

    fn group_name(&mut self, iotune: &Iotune) -> fmt::Result {
        if let Some(group) = &iotune.group_name {
            self.indent()?;
            self.out.write_str("<group_name>")?;
            escape(self.out, group, false)?;
            self.out.write_str("</group_name>\n")?;
        }
        Ok(())
    }

    fn target(&mut self, target: &Target) -> fmt::Result {
        self.open("target")?;
        self.attr("dev", &target.dev)?;
        self.opt_attr("bus", target.bus.as_ref().map(|b| b.as_str()))?;
        self.opt_attr("tray", target.tray.as_ref().map(|t| t.as_str()))?;
        self.opt_attr("removable", target.removable.as_ref().map(|r| r.as_str()))?;
        self.num_attr("rotation_rate", target.rotation_rate)?;
        let open = self.finish_start(&target.unknown, false)?;
        self.finish("target", &target.unknown, open)
    }

    fn address(&mut self, address: &Address) -> fmt::Result {
        self.open("address")?;
        self.attr("type", address.kind.type_name())?;
        match &address.kind {
            AddressKind::Drive(d) => {
                self.num_attr("controller", d.controller)?;
                self.num_attr("bus", d.bus)?;
                self.num_attr("target", d.target)?;
                self.num_attr("unit", d.unit)?;
            }
            AddressKind::Pci(p) => {
                self.hex_attr("domain", p.domain, 4)?;
                self.hex_attr("bus", p.bus, 2)?;
                self.hex_attr("slot", p.slot, 2)?;
                self.hex_attr("function", p.function, 1)?;
            }
            AddressKind::Ccw(c) => {
                self.hex_attr("cssid", c.cssid, 1)?;
                self.hex_attr("ssid", c.ssid, 1)?;
                self.hex_attr("devno", c.devno, 4)?;
            }
            AddressKind::Usb(u) => {
                self.num_attr("bus", u.bus)?;
                self.opt_attr("port", u.port.as_deref())?;
            }
            AddressKind::Other(_) | _ => {}
        }
        let open = self.finish_start(&address.unknown, false)?;
        self.finish("address", &address.unknown, open)
    }

    fn node(&mut self, node: &Node) -> fmt::Result {
        match node {
            Node::Element(element) => self.element(element),
            Node::Text(text) => escape(self.out, text, false),
        }
    }

    /// An unknown element, written as kept: its texts carry its own whitespace.
    fn element(&mut self, element: &Element) -> fmt::Result {
        self.out.write_char('<')?;
        self.out.write_str(element.name.as_str())?;
        for a in element.attributes() {
            self.attr(a.name.as_str(), a.value.as_str())?;
        }
        if element.children.is_empty() {
            return self.out.write_str("/>");
        }
        self.out.write_char('>')?;
        for child in &element.children {
            self.node(child)?;
        }
        write!(self.out, "</{}>", element.name)
    }
}

/// Whether an nvme source writes a `<source>` element (without cloning: the writer allocates nothing).
fn nvme_writes(n: &diskxml_model::NvmeSource) -> bool {
    n.source_type.is_some()
        || n.managed.is_some()
        || n.namespace.is_some()
        || n.index.is_some()
        || n.address.is_some()
        || !n.unknown.is_empty()
}

/// Whether the parts every host-side source shares (the parser's `local_common`) hold
/// anything: one place, so that no kind of source forgets one of them.
fn shared(
    startup_policy: &Option<diskxml_model::StartupPolicy>,
    index: Option<u32>,
    encryption: Option<&Encryption>,
    unknown: &Unknown,
) -> bool {
    startup_policy.is_some() || index.is_some() || encryption.is_some() || !unknown.is_empty()
}

/// Whether `source` writes a `<source>` element at all.
fn writes_source(source: &Source) -> bool {
    match source {
        Source::File(f) => f.path.is_some() || shared(&f.startup_policy, f.index, f.encryption.as_deref(), &f.unknown),
        Source::Block(b) => b.dev.is_some() || shared(&b.startup_policy, b.index, b.encryption.as_deref(), &b.unknown),
        Source::Dir(d) => d.dir.is_some() || shared(&d.startup_policy, d.index, d.encryption.as_deref(), &d.unknown),
        Source::Volume(v) => {
            v.pool.is_some()
                || v.volume.is_some()
                || v.mode.is_some()
                || shared(&v.startup_policy, v.index, v.encryption.as_deref(), &v.unknown)
        }
        Source::Network(_) => true,
        Source::Nvme(n) => nvme_writes(n),
        Source::VhostUser(v) => {
            v.source_type.is_some() || v.path.is_some() || v.index.is_some() || !v.unknown.is_empty()
        }
        Source::Other(o) => o.source.is_some(),
        _ => false,
    }
}

/// Writes `s` with markup characters escaped; in attribute values (`attr`) also tab and LF,
/// and CR everywhere (a parser would normalise them away otherwise).
fn escape<W: Write + ?Sized>(out: &mut W, s: &str, attr: bool) -> fmt::Result {
    let mut last = 0;
    for (i, byte) in s.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&apos;",
            b'"' => "&quot;",
            b'\r' => "&#13;",
            b'\t' if attr => "&#9;",
            b'\n' if attr => "&#10;",
            _ => continue,
        };
        // Every byte matched above is ASCII, so `i` and `i + 1` are character boundaries.
        out.write_str(&s[last..i])?;
        out.write_str(replacement)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::string::String;

    use super::*;

    fn escaped(s: &str, attr: bool) -> String {
        let mut out = String::new();
        escape(&mut out, s, attr).unwrap();
        out
    }

    #[test]
    fn escapes_markup_everywhere_and_whitespace_in_attributes() {
        assert_eq!(escaped("a&b<c>d'e\"f", false), "a&amp;b&lt;c&gt;d&apos;e&quot;f");
        assert_eq!(escaped("\t\n\r", true), "&#9;&#10;&#13;");
        assert_eq!(escaped("\t\n\r", false), "\t\n&#13;");
        assert_eq!(escaped("é]]>𝄞", false), "é]]&gt;𝄞");
        assert_eq!(escaped("", true), "");
    }
}
