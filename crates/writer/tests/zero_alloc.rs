//! The writer allocates nothing: proven with a counting global allocator.
//!
//! A separate test binary (not a module of `tests/writer`) because a `#[global_allocator]`
//! replaces the allocator of its whole binary.
#![allow(unsafe_code, reason = "GlobalAlloc is an unsafe trait; this impl only forwards to System")]
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write;

use diskxml_model::{
    Address, AddressKind, Alias, Boot, Bus, DeviceKind, Disk, DriveAddress, Driver, Element, Host, Name, Node, Text,
    Unknown,
};

thread_local! {
    // Counted per thread so that the test harness's own threads cannot disturb the count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// A disk that exercises every branch of the writer: escapes, numbers, hex, unknowns.
fn busy_disk() -> Disk {
    let mut disk = Disk::openvstorage_edge("vol'<&>\"\t\n\r1")
        .host(Host::rdma("ovs.include.gr", 12329))
        .device(DeviceKind::Disk)
        .driver(Driver { discard: Some(diskxml_model::Discard::Ignore), ..Driver::qemu_raw() })
        .snapshot_timeout(120)
        .target("vda", Bus::Virtio)
        .serial("serial & <more>\r")
        .readonly(true)
        .build()
        .unwrap();
    disk.device = Some(DeviceKind::parse("strange-device").unwrap());
    disk.shareable = true;
    disk.driver = Some(Box::new(Driver { iothread: Some(4), ..Driver::qemu_raw() }));
    disk.boot = Some(Box::new(Boot::new(std::num::NonZeroU32::new(3).unwrap())));
    disk.alias = Some(Box::new(Alias::new("ua-volume").unwrap()));
    disk.address = Some(Box::new(Address {
        kind: AddressKind::Drive(DriveAddress { controller: Some(0), bus: Some(1), target: None, unit: Some(1) }),
        unknown: Unknown::default(),
    }));
    let mut vendor = Element::new(Name::new("element name", "vendorx").unwrap());
    vendor.set_attribute(Name::new("attribute name", "a").unwrap(), Text::new("v", "x&y").unwrap());
    vendor.children.push(Node::Text(Text::new("t", "text <").unwrap()));
    disk.unknown.push_child(Node::Element(vendor));
    disk.unknown.set_attribute(Name::new("attribute name", "rawio").unwrap(), Text::new("v", "yes").unwrap());
    disk.target = Some(Box::new(diskxml_model::Target::new("vdb", Some(Bus::Virtio)).unwrap()));
    // Every recursive and optional part: a backing chain, a mirror, encryption, geometry.
    let t = |s: &str| Text::new("t", s).unwrap();
    let layer = |source| diskxml_model::BackingLayer::new(source);
    let nvme = diskxml_model::Source::Nvme(Box::new(diskxml_model::NvmeSource {
        source_type: Some(t("pci")),
        namespace: Some(1),
        address: Some(diskxml_model::PciAddress { domain: Some(0), bus: Some(1), slot: Some(0), function: Some(0) }),
        ..diskxml_model::NvmeSource::default()
    }));
    let mut top = layer(diskxml_model::Source::File(diskxml_model::FileSource {
        path: Some(t("/images/base&.qcow2")),
        ..diskxml_model::FileSource::default()
    }));
    top.format =
        Some(diskxml_model::BackingFormat { format: diskxml_model::Format::Qcow2, unknown: Unknown::default() });
    let mut middle = layer(nvme);
    middle.backing = Some(diskxml_model::BackingStore::End);
    top.backing = Some(diskxml_model::BackingStore::Layer(Box::new(middle)));
    disk.backing_store = Some(diskxml_model::BackingStore::Layer(Box::new(top.clone())));
    disk.mirror = Some(Box::new(diskxml_model::Mirror { job: Some(t("copy")), ready: None, layer: top }));
    disk.encryption = Some(Box::new(diskxml_model::Encryption {
        format: Some(t("luks")),
        secrets: vec![diskxml_model::EncryptionSecret { uuid: Some(t("0a81f5b2")), ..Default::default() }],
        ..Default::default()
    }));
    disk.geometry = Some(Box::new(diskxml_model::Geometry { cyls: Some(16383), ..Default::default() }));
    if let diskxml_model::Source::Network(net) = &mut disk.source {
        net.extras = Some(Box::new(diskxml_model::NetworkExtras {
            cookies: vec![(t("c"), t("v<"))],
            initiator_iqn: Some(t("iqn.x")),
            ..Default::default()
        }));
    }
    disk
}

#[test]
fn writing_into_a_string_with_capacity_allocates_nothing() {
    let disk = busy_disk();
    let mut probe = String::new();
    diskxml_writer::write_disk(&disk, &mut probe).unwrap();
    let mut out = String::with_capacity(probe.len());
    let n = allocations_during(|| diskxml_writer::write_disk(&disk, &mut out).unwrap());
    assert_eq!(out, probe, "the measured run wrote the same XML");
    assert!(out.contains("&apos;&lt;&amp;&gt;&quot;&#9;&#10;&#13;"), "escapes ran: {out}");
    assert!(out.contains("<mirror type='file' job='copy'>") && out.contains("<backingStore/>"), "{out}");
    assert!(
        out.contains("<cookie name='c'>v&lt;</cookie>") && out.contains("<address domain='0x0000' bus='0x01'"),
        "{out}"
    );
    assert_eq!(n, 0, "write_disk allocated {n} times");
    // The String fast path too.
    let mut fast = String::with_capacity(probe.len());
    let n = allocations_during(|| diskxml_writer::write_disk_to_string(&disk, &mut fast).unwrap());
    assert_eq!((fast.as_str(), n), (probe.as_str(), 0), "write_disk_to_string allocated {n} times");
}

#[test]
fn the_counter_catches_an_allocating_writer() {
    // Control: the same write through a path that builds a temporary String per call must be
    // seen, or a zero above would prove nothing.
    let disk = busy_disk();
    let mut out = String::with_capacity(4096);
    let n = allocations_during(|| {
        let temporary = format!("{:?}", disk.serial);
        out.push_str(&temporary);
    });
    assert!(n >= 1, "the counter missed an allocation");
    let mut small = String::with_capacity(1);
    let grown = allocations_during(|| diskxml_writer::write_disk(&disk, &mut small).unwrap());
    assert!(grown >= 1, "growing the destination must count as allocation");
}

#[test]
fn writing_into_a_fixed_buffer_works_and_a_full_buffer_is_an_error() {
    struct Fixed<'a> {
        buf: &'a mut [u8],
        len: usize,
    }
    impl Write for Fixed<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let end = self.len + s.len();
            let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
            slot.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let disk = busy_disk();
    let mut storage = [0u8; 16384];
    let mut fixed = Fixed { buf: &mut storage, len: 0 };
    let n = allocations_during(|| diskxml_writer::write_disk(&disk, &mut fixed).unwrap());
    assert_eq!(n, 0);
    let written = fixed.len;
    let mut tiny = [0u8; 16];
    let mut fixed = Fixed { buf: &mut tiny, len: 0 };
    assert_eq!(diskxml_writer::write_disk(&disk, &mut fixed), Err(diskxml_writer::Error::Format));
    assert!(written > 16);
}
