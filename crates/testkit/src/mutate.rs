//! Mutants of valid disks, each breaking one rule of libvirt's, for the differential tests
//! of `check` against libvirt itself.

use diskxml_model::{
    Address, AddressKind, Bus, Cache, DeviceKind, Disk, DriveAddress, Element, Host, Iotune, Name, NetworkSource, Node,
    PciAddress, Protocol, Source, Text, Unknown, UsbAddress,
};
use proptest::prelude::*;

/// One way to break a valid disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// No `<target>`.
    RemoveTarget,
    /// `bus='virtoi'`.
    UnknownBus,
    /// `bus='nvme'`, which libvirt 9 does not know (libvirt 10 does), with the dev `nvme0n1`.
    NvmeBus,
    /// `bus='nvme'` with a `vd` dev.
    NvmeBusVdDev,
    /// `device='tape'`.
    UnknownDevice,
    /// `dev='eth0'`.
    BadDev,
    /// `total_bytes_sec` with `read_bytes_sec`.
    TotalWithRead,
    /// A PCI address on a scsi disk.
    PciOnScsi,
    /// A second disk with the same target dev (a domain rule).
    DuplicateDev,
    /// `cache='sometimes'`.
    UnknownCache,
    /// `device='lun'` on a file source.
    LunOnFile,
    /// An nbd source with two hosts.
    NbdTwoHosts,
    /// An rbd source named without its pool (`image`, not `pool/image`).
    RbdNameWithoutPool,
    /// An rbd source with no name at all.
    NetworkWithoutName,
    /// `<wwn>123</wwn>`.
    MalformedWwn,
    /// QEMU: `<serial>a!b</serial>`.
    UnsafeSerial,
    /// QEMU: `io='native'` with `cache='writeback'`.
    NativeIoWriteback,
    /// QEMU: a read-only disk on a sata bus.
    ReadonlySata,
    /// QEMU: a lun (on a block source, scsi bus) with a serial.
    LunWithSerial,
    /// QEMU: a lun on a sata bus.
    LunOnSata,
    /// QEMU: a shareable, writable qcow2 disk.
    ShareableQcow2,
    /// No bus on the target, a PCI address: libvirt refuses it where the dev implies ide or
    /// scsi (`hd`, `sd`), and takes it on virtio (`vd`).
    ImpliedBusPci,
    /// No bus, a `vd` dev (virtio implied) and a drive address: libvirt's parser takes it,
    /// its QEMU driver does not.
    ImpliedVirtioDrive,
    /// QEMU: a usb address on a virtio disk.
    UsbOnVirtio,
    /// `device='floppy'` with the dev and bus left as they are (not `fd`, not fdc).
    FloppyNotFd,
    /// Two `<iotune>`: the first with `read_bytes_sec`, the second with `total_bytes_sec`,
    /// which libvirt reads together.
    DuplicateIotune,
    /// A second `<iotune>` whose `read_iops_sec` is not a number (libvirt reads it).
    DuplicateIotuneText,
    /// A second `<target>` with a bad dev and bus, which libvirt never reads: valid.
    DuplicateTarget,
    /// QEMU: a second `<serial>` with a `!`, which libvirt never reads: valid.
    DuplicateSerial,
    /// QEMU: a lun (on a block source) on a virtio bus with a serial: valid.
    LunSerialVirtio,
    /// A lun (on a block source, scsi bus) in qcow2 format.
    LunQcow2,
}

impl Mutation {
    /// The mutations of the QEMU driver's rules.
    pub const QEMU: [Self; 9] = [
        Self::UsbOnVirtio,
        Self::DuplicateSerial,
        Self::LunSerialVirtio,
        Self::NativeIoWriteback,
        Self::ReadonlySata,
        Self::LunWithSerial,
        Self::LunOnSata,
        Self::ShareableQcow2,
        Self::UnsafeSerial,
    ];

    /// Every mutation of libvirt's parser's rules.
    pub const ALL: [Self; 22] = [
        Self::LunQcow2,
        Self::ImpliedBusPci,
        Self::ImpliedVirtioDrive,
        Self::FloppyNotFd,
        Self::DuplicateIotune,
        Self::DuplicateIotuneText,
        Self::DuplicateTarget,
        Self::RemoveTarget,
        Self::UnknownBus,
        Self::NvmeBus,
        Self::NvmeBusVdDev,
        Self::UnknownDevice,
        Self::BadDev,
        Self::TotalWithRead,
        Self::PciOnScsi,
        Self::DuplicateDev,
        Self::UnknownCache,
        Self::LunOnFile,
        Self::NbdTwoHosts,
        Self::RbdNameWithoutPool,
        Self::NetworkWithoutName,
        Self::MalformedWwn,
    ];

    /// The nvme bus mutations: libvirt 9 knows neither the bus nor its `nvme<C>n<N>` devs.
    fn apply_nvme(self, mut disk: Disk) -> Disk {
        set_bus(&mut disk, Bus::parse("nvme").expect("XML characters"));
        if let (Some(t), Self::NvmeBus) = (&mut disk.target, self) {
            t.set_dev("nvme0n1").expect("a fixed value");
        }
        disk
    }

    /// Applies the mutation to `disk`; the domain's disks are then `[disk]`, or for
    /// [`Mutation::DuplicateDev`] `[disk, its twin]`.
    #[must_use]
    pub fn apply(self, mut disk: Disk) -> Vec<Disk> {
        let text = |s: &str| Text::new("t", s).expect("a fixed value");
        match self {
            Self::RemoveTarget => disk.target = None,
            Self::UnknownBus => set_bus(&mut disk, Bus::parse("virtoi").expect("XML characters")),
            Self::NvmeBus | Self::NvmeBusVdDev => return vec![self.apply_nvme(disk)],
            Self::UnknownDevice => disk.device = Some(DeviceKind::parse("tape").expect("XML characters")),
            Self::BadDev => {
                if let Some(t) = &mut disk.target {
                    t.set_dev("eth0").expect("a fixed value");
                }
            }
            Self::TotalWithRead => {
                let iotune = disk.iotune.get_or_insert_with(Box::default);
                (iotune.total_bytes_sec, iotune.read_bytes_sec) = (Some(1_000_000), Some(500_000));
                iotune.write_bytes_sec = None;
            }
            Self::PciOnScsi => {
                set_bus(&mut disk, Bus::Scsi);
                let pci = PciAddress { domain: Some(0), bus: Some(0), slot: Some(9), function: Some(0) };
                disk.address = Some(Box::new(Address { kind: AddressKind::Pci(pci), unknown: Unknown::default() }));
            }
            Self::DuplicateDev => return vec![disk.clone(), disk],
            Self::UnknownCache => {
                disk.driver.get_or_insert_with(Default::default).cache =
                    Some(Cache::parse("sometimes").expect("XML characters"));
            }
            Self::LunOnFile => {
                disk.source = Source::File(diskxml_model::FileSource {
                    path: Some(text("/var/lib/images/lun.img")),
                    ..Default::default()
                });
                disk.device = Some(DeviceKind::Lun);
            }
            Self::NativeIoWriteback
            | Self::ReadonlySata
            | Self::LunWithSerial
            | Self::LunOnSata
            | Self::ShareableQcow2
            | Self::UnsafeSerial => return vec![self.apply_qemu(disk)],
            Self::MalformedWwn => disk.wwn = Some(text("123")),
            Self::NbdTwoHosts => {
                let mut nbd = NetworkSource::new(Protocol::Nbd, Some(text("export")));
                for h in ["a.example", "b.example"] {
                    nbd.push_host(Host::new(h, None, None).expect("a valid host")).expect("nbd takes hosts here");
                }
                (disk.source, disk.device) = (Source::Network(Box::new(nbd)), Some(DeviceKind::Disk));
            }
            Self::RbdNameWithoutPool | Self::NetworkWithoutName => {
                let name = (self == Self::RbdNameWithoutPool).then(|| text("image"));
                let mut rbd = NetworkSource::new(Protocol::Rbd, name);
                rbd.push_host(Host::new("mon.example", None, None).expect("a valid host")).expect("rbd takes hosts");
                (disk.source, disk.device) = (Source::Network(Box::new(rbd)), Some(DeviceKind::Disk));
            }
            // The rest: how libvirt 9 reads buses, addresses, floppies and duplicates.
            _ => return vec![self.apply_libvirt9(disk)],
        }
        vec![disk]
    }

    /// The mutations of the QEMU driver's rules.
    fn apply_qemu(self, mut disk: Disk) -> Disk {
        let text = |s: &str| Text::new("t", s).expect("a fixed value");
        match self {
            Self::NativeIoWriteback => {
                let driver = disk.driver.get_or_insert_with(Default::default);
                (driver.io, driver.cache) = (Some(diskxml_model::Io::Native), Some(Cache::Writeback));
            }
            Self::ReadonlySata => {
                set_bus(&mut disk, Bus::Sata);
                (disk.device, disk.readonly) = (Some(DeviceKind::Disk), true);
            }
            Self::LunWithSerial | Self::LunOnSata => {
                let dev = Some(text("/dev/mapper/lun"));
                disk.source = Source::Block(diskxml_model::BlockSource { dev, ..Default::default() });
                disk.device = Some(DeviceKind::Lun);
                disk.readonly = false;
                if self == Self::LunOnSata {
                    set_bus(&mut disk, Bus::Sata);
                    disk.serial = None;
                } else {
                    set_bus(&mut disk, Bus::Scsi);
                    disk.serial = Some(text("lun-serial"));
                }
            }
            Self::ShareableQcow2 => {
                disk.driver.get_or_insert_with(Default::default).format = Some(diskxml_model::Format::Qcow2);
                (disk.shareable, disk.readonly, disk.device) = (true, false, Some(DeviceKind::Disk));
            }
            Self::UnsafeSerial => {
                disk.serial = Some(text("a!b"));
                if disk.device == Some(DeviceKind::Lun) {
                    disk.device = Some(DeviceKind::Disk);
                }
            }
            _ => {}
        }
        disk
    }
}

impl Mutation {
    /// The mutations of how libvirt 9 reads a disk: the bus a dev implies, the address kind
    /// each bus takes, floppies, and duplicate elements (each value from its first match).
    fn apply_libvirt9(self, mut disk: Disk) -> Disk {
        let text = |s: &str| Text::new("t", s).expect("a fixed value");
        let address = |kind| Some(Box::new(Address { kind, unknown: Unknown::default() }));
        match self {
            Self::ImpliedBusPci => {
                disk.target.as_mut().expect("a valid disk has a target").bus = None;
                let pci = PciAddress { domain: Some(0), bus: Some(0), slot: Some(9), function: Some(0) };
                disk.address = address(AddressKind::Pci(pci));
            }
            Self::ImpliedVirtioDrive | Self::UsbOnVirtio => {
                let bus = (self == Self::UsbOnVirtio).then_some(Bus::Virtio);
                disk.target = Some(Box::new(diskxml_model::Target::new("vdq", bus).expect("a valid dev")));
                disk.device = Some(DeviceKind::Disk);
                disk.address = address(if self == Self::UsbOnVirtio {
                    AddressKind::Usb(UsbAddress { bus: Some(0), port: Some(text("1")) })
                } else {
                    AddressKind::Drive(DriveAddress {
                        controller: Some(0),
                        bus: Some(0),
                        target: Some(0),
                        unit: Some(0),
                    })
                });
            }
            Self::FloppyNotFd => disk.device = Some(DeviceKind::Floppy),
            Self::DuplicateIotune | Self::DuplicateIotuneText => {
                let (name, value) = if self == Self::DuplicateIotune {
                    disk.iotune = Some(Box::new(Iotune { read_bytes_sec: Some(1000), ..Iotune::default() }));
                    ("total_bytes_sec", "2000")
                } else {
                    ("read_iops_sec", "many")
                };
                let mut iotune = element("iotune", &[], None);
                iotune.children.push(Node::Element(element(name, &[], Some(value))));
                disk.unknown.push_child(Node::Element(iotune));
            }
            Self::DuplicateTarget => {
                disk.unknown.push_child(Node::Element(element("target", &[("dev", "eth0"), ("bus", "virtoi")], None)));
            }
            Self::DuplicateSerial => {
                disk.serial = Some(text("first"));
                disk.unknown.push_child(Node::Element(element("serial", &[], Some("a!b"))));
            }
            Self::LunSerialVirtio | Self::LunQcow2 => {
                let dev = Some(text("/dev/mapper/lun"));
                disk.source = Source::Block(diskxml_model::BlockSource { dev, ..Default::default() });
                let (dev, bus) = if self == Self::LunQcow2 { ("sdq", Bus::Scsi) } else { ("vdq", Bus::Virtio) };
                disk.target = Some(Box::new(diskxml_model::Target::new(dev, Some(bus)).expect("a valid dev")));
                (disk.device, disk.readonly, disk.address) = (Some(DeviceKind::Lun), false, None);
                let format =
                    if self == Self::LunQcow2 { diskxml_model::Format::Qcow2 } else { diskxml_model::Format::Raw };
                disk.driver.get_or_insert_with(Default::default).format = Some(format);
                disk.serial = (self == Self::LunSerialVirtio).then(|| text("lun-serial"));
            }
            _ => {}
        }
        disk
    }
}

/// An element the model keeps as unknown: `name` with `attributes` and an optional text.
fn element(name: &str, attributes: &[(&str, &str)], text: Option<&str>) -> Element {
    let mut el = Element::new(Name::new("element name", name).expect("an XML name"));
    for (n, v) in attributes {
        el.set_attribute(Name::new("attribute name", *n).expect("an XML name"), Text::new("t", *v).expect("a value"));
    }
    el.children.extend(text.map(|t| Node::Text(Text::new("t", t).expect("a value"))));
    el
}

fn set_bus(disk: &mut Disk, bus: Bus) {
    if let Some(t) = &mut disk.target {
        t.bus = Some(bus);
    }
    disk.address = None;
}

/// A mutation of libvirt's parser's rules, or none (a valid case), about half of the time each.
pub fn mutation() -> impl Strategy<Value = Option<Mutation>> {
    prop_oneof![1 => Just(None), 1 => proptest::sample::select(Mutation::ALL.to_vec()).prop_map(Some)]
}

/// A mutation of any rule, the QEMU driver's included, or none, about half of the time each.
pub fn qemu_mutation() -> impl Strategy<Value = Option<Mutation>> {
    let all: Vec<Mutation> = Mutation::ALL.iter().chain(&Mutation::QEMU).copied().collect();
    prop_oneof![1 => Just(None), 1 => proptest::sample::select(all).prop_map(Some)]
}
