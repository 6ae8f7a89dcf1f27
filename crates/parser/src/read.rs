//! From roxmltree's tree to the model.

use std::num::NonZeroU32;

use diskxml_model::{
    Address, AddressKind, Alias, Auth, BackingFormat, BackingLayer, BackingStore, BlockSource, Blockio, Boot, Bus,
    Cache, CcwAddress, DetectZeroes, DeviceKind, DirSource, Discard, Disk, DriveAddress, Driver, Element, Encryption,
    EncryptionSecret, ErrorPolicy, FileSource, Format, Geometry, Host, Identity, Io, Iotune, Mirror, Name,
    NetworkExtras, NetworkSource, Node as MNode, OnOff, OtherSource, PciAddress, Port, Protocol, ReadErrorPolicy,
    Secret, SecretType, Source, StartupPolicy, Target, Text, Transient, Transport, Tray, Unknown, UsbAddress,
    VolumeMode, VolumeSource, YesNo,
};
use roxmltree::{Attribute, Document, Node, ParsingOptions};

use crate::{Error, ErrorKind, Pos};

/// Limits that keep hostile input from exhausting memory, stack or time.
///
/// ```
/// let mut options = diskxml_parser::Options::default();
/// options.max_size = 64;
/// let err = diskxml_parser::parse_disk_with(&" ".repeat(100), &options).unwrap_err();
/// assert_eq!(err.to_string(), "1:1: the input is 100 bytes, more than the limit of 64");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The largest input accepted, in bytes. Default: 16 MiB.
    pub max_size: usize,
    /// The most XML nodes (elements, texts, attributes...) accepted. Default: 1,000,000.
    pub max_nodes: u32,
    /// The deepest element nesting accepted below the root. Default: 256.
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_size: 16 * 1024 * 1024, max_nodes: 1_000_000, max_depth: 256 }
    }
}

const START: Pos = Pos { line: 1, column: 1 };

fn document<'i>(text: &'i str, options: &Options) -> Result<Document<'i>, Error> {
    if text.len() > options.max_size {
        return Err(Error::new(START, ErrorKind::TooLarge { size: text.len(), limit: options.max_size }));
    }
    let parsing = ParsingOptions { allow_dtd: false, nodes_limit: options.max_nodes, ..ParsingOptions::default() };
    Document::parse_with_options(text, parsing).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        // roxmltree ends its messages with " at LINE:COL"; the position is ours to print.
        let suffix = format!(" at {pos}");
        let message = message.strip_suffix(&suffix).map_or(message.clone(), str::to_owned);
        Error::new(Pos { line: pos.row, column: pos.col }, ErrorKind::Xml(message))
    })
}

pub(crate) fn disk_document(text: &str, options: &Options) -> Result<Disk, Error> {
    let doc = document(text, options)?;
    let root = doc.root_element();
    let reader = Reader { doc: &doc, options };
    if root.tag_name().name() != "disk" || root.tag_name().namespace().is_some() {
        return Err(reader.err(root.range().start, unexpected_root("disk", root)));
    }
    reader.disk(root)
}

pub(crate) fn domain_document(text: &str, options: &Options) -> Result<Vec<Disk>, Error> {
    let doc = document(text, options)?;
    let root = doc.root_element();
    let reader = Reader { doc: &doc, options };
    if root.tag_name().name() != "domain" || root.tag_name().namespace().is_some() {
        return Err(reader.err(root.range().start, unexpected_root("domain", root)));
    }
    root.children()
        .filter(|n| is_named(*n, "devices"))
        .flat_map(|devices| devices.children().filter(|n| is_named(*n, "disk")))
        .map(|disk| reader.disk(disk))
        .collect()
}

/// Every `domain/devices/disk` with its byte range, in document order.
pub(crate) fn domain_disk_ranges(text: &str, options: &Options) -> Result<Vec<(std::ops::Range<usize>, Disk)>, Error> {
    let doc = document(text, options)?;
    let root = doc.root_element();
    let reader = Reader { doc: &doc, options };
    if !is_named(root, "domain") {
        return Err(reader.err(root.range().start, unexpected_root("domain", root)));
    }
    root.children()
        .filter(|n| is_named(*n, "devices"))
        .flat_map(|devices| devices.children().filter(|n| is_named(*n, "disk")))
        .map(|node| Ok((node.range(), reader.disk(node)?)))
        .collect()
}

/// Where a new device goes: the byte offset of `</devices>` (or of the end of `<devices/>`
/// ... `<domain>` when there is none) and the indentation of the existing devices.
pub(crate) fn devices_insertion_point(text: &str, options: &Options) -> Result<Option<usize>, Error> {
    let doc = document(text, options)?;
    let root = doc.root_element();
    let reader = Reader { doc: &doc, options };
    if !is_named(root, "domain") {
        return Err(reader.err(root.range().start, unexpected_root("domain", root)));
    }
    let Some(devices) = root.children().find(|n| is_named(*n, "devices")) else { return Ok(None) };
    let range = devices.range();
    // The end tag starts at the last '<' of the element's text; a self-closed <devices/> has none.
    let raw = &text[range.clone()];
    if raw.ends_with("/>") {
        return Ok(None);
    }
    Ok(raw.rfind("</").map(|at| range.start + at))
}

pub(crate) fn check_document(text: &str, options: &Options) -> Result<Vec<crate::Finding>, Error> {
    let doc = document(text, options)?;
    let root = doc.root_element();
    let reader = Reader { doc: &doc, options };
    let disks: Vec<Node<'_, '_>> = if is_named(root, "disk") {
        vec![root]
    } else if is_named(root, "domain") {
        root.children()
            .filter(|n| is_named(*n, "devices"))
            .flat_map(|devices| devices.children().filter(|n| is_named(*n, "disk")))
            .collect()
    } else {
        return Err(reader.err(root.range().start, unexpected_root("disk> or <domain", root)));
    };
    let mut findings = Vec::new();
    for node in disks {
        let disk = reader.disk(node)?;
        for problem in diskxml_model::validate(&disk) {
            let pos = reader.pos(locate(node, &problem.at));
            findings.push(crate::Finding { pos, problem });
        }
    }
    Ok(findings)
}

/// The byte where `locator` points below `disk`: the attribute or element it names, or the
/// nearest ancestor that exists (a missing attribute points at its element).
fn locate(disk: Node<'_, '_>, locator: &diskxml_model::Locator) -> usize {
    let mut node = disk;
    for step in &locator.0 {
        match step {
            diskxml_model::Step::Element { name, index } => {
                match node.children().filter(|c| is_named(*c, name)).nth(*index) {
                    Some(child) => node = child,
                    None => return node.range().start,
                }
            }
            diskxml_model::Step::Attribute(name) => {
                return node
                    .attributes()
                    .find(|a| a.name() == *name && a.namespace().is_none())
                    .map_or(node.range().start, |a| a.range().start);
            }
        }
    }
    node.range().start
}

fn unexpected_root(expected: &'static str, root: Node<'_, '_>) -> ErrorKind {
    let found = match root.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", root.tag_name().name()),
        None => root.tag_name().name().to_owned(),
    };
    ErrorKind::UnexpectedRoot { expected, found }
}

fn is_named(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace().is_none()
}

struct Reader<'d, 'i> {
    doc: &'d Document<'i>,
    options: &'d Options,
}

/// The known attributes of one element, read once; whatever is left is kept as unknown.
struct Attrs<'a, 'i> {
    attrs: Vec<Attribute<'a, 'i>>,
}

impl<'a, 'i> Attrs<'a, 'i> {
    fn take(&mut self, name: &str) -> Option<Attribute<'a, 'i>> {
        let at = self.attrs.iter().position(|a| a.name() == name && a.namespace().is_none())?;
        Some(self.attrs.remove(at))
    }
}

impl<'i> Reader<'_, 'i> {
    fn pos(&self, byte: usize) -> Pos {
        let p = self.doc.text_pos_at(byte);
        Pos { line: p.row, column: p.col }
    }

    fn err(&self, byte: usize, kind: ErrorKind) -> Error {
        Error::new(self.pos(byte), kind)
    }

    fn model_err(&self, byte: usize, e: diskxml_model::Error) -> Error {
        self.err(byte, ErrorKind::Model(e))
    }

    fn attrs<'a>(&self, node: Node<'a, 'i>) -> Result<Attrs<'a, 'i>, Error> {
        let attrs: Vec<_> = node.attributes().collect();
        if let Some(a) = attrs.iter().find(|a| a.namespace().is_some()) {
            let name = self.doc.input_text().get(a.range_qname()).unwrap_or(a.name()).to_owned();
            return Err(self.err(a.range().start, ErrorKind::Namespaced { what: "attribute", name }));
        }
        Ok(Attrs { attrs })
    }

    fn text(&self, a: &Attribute<'_, '_>, field: &'static str) -> Result<Text, Error> {
        Text::new(field, a.value()).map_err(|e| self.model_err(a.range_value().start, e))
    }

    fn opt_text(&self, a: Option<Attribute<'_, '_>>, field: &'static str) -> Result<Option<Text>, Error> {
        a.map(|a| self.text(&a, field)).transpose()
    }

    fn required<'a>(
        &self,
        attrs: &mut Attrs<'a, 'i>,
        node: Node<'_, '_>,
        element: &'static str,
        attribute: &'static str,
    ) -> Result<Attribute<'a, 'i>, Error> {
        attrs
            .take(attribute)
            .ok_or_else(|| self.err(node.range().start, ErrorKind::MissingAttribute { element, attribute }))
    }

    fn vocab<T>(
        &self,
        a: Option<Attribute<'_, '_>>,
        parse: fn(&str) -> Result<T, diskxml_model::Error>,
    ) -> Result<Option<T>, Error> {
        a.map(|a| parse(a.value()).map_err(|e| self.model_err(a.range_value().start, e))).transpose()
    }

    fn number(&self, a: &Attribute<'_, '_>, element: &'static str, attribute: &'static str) -> Result<u64, Error> {
        parse_decimal(a.value()).ok_or_else(|| self.invalid(a, element, attribute, "a non-negative decimal integer"))
    }

    fn u32_attr(
        &self,
        a: Option<Attribute<'_, '_>>,
        element: &'static str,
        attribute: &'static str,
    ) -> Result<Option<u32>, Error> {
        a.map(|a| {
            let n = self.number(&a, element, attribute)?;
            u32::try_from(n).map_err(|_| self.invalid(&a, element, attribute, "an integer below 2^32"))
        })
        .transpose()
    }

    /// A PCI address component: hexadecimal with `0x`, or decimal, as libvirt reads it.
    fn pci_attr(&self, a: Option<Attribute<'_, '_>>, attribute: &'static str) -> Result<Option<u32>, Error> {
        a.map(|a| {
            let v = a.value();
            let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()
                }
                Some(_) => None,
                None => parse_decimal(v).and_then(|n| u32::try_from(n).ok()),
            };
            parsed.ok_or_else(|| {
                self.invalid(&a, "address", attribute, "a hexadecimal (0x..) or decimal integer below 2^32")
            })
        })
        .transpose()
    }

    fn invalid(
        &self,
        a: &Attribute<'_, '_>,
        element: &'static str,
        attribute: &'static str,
        expected: &'static str,
    ) -> Error {
        self.err(
            a.range_value().start,
            ErrorKind::InvalidValue { element, attribute, expected, found: a.value().to_owned() },
        )
    }

    /// Keeps the attributes nobody took.
    fn rest(&self, attrs: Attrs<'_, '_>, unknown: &mut Unknown) -> Result<(), Error> {
        for a in attrs.attrs {
            let name = Name::new("attribute name", a.name()).map_err(|e| self.model_err(a.range().start, e))?;
            unknown.set_attribute(name, self.text(&a, "attribute value")?);
        }
        Ok(())
    }

    /// Keeps an unknown child of a known element: elements whole, non-blank text trimmed;
    /// comments and processing instructions are dropped.
    fn keep(&self, node: Node<'_, '_>, unknown: &mut Unknown, depth: usize) -> Result<(), Error> {
        if node.is_element() {
            unknown.children.push(MNode::Element(self.element(node, depth)?));
        } else if node.is_text() {
            // Stray text beside known elements: XML whitespace around it is layout. Texts that
            // known elements (or comments) kept apart end up next to each other here, and XML
            // cannot keep two texts apart, so they are joined by a newline: the writer puts
            // the result on its own line, and reading that back gives the same text.
            let text = node.text().unwrap_or_default().trim_matches(is_xml_space);
            if !text.is_empty() {
                let joined = match unknown.children.last() {
                    Some(MNode::Text(previous)) => format!("{previous}\n{text}"),
                    _ => text.to_owned(),
                };
                let joined = Text::new("text", joined).map_err(|e| self.model_err(node.range().start, e))?;
                match unknown.children.last_mut() {
                    Some(MNode::Text(previous)) => *previous = joined,
                    _ => unknown.children.push(MNode::Text(joined)),
                }
            }
        }
        Ok(())
    }

    fn check_element_name(&self, node: Node<'_, '_>) -> Result<(), Error> {
        if node.tag_name().namespace().is_some() {
            let range = node.range();
            let name = self.doc.input_text()[range.start + 1..range.end]
                .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
                .unwrap_or_default()
                .to_owned();
            return Err(self.err(node.range().start, ErrorKind::Namespaced { what: "element", name }));
        }
        Ok(())
    }

    /// An element the model does not know, kept whole.
    fn element(&self, node: Node<'_, '_>, depth: usize) -> Result<Element, Error> {
        if depth > self.options.max_depth {
            return Err(self.err(node.range().start, ErrorKind::TooDeep { limit: self.options.max_depth }));
        }
        self.check_element_name(node)?;
        let name =
            Name::new("element name", node.tag_name().name()).map_err(|e| self.model_err(node.range().start, e))?;
        let mut element = Element::new(name);
        for a in self.attrs(node)?.attrs {
            let name = Name::new("attribute name", a.name()).map_err(|e| self.model_err(a.range().start, e))?;
            element.set_attribute(name, self.text(&a, "attribute value")?);
        }
        for child in node.children() {
            if child.is_element() {
                element.children.push(MNode::Element(self.element(child, depth + 1)?));
            } else if child.is_text() {
                // A comment or processing instruction between two texts is not kept, which
                // leaves the texts adjacent: join them, as a second read would.
                let piece = child.text().unwrap_or_default();
                let joined = match element.children.last() {
                    Some(MNode::Text(previous)) => format!("{previous}{piece}"),
                    _ => piece.to_owned(),
                };
                let text = Text::new("text", joined).map_err(|e| self.model_err(child.range().start, e))?;
                match element.children.last_mut() {
                    Some(MNode::Text(previous)) => *previous = text,
                    _ => element.children.push(MNode::Text(text)),
                }
            }
        }
        Ok(element)
    }

    /// Reads the children of a known element that has no known children.
    fn leaf_children(&self, node: Node<'_, '_>, unknown: &mut Unknown) -> Result<(), Error> {
        for child in node.children() {
            self.keep(child, unknown, 2)?;
        }
        Ok(())
    }

    fn disk(&self, node: Node<'_, 'i>) -> Result<Disk, Error> {
        let mut attrs = self.attrs(node)?;
        let disk_type = attrs.take("type");
        let device = self.vocab(attrs.take("device"), DeviceKind::parse)?;
        let mut unknown = Unknown::default();
        self.rest(attrs, &mut unknown)?;

        let simple = matches!(
            disk_type.as_ref().map(Attribute::value),
            None | Some("file" | "block" | "dir" | "volume" | "nvme" | "vhostuser")
        );
        let mut source_node = None;
        let mut driver = None;
        let mut auth = None;
        let mut blockio = None;
        let mut backing_store = None;
        let mut mirror = None;
        let mut encryption = None;
        let mut geometry = None;
        let mut transient = None;
        let mut iotune = None;
        let mut target = None;
        let mut readonly = false;
        let mut shareable = false;
        let mut serial = None;
        let mut wwn = None;
        let mut vendor = None;
        let mut product = None;
        let mut boot = None;
        let mut alias = None;
        let mut address = None;
        for child in node.children() {
            if child.is_element() {
                self.check_element_name(child)?;
            }
            let name = if child.is_element() { child.tag_name().name() } else { "" };
            match name {
                "driver" if driver.is_none() => driver = Some(self.driver(child)?),
                "encryption" if encryption.is_none() => encryption = Some(Box::new(self.encryption(child)?)),
                "backingStore" if backing_store.is_none() => backing_store = Some(self.backing_store(child, 1)?),
                "mirror" if mirror.is_none() => mirror = Some(Box::new(self.mirror(child)?)),
                "auth" if auth.is_none() => auth = Some(self.auth(child)?),
                "blockio" if blockio.is_none() => blockio = Some(self.blockio(child)?),
                "geometry" if geometry.is_none() => geometry = Some(Box::new(self.geometry(child)?)),
                "transient" if transient.is_none() => transient = Some(Box::new(self.transient(child)?)),
                "iotune" if iotune.is_none() => iotune = Some(Box::new(self.iotune(child)?)),
                // An empty <source/> of a file or block disk says nothing the model can
                // hold; it is kept as unknown, so that a later <source> cannot take its
                // place on a second read.
                "source" if source_node.is_none() && !(simple && is_empty(child)) => source_node = Some(child),
                "target" if target.is_none() => target = Some(self.target(child)?),
                "readonly" if !readonly => readonly = self.flag(child, "readonly")?,
                "shareable" if !shareable => shareable = self.flag(child, "shareable")?,
                "serial" if serial.is_none() => serial = Some(self.text_element(child, "serial", "serial")?),
                "wwn" if wwn.is_none() => wwn = Some(self.text_element(child, "wwn", "wwn")?),
                "vendor" if vendor.is_none() => vendor = Some(self.text_element(child, "vendor", "vendor")?),
                "product" if product.is_none() => product = Some(self.text_element(child, "product", "product")?),
                "boot" if boot.is_none() => boot = Some(self.boot(child)?),
                "alias" if alias.is_none() => alias = Some(self.alias(child)?),
                "address" if address.is_none() => address = Some(self.address(child)?),
                _ => self.keep(child, &mut unknown, 1)?,
            }
        }

        let source = self.source(disk_type.as_ref(), source_node, node, "disk")?;

        let mut disk = Disk::new(source);
        disk.device = device;
        disk.driver = driver;
        disk.auth = auth;
        disk.blockio = blockio;
        disk.backing_store = backing_store;
        disk.mirror = mirror;
        disk.encryption = encryption;
        disk.geometry = geometry;
        disk.transient = transient;
        disk.target = target;
        disk.iotune = iotune;
        disk.readonly = readonly;
        disk.shareable = shareable;
        disk.serial = serial;
        disk.wwn = wwn;
        disk.vendor = vendor;
        disk.product = product;
        disk.boot = boot;
        disk.alias = alias;
        disk.address = address;
        disk.unknown = unknown;
        Ok(disk)
    }

    /// The source of a disk or backing layer of type `disk_type`, from its `<source>`.
    fn source(
        &self,
        disk_type: Option<&Attribute<'_, '_>>,
        source_node: Option<Node<'_, '_>>,
        owner: Node<'_, '_>,
        element: &'static str,
    ) -> Result<Source, Error> {
        Ok(match disk_type.map(Attribute::value) {
            None | Some("file") => {
                let mut file = FileSource { implicit_type: disk_type.is_none(), ..FileSource::default() };
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    file.path = self.opt_text(attrs.take("file"), "source.file")?;
                    (file.startup_policy, file.index, file.encryption, file.unknown) = self.local_common(src, attrs)?;
                }
                Source::File(file)
            }
            Some("block") => {
                let mut block = BlockSource::default();
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    block.dev = self.opt_text(attrs.take("dev"), "source.dev")?;
                    (block.startup_policy, block.index, block.encryption, block.unknown) =
                        self.local_common(src, attrs)?;
                }
                Source::Block(block)
            }
            Some("dir") => {
                let mut dir = DirSource::default();
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    dir.dir = self.opt_text(attrs.take("dir"), "source.dir")?;
                    (dir.startup_policy, dir.index, dir.encryption, dir.unknown) = self.local_common(src, attrs)?;
                }
                Source::Dir(dir)
            }
            Some("volume") => {
                let mut volume = VolumeSource::default();
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    volume.pool = self.opt_text(attrs.take("pool"), "source.pool")?;
                    volume.volume = self.opt_text(attrs.take("volume"), "source.volume")?;
                    volume.mode = self.vocab(attrs.take("mode"), VolumeMode::parse)?;
                    (volume.startup_policy, volume.index, volume.encryption, volume.unknown) =
                        self.local_common(src, attrs)?;
                }
                Source::Volume(volume)
            }
            Some("nvme") => {
                let mut nvme = diskxml_model::NvmeSource::default();
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    nvme.source_type = self.opt_text(attrs.take("type"), "source.type")?;
                    nvme.managed = self.vocab(attrs.take("managed"), YesNo::parse)?;
                    nvme.namespace = self.u32_attr(attrs.take("namespace"), "source", "namespace")?;
                    nvme.index = self.u32_attr(attrs.take("index"), "source", "index")?;
                    self.rest(attrs, &mut nvme.unknown)?;
                    for child in src.children() {
                        let plain = is_named(child, "address")
                            && nvme.address.is_none()
                            && child.attributes().all(|a| {
                                a.namespace().is_none() && ["domain", "bus", "slot", "function"].contains(&a.name())
                            })
                            && !child.children().any(|c| c.is_element());
                        if plain {
                            nvme.address = Some(PciAddress {
                                domain: self.pci_attr(child.attribute_node("domain"), "domain")?,
                                bus: self.pci_attr(child.attribute_node("bus"), "bus")?,
                                slot: self.pci_attr(child.attribute_node("slot"), "slot")?,
                                function: self.pci_attr(child.attribute_node("function"), "function")?,
                            });
                        } else {
                            if child.is_element() {
                                self.check_element_name(child)?;
                            }
                            self.keep(child, &mut nvme.unknown, 2)?;
                        }
                    }
                }
                Source::Nvme(nvme)
            }
            Some("vhostuser") => {
                let mut vhost = diskxml_model::VhostUserSource::default();
                if let Some(src) = source_node {
                    let mut attrs = self.attrs(src)?;
                    vhost.source_type = self.opt_text(attrs.take("type"), "source.type")?;
                    vhost.path = self.opt_text(attrs.take("path"), "source.path")?;
                    vhost.index = self.u32_attr(attrs.take("index"), "source", "index")?;
                    self.rest(attrs, &mut vhost.unknown)?;
                    self.leaf_children(src, &mut vhost.unknown)?;
                }
                Source::VhostUser(vhost)
            }
            Some("network") => {
                let src = source_node.ok_or_else(|| {
                    self.err(
                        owner.range().start,
                        ErrorKind::MissingElement {
                            element,
                            child: "source",
                            why: "a network disk names its protocol there",
                        },
                    )
                })?;
                Source::Network(self.network_source(src)?)
            }
            Some(_) => {
                let disk_type = disk_type.map(|a| self.text(a, "disk.type")).transpose()?.unwrap_or_default();
                let source = source_node.map(|s| self.element(s, 1)).transpose()?;
                Source::Other(OtherSource { disk_type, source })
            }
        })
    }

    /// A `<backingStore>`: the chain's end when empty, else a layer and what lies below it.
    fn backing_store(&self, node: Node<'_, '_>, depth: usize) -> Result<BackingStore, Error> {
        if depth > self.options.max_depth {
            return Err(self.err(node.range().start, ErrorKind::TooDeep { limit: self.options.max_depth }));
        }
        if is_empty(node) {
            return Ok(BackingStore::End);
        }
        let (layer, _) = self.layer(node, depth, "backingStore", &[])?;
        Ok(BackingStore::Layer(Box::new(layer)))
    }

    /// `<mirror>`: a layer with `job` and `ready`.
    fn mirror(&self, node: Node<'_, '_>) -> Result<Mirror, Error> {
        let (layer, mut extra) = self.layer(node, 1, "mirror", &["job", "ready"])?;
        let ready = extra.pop().flatten();
        let job = extra.pop().flatten();
        Ok(Mirror { job, ready, layer })
    }

    /// A backing layer or a mirror: `type`, `index`, the `extra` attributes asked for (in
    /// that order), format, source and the next backing store.
    fn layer(
        &self,
        node: Node<'_, '_>,
        depth: usize,
        element: &'static str,
        extra: &[&'static str],
    ) -> Result<(BackingLayer, Vec<Option<Text>>), Error> {
        let mut attrs = self.attrs(node)?;
        let disk_type = attrs.take("type");
        let index = self.u32_attr(attrs.take("index"), element, "index")?;
        let extra = extra
            .iter()
            .map(|name| self.opt_text(attrs.take(name), "attribute value"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut unknown = Unknown::default();
        self.rest(attrs, &mut unknown)?;
        let simple = matches!(
            disk_type.as_ref().map(Attribute::value),
            None | Some("file" | "block" | "dir" | "volume" | "nvme" | "vhostuser")
        );
        let (mut source_node, mut format, mut backing) = (None, None, None);
        for child in node.children() {
            if child.is_element() {
                self.check_element_name(child)?;
            }
            let name = if child.is_element() { child.tag_name().name() } else { "" };
            match name {
                "source" if source_node.is_none() && !(simple && is_empty(child)) => source_node = Some(child),
                "format" if format.is_none() && child.attribute("type").is_some() => {
                    let mut attrs = self.attrs(child)?;
                    let kind = self.vocab(attrs.take("type"), Format::parse)?.unwrap_or(Format::Raw);
                    let mut format_unknown = Unknown::default();
                    self.rest(attrs, &mut format_unknown)?;
                    self.leaf_children(child, &mut format_unknown)?;
                    format = Some(BackingFormat { format: kind, unknown: format_unknown });
                }
                "backingStore" if backing.is_none() => backing = Some(self.backing_store(child, depth + 1)?),
                _ => self.keep(child, &mut unknown, depth + 1)?,
            }
        }
        let mut source = self.source(disk_type.as_ref(), source_node, node, element)?;
        if let Source::File(file) = &mut source {
            // A layer always has a type; only a disk's may be implicit.
            file.implicit_type = false;
        }
        Ok((BackingLayer { source, index, format, backing, unknown }, extra))
    }

    fn flag(&self, node: Node<'_, '_>, element: &'static str) -> Result<bool, Error> {
        if let Some(a) = node.attributes().next() {
            return Err(self.err(
                a.range().start,
                ErrorKind::UnexpectedContent { element, found: format!("attribute '{}'", a.name()) },
            ));
        }
        if let Some(child) = node.children().find(|c| !is_noise(*c) && !is_blank(*c)) {
            return Err(
                self.err(child.range().start, ErrorKind::UnexpectedContent { element, found: "content".to_owned() })
            );
        }
        Ok(true)
    }

    /// An element that holds only text (`<serial>`, `<group_name>`, an iotune limit).
    fn text_element(&self, node: Node<'_, '_>, element: &'static str, field: &'static str) -> Result<Text, Error> {
        if let Some(a) = node.attributes().next() {
            return Err(self.err(
                a.range().start,
                ErrorKind::UnexpectedContent { element, found: format!("attribute '{}'", a.name()) },
            ));
        }
        if let Some(child) = node.children().find(Node::is_element) {
            return Err(self.err(
                child.range().start,
                ErrorKind::UnexpectedContent { element, found: format!("element <{}>", child.tag_name().name()) },
            ));
        }
        Text::new(field, text_of(node)).map_err(|e| self.model_err(node.range().start, e))
    }

    fn driver(&self, node: Node<'_, '_>) -> Result<Driver, Error> {
        let mut attrs = self.attrs(node)?;
        let mut driver = Driver {
            name: self.opt_text(attrs.take("name"), "driver.name")?,
            format: self.vocab(attrs.take("type"), Format::parse)?,
            cache: self.vocab(attrs.take("cache"), Cache::parse)?,
            error_policy: self.vocab(attrs.take("error_policy"), ErrorPolicy::parse)?,
            rerror_policy: self.vocab(attrs.take("rerror_policy"), ReadErrorPolicy::parse)?,
            io: self.vocab(attrs.take("io"), Io::parse)?,
            discard: self.vocab(attrs.take("discard"), Discard::parse)?,
            iothread: self.u32_attr(attrs.take("iothread"), "driver", "iothread")?,
            detect_zeroes: self.vocab(attrs.take("detect_zeroes"), DetectZeroes::parse)?,
            ioeventfd: self.vocab(attrs.take("ioeventfd"), OnOff::parse)?,
            event_idx: self.vocab(attrs.take("event_idx"), OnOff::parse)?,
            copy_on_read: self.vocab(attrs.take("copy_on_read"), OnOff::parse)?,
            queues: self.u32_attr(attrs.take("queues"), "driver", "queues")?,
            queue_size: self.u32_attr(attrs.take("queue_size"), "driver", "queue_size")?,
            iommu: self.vocab(attrs.take("iommu"), OnOff::parse)?,
            ats: self.vocab(attrs.take("ats"), OnOff::parse)?,
            packed: self.vocab(attrs.take("packed"), OnOff::parse)?,
            page_per_vq: self.vocab(attrs.take("page_per_vq"), OnOff::parse)?,
            metadata_cache: None,
            unknown: Unknown::default(),
        };
        self.rest(attrs, &mut driver.unknown)?;
        for child in node.children() {
            if driver.metadata_cache.is_none()
                && let Some(cache) = self.metadata_cache(child)?
            {
                driver.metadata_cache = Some(cache);
                continue;
            }
            if child.is_element() {
                self.check_element_name(child)?;
            }
            self.keep(child, &mut driver.unknown, 2)?;
        }
        Ok(driver)
    }

    fn network_source(&self, node: Node<'_, '_>) -> Result<NetworkSource, Error> {
        let mut attrs = self.attrs(node)?;
        let protocol = self.required(&mut attrs, node, "source", "protocol")?;
        let protocol =
            Protocol::parse(protocol.value()).map_err(|e| self.model_err(protocol.range_value().start, e))?;
        let name = self.opt_text(attrs.take("name"), "source.name")?;
        let mut source = NetworkSource::new(protocol, name);
        source.snapshot_timeout = self.u32_attr(attrs.take("snapshot-timeout"), "source", "snapshot-timeout")?;
        source.tls = self.vocab(attrs.take("tls"), YesNo::parse)?;
        source.tls_hostname = self.opt_text(attrs.take("tlsHostname"), "source.tlsHostname")?;
        source.query = self.opt_text(attrs.take("query"), "source.query")?;
        source.index = self.u32_attr(attrs.take("index"), "source", "index")?;
        self.rest(attrs, &mut source.unknown)?;
        for child in node.children() {
            if is_named(child, "host") {
                let host = self.host(child)?;
                source.push_host(host).map_err(|e| self.model_err(child.range().start, e))?;
            } else if is_named(child, "auth") && source.auth.is_none() {
                source.auth = Some(self.auth(child)?);
            } else if is_named(child, "encryption") && source.encryption.is_none() {
                source.encryption = Some(Box::new(self.encryption(child)?));
            } else if child.is_element() && self.network_extra(child, source.extras.get_or_insert_with(Box::default))? {
                // Typed into the extras.
            } else {
                if child.is_element() {
                    self.check_element_name(child)?;
                }
                self.keep(child, &mut source.unknown, 2)?;
            }
        }
        if source.extras.as_ref().is_some_and(|x| x.is_empty()) {
            source.extras = None;
        }
        Ok(source)
    }

    fn auth(&self, node: Node<'_, '_>) -> Result<Auth, Error> {
        let mut attrs = self.attrs(node)?;
        let username = self.required(&mut attrs, node, "auth", "username")?;
        let mut auth =
            Auth::new(username.value(), None).map_err(|e| self.model_err(username.range_value().start, e))?;
        self.rest(attrs, &mut auth.unknown)?;
        for child in node.children() {
            if is_named(child, "secret") && auth.secret.is_none() {
                let mut attrs = self.attrs(child)?;
                let mut secret = Secret {
                    secret_type: self.vocab(attrs.take("type"), SecretType::parse)?,
                    uuid: self.opt_text(attrs.take("uuid"), "auth.secret.uuid")?,
                    usage: self.opt_text(attrs.take("usage"), "auth.secret.usage")?,
                    unknown: Unknown::default(),
                };
                self.rest(attrs, &mut secret.unknown)?;
                self.leaf_children(child, &mut secret.unknown)?;
                auth.secret = Some(secret);
            } else {
                if child.is_element() {
                    self.check_element_name(child)?;
                }
                self.keep(child, &mut auth.unknown, 2)?;
            }
        }
        Ok(auth)
    }

    /// Reads `child` of a network `<source>` into `extras` when it is one of the known
    /// children in its plain form, not read yet; `false` (keep it as unknown) otherwise.
    fn network_extra(&self, child: Node<'_, '_>, extras: &mut NetworkExtras) -> Result<bool, Error> {
        if child.tag_name().namespace().is_some() {
            return Ok(false);
        }
        let only = |allowed: &[&str]| {
            child.attributes().all(|a| a.namespace().is_none() && allowed.contains(&a.name()))
                && child.children().all(|c| is_noise(c) || is_blank(c))
        };
        let text = |name: &str, field: &'static str| -> Result<Option<Text>, Error> {
            child.attribute_node(name).map(|a| self.text(&a, field)).transpose()
        };
        let number = |name: &'static str, element: &'static str| -> Result<Option<u64>, Error> {
            child.attribute_node(name).map(|a| self.number(&a, element, name)).transpose()
        };
        match child.tag_name().name() {
            "snapshot" if extras.snapshot.is_none() && only(&["name"]) && child.has_attribute("name") => {
                extras.snapshot = text("name", "source.snapshot.name")?
            }
            "config" if extras.config.is_none() && only(&["file"]) && child.has_attribute("file") => {
                extras.config = text("file", "source.config.file")?
            }
            "knownHosts" if extras.known_hosts.is_none() && only(&["path"]) && child.has_attribute("path") => {
                extras.known_hosts = text("path", "source.knownHosts.path")?;
            }
            "identity" if extras.identity.is_none() && only(&["user", "group", "username", "keyfile", "agentsock"]) => {
                extras.identity = Some(Identity {
                    user: text("user", "source.identity.user")?,
                    group: text("group", "source.identity.group")?,
                    username: text("username", "source.identity.username")?,
                    keyfile: text("keyfile", "source.identity.keyfile")?,
                    agentsock: text("agentsock", "source.identity.agentsock")?,
                });
            }
            "reconnect" if extras.reconnect_delay.is_none() && only(&["delay"]) && child.has_attribute("delay") => {
                let delay = child.attribute_node("delay").expect("checked above");
                let n = self.number(&delay, "reconnect", "delay")?;
                extras.reconnect_delay = Some(
                    u32::try_from(n)
                        .map_err(|_| self.invalid(&delay, "reconnect", "delay", "an integer below 2^32"))?,
                );
            }
            "ssl" if extras.ssl_verify.is_none() && only(&["verify"]) && child.has_attribute("verify") => {
                extras.ssl_verify = self.vocab(child.attribute_node("verify"), YesNo::parse)?;
            }
            "readahead" if extras.readahead.is_none() && only(&["size"]) && child.has_attribute("size") => {
                extras.readahead = number("size", "readahead")?
            }
            "timeout" if extras.timeout.is_none() && only(&["seconds"]) && child.has_attribute("seconds") => {
                extras.timeout = number("seconds", "timeout")?
            }
            "cookies" if extras.cookies.is_empty() => {
                let plain_cookie = |c: Node<'_, '_>| {
                    is_named(c, "cookie")
                        && c.attributes().all(|a| a.name() == "name" && a.namespace().is_none())
                        && c.has_attribute("name")
                        && c.children().all(|t| t.is_text() || is_noise(t))
                };
                let items: Vec<Node<'_, '_>> = child.children().filter(Node::is_element).collect();
                let blank = child
                    .children()
                    .filter(|c| c.is_text())
                    .all(|c| c.text().is_some_and(|t| t.trim_matches(is_xml_space).is_empty()));
                if items.is_empty()
                    || !blank
                    || child.attributes().next().is_some()
                    || !items.iter().all(|c| plain_cookie(*c))
                {
                    return Ok(false);
                }
                for cookie in items {
                    let name = cookie.attribute_node("name").expect("checked above");
                    let value = text_of(cookie);
                    let value =
                        Text::new("source.cookie", value).map_err(|e| self.model_err(cookie.range().start, e))?;
                    extras.cookies.push((self.text(&name, "source.cookie.name")?, value));
                }
            }
            "initiator" if extras.initiator_iqn.is_none() && child.attributes().next().is_none() => {
                let items: Vec<Node<'_, '_>> = child.children().filter(Node::is_element).collect();
                let blank = child
                    .children()
                    .filter(|c| c.is_text())
                    .all(|c| c.text().is_some_and(|t| t.trim_matches(is_xml_space).is_empty()));
                let [iqn] = items.as_slice() else { return Ok(false) };
                let plain = is_named(*iqn, "iqn")
                    && iqn.attributes().all(|a| a.name() == "name" && a.namespace().is_none())
                    && iqn.has_attribute("name")
                    && iqn.children().all(|c| is_noise(c) || is_blank(c));
                if !plain || !blank {
                    return Ok(false);
                }
                extras.initiator_iqn =
                    iqn.attribute_node("name").map(|a| self.text(&a, "source.initiator.iqn")).transpose()?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `<metadata_cache>` in its plain form (no attributes; at most one `<max_size>` with a
    /// `unit` and a decimal text); `None` when `node` is anything else, which is then kept.
    fn metadata_cache(&self, node: Node<'_, '_>) -> Result<Option<diskxml_model::MetadataCache>, Error> {
        if !is_named(node, "metadata_cache") || node.attributes().next().is_some() {
            return Ok(None);
        }
        let elements: Vec<Node<'_, '_>> = node.children().filter(|c| !is_blank(*c) && !is_noise(*c)).collect();
        match elements.as_slice() {
            [] => Ok(Some(diskxml_model::MetadataCache::default())),
            [max]
                if is_named(*max, "max_size")
                    && max.attributes().all(|a| a.name() == "unit" && a.namespace().is_none())
                    && max.children().all(|c| c.is_text() || is_noise(c)) =>
            {
                let text = text_of(*max);
                let Some(size) = parse_decimal(&text) else { return Ok(None) };
                let unit =
                    max.attribute_node("unit").map(|a| self.text(&a, "driver.metadata_cache.unit")).transpose()?;
                Ok(Some(diskxml_model::MetadataCache { max_size: Some(size), unit }))
            }
            _ => Ok(None),
        }
    }

    /// What every file, block, dir and volume `<source>` has besides its own attributes:
    /// `startupPolicy`, `index`, an `<encryption>`, and the rest kept.
    #[allow(clippy::type_complexity, reason = "one use, destructured at once into the source's fields")]
    fn local_common(
        &self,
        src: Node<'_, '_>,
        mut attrs: Attrs<'_, '_>,
    ) -> Result<(Option<StartupPolicy>, Option<u32>, Option<Box<Encryption>>, Unknown), Error> {
        let startup_policy = self.vocab(attrs.take("startupPolicy"), StartupPolicy::parse)?;
        let index = self.u32_attr(attrs.take("index"), "source", "index")?;
        let mut unknown = Unknown::default();
        let mut encryption = None;
        self.rest(attrs, &mut unknown)?;
        self.source_children(src, &mut encryption, &mut unknown)?;
        Ok((startup_policy, index, encryption, unknown))
    }

    /// The children of a file, block, dir or volume `<source>`: an `<encryption>`, the rest kept.
    fn source_children(
        &self,
        node: Node<'_, '_>,
        encryption: &mut Option<Box<Encryption>>,
        unknown: &mut Unknown,
    ) -> Result<(), Error> {
        for child in node.children() {
            if is_named(child, "encryption") && encryption.is_none() {
                *encryption = Some(Box::new(self.encryption(child)?));
            } else {
                if child.is_element() {
                    self.check_element_name(child)?;
                }
                self.keep(child, unknown, 2)?;
            }
        }
        Ok(())
    }

    fn encryption(&self, node: Node<'_, '_>) -> Result<Encryption, Error> {
        let mut attrs = self.attrs(node)?;
        let mut encryption = Encryption {
            format: self.opt_text(attrs.take("format"), "encryption.format")?,
            engine: self.opt_text(attrs.take("engine"), "encryption.engine")?,
            ..Encryption::default()
        };
        self.rest(attrs, &mut encryption.unknown)?;
        for child in node.children() {
            if is_named(child, "secret") {
                let mut attrs = self.attrs(child)?;
                let mut secret = EncryptionSecret {
                    secret_type: self.opt_text(attrs.take("type"), "encryption.secret.type")?,
                    uuid: self.opt_text(attrs.take("uuid"), "encryption.secret.uuid")?,
                    usage: self.opt_text(attrs.take("usage"), "encryption.secret.usage")?,
                    unknown: Unknown::default(),
                };
                self.rest(attrs, &mut secret.unknown)?;
                self.leaf_children(child, &mut secret.unknown)?;
                encryption.secrets.push(secret);
            } else {
                if child.is_element() {
                    self.check_element_name(child)?;
                }
                self.keep(child, &mut encryption.unknown, 3)?;
            }
        }
        Ok(encryption)
    }

    fn geometry(&self, node: Node<'_, '_>) -> Result<Geometry, Error> {
        let mut attrs = self.attrs(node)?;
        let mut geometry = Geometry {
            cyls: self.u32_attr(attrs.take("cyls"), "geometry", "cyls")?,
            heads: self.u32_attr(attrs.take("heads"), "geometry", "heads")?,
            secs: self.u32_attr(attrs.take("secs"), "geometry", "secs")?,
            trans: self.opt_text(attrs.take("trans"), "geometry.trans")?,
            unknown: Unknown::default(),
        };
        self.rest(attrs, &mut geometry.unknown)?;
        self.leaf_children(node, &mut geometry.unknown)?;
        Ok(geometry)
    }

    fn transient(&self, node: Node<'_, '_>) -> Result<Transient, Error> {
        let mut attrs = self.attrs(node)?;
        let mut transient = Transient {
            share_backing: self.opt_text(attrs.take("shareBacking"), "transient.shareBacking")?,
            unknown: Unknown::default(),
        };
        self.rest(attrs, &mut transient.unknown)?;
        self.leaf_children(node, &mut transient.unknown)?;
        Ok(transient)
    }

    fn blockio(&self, node: Node<'_, '_>) -> Result<Blockio, Error> {
        let mut attrs = self.attrs(node)?;
        let mut blockio = Blockio {
            logical_block_size: self.u32_attr(attrs.take("logical_block_size"), "blockio", "logical_block_size")?,
            physical_block_size: self.u32_attr(attrs.take("physical_block_size"), "blockio", "physical_block_size")?,
            unknown: Unknown::default(),
        };
        self.rest(attrs, &mut blockio.unknown)?;
        self.leaf_children(node, &mut blockio.unknown)?;
        Ok(blockio)
    }

    fn iotune(&self, node: Node<'_, '_>) -> Result<Iotune, Error> {
        let mut iotune = Iotune::default();
        self.rest(self.attrs(node)?, &mut iotune.unknown)?;
        for child in node.children() {
            if child.is_element() {
                self.check_element_name(child)?;
            }
            let name = if child.is_element() { child.tag_name().name() } else { "" };
            if name == "group_name" && iotune.group_name.is_none() {
                iotune.group_name = Some(self.text_element(child, "group_name", "iotune.group_name")?);
                continue;
            }
            let free = iotune.limit_mut(name).is_some_and(|slot| slot.is_none());
            if free && child.attributes().next().is_none() {
                let text = self.text_element(child, "iotune", "iotune")?;
                let value = parse_decimal(text.trim()).ok_or_else(|| {
                    self.err(
                        child.range().start,
                        ErrorKind::InvalidText {
                            element: Iotune::LIMITS.iter().find(|l| **l == name).copied().unwrap_or("iotune"),
                            expected: "a non-negative decimal integer",
                            found: text.to_string(),
                        },
                    )
                })?;
                if let Some(slot) = iotune.limit_mut(name) {
                    *slot = Some(value);
                }
            } else {
                self.keep(child, &mut iotune.unknown, 2)?;
            }
        }
        Ok(iotune)
    }

    fn host(&self, node: Node<'_, '_>) -> Result<Host, Error> {
        let mut attrs = self.attrs(node)?;
        let name = attrs.take("name");
        let port = attrs.take("port");
        let transport = attrs.take("transport");
        let socket = attrs.take("socket");
        let mut host = if transport.as_ref().is_some_and(|t| t.value() == "unix") {
            if let Some(extra) = name.as_ref().or(port.as_ref()) {
                return Err(self.err(
                    extra.range().start,
                    ErrorKind::UnexpectedContent {
                        element: "host",
                        found: format!("attribute '{}' with transport='unix'", extra.name()),
                    },
                ));
            }
            let socket = socket.ok_or_else(|| {
                self.err(node.range().start, ErrorKind::MissingAttribute { element: "host", attribute: "socket" })
            })?;
            Host::unix(socket.value()).map_err(|e| self.model_err(socket.range_value().start, e))?
        } else {
            if let Some(socket) = socket {
                return Err(self.err(
                    socket.range().start,
                    ErrorKind::UnexpectedContent {
                        element: "host",
                        found: "attribute 'socket' without transport='unix'".to_owned(),
                    },
                ));
            }
            let name = name.ok_or_else(|| {
                self.err(node.range().start, ErrorKind::MissingAttribute { element: "host", attribute: "name" })
            })?;
            let port = port
                .map(|p| {
                    let n = self.number(&p, "host", "port")?;
                    Port::new("source.host.port", n).map_err(|e| self.model_err(p.range_value().start, e))
                })
                .transpose()?;
            let transport = self.vocab(transport, Transport::parse)?;
            Host::new(name.value(), port, transport).map_err(|e| self.model_err(name.range_value().start, e))?
        };
        self.rest(attrs, &mut host.unknown)?;
        self.leaf_children(node, &mut host.unknown)?;
        Ok(host)
    }

    fn target(&self, node: Node<'_, '_>) -> Result<Target, Error> {
        let mut attrs = self.attrs(node)?;
        let dev = self.required(&mut attrs, node, "target", "dev")?;
        let bus = self.vocab(attrs.take("bus"), Bus::parse)?;
        let mut target = Target::new(dev.value(), bus).map_err(|e| self.model_err(dev.range_value().start, e))?;
        target.tray = self.vocab(attrs.take("tray"), Tray::parse)?;
        target.removable = self.vocab(attrs.take("removable"), OnOff::parse)?;
        target.rotation_rate = self.u32_attr(attrs.take("rotation_rate"), "target", "rotation_rate")?;
        self.rest(attrs, &mut target.unknown)?;
        self.leaf_children(node, &mut target.unknown)?;
        Ok(target)
    }

    fn boot(&self, node: Node<'_, '_>) -> Result<Boot, Error> {
        let mut attrs = self.attrs(node)?;
        let order = self.required(&mut attrs, node, "boot", "order")?;
        let n = self
            .u32_attr(Some(order), "boot", "order")?
            .and_then(NonZeroU32::new)
            .ok_or_else(|| self.invalid(&order, "boot", "order", "a positive integer"))?;
        let mut boot = Boot::new(n);
        boot.loadparm = self.opt_text(attrs.take("loadparm"), "boot.loadparm")?;
        self.rest(attrs, &mut boot.unknown)?;
        self.leaf_children(node, &mut boot.unknown)?;
        Ok(boot)
    }

    fn alias(&self, node: Node<'_, '_>) -> Result<Alias, Error> {
        let mut attrs = self.attrs(node)?;
        let name = self.required(&mut attrs, node, "alias", "name")?;
        let mut alias = Alias::new(name.value()).map_err(|e| self.model_err(name.range_value().start, e))?;
        self.rest(attrs, &mut alias.unknown)?;
        self.leaf_children(node, &mut alias.unknown)?;
        Ok(alias)
    }

    fn address(&self, node: Node<'_, '_>) -> Result<Address, Error> {
        let mut attrs = self.attrs(node)?;
        let kind = self.required(&mut attrs, node, "address", "type")?;
        let kind = match kind.value() {
            "drive" => AddressKind::Drive(DriveAddress {
                controller: self.u32_attr(attrs.take("controller"), "address", "controller")?,
                bus: self.u32_attr(attrs.take("bus"), "address", "bus")?,
                target: self.u32_attr(attrs.take("target"), "address", "target")?,
                unit: self.u32_attr(attrs.take("unit"), "address", "unit")?,
            }),
            "pci" => AddressKind::Pci(PciAddress {
                domain: self.pci_attr(attrs.take("domain"), "domain")?,
                bus: self.pci_attr(attrs.take("bus"), "bus")?,
                slot: self.pci_attr(attrs.take("slot"), "slot")?,
                function: self.pci_attr(attrs.take("function"), "function")?,
            }),
            "ccw" => AddressKind::Ccw(CcwAddress {
                cssid: self.pci_attr(attrs.take("cssid"), "cssid")?,
                ssid: self.pci_attr(attrs.take("ssid"), "ssid")?,
                devno: self.pci_attr(attrs.take("devno"), "devno")?,
            }),
            "usb" => AddressKind::Usb(UsbAddress {
                bus: self.u32_attr(attrs.take("bus"), "address", "bus")?,
                port: self.opt_text(attrs.take("port"), "address.port")?,
            }),
            "virtio-mmio" => AddressKind::VirtioMmio,
            _ => AddressKind::Other(self.text(&kind, "address.type")?),
        };
        let mut address = Address { kind, unknown: Unknown::default() };
        self.rest(attrs, &mut address.unknown)?;
        self.leaf_children(node, &mut address.unknown)?;
        Ok(address)
    }
}

/// No attributes, no child elements, no text but whitespace (comments and processing
/// instructions, which are not kept, do not count).
fn is_empty(node: Node<'_, '_>) -> bool {
    node.attributes().next().is_none() && node.children().all(|c| is_noise(c) || is_blank(c))
}

/// A comment or processing instruction: read, never kept, so it must not decide anything
/// (a decision that changed once it is gone would change the model on a second read).
fn is_noise(node: Node<'_, '_>) -> bool {
    node.is_comment() || node.is_pi()
}

/// A text node of XML whitespace only.
fn is_blank(node: Node<'_, '_>) -> bool {
    node.is_text() && node.text().is_some_and(|t| t.trim_matches(is_xml_space).is_empty())
}

/// The text of an element: its text children joined (never a comment's or a child element's).
fn text_of(node: Node<'_, '_>) -> String {
    node.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect()
}

/// XML's whitespace (not Unicode's: a no-break space is content).
const fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// ASCII digits only: no sign, no spaces (Rust's `parse` would take a leading `+`).
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
