//! libvirt's QEMU driver's rules for a disk (libvirt 9 with QEMU 7.2, as Debian 12 ships
//! them), beyond the generic parser's: what `virsh define` on `qemu:///system` refuses.

use alloc::format;
use alloc::string::ToString;

use diskxml_model::{AddressKind, Bus, Cache, DeviceKind, Disk, Format, Io, Protocol, Source};

use crate::Rule;
use crate::facts::host_count;
use crate::report::{Report, Step, el};

const IO: &[Step] = &[el("driver"), Step::Attribute("io")];

/// The number of hosts each protocol takes: the QEMU driver's rule (libvirt's parser takes
/// any number; `qemuDomainValidateStorageSource`).
pub(crate) fn host_counts(disk: &Disk, report: &mut Report) {
    let Source::Network(net) = &disk.source else { return };
    let count = net.hosts().len();
    let rule = host_count(net.protocol());
    if !rule.allows(count) {
        let at = if count > 1 { Step::Element { name: "host", index: 1 } } else { el("host") };
        let message = format!("protocol '{}' takes {}, found {count}", net.protocol(), rule.describe());
        report.add(Rule::HostCount, &[el("source"), at], message);
    }
}

/// `io='native'` needs `cache='none'` or `directsync` (`qemuValidateDomainDeviceDefDisk`:
/// "native I/O needs either no disk cache or directsync cache mode").
pub(crate) fn native_io(disk: &Disk, report: &mut Report) {
    let Some(driver) = &disk.driver else { return };
    let uncached = matches!(driver.cache, Some(Cache::None | Cache::Directsync));
    if driver.io == Some(Io::Native) && !uncached {
        let cache = driver.cache.as_ref().map_or("the default", |c| c.as_str());
        let message = format!("io='native' needs cache='none' or 'directsync', not {cache}");
        report.add(Rule::NativeIoCache, IO, message);
    }
}

/// A serial of the characters QEMU's `-device ...,serial=` takes: letters, digits, space
/// and `_ . + -` (`qemuSafeSerialParamValue`, called by
/// `qemuValidateDomainDeviceDefDiskFrontend`; libvirt's parser takes any serial).
pub(crate) fn serial(disk: &Disk, report: &mut Report) {
    if let Some(serial) = &disk.serial
        && !serial.chars().all(|c| c.is_ascii_alphanumeric() || " _.+-".contains(c))
    {
        let message = format!("serial {:?} may hold only letters, digits, space and _ . + -", serial.as_str());
        report.add(Rule::Serial, &[el("serial")], message);
    }
}

/// The front end each bus gives: no read-only disk on ide or sata ("readonly ide disks are
/// not supported"), a lun only on scsi or virtio, no serial on a lun on scsi
/// (`qemuValidateDomainDeviceDefDiskFrontend`).
pub(crate) fn frontend(disk: &Disk, report: &mut Report) {
    // The bus as libvirt sees it: written, or inferred from the device and dev.
    let bus = crate::disk_bus(disk);
    let bus = bus.as_ref();
    let device = disk.device.as_ref().unwrap_or(&DeviceKind::Disk);
    if let Some(bus) = bus.filter(|b| matches!(b, Bus::Ide | Bus::Sata))
        && disk.readonly
        && *device == DeviceKind::Disk
    {
        let message = format!("a read-only disk cannot be on an {bus} bus (a read-only cdrom can)");
        report.add(Rule::ReadonlyBus, &[el("readonly")], message);
    }
    if *device == DeviceKind::Lun {
        if let Some(bus) = bus.filter(|b| !matches!(b, Bus::Scsi | Bus::Virtio)) {
            let message = format!("device='lun' needs a scsi or virtio bus, not '{bus}'");
            report.add(Rule::LunBus, &[el("target"), Step::Attribute("bus")], message);
        }
        // A lun on virtio (virtio-blk passthrough) takes one.
        if disk.serial.is_some() && bus == Some(&Bus::Scsi) {
            let message = "a lun on a scsi bus (scsi-block) takes no <serial>".to_string();
            report.add(Rule::LunSerial, &[el("serial")], message);
        }
    }
}

/// The address a virtio or usb disk takes in QEMU: a virtio disk no drive or usb address
/// ("virtio disk cannot have an address of type …"), a usb disk only a usb address
/// ("unexpected address type for usb disk"); `qemuValidateDomainDeviceDefAddress` and the
/// QEMU driver's address assignment. libvirt's parser takes both.
pub(crate) fn address_for_frontend(disk: &Disk, report: &mut Report) {
    let (Some(address), Some(bus)) = (&disk.address, crate::disk_bus(disk)) else { return };
    let fits = match bus {
        Bus::Virtio => !matches!(address.kind, AddressKind::Drive(_) | AddressKind::Usb(_)),
        Bus::Usb => matches!(address.kind, AddressKind::Usb(_)),
        _ => true,
    };
    if !fits {
        crate::generic::report_address(address, &bus, report);
    }
}

/// A writable shared disk needs a format QEMU can share: raw (`qemuValidateDomainDeviceDefDisk`:
/// "shared access for disk requires use of supported storage format").
pub(crate) fn shareable_format(disk: &Disk, report: &mut Report) {
    if !disk.shareable || disk.readonly {
        return;
    }
    let format = disk.driver.as_ref().and_then(|d| d.format.as_ref());
    if let Some(format) = format.filter(|f| **f != Format::Raw) {
        let message = format!("a shareable, writable disk needs type='raw', not '{format}'");
        report.add(Rule::ShareableFormat, &[el("driver"), Step::Attribute("type")], message);
    }
}

/// The protocols QEMU 7.2 has no block driver for: tftp (dropped with QEMU 7.0's curl
/// changes). A fact of this host's QEMU: reported, and a warning where the caller can
/// tell rules apart ([`Rule::host_dependent`]).
pub(crate) fn protocols(disk: &Disk, report: &mut Report) {
    if let Source::Network(net) = &disk.source
        && *net.protocol() == Protocol::Tftp
    {
        let message = "protocol 'tftp' is not supported by QEMU 7.2".to_string();
        report.add(Rule::ProtocolUnsupported, &[el("source"), Step::Attribute("protocol")], message);
    }
}

/// Whether a disk on `bus` can be plugged into a running guest (`qemuDomainAttachDeviceDiskLive`):
/// virtio, scsi and usb disks can; ide, sata and fdc ones only with the guest shut off.
#[must_use]
pub fn hotpluggable(bus: &Bus) -> bool {
    matches!(bus, Bus::Virtio | Bus::Scsi | Bus::Usb)
}
