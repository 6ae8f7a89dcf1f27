//! libvirt's hypervisor-independent rules for one disk (its parser and
//! `virDomainDiskDefValidate`): what `virsh define` refuses on any driver.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use diskxml_model::{
    AddressKind, Bus, DeviceKind, Disk, Format, Iotune, NetworkSource, Node, Protocol, Secret, Source,
};

use crate::Rule;
use crate::facts::is_target_dev;
use crate::report::{Report, Step, el};
use diskxml_schema::IOTUNE;

pub(crate) fn disk_auth(disk: &Disk, report: &mut Report) {
    if let Some(secret) = disk.auth.as_ref().and_then(|a| a.secret.as_ref()) {
        check_secret(secret, &[el("auth"), el("secret")], report);
    }
}

pub(crate) fn network(disk: &Disk, report: &mut Report) {
    let Source::Network(net) = &disk.source else { return };
    source_name(net, report);
    if let Some(secret) = net.auth.as_ref().and_then(|a| a.secret.as_ref()) {
        check_secret(secret, &[el("source"), el("auth"), el("secret")], report);
    }
    if net.auth.is_some() && disk.auth.is_some() {
        let message = "<auth> may be at disk level or inside <source>, not both".to_string();
        report.add(Rule::AuthTwice, &[el("source"), el("auth")], message);
    }
}

fn source_name(net: &NetworkSource, report: &mut Report) {
    let at = [el("source"), Step::Attribute("name")];
    match (&net.name, net.protocol()) {
        (None, Protocol::Nbd) => {}
        (None, protocol) => report.add(Rule::SourceName, &at, format!("protocol '{protocol}' needs a source name")),
        (Some(name), protocol @ (Protocol::Rbd | Protocol::Gluster)) if !is_split_name(name) => {
            let form = if *protocol == Protocol::Rbd { "pool/image" } else { "volume/path" };
            report.add(
                Rule::SourceNameSplit,
                &at,
                format!("{protocol} source name {:?} must be '{form}'", name.as_str()),
            );
        }
        _ => {}
    }
}

pub(crate) fn lun(disk: &Disk, report: &mut Report) {
    if disk.device != Some(DeviceKind::Lun) {
        return;
    }
    let allowed = match &disk.source {
        Source::Block(_) | Source::Volume(_) => true,
        Source::Network(net) => *net.protocol() == Protocol::Iscsi,
        _ => false,
    };
    if !allowed {
        let message = format!("device='lun' needs a block, iscsi or volume source, not type '{}'", disk.disk_type());
        report.add(Rule::LunSource, &[Step::Attribute("device")], message);
    }
    // `virDomainDiskDefValidate`: "disk device 'lun' must use 'raw' format".
    if let Some(format) = disk.driver.as_ref().and_then(|d| d.format.as_ref()).filter(|f| **f != Format::Raw) {
        let message = format!("device='lun' passes the device through: its format must be 'raw', not '{format}'");
        report.add(Rule::LunFormat, &[el("driver"), Step::Attribute("type")], message);
    }
}

pub(crate) fn target(disk: &Disk, report: &mut Report) {
    // libvirt 9 has no nvme bus, so no nvme dev either (`nvme0n1` is refused like any other).
    if let Some(target) = &disk.target
        && !is_target_dev(target.dev())
    {
        let message = format!(
            "target dev {:?} must be fd, hd, sd, vd, xvd or ubd followed by letters, digits or _",
            target.dev().as_str()
        );
        report.add(Rule::TargetDev, &[el("target"), Step::Attribute("dev")], message);
    }
}

pub(crate) fn iotune(disk: &Disk, report: &mut Report) {
    let Some(iotune) = effective_iotune(disk, report) else { return };
    // Each `total_X` set, with a `read_X` or `write_X` set beside it (the limits set are a
    // few, in libvirt's order: this runs for every rendered disk).
    for (total, _) in iotune.limits() {
        let Some(suffix) = total.strip_prefix("total_") else { continue };
        for (pair, _) in iotune.limits() {
            let paired = ["read_", "write_"].iter().any(|prefix| pair.strip_prefix(prefix) == Some(suffix));
            if paired {
                let message = format!("{pair} cannot be set together with {total}");
                report.add(Rule::IotuneTotalWithPair, &[el("iotune"), el(pair)], message);
            }
        }
    }
}

/// The iotune limits as libvirt reads them: each from its first element in document order
/// (`string(./iotune/NAME)`), across the model's `<iotune>`, what it kept, and any duplicate
/// `<iotune>` kept after it; a limit found only in a kept element and not an integer is a
/// problem, as libvirt refuses it. Borrows the model's when nothing is kept.
fn effective_iotune<'d>(disk: &'d Disk, report: &mut Report) -> Option<Cow<'d, Iotune>> {
    let mut iotune = disk.iotune.as_deref().map(Cow::Borrowed);
    // What the model's `<iotune>` kept, then each duplicate's children: the `index`-th
    // `<iotune>` of the disk, in document order.
    let kept = disk.iotune.as_deref().map(|t| t.unknown.children());
    let duplicates = disk.unknown.children().iter().filter_map(|n| match n {
        Node::Element(e) if e.name.as_str() == IOTUNE.element => Some(e.children.as_slice()),
        _ => None,
    });
    for (index, children) in kept.into_iter().chain(duplicates).enumerate() {
        for child in children.iter().filter_map(|n| if let Node::Element(e) = n { Some(e) } else { None }) {
            let Some(&name) = Iotune::LIMITS.iter().find(|l| **l == child.name.as_str()) else { continue };
            if iotune.as_ref().is_some_and(|t| t.limits().any(|(n, _)| n == name)) {
                continue;
            }
            let text: String = child
                .children
                .iter()
                .filter_map(|n| if let Node::Text(t) = n { Some(t.as_str()) } else { None })
                .collect();
            match diskxml_schema::decimal(text.trim()) {
                Ok(value) => {
                    let owned = iotune.get_or_insert_with(|| Cow::Owned(Iotune::default())).to_mut();
                    if let Some(slot) = owned.limit_mut(name) {
                        *slot = Some(value);
                    }
                }
                Err(_) => {
                    let message = format!("iotune {name} {:?} is not a non-negative integer", text.trim());
                    let at = [Step::Element { name: IOTUNE.element, index }, el(name)];
                    report.add(Rule::IotuneValue, &at, message);
                }
            }
        }
    }
    iotune
}

/// wwn, vendor and product: what `virDomainDiskDefValidate` accepts (the serial is the QEMU
/// driver's: [`crate::qemu::serial`]).
pub(crate) fn identifiers(disk: &Disk, report: &mut Report) {
    if let Some(wwn) = &disk.wwn {
        let digits = wwn.strip_prefix("0x").unwrap_or(wwn);
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            let message = format!("wwn {:?} must be 16 hexadecimal digits, optionally after 0x", wwn.as_str());
            report.add(Rule::Wwn, &[el("wwn")], message);
        }
    }
    for (rule, name, value, max) in
        [(Rule::Vendor, "vendor", &disk.vendor, 8), (Rule::Product, "product", &disk.product, 16)]
    {
        if let Some(value) = value {
            let printable = value.chars().all(|c| c.is_ascii_graphic() || c == ' ');
            if value.is_empty() || value.chars().count() > max || !printable {
                let message = format!("{name} {:?} must be 1 to {max} printable ASCII characters", value.as_str());
                report.add(rule, &[el(name)], message);
            }
        }
    }
}

fn check_secret(secret: &Secret, at: &[Step], report: &mut Report) {
    match (&secret.uuid, &secret.usage) {
        (Some(_), Some(_)) => report.add(Rule::Secret, at, "a secret takes a uuid or a usage, not both".to_string()),
        (None, None) => report.add(Rule::Secret, at, "a secret needs a uuid or a usage".to_string()),
        (Some(uuid), None) if !is_uuid(uuid) => {
            let mut steps = at.to_vec();
            steps.push(Step::Attribute("uuid"));
            let message =
                format!("{:?} is not a uuid (32 hexadecimal digits, dashes allowed as 8-4-4-4-12)", uuid.as_str());
            report.add(Rule::SecretUuid, &steps, message);
        }
        _ => {}
    }
}

/// An rbd or gluster name libvirt can split in two at its first `/`: one that is there and
/// not first (`virDomainDiskSourceNetworkParse`: "can't split path ... into pool name and
/// image name"). What follows is the image (or namespace/image, image@snapshot), unchecked.
fn is_split_name(name: &str) -> bool {
    name.find('/').is_some_and(|at| at > 0)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let hex = |g: &str| g.bytes().all(|b| b.is_ascii_hexdigit());
    match groups.as_slice() {
        [one] => one.len() == 32 && hex(one),
        [a, b, c, d, e] => {
            [a.len(), b.len(), c.len(), d.len(), e.len()] == [8, 4, 4, 4, 12] && groups.iter().all(|g| hex(g))
        }
        _ => false,
    }
}

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
    if floppy != target.dev().starts_with("fd") {
        let message = if floppy {
            format!("a floppy's target dev starts with 'fd', not {:?}", target.dev().as_str())
        } else {
            format!("target dev {:?} names a floppy; only device='floppy' takes an fd dev", target.dev().as_str())
        };
        report.add(Rule::FloppyDev, &[el("target"), Step::Attribute("dev")], message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(is_uuid("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"));
        assert!(is_uuid("3b6f6c2a1f4f4b2a9d7e0c1f2e3d4c5b"));
        assert!(!is_uuid("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5"));
        assert!(!is_uuid("zb6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"));
        // As libvirt splits them (virsh define agrees on each of these).
        assert!(is_split_name("pool/image") && is_split_name("pool/ns/image") && is_split_name("pool/"));
        assert!(!is_split_name("image") && !is_split_name("/image") && !is_split_name(""));
    }
}
