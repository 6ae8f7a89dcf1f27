//! Integration tests of the writer: golden output and refusals.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

use diskxml_model::{Bus, DeviceKind, Discard, Disk, Driver, Host, Name, Text};

mod clash;

fn testdata(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap()
}

fn xml(disk: &Disk) -> String {
    let mut out = String::new();
    diskxml_writer::write_disk(disk, &mut out).unwrap();
    out
}

#[test]
fn seed_example_is_written_in_libvirt_style() {
    let disk = Disk::openvstorage_edge("vol1")
        .device(DeviceKind::Disk)
        .driver(Driver { discard: Some(Discard::Ignore), ..Driver::qemu_raw() })
        .host(Host::rdma("ovs.include.gr", 12329))
        .snapshot_timeout(120)
        .target("vda", Bus::Virtio)
        .build()
        .unwrap();
    assert_eq!(xml(&disk), testdata("disks/seed_example.xml"));
}

#[test]
fn snapshot_timeout_is_hyphenated() {
    let out = xml(&Disk::openvstorage_edge("v").snapshot_timeout(7).build().unwrap());
    assert!(out.contains(" snapshot-timeout='7'"), "{out}");
    assert!(!out.contains("snapshot_timeout"), "{out}");
}

#[test]
fn discard_is_written() {
    let disk = Disk::openvstorage_edge("v")
        .driver(Driver { discard: Some(Discard::Unmap), ..Driver::default() })
        .build()
        .unwrap();
    assert!(xml(&disk).contains("<driver discard='unmap'/>"));
}

#[test]
fn unset_host_is_an_error_not_a_crash() {
    // The original wrote name=None into lxml and crashed; here an unset host is either absent
    // (shared memory: no <host> at all) or refused when built.
    let shm = xml(&Disk::openvstorage_edge("v").build().unwrap());
    assert_eq!(shm, "<disk type='network'>\n  <source protocol='openvstorage' name='v'/>\n</disk>\n");
    assert!(Disk::openvstorage_edge("v").host(Host::new("", None, None)).build().is_err());
}

#[test]
fn an_unknown_attribute_named_like_a_known_one_is_refused_before_writing() {
    let mut disk = Disk::openvstorage_edge("v").driver(Driver::qemu_raw()).build().unwrap();
    let driver = disk.driver.as_mut().unwrap();
    driver.unknown.set_attribute(Name::new("attribute name", "cache").unwrap(), Text::new("v", "none").unwrap());
    let mut out = String::new();
    let err = diskxml_writer::write_disk(&disk, &mut out).unwrap_err();
    assert_eq!(out, "", "nothing written");
    assert_eq!(
        err.to_string(),
        "<driver>: the unknown attribute 'cache' has the name of a known one; set the model's field instead"
    );
    disk.driver = None;
    disk.unknown.set_attribute(Name::new("attribute name", "type").unwrap(), Text::new("v", "file").unwrap());
    assert!(diskxml_writer::write_disk(&disk, &mut out).is_err());
}

#[test]
fn indented_writing_for_a_domain() {
    let mut out = String::new();
    let disk = Disk::openvstorage_edge("v").target("vdb", Bus::Virtio).build().unwrap();
    diskxml_writer::write_disk_indented(&disk, &mut out, 2).unwrap();
    assert_eq!(
        out,
        "    <disk type='network'>\n      <source protocol='openvstorage' name='v'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n"
    );
}

/// Found by the `disk_json` fuzz target: a network source whose extras are present but
/// empty opened `<source>` with nothing inside (the facade's json tests read it back).
#[test]
fn empty_extras_write_nothing_and_the_source_stays_self_closed() {
    let mut disk = Disk::openvstorage_edge("vol").build().unwrap();
    let diskxml_model::Source::Network(net) = &mut disk.source else { panic!("network") };
    net.extras = Some(Box::default());
    let written = xml(&disk);
    assert!(written.contains("<source protocol='openvstorage' name='vol'/>"), "{written}");
}
