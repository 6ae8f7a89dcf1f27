//! The tables, one per element: libvirt's `<disk>` vocabulary.

use diskxml_model::{
    Alias, Auth, BackingLayer, Blockio, Boot, Cache, CcwAddress, DetectZeroes, DeviceKind, Discard, Disk, DriveAddress,
    Driver, Encryption, EncryptionSecret, ErrorPolicy, FileSource, Format, Geometry, Host, Identity, Io, Iotune,
    MetadataCache, Mirror, NetworkSource, NvmeSource, OnOff, PciAddress, ReadErrorPolicy, Secret, SecretType,
    SourceCommon, StartupPolicy, Target, Text, Transient, Tray, UsbAddress, VhostUserSource, VolumeMode, VolumeSource,
    YesNo,
};
use diskxml_model::{BlockSource, Bus, DirSource, NetworkExtras};

use crate::table::{Attr, Child, ChildKind, Part, Shape, Value, decimal, decimal_u32, hex_or_decimal};

/// `<disk>`: `type` follows from the source (and is left out where it was absent).
pub const DISK: Shape<Disk> = Shape {
    element: "disk",
    attrs: &[
        Attr {
            name: "type",
            lead: " type='",
            get: |d| {
                (!(d.implicit_type && matches!(d.source, diskxml_model::Source::File(_))))
                    .then(|| d.source.known_type().map_or(Value::Text(d.disk_type()), Value::Verbatim))
            },
            set: None,
        },
        vocab!("device", device, DeviceKind),
    ],
    children: &[
        part!(DRIVER, Driver),
        part!(AUTH, Auth),
        part!(SOURCE_COMMON, Source),
        part!(BACKING_STORE, BackingStore),
        part!(MIRROR, Mirror),
        part!(GEOMETRY, Geometry),
        part!(BLOCKIO, Blockio),
        part!(TARGET, Target),
        part!(IOTUNE, Iotune),
        flag!("readonly", readonly),
        flag!("shareable", shareable),
        part!(TRANSIENT, Transient),
        text_child!("serial", serial, "serial"),
        text_child!("wwn", wwn, "wwn"),
        text_child!("vendor", vendor, "vendor"),
        text_child!("product", product, "product"),
        part!(ENCRYPTION, Encryption),
        part!(BOOT, Boot),
        part!(ALIAS, Alias),
        part!(ADDRESS, Address),
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
        vocab!("iommu", virtio => iommu, OnOff),
        vocab!("ats", virtio => ats, OnOff),
        vocab!("packed", virtio => packed, OnOff),
        vocab!("page_per_vq", virtio => page_per_vq, OnOff),
    ],
    children: &[part!(METADATA_CACHE, MetadataCache)],
};

/// `<metadata_cache>` of a qcow2 `<driver>`, in its plain form: at most one `<max_size>`
/// ([`MAX_SIZE`]) with a `unit` and a decimal text.
pub const METADATA_CACHE: Shape<MetadataCache> = Shape { element: "metadata_cache", attrs: &[], children: &[] };

/// `<max_size unit='…'>N</max_size>` of a `<metadata_cache>`.
pub const MAX_SIZE: &str = "max_size";

/// `<iotune>`: its limits are `diskxml_model::Iotune::LIMITS`, in libvirt's order, with
/// `<group_name>` after the first `Iotune::GROUP_NAME_AFTER` of them.
pub const IOTUNE: Shape<Iotune> =
    Shape { element: "iotune", attrs: &[], children: &[text_child!("group_name", group_name, "iotune.group_name")] };

/// `<target>`; `dev` is required.
pub const TARGET: Shape<Target> = Shape {
    element: "target",
    attrs: &[
        Attr { name: "dev", lead: " dev='", get: |t| Some(Value::Text(t.dev())), set: None },
        vocab!("bus", bus, Bus),
        vocab!("tray", tray, Tray),
        vocab!("removable", removable, OnOff),
        num!("rotation_rate", rotation_rate),
    ],
    children: &[],
};

/// `<geometry>`.
pub const GEOMETRY: Shape<Geometry> = Shape {
    element: "geometry",
    attrs: &[num!("cyls", cyls), num!("heads", heads), num!("secs", secs), text!("trans", trans, "geometry.trans")],
    children: &[],
};

/// `<transient>`.
pub const TRANSIENT: Shape<Transient> = Shape {
    element: "transient",
    attrs: &[text!("shareBacking", share_backing, "transient.shareBacking")],
    children: &[],
};

/// `<blockio>`.
pub const BLOCKIO: Shape<Blockio> = Shape {
    element: "blockio",
    attrs: &[num!("logical_block_size", logical_block_size), num!("physical_block_size", physical_block_size)],
    children: &[],
};

/// `<boot>`; `order` is required.
pub const BOOT: Shape<Boot> = Shape {
    element: "boot",
    attrs: &[
        Attr { name: "order", lead: " order='", get: |b| Some(Value::Decimal(u64::from(b.order.get()))), set: None },
        text!("loadparm", loadparm, "boot.loadparm"),
    ],
    children: &[],
};

/// `<alias>`; `name` is required.
pub const ALIAS: Shape<Alias> = Shape {
    element: "alias",
    attrs: &[Attr { name: "name", lead: " name='", get: |a| Some(Value::Text(&a.name)), set: None }],
    children: &[],
};

/// `<auth>`; `username` is required.
pub const AUTH: Shape<Auth> = Shape {
    element: "auth",
    attrs: &[Attr { name: "username", lead: " username='", get: |a| Some(Value::Text(&a.username)), set: None }],
    children: &[],
};

/// `<secret>` of an `<auth>`.
pub const AUTH_SECRET: Shape<Secret> = Shape {
    element: "secret",
    attrs: &[
        vocab!("type", secret_type, SecretType),
        text!("uuid", uuid, "auth.secret.uuid"),
        text!("usage", usage, "auth.secret.usage"),
    ],
    children: &[],
};

/// `<encryption>`.
pub const ENCRYPTION: Shape<Encryption> = Shape {
    element: "encryption",
    attrs: &[text!("format", format, "encryption.format"), text!("engine", engine, "encryption.engine")],
    children: &[],
};

/// `<secret>` of an `<encryption>`.
pub const ENCRYPTION_SECRET: Shape<EncryptionSecret> = Shape {
    element: "secret",
    attrs: &[
        text!("type", secret_type, "encryption.secret.type"),
        text!("uuid", uuid, "encryption.secret.uuid"),
        text!("usage", usage, "encryption.secret.usage"),
    ],
    children: &[],
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
                if h.is_unix() {
                    Some(Value::Verbatim("unix"))
                } else {
                    h.transport().map(|t| t.spelling().map_or(Value::Text(t.as_str()), Value::Verbatim))
                }
            },
            set: None,
        },
        Attr { name: "socket", lead: " socket='", get: |h| h.socket().map(|s| Value::Text(s)), set: None },
    ],
    children: &[],
};

/// The attributes every host-side `<source>` has after its own: `startupPolicy`, `index`.
pub const SOURCE_COMMON: Shape<SourceCommon> = Shape {
    element: "source",
    attrs: &[vocab!("startupPolicy", startup_policy, StartupPolicy), num!("index", index)],
    children: &[],
};

/// The `<source>` of a file disk (then [`SOURCE_COMMON`]).
pub const FILE_SOURCE: Shape<FileSource> =
    Shape { element: "source", attrs: &[text!("file", path, "source.file")], children: &[] };

/// The `<source>` of a block disk (then [`SOURCE_COMMON`]).
pub const BLOCK_SOURCE: Shape<BlockSource> =
    Shape { element: "source", attrs: &[text!("dev", dev, "source.dev")], children: &[] };

/// The `<source>` of a dir disk (then [`SOURCE_COMMON`]).
pub const DIR_SOURCE: Shape<DirSource> =
    Shape { element: "source", attrs: &[text!("dir", dir, "source.dir")], children: &[] };

/// The `<source>` of a volume disk (then [`SOURCE_COMMON`]).
pub const VOLUME_SOURCE: Shape<VolumeSource> = Shape {
    element: "source",
    attrs: &[
        text!("pool", pool, "source.pool"),
        text!("volume", volume, "source.volume"),
        vocab!("mode", mode, VolumeMode),
    ],
    children: &[],
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
    children: &[],
};

/// The `<source>` of a vhostuser disk.
pub const VHOSTUSER_SOURCE: Shape<VhostUserSource> = Shape {
    element: "source",
    attrs: &[text!("type", source_type, "source.type"), text!("path", path, "source.path"), num!("index", index)],
    children: &[],
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
        vocab!("tls", extras => tls, YesNo),
        text!("tlsHostname", extras => tls_hostname, "source.tlsHostname"),
        text!("query", extras => query, "source.query"),
        num!("snapshot-timeout", snapshot_timeout),
        num!("index", index),
    ],
    children: &[
        part!(HOST, Host),
        extra!(0),
        extra!(1),
        extra!(2),
        part!(IDENTITY, Identity),
        extra!(3),
        extra!(4),
        part!(COOKIES, Cookies),
        extra!(5),
        extra!(6),
        part!(INITIATOR, Initiator),
        part!(AUTH, Auth),
        part!(ENCRYPTION, Encryption),
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
    children: &[],
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
/// each typed into a field of [`NetworkExtras`]: `<snapshot name>`, `<config file>`,
/// `<knownHosts path>`, `<reconnect delay>`, `<ssl verify>`, `<readahead size>`,
/// `<timeout seconds>`; [`NETWORK_SOURCE`]'s children place them in libvirt's order.
pub const NETWORK_EXTRAS: [Shape<NetworkExtras>; 7] = [
    Shape { element: "snapshot", attrs: &[text!("name", snapshot, "source.snapshot.name")], children: &[] },
    Shape { element: "config", attrs: &[text!("file", config, "source.config.file")], children: &[] },
    Shape { element: "knownHosts", attrs: &[text!("path", known_hosts, "source.knownHosts.path")], children: &[] },
    Shape { element: "reconnect", attrs: &[num!("delay", reconnect_delay)], children: &[] },
    Shape { element: "ssl", attrs: &[vocab!("verify", ssl_verify, YesNo)], children: &[] },
    Shape { element: "readahead", attrs: &[num64!("size", readahead)], children: &[] },
    Shape { element: "timeout", attrs: &[num64!("seconds", timeout)], children: &[] },
];

/// `<cookies>` of an http(s) source: a [`COOKIE`] per cookie.
pub const COOKIES: Shape<NetworkExtras> = Shape { element: "cookies", attrs: &[], children: &[] };

/// `<cookie name='…'>value</cookie>` in [`COOKIES`].
pub const COOKIE: &str = "cookie";

/// `<initiator>` of an iscsi source: one [`INITIATOR_IQN`].
pub const INITIATOR: Shape<NetworkExtras> = Shape { element: "initiator", attrs: &[], children: &[] };

/// `<iqn name='…'/>` in [`INITIATOR`].
pub const INITIATOR_IQN: &str = "iqn";

/// `<backingStore>`: `type` follows from the layer's source.
pub const BACKING_STORE: Shape<BackingLayer> = Shape {
    element: "backingStore",
    attrs: &[
        Attr { name: "type", lead: " type='", get: |l| Some(Value::Text(l.source.disk_type())), set: None },
        num!("index", index),
    ],
    children: &[],
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
    children: &[],
};

/// `<format>` of a backing layer; `type` is required.
pub const BACKING_FORMAT: Shape<diskxml_model::BackingFormat> = Shape {
    element: "format",
    attrs: &[Attr { name: "type", lead: " type='", get: |f| Some(Value::Text(f.format.as_str())), set: None }],
    children: &[],
};

/// `<address>`: its `type` fixes the kind, whose attributes follow ([`DRIVE_ADDRESS`] ...).
pub const ADDRESS: Shape<diskxml_model::Address> = Shape {
    element: "address",
    attrs: &[Attr { name: "type", lead: " type='", get: |a| Some(Value::Text(a.kind.type_name())), set: None }],
    children: &[],
};

/// The attributes of `<address type='drive'>` after `type`.
pub const DRIVE_ADDRESS: Shape<DriveAddress> = Shape {
    element: "address",
    attrs: &[num!("controller", controller), num!("bus", bus), num!("target", target), num!("unit", unit)],
    children: &[],
};

/// The attributes of `<address type='pci'>` after `type` (and of an nvme source's address).
pub const PCI_ADDRESS: Shape<PciAddress> = Shape {
    element: "address",
    attrs: &[hex!("domain", domain, 4), hex!("bus", bus, 2), hex!("slot", slot, 2), hex!("function", function, 1)],
    children: &[],
};

/// The attributes of `<address type='ccw'>` after `type`.
pub const CCW_ADDRESS: Shape<CcwAddress> = Shape {
    element: "address",
    attrs: &[hex!("cssid", cssid, 1), hex!("ssid", ssid, 1), hex!("devno", devno, 4)],
    children: &[],
};

/// The attributes of `<address type='usb'>` after `type`.
pub const USB_ADDRESS: Shape<UsbAddress> =
    Shape { element: "address", attrs: &[num!("bus", bus), text!("port", port, "address.port")], children: &[] };

/// Every table above, whatever model type it reads (the network source's one-attribute
/// extras included): for what asks of all of them at once, such as the test generator's
/// unknown names, which must be none of theirs.
pub static TABLES: [&(dyn crate::Known + Sync); 41] = [
    &DISK,
    &DRIVER,
    &METADATA_CACHE,
    &IOTUNE,
    &TARGET,
    &GEOMETRY,
    &TRANSIENT,
    &BLOCKIO,
    &BOOT,
    &ALIAS,
    &AUTH,
    &AUTH_SECRET,
    &ENCRYPTION,
    &ENCRYPTION_SECRET,
    &HOST,
    &SOURCE_COMMON,
    &FILE_SOURCE,
    &BLOCK_SOURCE,
    &DIR_SOURCE,
    &VOLUME_SOURCE,
    &NVME_SOURCE,
    &VHOSTUSER_SOURCE,
    &NETWORK_SOURCE,
    &IDENTITY,
    &COOKIES,
    &INITIATOR,
    &BACKING_STORE,
    &MIRROR,
    &BACKING_FORMAT,
    &ADDRESS,
    &DRIVE_ADDRESS,
    &PCI_ADDRESS,
    &CCW_ADDRESS,
    &USB_ADDRESS,
    &NETWORK_EXTRAS[0],
    &NETWORK_EXTRAS[1],
    &NETWORK_EXTRAS[2],
    &NETWORK_EXTRAS[3],
    &NETWORK_EXTRAS[4],
    &NETWORK_EXTRAS[5],
    &NETWORK_EXTRAS[6],
];
