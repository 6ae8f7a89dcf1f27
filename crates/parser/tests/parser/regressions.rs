//! One test per defect of the original nova patch (docs/migrating-from-nova.md lists them) that reading touches.

use diskxml_model::{Bus, DeviceKind, Discard, Format, Source, Transport};
use diskxml_parser::{ErrorKind, parse_disk, parse_domain_disks};

use crate::{testdata, write};

fn network(disk: &diskxml_model::Disk) -> &diskxml_model::NetworkSource {
    match &disk.source {
        Source::Network(n) => n,
        other => panic!("expected a network source, got {other:?}"),
    }
}

/// Defect 1: the original wrote `snapshot_timeout` and read `snapshot-timeout`.
#[test]
fn snapshot_timeout_is_hyphenated() {
    let disk = parse_disk(&testdata("disks/seed_example.xml").unwrap()).unwrap();
    assert_eq!(network(&disk).snapshot_timeout, Some(120));
    assert!(write(&disk).contains("snapshot-timeout='120'"));
    // The old underscore spelling is not a known attribute: it is kept, not mistaken for the timeout.
    let old = parse_disk(&testdata("disks/underscore_spelling.xml").unwrap()).unwrap();
    assert_eq!(network(&old).snapshot_timeout, None);
    assert_eq!(network(&old).unknown.attributes()[0].name.as_str(), "snapshot_timeout");
}

/// Defect 2: re-writing a parsed disk crashed.
#[test]
fn rewriting_a_parsed_disk_works() {
    let input = testdata("disks/seed_example.xml").unwrap();
    let disk = parse_disk(&input).unwrap();
    assert_eq!(write(&disk), input);
}

/// Defect 3: the driver type was read into the wrong field.
#[test]
fn qcow2_reads_back_as_qcow2() {
    let disk = parse_disk(&testdata("disks/file_qcow2.xml").unwrap()).unwrap();
    assert_eq!(disk.driver.unwrap().format, Some(Format::Qcow2));
}

/// Defect 4: discard was neither written nor read.
#[test]
fn discard_is_read() {
    let disk = parse_disk(&testdata("disks/seed_example.xml").unwrap()).unwrap();
    assert_eq!(disk.driver.unwrap().discard, Some(Discard::Ignore));
}

/// Defect 5: `device` was never read.
#[test]
fn cdrom_reads_back_as_cdrom() {
    let disk = parse_disk(&testdata("disks/cdrom_empty.xml").unwrap()).unwrap();
    assert_eq!(disk.device, Some(DeviceKind::Cdrom));
    assert!(disk.readonly);
}

/// Defect 6: only the last `<host>` was kept, and most elements were dropped.
#[test]
fn two_hosts_read_back_as_two() {
    let disk = parse_disk(&testdata("disks/gluster_two_hosts.xml").unwrap()).unwrap();
    let hosts = network(&disk).hosts();
    assert_eq!(hosts.len(), 2);
    assert_eq!(hosts[0].name().map(|n| n.as_str()), Some("example.org"));
    assert_eq!(hosts[1].socket().map(|s| s.as_str()), Some("/path/to/sock"));
}

#[test]
fn serial_readonly_boot_and_address_are_read() {
    let disk = parse_disk(&testdata("disks/edge_tcp_full.xml").unwrap()).unwrap();
    assert_eq!(disk.serial.as_deref(), Some("8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10"));
    assert!(disk.readonly && disk.shareable);
    assert_eq!(disk.boot.as_ref().unwrap().order.get(), 2);
    assert_eq!(network(&disk).hosts()[0].transport(), Some(&Transport::Tcp));
    let driver = disk.driver.unwrap();
    assert_eq!(driver.iothread, Some(2));
    assert!(disk.address.is_some());
}

/// Defect 7: any root element parsed as a disk.
#[test]
fn wrong_root_is_an_error() {
    let err = parse_disk("<foo type='block'/>").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnexpectedRoot { expected: "disk", .. }), "{err}");
    let err = parse_domain_disks("<disk type='file'/>").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnexpectedRoot { expected: "domain", .. }), "{err}");
}

/// Defect 8: absent fields read back as the original's defaults.
#[test]
fn absent_reads_back_absent() {
    let disk = parse_disk("<disk type='network'><source protocol='openvstorage' name='v'/></disk>").unwrap();
    assert_eq!(disk.device, None);
    assert_eq!(disk.driver, None);
    assert_eq!(disk.target, None);
    let source = network(&disk);
    assert_eq!(source.snapshot_timeout, None);
    assert!(source.hosts().is_empty());
    let host = parse_disk("<disk type='network'><source protocol='nbd'><host name='h'/></source></disk>").unwrap();
    let host = &network(&host).hosts()[0];
    assert_eq!((host.port(), host.transport()), (None, None));
}

#[test]
fn target_bus_is_read() {
    let disk = parse_disk(&testdata("disks/seed_example.xml").unwrap()).unwrap();
    assert_eq!(disk.target.unwrap().bus, Some(Bus::Virtio));
}

#[test]
fn domain_disks_come_in_document_order_with_absolute_positions() {
    let domain = "<domain type='kvm'>\n  <devices>\n    <disk type='file'><target dev='vda'/></disk>\n    <disk type='block'><target dev='vdb'/></disk>\n    <disk type='file'><target/></disk>\n  </devices>\n</domain>";
    let err = parse_domain_disks(domain).unwrap_err();
    assert_eq!(err.to_string(), "5:23: <target> lacks the required attribute 'dev'");
    let ok = domain.replace("<target/>", "<target dev='vdc'/>");
    let disks = parse_domain_disks(&ok).unwrap();
    let devs: Vec<_> = disks.iter().map(|d| d.target.as_ref().unwrap().dev().to_string()).collect();
    assert_eq!(devs, ["vda", "vdb", "vdc"]);
}

#[test]
fn limits_are_typed_errors() {
    let mut options = diskxml_parser::Options::default();
    options.max_depth = 3;
    let deep = format!("<disk type='file'>{}{}</disk>", "<x>".repeat(10), "</x>".repeat(10));
    let err = diskxml_parser::parse_disk_with(&deep, &options).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { limit: 3 }), "{err}");
    options.max_nodes = 5;
    options.max_depth = 100;
    let err = diskxml_parser::parse_disk_with(&deep, &options).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Xml(_)), "{err}");
}

#[test]
fn a_doctype_is_refused_at_its_own_line() {
    let text = "<?xml version='1.0'?>\n  <!DOCTYPE disk [<!ENTITY x 'y'>]>\n<disk type='file'/>";
    let err = parse_disk(text).unwrap_err();
    assert_eq!(err.to_string(), "2:3: malformed XML: XML with DTD detected");
    let err = parse_disk("<!DOCTYPE disk><disk type='file'/>").unwrap_err();
    assert_eq!(err.pos().line, 1);
}
