//! Golden files: `testdata/connection_info/<case>.json` renders as `<case>.xml` (with the
//! default disk info, vda on virtio), and the result reads back to the same disk.

use diskxml::{DiskInfo, ToXml};

use crate::testdata;

fn check(case: &str) {
    let json = testdata(&format!("connection_info/{case}.json"));
    let expected = testdata(&format!("connection_info/{case}.xml"));
    let xml = diskxml::render(&json, &DiskInfo::default()).unwrap_or_else(|e| panic!("{case}: {e}")).xml;
    assert_eq!(xml, expected, "{case}");
    let disk = diskxml::parse_disk(&xml).unwrap();
    assert_eq!(disk.to_xml().unwrap(), xml, "{case}");
}

diskxml_testkit::golden! {
    "connection_info", check;
    edge_tcp,
    edge_rdma_ipv6,
    edge_shm,
    edge_no_port,
    edge_common_settings,
    rbd_auth,
    sheepdog,
    gluster,
    nbd,
    iscsi_chap,
    iscsi_plain,
    local,
    file,
}

#[test]
fn shipped_example_is_the_golden_tcp_case() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/openvstorage-edge.json")).unwrap();
    assert_eq!(example, testdata("connection_info/edge_tcp.json"));
}

#[test]
fn original_defaults_preset_writes_the_seed_shape() {
    use diskxml::{EdgePresets, ToXml};
    let disk = diskxml::Disk::openvstorage_edge("vol1")
        .host(diskxml::Host::rdma("ovs.include.gr", 12329))
        .original_defaults()
        .build()
        .unwrap();
    assert_eq!(disk.to_xml().unwrap(), crate::testdata("disks/seed_example.xml"));
}
