//! One declaration per element: its name and its known attributes in libvirt's order, each
//! with how to read it from the model and how to set it from text. The writer's emission,
//! the writer's clash check and the parser's extraction are all driven by these tables, so
//! an attribute is named once.

use diskxml_model::{
    Alias, Auth, BackingLayer, Blockio, Boot, Cache, CcwAddress, DetectZeroes, DeviceKind, Discard, Disk, DriveAddress,
    Driver, Encryption, EncryptionSecret, ErrorPolicy, FileSource, Format, Geometry, Host, Identity, Io, Mirror,
    NetworkSource, NvmeSource, OnOff, PciAddress, ReadErrorPolicy, Secret, SecretType, SourceCommon, StartupPolicy,
    Target, Text, Transient, Tray, UsbAddress, VhostUserSource, VolumeMode, VolumeSource, YesNo,
};
use diskxml_model::{BlockSource, Bus, DirSource, NetworkExtras};

/// An attribute's value as the writer writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// Text, escaped when written.
    Text(&'a str),
    /// Text that needs no escaping, written as is: a spelling of libvirt's vocabulary that
    /// the model knows (none holds a character XML escapes; the writer's tests check every
    /// one).
    Verbatim(&'static str),
    /// A decimal number.
    Decimal(u64),
    /// A hexadecimal number with `0x` and at least `width` digits (PCI and CCW addresses).
    Hex {
        /// The value.
        value: u32,
        /// The fewest digits written.
        width: usize,
    },
}

/// Why a value could not be set from its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetError {
    /// The model refuses the value (a character XML cannot carry, say).
    Model(diskxml_model::Error),
    /// The text is not of the attribute's form.
    Invalid {
        /// What the attribute takes, in words.
        expected: &'static str,
    },
}

impl From<diskxml_model::Error> for SetError {
    fn from(e: diskxml_model::Error) -> Self {
        Self::Model(e)
    }
}

/// Reads the value of this attribute from the model, if it is set.
pub type Getter<T> = for<'a> fn(&'a T) -> Option<Value<'a>>;
/// Sets this attribute in the model from its text.
pub type Setter<T> = fn(&mut T, &str) -> Result<(), SetError>;

/// One known attribute of an element.
#[derive(Debug)]
pub struct Attr<T: 'static> {
    /// Its name.
    pub name: &'static str,
    /// ` name='`: what the writer writes before the value, in one piece.
    pub lead: &'static str,
    /// How the writer reads it.
    pub get: Getter<T>,
    /// How the parser sets it; `None` for an attribute the element's constructor takes
    /// (a required one such as `target@dev`, or one that fixes the kind, such as `type`).
    pub set: Option<Setter<T>>,
}

/// An element's name and its known attributes, in the order libvirt writes them.
#[derive(Debug)]
pub struct Shape<T: 'static> {
    /// The element's name.
    pub element: &'static str,
    /// Its known attributes.
    pub attrs: &'static [Attr<T>],
}

impl<T> Shape<T> {
    /// Whether `name` is one of the element's known attributes.
    #[must_use]
    pub fn knows(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name == name)
    }

    /// The known attributes' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attrs.iter().map(|a| a.name)
    }
}

/// A non-negative decimal number as libvirt writes one: ASCII digits only, no sign.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn decimal(s: &str) -> Result<u64, SetError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SetError::Invalid { expected: "a non-negative decimal integer" });
    }
    s.parse().map_err(|_| SetError::Invalid { expected: "a non-negative decimal integer" })
}

/// [`decimal`], below 2^32.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn decimal_u32(s: &str) -> Result<u32, SetError> {
    u32::try_from(decimal(s)?).map_err(|_| SetError::Invalid { expected: "an integer below 2^32" })
}

/// An address component: hexadecimal with `0x`, or decimal, as libvirt reads it.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn hex_or_decimal(s: &str) -> Result<u32, SetError> {
    let invalid = SetError::Invalid { expected: "a hexadecimal (0x..) or decimal integer below 2^32" };
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).map_err(|_| invalid)
        }
        Some(_) => Err(invalid),
        None => decimal(s).ok().and_then(|n| u32::try_from(n).ok()).ok_or(invalid),
    }
}

/// An optional text attribute of field `$f` (model error label `$label`).
macro_rules! text {
    ($name:literal, $($f:ident).+, $label:literal) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.as_deref().map(Value::Text),
            set: Some(|x, v| {
                x.$($f).+ = Some(Text::new($label, v)?);
                Ok(())
            }),
        }
    };
}

/// An optional vocabulary attribute (an enum with `parse` and `as_str`).
macro_rules! vocab {
    ($name:literal, $($f:ident).+, $ty:ty) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.as_ref().map(|v| v.spelling().map_or(Value::Text(v.as_str()), Value::Verbatim)),
            set: Some(|x, v| {
                x.$($f).+ = Some(<$ty>::parse(v)?);
                Ok(())
            }),
        }
    };
}

/// An optional decimal `u32` attribute.
macro_rules! num {
    ($name:literal, $($f:ident).+) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.map(|n| Value::Decimal(u64::from(n))),
            set: Some(|x, v| {
                x.$($f).+ = Some(decimal_u32(v)?);
                Ok(())
            }),
        }
    };
}

/// An optional `u32` attribute written in hexadecimal with `$width` digits.
macro_rules! hex {
    ($name:literal, $f:ident, $width:literal) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$f.map(|value| Value::Hex { value, width: $width }),
            set: Some(|x, v| {
                x.$f = Some(hex_or_decimal(v)?);
                Ok(())
            }),
        }
    };
}

/// `<disk>`: `type` follows from the source (and is left out where it was absent).
pub const DISK: Shape<Disk> = Shape {
    element: "disk",
    attrs: &[
        Attr {
            name: "type",
            lead: " type='",
            get: |d| {
                (!matches!(&d.source, diskxml_model::Source::File(f) if f.implicit_type))
                    .then(|| d.source.known_type().map_or(Value::Text(d.disk_type()), Value::Verbatim))
            },
            set: None,
        },
        vocab!("device", device, DeviceKind),
    ],
};

/// `<driver>`.
pub const DRIVER: Shape<Driver> = Shape {
    element: "driver",
    attrs: &[
        text!("name", name, "driver.name"),
        vocab!("type", format, Format),
        vocab!("cache", cache, Cache),
        vocab!("error_policy", error_policy, ErrorPolicy),
        vocab!("rerror_policy", rerror_policy, ReadErrorPolicy),
        vocab!("io", io, Io),
        vocab!("ioeventfd", ioeventfd, OnOff),
        vocab!("event_idx", event_idx, OnOff),
        vocab!("copy_on_read", copy_on_read, OnOff),
        vocab!("discard", discard, Discard),
        num!("iothread", iothread),
        vocab!("detect_zeroes", detect_zeroes, DetectZeroes),
        num!("queues", queues),
        num!("queue_size", queue_size),
        vocab!("iommu", iommu, OnOff),
        vocab!("ats", ats, OnOff),
        vocab!("packed", packed, OnOff),
        vocab!("page_per_vq", page_per_vq, OnOff),
    ],
};

/// `<target>`; `dev` is required.
pub const TARGET: Shape<Target> = Shape {
    element: "target",
    attrs: &[
        Attr { name: "dev", lead: " dev='", get: |t| Some(Value::Text(&t.dev)), set: None },
        vocab!("bus", bus, Bus),
        vocab!("tray", tray, Tray),
        vocab!("removable", removable, OnOff),
        num!("rotation_rate", rotation_rate),
    ],
};

/// `<geometry>`.
pub const GEOMETRY: Shape<Geometry> = Shape {
    element: "geometry",
    attrs: &[num!("cyls", cyls), num!("heads", heads), num!("secs", secs), text!("trans", trans, "geometry.trans")],
};

/// `<transient>`.
pub const TRANSIENT: Shape<Transient> =
    Shape { element: "transient", attrs: &[text!("shareBacking", share_backing, "transient.shareBacking")] };

/// `<blockio>`.
pub const BLOCKIO: Shape<Blockio> = Shape {
    element: "blockio",
    attrs: &[num!("logical_block_size", logical_block_size), num!("physical_block_size", physical_block_size)],
};

/// `<boot>`; `order` is required.
pub const BOOT: Shape<Boot> = Shape {
    element: "boot",
    attrs: &[
        Attr { name: "order", lead: " order='", get: |b| Some(Value::Decimal(u64::from(b.order.get()))), set: None },
        text!("loadparm", loadparm, "boot.loadparm"),
    ],
};

/// `<alias>`; `name` is required.
pub const ALIAS: Shape<Alias> = Shape {
    element: "alias",
    attrs: &[Attr { name: "name", lead: " name='", get: |a| Some(Value::Text(&a.name)), set: None }],
};

/// `<auth>`; `username` is required.
pub const AUTH: Shape<Auth> = Shape {
    element: "auth",
    attrs: &[Attr { name: "username", lead: " username='", get: |a| Some(Value::Text(&a.username)), set: None }],
};

/// `<secret>` of an `<auth>`.
pub const AUTH_SECRET: Shape<Secret> = Shape {
    element: "secret",
    attrs: &[
        vocab!("type", secret_type, SecretType),
        text!("uuid", uuid, "auth.secret.uuid"),
        text!("usage", usage, "auth.secret.usage"),
    ],
};

/// `<encryption>`.
pub const ENCRYPTION: Shape<Encryption> = Shape {
    element: "encryption",
    attrs: &[text!("format", format, "encryption.format"), text!("engine", engine, "encryption.engine")],
};

/// `<secret>` of an `<encryption>`.
pub const ENCRYPTION_SECRET: Shape<EncryptionSecret> = Shape {
    element: "secret",
    attrs: &[
        text!("type", secret_type, "encryption.secret.type"),
        text!("uuid", uuid, "encryption.secret.uuid"),
        text!("usage", usage, "encryption.secret.usage"),
    ],
};

/// `<host>` of a network source. Its constructor checks the combination (a unix socket
/// has no name or port), so the parser builds it by hand from these names.
pub const HOST: Shape<Host> = Shape {
    element: "host",
    attrs: &[
        Attr { name: "name", lead: " name='", get: |h| h.name().map(|n| Value::Text(n)), set: None },
        Attr {
            name: "port",
            lead: " port='",
            get: |h| h.port().map(|p| Value::Decimal(u64::from(p.get()))),
            set: None,
        },
        Attr {
            name: "transport",
            lead: " transport='",
            get: |h| {
                if h.is_unix() { Some(Value::Text("unix")) } else { h.transport().map(|t| Value::Text(t.as_str())) }
            },
            set: None,
        },
        Attr { name: "socket", lead: " socket='", get: |h| h.socket().map(|s| Value::Text(s)), set: None },
    ],
};

/// The attributes every host-side `<source>` has after its own: `startupPolicy`, `index`.
pub const SOURCE_COMMON: Shape<SourceCommon> =
    Shape { element: "source", attrs: &[vocab!("startupPolicy", startup_policy, StartupPolicy), num!("index", index)] };

/// The `<source>` of a file disk (then [`SOURCE_COMMON`]).
pub const FILE_SOURCE: Shape<FileSource> = Shape { element: "source", attrs: &[text!("file", path, "source.file")] };

/// The `<source>` of a block disk (then [`SOURCE_COMMON`]).
pub const BLOCK_SOURCE: Shape<BlockSource> = Shape { element: "source", attrs: &[text!("dev", dev, "source.dev")] };

/// The `<source>` of a dir disk (then [`SOURCE_COMMON`]).
pub const DIR_SOURCE: Shape<DirSource> = Shape { element: "source", attrs: &[text!("dir", dir, "source.dir")] };

/// The `<source>` of a volume disk (then [`SOURCE_COMMON`]).
pub const VOLUME_SOURCE: Shape<VolumeSource> = Shape {
    element: "source",
    attrs: &[
        text!("pool", pool, "source.pool"),
        text!("volume", volume, "source.volume"),
        vocab!("mode", mode, VolumeMode),
    ],
};

/// The `<source>` of an nvme disk.
pub const NVME_SOURCE: Shape<NvmeSource> = Shape {
    element: "source",
    attrs: &[
        text!("type", source_type, "source.type"),
        vocab!("managed", managed, YesNo),
        num!("namespace", namespace),
        num!("index", index),
    ],
};

/// The `<source>` of a vhostuser disk.
pub const VHOSTUSER_SOURCE: Shape<VhostUserSource> = Shape {
    element: "source",
    attrs: &[text!("type", source_type, "source.type"), text!("path", path, "source.path"), num!("index", index)],
};

/// The `<source>` of a network disk; `protocol` is required.
pub const NETWORK_SOURCE: Shape<NetworkSource> = Shape {
    element: "source",
    attrs: &[
        Attr {
            name: "protocol",
            lead: " protocol='",
            get: |n| Some(n.protocol().spelling().map_or(Value::Text(n.protocol().as_str()), Value::Verbatim)),
            set: None,
        },
        text!("name", name, "source.name"),
        vocab!("tls", tls, YesNo),
        text!("tlsHostname", tls_hostname, "source.tlsHostname"),
        text!("query", query, "source.query"),
        num!("snapshot-timeout", snapshot_timeout),
        num!("index", index),
    ],
};

/// `<identity>` of an nfs or ssh source.
pub const IDENTITY: Shape<Identity> = Shape {
    element: "identity",
    attrs: &[
        text!("user", user, "source.identity.user"),
        text!("group", group, "source.identity.group"),
        text!("username", username, "source.identity.username"),
        text!("keyfile", keyfile, "source.identity.keyfile"),
        text!("agentsock", agentsock, "source.identity.agentsock"),
    ],
};

/// A `u64` decimal attribute.
macro_rules! num64 {
    ($name:literal, $($f:ident).+) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.map(Value::Decimal),
            set: Some(|x, v| {
                x.$($f).+ = Some(decimal(v)?);
                Ok(())
            }),
        }
    };
}

/// The children of a network `<source>` that are one empty element with one attribute,
/// each typed into a field of [`NetworkExtras`], in libvirt's order: `<snapshot name>`,
/// `<config file>`, `<knownHosts path>` (then `<identity>`), `<reconnect delay>`,
/// `<ssl verify>` (then `<cookies>`), `<readahead size>`, `<timeout seconds>` (then
/// `<initiator>`).
pub const NETWORK_EXTRAS: [Shape<NetworkExtras>; 7] = [
    Shape { element: "snapshot", attrs: &[text!("name", snapshot, "source.snapshot.name")] },
    Shape { element: "config", attrs: &[text!("file", config, "source.config.file")] },
    Shape { element: "knownHosts", attrs: &[text!("path", known_hosts, "source.knownHosts.path")] },
    Shape { element: "reconnect", attrs: &[num!("delay", reconnect_delay)] },
    Shape { element: "ssl", attrs: &[vocab!("verify", ssl_verify, YesNo)] },
    Shape { element: "readahead", attrs: &[num64!("size", readahead)] },
    Shape { element: "timeout", attrs: &[num64!("seconds", timeout)] },
];

/// `<backingStore>`: `type` follows from the layer's source.
pub const BACKING_STORE: Shape<BackingLayer> = Shape {
    element: "backingStore",
    attrs: &[
        Attr { name: "type", lead: " type='", get: |l| Some(Value::Text(l.source.disk_type())), set: None },
        num!("index", index),
    ],
};

/// `<mirror>`: `type` follows from the destination's source.
pub const MIRROR: Shape<Mirror> = Shape {
    element: "mirror",
    attrs: &[
        Attr { name: "type", lead: " type='", get: |m| Some(Value::Text(m.layer.source.disk_type())), set: None },
        text!("job", job, "attribute value"),
        text!("ready", ready, "attribute value"),
        num!("index", layer.index),
    ],
};

/// `<format>` of a backing layer; `type` is required.
pub const BACKING_FORMAT: Shape<diskxml_model::BackingFormat> = Shape {
    element: "format",
    attrs: &[Attr { name: "type", lead: " type='", get: |f| Some(Value::Text(f.format.as_str())), set: None }],
};

/// `<address>`: its `type` fixes the kind, whose attributes follow ([`DRIVE_ADDRESS`] ...).
pub const ADDRESS: Shape<diskxml_model::Address> = Shape {
    element: "address",
    attrs: &[Attr { name: "type", lead: " type='", get: |a| Some(Value::Text(a.kind.type_name())), set: None }],
};

/// The attributes of `<address type='drive'>` after `type`.
pub const DRIVE_ADDRESS: Shape<DriveAddress> = Shape {
    element: "address",
    attrs: &[num!("controller", controller), num!("bus", bus), num!("target", target), num!("unit", unit)],
};

/// The attributes of `<address type='pci'>` after `type` (and of an nvme source's address).
pub const PCI_ADDRESS: Shape<PciAddress> = Shape {
    element: "address",
    attrs: &[hex!("domain", domain, 4), hex!("bus", bus, 2), hex!("slot", slot, 2), hex!("function", function, 1)],
};

/// The attributes of `<address type='ccw'>` after `type`.
pub const CCW_ADDRESS: Shape<CcwAddress> =
    Shape { element: "address", attrs: &[hex!("cssid", cssid, 1), hex!("ssid", ssid, 1), hex!("devno", devno, 4)] };

/// The attributes of `<address type='usb'>` after `type`.
pub const USB_ADDRESS: Shape<UsbAddress> =
    Shape { element: "address", attrs: &[num!("bus", bus), text!("port", port, "address.port")] };
