//! libvirt's semantics for `<disk>`: what libvirt accepts ([`validate`]), what it prints
//! back ([`normalize`]), each under a [`Profile`], and the facts behind both (target-dev
//! grammar, default ports, host counts), defined here once for the whole workspace.
//!
//! ```
//! use diskxml_model::{Bus, Disk, Host};
//! use diskxml_rules::{Profile, normalize, validate};
//!
//! let disk = Disk::openvstorage_edge("vol").host(Host::tcp("ovs", 26203)).target("vdb", Bus::Virtio).build()?;
//! assert!(validate(&disk, Profile::Generic).is_empty());
//! let printed = normalize(&disk, Profile::Qemu);
//! assert!(printed.driver.is_some(), "the QEMU driver adds <driver name='qemu' type='raw'/>");
//! # Ok::<(), diskxml_model::Error>(())
//! ```
//!
//! # Should I use this crate directly?
//! Use it to judge or normalise disks you build or read yourself. Most users want the facade
//! crate `diskxml`, which re-exports it as `diskxml::rules` and adds `diskxml::check`, which
//! puts every problem at its line:column in the XML it was read from.
//!
//! # Errors
//! None: a broken rule is a [`Problem`] in the list [`validate`] returns, with its [`Rule`]
//! (a stable code such as `target.dev-pattern`), where it is ([`Locator`]) and a message.
//!
//! # Input safety
//! Every function takes any [`diskxml_model::Disk`]; none panics.
//!
//! # Crate features
//! None. The crate is `no_std` and needs `alloc`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

extern crate alloc;

mod domain;
mod facts;
mod generic;
mod normalize;
mod qemu;
mod report;
mod secrets;
mod validate;

pub use domain::validate_domain;
pub use facts::{
    DEV_PREFIXES, DevPrefix, HostCount, LIBVIRT9_BUSES, LIBVIRT9_DEVICES, bus_for_dev, default_port, dev_index,
    dev_letters, dev_prefix_for_bus, disk_bus, host_count, implied_bus, is_target_dev, is_user_alias,
};
pub use normalize::normalize;
pub use qemu::hotpluggable;
pub use report::{Locator, Problem, Step};
pub use secrets::{SecretName, SecretRef, secret_refs};
pub use validate::{Refused, libvirt_accepts, validate};

/// Whose rules to apply: a named set of rules for [`validate`] and [`normalize`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// libvirt's hypervisor-independent code (`virsh -c test:///default`).
    Generic,
    /// [`Profile::Generic`] plus what libvirt's QEMU driver adds: what users of KVM hosts see.
    #[default]
    Qemu,
}

macro_rules! rules {
    ($( $(#[$meta:meta])* $name:ident = $code:literal, )+) => {
        /// The rule a [`Problem`] breaks, with a stable code tools can filter on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$meta])* $name, )+
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),+];

            /// The rule's stable code, e.g. `target.dev-pattern`.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $( Self::$name => $code, )+
                }
            }
        }
    };
}

rules! {
    /// The number of `<host>`s the protocol takes.
    HostCount = "source.host-count",
    /// A network source names its volume (all protocols but nbd).
    SourceName = "source.name-missing",
    /// An rbd or gluster name splits at a `/` into pool (volume) and image (path).
    SourceNameSplit = "source.name-split",
    /// `<auth>` at disk level or inside `<source>`, not both.
    AuthTwice = "auth.placement",
    /// A secret has exactly one of uuid and usage.
    Secret = "secret.uuid-or-usage",
    /// A secret's uuid is a uuid.
    SecretUuid = "secret.uuid-pattern",
    /// `device='lun'` only on block, iscsi or volume sources.
    LunSource = "device.lun-source",
    /// The target dev follows libvirt's grammar.
    TargetDev = "target.dev-pattern",
    /// A `total_*` iotune limit never with its `read_*`/`write_*` pair.
    IotuneTotalWithPair = "iotune.total-with-read-write",
    /// QEMU: the serial's characters.
    Serial = "serial.pattern",
    /// The wwn is 16 hexadecimal digits.
    Wwn = "wwn.pattern",
    /// The vendor is 1 to 8 printable characters.
    Vendor = "vendor.pattern",
    /// The product is 1 to 16 printable characters.
    Product = "product.pattern",
    /// A disk has a `<target>`.
    TargetMissing = "target.missing",
    /// An enumerated attribute holds a value libvirt 9 knows.
    UnknownValue = "value.unknown",
    /// The address kind fits the bus.
    AddressForBus = "address.bus-mismatch",
    /// Each target dev once in a domain.
    DuplicateDev = "target.dev-duplicate",
    /// QEMU: `io='native'` only with `cache='none'` or `directsync`.
    NativeIoCache = "driver.native-io-cache",
    /// QEMU: no read-only disk on an ide or sata bus.
    ReadonlyBus = "readonly.bus",
    /// QEMU: a lun only on a scsi or virtio bus.
    LunBus = "device.lun-bus",
    /// QEMU: no serial on a lun.
    LunSerial = "serial.lun",
    /// QEMU: a shareable, writable disk is raw.
    ShareableFormat = "shareable.format",
    /// QEMU (this host's): a protocol QEMU has no block driver for.
    ProtocolUnsupported = "source.protocol-unsupported",
    /// A lun's format is raw.
    LunFormat = "device.lun-format",
    /// A floppy is on the fdc bus, and only a floppy is.
    FloppyBus = "device.floppy-bus",
    /// A floppy's target dev starts with `fd`, and only a floppy's does.
    FloppyDev = "target.floppy-dev",
    /// An iotune limit libvirt reads (a later duplicate `<iotune>`'s included) is an integer.
    IotuneValue = "iotune.value-integer",
    /// Construction: a required attribute or element is missing (`<target>` without `dev`).
    Required = "xml.required",
    /// Construction: a value the model cannot hold (a non-numeric `<boot order>`, a `<readonly>`
    /// with content, two values that exclude each other).
    Value = "xml.value",
    /// Construction: a character XML 1.0 cannot carry, or a namespaced name inside `<disk>`.
    Character = "xml.character",
    /// Construction: a host's port is 1-65535.
    Port = "source.host-port",
    /// Construction: a unix host names an absolute socket path, and nothing else.
    Socket = "source.host-socket",
    /// Construction: each host's transport is one its protocol takes (openvstorage: tcp or rdma).
    Transport = "source.host-transport",
    /// The host's: a secret the disk names is defined in libvirt (the guest does not start
    /// without it). Only an audit of the host can tell ([`secret_refs`] lists the secrets);
    /// [`validate`] never reports it.
    SecretMissing = "secret.missing",
}

impl Rule {
    /// Whether the rule depends on the host (its QEMU's build, the secrets it holds), not
    /// on libvirt: a warning where the caller can tell (`diskxml render`), not an error.
    #[must_use]
    pub const fn host_dependent(self) -> bool {
        matches!(self, Self::ProtocolUnsupported | Self::SecretMissing)
    }

    /// Whether libvirt enforces the rule only when the guest starts or the disk is plugged
    /// (building QEMU's command line), not when a domain is defined: `virsh define` takes a
    /// disk that breaks it.
    #[must_use]
    pub const fn at_start(self) -> bool {
        matches!(self, Self::HostCount | Self::SecretMissing)
    }

    /// Whether the rule is one the model enforces when a disk is built or read (ports,
    /// sockets, transports, required parts, characters): [`validate`] never reports it, as
    /// no [`diskxml_model::Disk`] can break it; `diskxml::check` reports a disk it could
    /// not read under it (an openvstorage source's second host under
    /// [`Rule::HostCount`], whose count the model caps).
    #[must_use]
    pub const fn construction(self) -> bool {
        matches!(self, Self::Required | Self::Value | Self::Character | Self::Port | Self::Socket | Self::Transport)
    }
}

impl core::fmt::Display for Rule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_are_unique_and_dotted() {
        for (i, a) in Rule::ALL.iter().enumerate() {
            assert!(a.code().contains('.'), "{a:?}");
            for b in &Rule::ALL[i + 1..] {
                assert_ne!(a.code(), b.code());
            }
        }
    }
}
