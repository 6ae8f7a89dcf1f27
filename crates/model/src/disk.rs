//! The disk and its parts.

use core::num::NonZeroU32;

use crate::{Auth, Blockio, Bus, DeviceKind, Driver, Encryption, Format, Iotune, OnOff, Source, Text, Tray, Unknown};

/// A libvirt `<disk>` device.
///
/// Every optional part is an `Option` (or `false`): absent means absent, and the writer
/// writes nothing for it; no default is hidden in the model. `disk@type` follows from
/// [`Disk::source`]. The larger parts are boxed, so that a disk is small to move and to
/// collect by the thousand (`size_of::<Disk>()` is at most 320 bytes) and costs nothing
/// for the parts it does not have.
///
/// ```
/// use diskxml_model::{Bus, Disk, FileSource, Source, Target, Text};
///
/// let mut disk = Disk::new(Source::File(FileSource {
///     path: Some(Text::new("source.file", "/var/lib/images/guest.qcow2")?),
///     ..FileSource::default()
/// }));
/// disk.target = Some(Box::new(Target::new("vda", Some(Bus::Virtio))?));
/// assert_eq!(disk.disk_type(), "file");
/// assert!(disk.driver.is_none());
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Disk {
    /// `disk@device`; libvirt reads an absent one as `disk`.
    pub device: Option<DeviceKind>,
    /// The source, which also fixes `disk@type`.
    pub source: Source,
    /// `<driver>`.
    pub driver: Option<alloc::boxed::Box<Driver>>,
    /// `<auth>` at disk level (older documents; libvirt keeps the placement). Credentials
    /// inside `<source>` are [`NetworkSource::auth`](crate::NetworkSource::auth).
    pub auth: Option<alloc::boxed::Box<Auth>>,
    /// `<backingStore>`: the backing chain.
    pub backing_store: Option<BackingStore>,
    /// `<mirror>`: a running block job's destination.
    pub mirror: Option<alloc::boxed::Box<Mirror>>,
    /// `<geometry>`.
    pub geometry: Option<alloc::boxed::Box<Geometry>>,
    /// `<blockio>`.
    pub blockio: Option<alloc::boxed::Box<Blockio>>,
    /// `<target>`.
    pub target: Option<alloc::boxed::Box<Target>>,
    /// `<iotune>`, boxed: it is large and most disks have none.
    pub iotune: Option<alloc::boxed::Box<Iotune>>,
    /// `<readonly/>`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "core::ops::Not::not"))]
    pub readonly: bool,
    /// `<shareable/>`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "core::ops::Not::not"))]
    pub shareable: bool,
    /// The disk had no `type` attribute, which libvirt reads as `file`: while the source is a
    /// [`Source::File`], the writer leaves `type` out again, so that nothing read changes.
    /// With any other source it has no effect (`type` is always written).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "core::ops::Not::not"))]
    pub implicit_type: bool,
    /// `<transient/>`.
    pub transient: Option<alloc::boxed::Box<Transient>>,
    /// `<serial>`: what the guest sees as the disk's serial number.
    pub serial: Option<Text>,
    /// `<wwn>`: the World Wide Name (16 hexadecimal digits).
    pub wwn: Option<Text>,
    /// `<vendor>`: up to 8 printable characters.
    pub vendor: Option<Text>,
    /// `<product>`: up to 16 printable characters.
    pub product: Option<Text>,
    /// `<encryption>` at disk level (older documents; current ones put it in the source).
    pub encryption: Option<alloc::boxed::Box<Encryption>>,
    /// `<boot>`.
    pub boot: Option<alloc::boxed::Box<Boot>>,
    /// `<alias>`.
    pub alias: Option<alloc::boxed::Box<Alias>>,
    /// `<address>`.
    pub address: Option<alloc::boxed::Box<Address>>,
    /// Attributes and child elements of `<disk>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Disk {
    /// A disk with the given source and nothing else.
    #[must_use]
    pub fn new(source: Source) -> Self {
        Self {
            device: None,
            source,
            driver: None,
            auth: None,
            backing_store: None,
            mirror: None,
            geometry: None,
            blockio: None,
            target: None,
            iotune: None,
            readonly: false,
            shareable: false,
            implicit_type: false,
            transient: None,
            serial: None,
            wwn: None,
            vendor: None,
            product: None,
            encryption: None,
            boot: None,
            alias: None,
            address: None,
            unknown: Unknown::default(),
        }
    }

    /// The value of `disk@type`, which follows from the source.
    #[must_use]
    pub fn disk_type(&self) -> &str {
        self.source.disk_type()
    }
}

/// `<target>`: the device name the guest should see, and the bus.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// `dev`, e.g. `vda`; never empty (private, so that nothing can make it so: read it
    /// with [`Target::dev`], change it with [`Target::set_dev`]).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::serde_impl::target_dev"))]
    dev: Text,
    /// `bus`.
    pub bus: Option<Bus>,
    /// `tray` (cdrom, floppy).
    pub tray: Option<Tray>,
    /// `removable` (usb, scsi).
    pub removable: Option<OnOff>,
    /// `rotation_rate`: 1 for solid state, else revolutions per minute.
    pub rotation_rate: Option<u32>,
    /// Attributes and children of `<target>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Target {
    /// A target with a device name and an optional bus.
    ///
    /// # Errors
    /// An empty `dev`, or a character XML cannot carry.
    pub fn new(dev: impl AsRef<str>, bus: Option<Bus>) -> Result<Self, crate::Error> {
        let dev = Text::new("target.dev", dev)?;
        if dev.is_empty() {
            return Err(crate::Error::Empty { field: "target.dev" });
        }
        Ok(Self { dev, bus, tray: None, removable: None, rotation_rate: None, unknown: Unknown::default() })
    }

    /// `dev`, e.g. `vda`; never empty.
    #[must_use]
    pub const fn dev(&self) -> &Text {
        &self.dev
    }

    /// Changes `dev`.
    ///
    /// ```
    /// let mut target = diskxml_model::Target::new("vda", None)?;
    /// target.set_dev("vdb")?;
    /// assert_eq!(target.dev(), "vdb");
    /// assert!(target.set_dev("").is_err(), "never empty");
    /// assert_eq!(target.dev(), "vdb", "unchanged by a refused value");
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    ///
    /// # Errors
    /// An empty `dev`, or a character XML cannot carry; the target is then unchanged.
    pub fn set_dev(&mut self, dev: impl AsRef<str>) -> Result<(), crate::Error> {
        self.dev = Self::new(dev, None)?.dev;
        Ok(())
    }
}

/// `<boot order='N'/>`.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Boot {
    /// `order`: positive.
    pub order: NonZeroU32,
    /// `loadparm` (s390).
    pub loadparm: Option<Text>,
    /// Attributes and children of `<boot>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Boot {
    /// A boot entry with the given order.
    #[must_use]
    pub fn new(order: NonZeroU32) -> Self {
        Self { order, loadparm: None, unknown: Unknown::default() }
    }
}

/// `<alias name='...'/>`.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alias {
    /// `name`; user aliases start with `ua-`.
    pub name: Text,
    /// Attributes and children of `<alias>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Alias {
    /// An alias with the given name.
    ///
    /// # Errors
    /// A character XML cannot carry.
    pub fn new(name: impl AsRef<str>) -> Result<Self, crate::Error> {
        Ok(Self { name: Text::new("alias.name", name)?, unknown: Unknown::default() })
    }
}

/// `<address>`: where the disk sits on its bus.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    /// The address type and its known attributes.
    pub kind: AddressKind,
    /// Attributes and children of `<address>` the model does not know (for an address
    /// type the model does not know, all of its attributes but `type`).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// The kinds of `<address>` the model knows.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressKind {
    /// `type='drive'`: controller, bus, target, unit (written in decimal).
    Drive(DriveAddress),
    /// `type='pci'`: domain, bus, slot, function (written in hexadecimal, as libvirt does).
    Pci(PciAddress),
    /// `type='ccw'`: cssid, ssid, devno.
    Ccw(CcwAddress),
    /// `type='usb'`: bus, port.
    Usb(UsbAddress),
    /// `type='virtio-mmio'`: no attributes.
    #[cfg_attr(feature = "serde", serde(rename = "virtio-mmio"))]
    VirtioMmio,
    /// Another `type`, kept as written; its attributes are in [`Address::unknown`].
    Other(Text),
}

impl AddressKind {
    /// The value of `address@type`.
    #[must_use]
    pub fn type_name(&self) -> &str {
        match self {
            Self::Drive(_) => "drive",
            Self::Pci(_) => "pci",
            Self::Ccw(_) => "ccw",
            Self::Usb(_) => "usb",
            Self::VirtioMmio => "virtio-mmio",
            Self::Other(t) => t.as_str(),
        }
    }
}

/// A drive address (`type='drive'`).
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DriveAddress {
    /// `controller`.
    pub controller: Option<u32>,
    /// `bus`.
    pub bus: Option<u32>,
    /// `target`.
    pub target: Option<u32>,
    /// `unit`.
    pub unit: Option<u32>,
}

/// A PCI address (`type='pci'`).
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PciAddress {
    /// `domain`.
    pub domain: Option<u32>,
    /// `bus`.
    pub bus: Option<u32>,
    /// `slot`.
    pub slot: Option<u32>,
    /// `function`.
    pub function: Option<u32>,
}

/// `<geometry>`: the disk geometry the guest sees.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// `cyls`.
    pub cyls: Option<u32>,
    /// `heads`.
    pub heads: Option<u32>,
    /// `secs`.
    pub secs: Option<u32>,
    /// `trans`: the BIOS translation (none, lba, auto).
    pub trans: Option<Text>,
    /// Attributes and children of `<geometry>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// `<transient/>`: changes are discarded when the guest stops.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Transient {
    /// `shareBacking` (`yes` lets several guests share the backing image).
    pub share_backing: Option<Text>,
    /// Attributes and children of `<transient>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// A CCW address (`type='ccw'`, s390), written in hexadecimal as libvirt does.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CcwAddress {
    /// `cssid`.
    pub cssid: Option<u32>,
    /// `ssid`.
    pub ssid: Option<u32>,
    /// `devno`.
    pub devno: Option<u32>,
}

/// A USB address (`type='usb'`).
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct UsbAddress {
    /// `bus`.
    pub bus: Option<u32>,
    /// `port`: a dotted path such as `1.2`.
    pub port: Option<Text>,
}

/// `<backingStore>`: one layer of a backing chain, or the chain's explicit end.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BackingStore {
    /// An empty `<backingStore/>`: there is no backing image (libvirt probes no further).
    End,
    /// A backing image, which may have its own backing store.
    Layer(alloc::boxed::Box<BackingLayer>),
}

/// One backing image: `<backingStore type=... index=...>` with `<format>`, `<source>` and
/// the next `<backingStore>`.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BackingLayer {
    /// The source; its kind gives `backingStore@type`.
    pub source: Source,
    /// `index`.
    pub index: Option<u32>,
    /// `<format type=...>`.
    pub format: Option<BackingFormat>,
    /// The next layer down, or the end.
    pub backing: Option<BackingStore>,
    /// Attributes and children of `<backingStore>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl BackingLayer {
    /// A layer with `source` and nothing else.
    #[must_use]
    pub fn new(source: Source) -> Self {
        Self { source, index: None, format: None, backing: None, unknown: Unknown::default() }
    }
}

/// `<format type=...>` of a backing layer.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BackingFormat {
    /// `type`.
    pub format: Format,
    /// Attributes and children of `<format>` (`<metadata_cache>`, say) the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// `<mirror>`: the destination of a running block copy or mirror job (live XML only).
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mirror {
    /// `job` (`copy`, `active-commit`).
    pub job: Option<Text>,
    /// `ready` (`yes`, `abort`, `pivot`).
    pub ready: Option<Text>,
    /// The destination: its source (whose kind gives `mirror@type`), format and backing
    /// chain, as in a backing layer. Older documents' `file` and `format` attributes stay
    /// in its unknown attributes.
    pub layer: BackingLayer,
}
