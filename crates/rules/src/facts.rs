//! The facts of libvirt's disk handling that more than one rule (and more than one crate)
//! needs: each is defined here once, and the validator, the normaliser, the connector and
//! the libvirt crate read it from here.

use diskxml_model::{Bus, DeviceKind, Disk, Protocol};

/// A target-dev prefix and the bus libvirt infers from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevPrefix {
    /// The prefix, e.g. `vd`.
    pub prefix: &'static str,
    /// The bus libvirt gives a disk whose target dev starts with it and that names no bus.
    pub bus: Bus,
}

/// Every target-dev prefix libvirt's grammar `(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+` knows,
/// longest first, so that the first prefix a dev starts with is the right one.
pub const DEV_PREFIXES: &[DevPrefix] = &[
    DevPrefix { prefix: "xvd", bus: Bus::Xen },
    DevPrefix { prefix: "ubd", bus: Bus::Uml },
    DevPrefix { prefix: "vd", bus: Bus::Virtio },
    DevPrefix { prefix: "sd", bus: Bus::Scsi },
    DevPrefix { prefix: "hd", bus: Bus::Ide },
    DevPrefix { prefix: "fd", bus: Bus::Fdc },
];

/// The prefix a target dev starts with, and the rest.
fn split_dev(dev: &str) -> Option<(&'static DevPrefix, &str)> {
    DEV_PREFIXES.iter().find_map(|p| dev.strip_prefix(p.prefix).map(|rest| (p, rest)))
}

/// The bus libvirt infers from a target dev's prefix (`vdb` → virtio).
///
/// ```
/// use diskxml_model::Bus;
/// assert_eq!(diskxml_rules::bus_for_dev("vdb"), Some(Bus::Virtio));
/// assert_eq!(diskxml_rules::bus_for_dev("xvda"), Some(Bus::Xen));
/// assert_eq!(diskxml_rules::bus_for_dev("nvme0n1"), None);
/// ```
#[must_use]
pub fn bus_for_dev(dev: &str) -> Option<Bus> {
    split_dev(dev).map(|(p, _)| p.bus.clone())
}

/// The bus libvirt gives a disk whose `<target>` names none (`virDomainDiskDefParseXML`):
/// fdc for a floppy, whatever its dev; otherwise the bus of the dev's prefix (hd ide, sd
/// scsi, vd virtio, xvd xen, ubd uml), and ide for any other dev, `fd…` included.
///
/// ```
/// use diskxml_model::{Bus, DeviceKind};
/// use diskxml_rules::implied_bus;
/// assert_eq!(implied_bus(None, "sdi"), Bus::Scsi);
/// assert_eq!(implied_bus(Some(&DeviceKind::Floppy), "fda"), Bus::Fdc);
/// assert_eq!(implied_bus(Some(&DeviceKind::Disk), "fda"), Bus::Ide);
/// assert_eq!(implied_bus(None, "nvme0n1"), Bus::Ide);
/// ```
#[must_use]
pub fn implied_bus(device: Option<&DeviceKind>, dev: &str) -> Bus {
    if device == Some(&DeviceKind::Floppy) {
        return Bus::Fdc;
    }
    match bus_for_dev(dev) {
        Some(Bus::Fdc) | None => Bus::Ide,
        Some(bus) => bus,
    }
}

/// The bus libvirt reads `disk` as being on: its target's, or else [`implied_bus`]; `None`
/// without a target.
///
/// ```
/// use diskxml_model::{Bus, Disk, FileSource, Source, Target};
///
/// let mut disk = Disk::new(Source::File(FileSource::default()));
/// assert_eq!(diskxml_rules::disk_bus(&disk), None);
/// disk.target = Some(Box::new(Target::new("sdb", None)?));
/// assert_eq!(diskxml_rules::disk_bus(&disk), Some(Bus::Scsi));
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn disk_bus(disk: &Disk) -> Option<Bus> {
    let target = disk.target.as_ref()?;
    Some(target.bus.clone().unwrap_or_else(|| implied_bus(disk.device.as_ref(), target.dev())))
}

/// The prefix nova's block-device mapping (and `diskxml attach`) gives a new dev on `bus`:
/// the prefix libvirt maps to that bus, and `sd` for the other SCSI-like buses (sata, usb).
///
/// ```
/// use diskxml_model::Bus;
/// assert_eq!(diskxml_rules::dev_prefix_for_bus(&Bus::Virtio), "vd");
/// assert_eq!(diskxml_rules::dev_prefix_for_bus(&Bus::Sata), "sd");
/// ```
#[must_use]
pub fn dev_prefix_for_bus(bus: &Bus) -> &'static str {
    let scsi_like = matches!(bus, Bus::Sata | Bus::Usb);
    DEV_PREFIXES.iter().find(|p| p.bus == *bus || (scsi_like && p.bus == Bus::Scsi)).map_or("vd", |p| p.prefix)
}

/// Whether `dev` matches libvirt's target-dev grammar: a known prefix, then one or more
/// ASCII letters, digits or `_`.
#[must_use]
pub fn is_target_dev(dev: &str) -> bool {
    split_dev(dev).is_some_and(|(_, r)| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// The disk index of a target dev (`sda` 0, `sdz` 25, `sdaa` 26), as libvirt computes it.
///
/// ```
/// assert_eq!(diskxml_rules::dev_index("sdaa"), Some(26));
/// assert_eq!(diskxml_rules::dev_index("vd1"), None);
/// ```
#[must_use]
pub fn dev_index(dev: &str) -> Option<u32> {
    let (_, letters) = split_dev(dev)?;
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        n = n.checked_mul(26)?.checked_add(u32::from(b - b'a') + 1)?;
    }
    Some(n - 1)
}

/// The letters of the `index`-th dev after its prefix: `a`..`z`, `aa`..`az`, `ba`...; the
/// inverse of [`dev_index`].
///
/// ```
/// assert_eq!(diskxml_rules::dev_letters(0), "a");
/// assert_eq!(diskxml_rules::dev_letters(26), "aa");
/// assert_eq!(diskxml_rules::dev_index(&format!("sd{}", diskxml_rules::dev_letters(701))), Some(701));
/// ```
#[must_use]
pub fn dev_letters(index: u32) -> alloc::string::String {
    let mut out = alloc::vec::Vec::new();
    let mut n = index;
    loop {
        out.push(char::from(b'a' + u8::try_from(n % 26).expect("a remainder of 26 fits a byte")));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.iter().rev().collect()
}

/// The port libvirt fills in for `protocol` when a host gives none (none for rbd, whose
/// monitors have their own default, and for protocols libvirt has no default for).
///
/// ```
/// use diskxml_model::Protocol;
/// assert_eq!(diskxml_rules::default_port(&Protocol::Nbd), Some(10809));
/// assert_eq!(diskxml_rules::default_port(&Protocol::Rbd), None);
/// ```
#[must_use]
pub const fn default_port(protocol: &Protocol) -> Option<u16> {
    match protocol {
        Protocol::Nbd => Some(10809),
        Protocol::Iscsi => Some(3260),
        Protocol::Gluster => Some(24007),
        Protocol::Http => Some(80),
        Protocol::Https => Some(443),
        Protocol::Ftp => Some(21),
        Protocol::Ftps => Some(990),
        Protocol::Tftp => Some(69),
        Protocol::Sheepdog => Some(7000),
        Protocol::Vxhs => Some(9999),
        _ => None,
    }
}

/// How many `<host>` elements a protocol takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostCount {
    /// Exactly one.
    One,
    /// One or more.
    AtLeastOne,
    /// None or one.
    AtMostOne,
    /// Any number.
    Any,
}

impl HostCount {
    /// Whether `count` hosts are allowed.
    #[must_use]
    pub const fn allows(self, count: usize) -> bool {
        match self {
            Self::One => count == 1,
            Self::AtLeastOne => count >= 1,
            Self::AtMostOne => count <= 1,
            Self::Any => true,
        }
    }

    /// The rule in words: `exactly one host`, `at least one host`, ...
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::One => "exactly one host",
            Self::AtLeastOne => "at least one host",
            Self::AtMostOne => "at most one host",
            Self::Any => "any number of hosts",
        }
    }
}

/// How many hosts libvirt lets `protocol` name (the Open vStorage fork: at most one, none
/// meaning shared memory).
///
/// ```
/// use diskxml_model::Protocol;
/// use diskxml_rules::{HostCount, host_count};
/// assert_eq!(host_count(&Protocol::Nbd), HostCount::One);
/// assert!(host_count(&Protocol::Rbd).allows(3));
/// ```
#[must_use]
pub const fn host_count(protocol: &Protocol) -> HostCount {
    match protocol {
        Protocol::Nbd
        | Protocol::Iscsi
        | Protocol::Vxhs
        | Protocol::Http
        | Protocol::Https
        | Protocol::Ftp
        | Protocol::Ftps
        | Protocol::Tftp
        | Protocol::Nfs => HostCount::One,
        Protocol::Gluster => HostCount::AtLeastOne,
        Protocol::Sheepdog | Protocol::Openvstorage => HostCount::AtMostOne,
        _ => HostCount::Any,
    }
}

/// The target buses libvirt 9 accepts (`target@bus`): the model's vocabulary, defined once
/// there ([`Bus::KNOWN`]). Not `nvme`: libvirt 10 added it, and libvirt 9 refuses it
/// ("Invalid value for attribute 'bus' in element 'target': 'nvme'").
pub const LIBVIRT9_BUSES: &[&str] = Bus::KNOWN;

/// The device kinds libvirt 9 accepts (`disk@device`): the model's vocabulary
/// ([`DeviceKind::KNOWN`]).
pub const LIBVIRT9_DEVICES: &[&str] = DeviceKind::KNOWN;

/// Whether `name` is a user alias libvirt keeps: `ua-` then letters, digits, `_` or `-`.
#[must_use]
pub fn is_user_alias(name: &str) -> bool {
    name.strip_prefix("ua-")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_grammar() {
        assert_eq!(dev_index("sda"), Some(0));
        assert_eq!(dev_index("sdz"), Some(25));
        assert_eq!(dev_index("hdc"), Some(2));
        for good in ["vda", "sdaa", "xvdb", "hdc", "fda", "ubda", "vd_1"] {
            assert!(is_target_dev(good), "{good}");
        }
        for bad in ["vd", "nvme0n1", "vda!", "", "da"] {
            assert!(!is_target_dev(bad), "{bad}");
        }
        for i in [0, 1, 25, 26, 27, 51, 52, 701, 702, 18277] {
            assert_eq!(dev_index(&alloc::format!("vd{}", dev_letters(i))), Some(i));
        }
        assert!(is_user_alias("ua-disk_1") && !is_user_alias("ua-") && !is_user_alias("virtio-disk0"));
    }

    #[test]
    fn every_bus_with_a_prefix_maps_back_to_it() {
        for p in DEV_PREFIXES {
            assert_eq!(dev_prefix_for_bus(&p.bus), p.prefix);
            assert_eq!(bus_for_dev(&alloc::format!("{}a", p.prefix)), Some(p.bus.clone()));
        }
    }
}
