//! libvirt 9's parser rules beyond the patterns: a required target, its vocabularies, the
//! address kind each bus takes, and the domain-wide rule that target devs are unique.

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use diskxml_model::{AddressKind, Bus, DeviceKind, Disk, Source};

use crate::validate::{Report, Step, el};
use crate::{Problem, Rule};

/// `<target>` is required (`virDomainDiskDefParseXML`: "missing target information").
pub(crate) fn target_required(disk: &Disk, report: &mut Report) {
    if disk.target.is_none() {
        report.add(Rule::TargetMissing, &[], "a disk needs a <target dev=...> for libvirt".to_string());
    }
}

/// One enumerated attribute: its locator, its value, and whether libvirt 9 knows it.
type Vocab<'a> = (&'static [Step], &'a str, bool);

const DEVICE: &[Step] = &[Step::Attribute("device")];
const BUS: &[Step] = &[el("target"), Step::Attribute("bus")];
const TRAY: &[Step] = &[el("target"), Step::Attribute("tray")];
const CACHE: &[Step] = &[el("driver"), Step::Attribute("cache")];
const IO: &[Step] = &[el("driver"), Step::Attribute("io")];
const ERROR_POLICY: &[Step] = &[el("driver"), Step::Attribute("error_policy")];
const RERROR_POLICY: &[Step] = &[el("driver"), Step::Attribute("rerror_policy")];
const DISCARD: &[Step] = &[el("driver"), Step::Attribute("discard")];
const DETECT_ZEROES: &[Step] = &[el("driver"), Step::Attribute("detect_zeroes")];
const PROTOCOL: &[Step] = &[el("source"), Step::Attribute("protocol")];

/// Every enumerated attribute holds a value libvirt 9 knows. The model keeps any value
/// (`Other`), losslessly; libvirt refuses the document. `protocol='openvstorage'` is the
/// Open vStorage fork's and is not reported (docs/formats.md).
pub(crate) fn vocabularies(disk: &Disk, report: &mut Report) {
    let mut values: Vec<Vocab<'_>> = Vec::new();
    if let Some(device) = &disk.device {
        values.push((DEVICE, device.as_str(), device.is_known()));
    }
    if let Some(target) = &disk.target {
        if let Some(bus) = &target.bus {
            values.push((BUS, bus.as_str(), crate::LIBVIRT9_BUSES.contains(&bus.as_str())));
        }
        if let Some(tray) = &target.tray {
            values.push((TRAY, tray.as_str(), tray.is_known()));
        }
    }
    if let Some(d) = &disk.driver {
        let known = [
            d.cache.as_ref().map(|v| (CACHE, v.as_str(), v.is_known())),
            d.io.as_ref().map(|v| (IO, v.as_str(), v.is_known())),
            d.error_policy.as_ref().map(|v| (ERROR_POLICY, v.as_str(), v.is_known())),
            d.rerror_policy.as_ref().map(|v| (RERROR_POLICY, v.as_str(), v.is_known())),
            d.discard.as_ref().map(|v| (DISCARD, v.as_str(), v.is_known())),
            d.detect_zeroes.as_ref().map(|v| (DETECT_ZEROES, v.as_str(), v.is_known())),
        ];
        values.extend(known.into_iter().flatten());
    }
    if let Source::Network(net) = &disk.source {
        values.push((PROTOCOL, net.protocol().as_str(), net.protocol().is_known()));
    }
    for (at, value, known) in values {
        if !known {
            let attribute = at.iter().rev().find_map(|s| if let Step::Attribute(a) = s { Some(*a) } else { None });
            let message = format!("{} {value:?} is not a value libvirt 9 accepts", attribute.unwrap_or("value"));
            report.add(Rule::UnknownValue, at, message);
        }
    }
}

/// The address kind each bus takes (`virDomainDiskAddressDiskBusCompatibility`): ide, fdc,
/// scsi and sata a drive address; any other bus any address. The bus is the target's, or the
/// one libvirt infers from the device and dev ([`crate::disk_bus`]). What the QEMU driver
/// adds for virtio and usb is [`crate::qemu::address_for_frontend`].
pub(crate) fn address_for_bus(disk: &Disk, report: &mut Report) {
    let (Some(address), Some(bus)) = (&disk.address, crate::disk_bus(disk)) else { return };
    let fits = match bus {
        Bus::Ide | Bus::Fdc | Bus::Scsi | Bus::Sata => matches!(address.kind, AddressKind::Drive(_)),
        _ => true,
    };
    if !fits {
        report_address(address, &bus, report);
    }
}

/// The address-kind problem: `address` does not fit a disk on `bus`.
pub(crate) fn report_address(address: &diskxml_model::Address, bus: &Bus, report: &mut Report) {
    let message = format!("an address of type '{}' does not fit a disk on bus '{bus}'", address.kind.type_name());
    report.add(Rule::AddressForBus, &[el("address"), Step::Attribute("type")], message);
}

/// A floppy is on the fdc bus with an `fd` dev, and nothing else is
/// (`virDomainDiskDefValidate`: "Invalid bus type '…' for floppy disk", "Invalid floppy
/// device name", "Invalid harddisk device name").
pub(crate) fn floppy(disk: &Disk, report: &mut Report) {
    let Some(target) = &disk.target else { return };
    let floppy = disk.device == Some(DeviceKind::Floppy);
    if let Some(bus) = &target.bus
        && floppy != (*bus == Bus::Fdc)
    {
        let message = if floppy {
            format!("a floppy needs bus 'fdc', not '{bus}'")
        } else {
            "bus 'fdc' takes only device='floppy'".to_string()
        };
        report.add(Rule::FloppyBus, &[el("target"), Step::Attribute("bus")], message);
    }
    if floppy != target.dev.starts_with("fd") {
        let message = if floppy {
            format!("a floppy's target dev starts with 'fd', not {:?}", target.dev.as_str())
        } else {
            format!("target dev {:?} names a floppy; only device='floppy' takes an fd dev", target.dev.as_str())
        };
        report.add(Rule::FloppyDev, &[el("target"), Step::Attribute("dev")], message);
    }
}

/// The rules that span a domain's disks: each target dev once. Problems come with the index
/// of the disk they are about.
///
/// ```
/// use diskxml_model::{Bus, Disk};
///
/// let a = Disk::openvstorage_edge("a").target("vdb", Bus::Virtio).build()?;
/// let b = Disk::openvstorage_edge("b").target("vdb", Bus::Virtio).build()?;
/// let problems = diskxml_rules::validate_domain(&[a, b]);
/// assert_eq!(problems.len(), 1);
/// assert_eq!((problems[0].0, problems[0].1.rule.code()), (1, "target.dev-duplicate"));
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn validate_domain(disks: &[Disk]) -> Vec<(usize, Problem)> {
    let mut problems = Vec::new();
    // Linear in the domain's disks: a domain may hold thousands.
    let mut seen = alloc::collections::BTreeSet::new();
    for (i, disk) in disks.iter().enumerate() {
        let Some(dev) = disk.target.as_ref().map(|t| t.dev.as_str()) else { continue };
        if !seen.insert(dev) {
            let mut report = Report::default();
            let message = format!("target dev {dev:?} is used by an earlier disk of the domain");
            report.add(Rule::DuplicateDev, &[el("target"), Step::Attribute("dev")], message);
            problems.extend(report.into_problems().into_iter().map(|p| (i, p)));
        }
    }
    problems
}
