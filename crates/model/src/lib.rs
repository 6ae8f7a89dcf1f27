//! The data model of a libvirt `<disk>` device: typed, validated values, and no XML.
//!
//! ```
//! use diskxml_model::{Bus, Disk, Host, Source};
//!
//! let disk = Disk::openvstorage_edge("vol1")
//!     .host(Host::rdma("ovs.include.gr", 12329))
//!     .snapshot_timeout(120)
//!     .target("vda", Bus::Virtio)
//!     .build()?;
//! let Source::Network(source) = &disk.source else { unreachable!() };
//! assert_eq!(source.hosts()[0].port().map(|p| p.get()), Some(12329));
//! # Ok::<(), diskxml_model::Error>(())
//! ```
//!
//! # Should I use this crate directly?
//! Use it if you build or inspect disks and write or read the XML with the sibling crates
//! `diskxml-writer` and `diskxml-parser` yourself. Most users want the facade crate
//! `diskxml`, which re-exports this one as `diskxml::model`.
//!
//! # Errors
//! Construction refuses what could corrupt the XML written later, with an [`Error`] that
//! names the field: a character XML 1.0 cannot carry, a port of 0 or above 65535, a relative
//! unix socket path, a host that the `openvstorage` protocol does not take. libvirt's wider
//! semantic rules (host counts of other protocols, name patterns) are not construction rules.
//!
//! # Input safety
//! Every string is a [`Text`], which holds only characters XML 1.0 can carry; names of
//! unknown elements and attributes are [`Name`]s. Whatever the values, the writer produces
//! well-formed XML.
//!
//! # Lossless
//! Every element has an [`Unknown`] for the attributes and children the model does not know,
//! and every vocabulary enum (for example [`Bus`]) keeps an unknown value in `Other`.
//!
//! # Crate features
//! - `serde` (off by default): `Serialize` and `Deserialize` for every model type, in the
//!   shape a person would write by hand: snake_case fields, absent parts left out, sources
//!   and vocabulary values by their libvirt spelling, unknown XML as `{"attributes": [...],
//!   "children": [...]}`. Deserializing checks what the constructors check (characters XML
//!   cannot carry, ports, hosts, unique attribute names).
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use diskxml_model::{Bus, Disk, Host};
//!
//! let disk = Disk::openvstorage_edge("vol1").host(Host::tcp("ovs", 26203)).target("vdb", Bus::Virtio).build()?;
//! let json = serde_json::to_string(&disk).unwrap();
//! assert_eq!(json, concat!(
//!     r#"{"source":{"network":{"protocol":"openvstorage","hosts":[{"name":"ovs","port":26203,"transport":"tcp"}],"#,
//!     r#""name":"vol1"}},"target":{"dev":"vdb","bus":"virtio"}}"#,
//! ));
//! assert_eq!(serde_json::from_str::<Disk>(&json).unwrap(), disk);
//! # }
//! # Ok::<(), diskxml_model::Error>(())
//! ```
//!
//! The crate is `no_std` and needs `alloc`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

extern crate alloc;

mod builder;
mod disk;
mod driver;
mod edge;
mod error;
mod host;
mod hosts;
#[cfg(feature = "serde")]
mod serde_impl;
mod source;
mod text;
mod tuning;
mod unknown;
mod vocab;

pub use builder::DiskBuilder;
pub use disk::{
    Address, AddressKind, Alias, BackingFormat, BackingLayer, BackingStore, Boot, CcwAddress, Disk, DriveAddress,
    Geometry, Mirror, PciAddress, Target, Transient, UsbAddress,
};
pub use driver::{Driver, MetadataCache, VirtioOptions};
pub use edge::EdgeDiskBuilder;
pub use error::Error;
pub use host::{Bracketed, Host, IntoHost, Port};
pub use source::{
    BlockSource, DirSource, FileSource, Identity, NetworkExtras, NetworkSource, NvmeSource, OtherSource, Source,
    SourceCommon, VhostUserSource, VolumeSource,
};
pub use text::{Name, Text, check_chars, is_xml_char};
pub use tuning::{Auth, Blockio, Encryption, EncryptionSecret, IntoSecret, Iotune, Secret};
pub use unknown::{Attribute, Element, Node, Unknown};
pub use vocab::{
    Bus, Cache, DetectZeroes, DeviceKind, Discard, ErrorPolicy, Format, Io, OnOff, Protocol, ReadErrorPolicy,
    SecretType, StartupPolicy, Transport, Tray, VolumeMode, YesNo,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_types_stay_small() {
        // Disks are cloned and collected by the thousand; a field that grows them should be a
        // choice (issue 22's bound: 320 bytes; the larger parts are boxed, strings of up to
        // 24 bytes are inline, a vocabulary's unknown value is boxed).
        assert!(core::mem::size_of::<Disk>() <= 320, "Disk is {} bytes", core::mem::size_of::<Disk>());
        assert_eq!(core::mem::size_of::<Option<crate::Cache>>(), 16, "a vocabulary value is two words");
        assert_eq!(core::mem::size_of::<Option<crate::Text>>(), 24, "a text is three words, inline up to 24 bytes");
        assert!(core::mem::size_of::<Source>() <= 120, "Source is {} bytes", core::mem::size_of::<Source>());
        assert!(core::mem::size_of::<Host>() <= 160, "Host is {} bytes", core::mem::size_of::<Host>());
    }

    #[test]
    fn invalid_characters_are_refused_with_field_and_index() {
        for bad in ['\u{0}', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}'] {
            let value = alloc::format!("ab{bad}");
            let err = Text::new("serial", value).unwrap_err();
            assert_eq!(err, Error::InvalidChar { field: "serial", index: 2, ch: bad });
        }
        for good in ['\t', '\n', '\r', ' ', '\u{fffd}', '\u{10000}', '\u{10ffff}', '\u{e000}'] {
            assert!(Text::new("serial", alloc::format!("{good}")).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn index_counts_characters_not_bytes() {
        let err = Text::new("source.name", "éé\u{2}").unwrap_err();
        assert_eq!(err, Error::InvalidChar { field: "source.name", index: 2, ch: '\u{2}' });
    }

    #[test]
    fn ports_are_range_checked() {
        assert!(Port::new("p", 0).is_err());
        assert!(Port::new("p", 65536).is_err());
        assert_eq!(Port::new("p", 65535).map(Port::get), Ok(65535));
        assert_eq!(Port::new("p", 1).map(Port::get), Ok(1));
    }

    #[test]
    fn unix_socket_must_be_absolute_and_has_no_name() {
        assert!(matches!(Host::unix("sock"), Err(Error::RelativeSocket { .. })));
        let host = Host::unix("/run/sock").unwrap();
        assert!(host.name().is_none());
        assert!(host.is_unix());
    }

    #[test]
    fn openvstorage_takes_one_host_over_tcp_or_rdma() {
        let mut source = NetworkSource::new(Protocol::Openvstorage, None);
        assert!(matches!(source.push_host(Host::unix("/run/ovs").unwrap()), Err(Error::TransportNotAllowed { .. })));
        let other = Host::new("h", None, Some(Transport::parse("udp").unwrap())).unwrap();
        assert!(matches!(source.push_host(other), Err(Error::TransportNotAllowed { .. })));
        source.push_host(Host::new("h", None, None).unwrap()).unwrap();
        assert!(matches!(source.push_host(Host::rdma("h2", 1).unwrap()), Err(Error::TooManyHosts { count: 2, .. })));
        // Other protocols take any number here; their counts are validation's business.
        let mut gluster = NetworkSource::new(Protocol::Gluster, None);
        gluster.push_host(Host::tcp("a", 24007).unwrap()).unwrap();
        gluster.push_host(Host::unix("/run/glusterd.socket").unwrap()).unwrap();
        assert_eq!(gluster.hosts().len(), 2);
    }

    #[test]
    fn vocabularies_keep_unknown_values() {
        assert_eq!(Bus::parse("virtio").unwrap(), Bus::Virtio);
        assert_eq!(Bus::parse("Virtio").unwrap().as_str(), "Virtio");
        assert!(!Bus::parse("Virtio").unwrap().is_known());
        assert!(Bus::parse("a\u{1}").is_err());
        for known in Format::KNOWN {
            assert_eq!(Format::parse(known).unwrap().as_str(), *known);
            assert!(Format::parse(known).unwrap().is_known());
        }
    }

    #[test]
    fn names_refuse_prefixes_and_bad_starts() {
        for bad in ["", "1a", "-a", "a:b", "a b", "a>"] {
            assert!(Name::new("element name", bad).is_err(), "{bad:?}");
        }
        for good in ["a", "_a", "a-b.c1", "été"] {
            assert!(Name::new("element name", good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn builder_errors_name_their_field() {
        let err = Disk::openvstorage_edge("vol\u{7}").build().unwrap_err();
        assert_eq!(err, Error::InvalidChar { field: "source.name", index: 3, ch: '\u{7}' });
        let err = Disk::openvstorage_edge("vol").serial("s\u{0}").build().unwrap_err();
        assert_eq!(err, Error::InvalidChar { field: "serial", index: 1, ch: '\u{0}' });
        assert_eq!(Disk::openvstorage_edge("").build().unwrap_err(), Error::Empty { field: "source.name" });
        let err = Disk::openvstorage_edge("v").host(Host::unix("/s")).build().unwrap_err();
        assert!(matches!(err, Error::TransportNotAllowed { .. }));
    }

    #[test]
    fn or_setters_fill_only_what_is_unset() {
        let disk = Disk::openvstorage_edge("v")
            .target("vdc", Bus::Scsi)
            .snapshot_timeout(5)
            .or_target("vda", Bus::Virtio)
            .or_snapshot_timeout(120)
            .or_device(DeviceKind::Disk)
            .or_driver(Driver::qemu_raw())
            .build()
            .unwrap();
        let target = disk.target.unwrap();
        assert_eq!(target.dev(), "vdc");
        assert_eq!(target.bus, Some(Bus::Scsi));
        let Source::Network(source) = disk.source else { panic!("network") };
        assert_eq!(source.snapshot_timeout, Some(5));
        assert_eq!(disk.device, Some(DeviceKind::Disk));
        assert_eq!(disk.driver.unwrap().format, Some(Format::Raw));
    }
}
