//! `testdata/disks/<case>.xml` parses and writes back as `<case>.expected` (or as itself when
//! there is none); `err_*` cases fail with exactly the error text in `<case>.expected`.

use crate::{testdata, write};

fn check(case: &str) {
    let input = testdata(&format!("disks/{case}.xml")).unwrap_or_else(|| panic!("missing input {case}.xml"));
    let expected = testdata(&format!("disks/{case}.expected"));
    let result = diskxml_parser::parse_disk(&input);
    if case.starts_with("err_") {
        let expected = expected.unwrap_or_else(|| panic!("{case}: an error case needs {case}.expected"));
        let err = result.expect_err(case);
        assert_eq!(format!("{err}\n"), expected, "{case}");
        return;
    }
    let disk = result.unwrap_or_else(|e| panic!("{case}: {e}"));
    let written = write(&disk);
    assert_eq!(written, expected.as_deref().unwrap_or(&input), "{case}");
    // Canonical output is a fixed point: it reads back to the same model and writes the same bytes.
    diskxml_testkit::roundtrip::assert_stable(&disk, write, diskxml_parser::parse_disk);
}

diskxml_testkit::golden! {
    "disks", check;
    seed_example,
    backing_chain,
    edge_tcp_full,
    edge_shm,
    edge_ipv6,
    file_qcow2,
    cdrom_empty,
    block_lun,
    gluster_two_hosts,
    unknown_kept,
    unknown_type,
    escapes,
    nbd_unix,
    other_values,
    reorder,
    underscore_spelling,
    err_wrong_root,
    err_malformed,
    err_port_zero,
    err_port_range,
    err_port_text,
    err_edge_two_hosts,
    err_edge_unix,
    err_unix_relative,
    err_unix_with_name,
    err_target_no_dev,
    err_network_no_protocol,
    err_network_no_source,
    err_dtd,
    err_entity,
    err_char_ref,
    err_boot_zero,
    err_namespaced,
    err_readonly_attr,
    err_serial_element,
    err_empty,
    iotune_blockio_auth,
    err_iotune_text,
}
