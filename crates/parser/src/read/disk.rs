//! `<disk>` and its children that are not sources.

use std::num::NonZeroU32;

use diskxml_model::{
    Address, AddressKind, Alias, Blockio, Boot, Disk, Driver, Geometry, Iotune, MetadataCache, Target, Transient,
    Unknown,
};
use diskxml_schema::{self as shape, ChildKind, Part, decimal};
use roxmltree::Node;

use super::{Reader, element_name, is_blank, is_empty, is_named, is_noise, text_of};
use crate::{Error, ErrorKind};

/// The disk types whose `<source>` may be left empty (an empty one is then kept as unknown).
pub(crate) fn is_host_side(disk_type: Option<&str>) -> bool {
    matches!(disk_type, None | Some("file" | "block" | "dir" | "volume" | "nvme" | "vhostuser"))
}

impl<'i> Reader<'_, 'i> {
    pub(crate) fn disk(&self, node: Node<'_, 'i>) -> Result<Disk, Error> {
        let mut attrs = self.attrs(node)?;
        let disk_type = attrs.take("type");
        let simple = is_host_side(disk_type.as_ref().map(roxmltree::Attribute::value));
        // The source is read last, once the type is known; until then the disk holds a placeholder.
        let mut disk = Disk::new(diskxml_model::Source::File(diskxml_model::FileSource::default()));
        self.fill(&shape::DISK, &mut disk, &mut attrs)?;
        self.rest(attrs, &mut disk.unknown)?;
        let mut source_node = None;
        for child in node.children() {
            // Layout between the children (and comments): kept or passed by, no lookup.
            if !child.is_element() {
                self.keep(child, &mut disk.unknown)?;
                continue;
            }
            self.check_element_name(child)?;
            // An empty <source/> of a host-side disk says nothing the model can hold; it is
            // kept as unknown, so that a later <source> cannot take its place on a second read.
            if is_named(child, shape::SOURCE_COMMON.element) && source_node.is_none() && !(simple && is_empty(child)) {
                source_node = Some(child);
            } else if !self.disk_child(child, &mut disk)? {
                self.keep(child, &mut disk.unknown)?;
            }
        }
        disk.source = self.source(disk_type.as_ref(), source_node, node, "disk")?;
        disk.implicit_type = disk_type.is_none();
        Ok(disk)
    }

    /// Reads a known child of `<disk>` (not its source) into `disk`, the first of its name
    /// only, as its table says; `false` when `child` is not one, to be kept as unknown.
    fn disk_child(&self, child: Node<'_, 'i>, disk: &mut Disk) -> Result<bool, Error> {
        let Some(known) = shape::DISK.child(element_name(child)) else { return Ok(false) };
        match &known.kind {
            ChildKind::Flag { get, set } if !get(disk) => {
                if self.flag(child, known.name)? {
                    set(disk);
                }
            }
            ChildKind::Text { get, set, field } if get(disk).is_none() => {
                set(disk, self.text_element(child, known.name, field)?)
            }
            ChildKind::Part(part) => return self.disk_part(*part, child, disk),
            ChildKind::Flag { .. } | ChildKind::Text { .. } => return Ok(false),
        }
        Ok(true)
    }

    /// One of the disk's parts, the first of its name only (every [`Part`], without a
    /// wildcard: a new part is a compile error until it is read); `false` to keep it.
    fn disk_part(&self, part: Part, child: Node<'_, 'i>, disk: &mut Disk) -> Result<bool, Error> {
        match part {
            Part::Driver if disk.driver.is_none() => disk.driver = Some(Box::new(self.driver(child)?)),
            Part::Encryption if disk.encryption.is_none() => disk.encryption = Some(Box::new(self.encryption(child)?)),
            Part::BackingStore if disk.backing_store.is_none() => disk.backing_store = Some(self.backing_store(child)?),
            Part::Mirror if disk.mirror.is_none() => disk.mirror = Some(Box::new(self.mirror(child)?)),
            Part::Auth if disk.auth.is_none() => disk.auth = Some(Box::new(self.auth(child)?)),
            Part::Blockio if disk.blockio.is_none() => {
                disk.blockio =
                    Some(Box::new(self.plain(child, &shape::BLOCKIO, Blockio::default(), |b| &mut b.unknown)?));
            }
            Part::Geometry if disk.geometry.is_none() => {
                let geometry = self.plain(child, &shape::GEOMETRY, Geometry::default(), |g| &mut g.unknown)?;
                disk.geometry = Some(Box::new(geometry));
            }
            Part::Transient if disk.transient.is_none() => {
                let transient = self.plain(child, &shape::TRANSIENT, Transient::default(), |t| &mut t.unknown)?;
                disk.transient = Some(Box::new(transient));
            }
            Part::Iotune if disk.iotune.is_none() => disk.iotune = Some(Box::new(self.iotune(child)?)),
            Part::Target if disk.target.is_none() => disk.target = Some(Box::new(self.target(child)?)),
            Part::Boot if disk.boot.is_none() => disk.boot = Some(Box::new(self.boot(child)?)),
            Part::Alias if disk.alias.is_none() => disk.alias = Some(Box::new(self.alias(child)?)),
            Part::Address if disk.address.is_none() => disk.address = Some(Box::new(self.address(child)?)),
            // The source is read apart, once the disk's type is known; a second one of any
            // part is kept, as is a driver's child met at disk level.
            Part::Driver
            | Part::Encryption
            | Part::BackingStore
            | Part::Mirror
            | Part::Auth
            | Part::Blockio
            | Part::Geometry
            | Part::Transient
            | Part::Iotune
            | Part::Target
            | Part::Boot
            | Part::Alias
            | Part::Address
            | Part::Source
            | Part::MetadataCache
            | Part::Host
            | Part::Extra(_)
            | Part::Identity
            | Part::Cookies
            | Part::Initiator => return Ok(false),
        }
        Ok(true)
    }

    fn driver(&self, node: Node<'_, 'i>) -> Result<Driver, Error> {
        let mut attrs = self.attrs(node)?;
        let mut driver = Driver::default();
        self.fill(&shape::DRIVER, &mut driver, &mut attrs)?;
        self.rest(attrs, &mut driver.unknown)?;
        for child in node.children() {
            if driver.metadata_cache.is_none()
                && let Some(cache) = self.metadata_cache(child)?
            {
                driver.metadata_cache = Some(Box::new(cache));
                continue;
            }
            self.check_element_name(child)?;
            self.keep(child, &mut driver.unknown)?;
        }
        Ok(driver)
    }

    /// `<metadata_cache>` in its plain form (no attributes; at most one `<max_size>` with a
    /// `unit` and a decimal text); `None` when `node` is anything else, which is then kept.
    fn metadata_cache(&self, node: Node<'_, '_>) -> Result<Option<MetadataCache>, Error> {
        if !is_named(node, shape::METADATA_CACHE.element) || node.attributes().next().is_some() {
            return Ok(None);
        }
        let elements: Vec<Node<'_, '_>> = node.children().filter(|c| !is_blank(*c) && !is_noise(*c)).collect();
        match elements.as_slice() {
            [] => Ok(Some(MetadataCache::default())),
            [max]
                if is_named(*max, shape::MAX_SIZE)
                    && max.attributes().all(|a| a.name() == "unit" && a.namespace().is_none())
                    && max.children().all(|c| c.is_text() || is_noise(c)) =>
            {
                let Ok(size) = decimal(&text_of(*max)) else { return Ok(None) };
                let unit =
                    max.attribute_node("unit").map(|a| self.text(&a, "driver.metadata_cache.unit")).transpose()?;
                Ok(Some(MetadataCache { max_size: Some(size), unit }))
            }
            _ => Ok(None),
        }
    }

    fn iotune(&self, node: Node<'_, '_>) -> Result<Iotune, Error> {
        let mut iotune = Iotune::default();
        self.rest(self.attrs(node)?, &mut iotune.unknown)?;
        for child in node.children() {
            self.check_element_name(child)?;
            let name = element_name(child);
            if let Some(known) = shape::IOTUNE.child(name)
                && let ChildKind::Text { get, set, field } = &known.kind
                && get(&iotune).is_none()
            {
                set(&mut iotune, self.text_element(child, known.name, field)?);
                continue;
            }
            let free = iotune.limit_mut(name).is_some_and(|slot| slot.is_none());
            if !free || child.attributes().next().is_some() {
                self.keep(child, &mut iotune.unknown)?;
                continue;
            }
            let text = self.text_element(child, shape::IOTUNE.element, "iotune")?;
            let value = decimal(text.trim()).map_err(|_| {
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
        }
        Ok(iotune)
    }

    fn target(&self, node: Node<'_, 'i>) -> Result<Target, Error> {
        let mut attrs = self.attrs(node)?;
        let dev = self.required(&mut attrs, node, &shape::TARGET, "dev")?;
        let target = Target::new(dev.value(), None).map_err(|e| self.model_err(dev.range_value().start, e))?;
        self.finish_plain(node, attrs, &shape::TARGET, target, |t| &mut t.unknown)
    }

    fn boot(&self, node: Node<'_, 'i>) -> Result<Boot, Error> {
        let mut attrs = self.attrs(node)?;
        let order = self.required(&mut attrs, node, &shape::BOOT, "order")?;
        let n =
            shape::decimal_u32(order.value()).map_err(|e| self.set_err(&order, "boot", "order", e)).and_then(|n| {
                NonZeroU32::new(n).ok_or_else(|| {
                    self.set_err(&order, "boot", "order", shape::SetError::Invalid { expected: "a positive integer" })
                })
            })?;
        self.finish_plain(node, attrs, &shape::BOOT, Boot::new(n), |b| &mut b.unknown)
    }

    fn alias(&self, node: Node<'_, 'i>) -> Result<Alias, Error> {
        let mut attrs = self.attrs(node)?;
        let name = self.required(&mut attrs, node, &shape::ALIAS, "name")?;
        let alias = Alias::new(name.value()).map_err(|e| self.model_err(name.range_value().start, e))?;
        self.finish_plain(node, attrs, &shape::ALIAS, alias, |a| &mut a.unknown)
    }

    fn address(&self, node: Node<'_, 'i>) -> Result<Address, Error> {
        let mut attrs = self.attrs(node)?;
        let kind = attrs.take("type").ok_or_else(|| {
            self.err(
                node.range().start,
                ErrorKind::MissingAttribute { element: shape::ADDRESS.element, attribute: "type" },
            )
        })?;
        let kind = match kind.value() {
            "drive" => AddressKind::Drive(self.filled(&shape::DRIVE_ADDRESS, &mut attrs)?),
            "pci" => AddressKind::Pci(self.filled(&shape::PCI_ADDRESS, &mut attrs)?),
            "ccw" => AddressKind::Ccw(self.filled(&shape::CCW_ADDRESS, &mut attrs)?),
            "usb" => AddressKind::Usb(self.filled(&shape::USB_ADDRESS, &mut attrs)?),
            "virtio-mmio" => AddressKind::VirtioMmio,
            _ => AddressKind::Other(self.text(&kind, "address.type")?),
        };
        let address = Address { kind, unknown: Unknown::default() };
        self.finish_plain(node, attrs, &shape::ADDRESS, address, |a| &mut a.unknown)
    }

    /// A default value with `shape`'s attributes from `attrs`.
    pub(crate) fn filled<T: Default>(
        &self,
        shape: &shape::Shape<T>,
        attrs: &mut super::Attrs<'_, '_>,
    ) -> Result<T, Error> {
        let mut item = T::default();
        self.fill(shape, &mut item, attrs)?;
        Ok(item)
    }
}
