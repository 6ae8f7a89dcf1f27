//! Shared pieces of the fuzz targets: the stability check. The structured target's disks
//! come from the workspace's one generator (`diskxml-testkit`), driven by the fuzzer's bytes.

use diskxml::ToXml;
use diskxml::model::Disk;

/// A disk that writes, reads back equal, and writes again byte-identical, with well-formed XML.
pub fn assert_stable(disk: &Disk) {
    let Ok(xml) = disk.to_xml() else { return };
    let back = match diskxml::parse_disk(&xml) {
        Ok(back) => back,
        Err(e) => panic!("written XML does not read back: {e}\n{xml}"),
    };
    assert_eq!(&back, disk, "{xml}");
    assert_eq!(back.to_xml().ok().as_deref(), Some(xml.as_str()));
}
