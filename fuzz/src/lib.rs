//! Shared pieces of the fuzz targets: the stability check. The structured target's disks
//! come from the workspace's one generator (`diskxml-testkit`), driven by the fuzzer's bytes.

use diskxml::ToXml;
use diskxml::model::Disk;

/// A disk that writes, reads back equal, and writes again byte-identical, with well-formed XML.
pub fn assert_stable(disk: &Disk) {
    // A disk the writer refuses (a kept unknown attribute named like a known one) has no round trip.
    if disk.to_xml().is_err() {
        return;
    }
    let write = |d: &Disk| d.to_xml().unwrap_or_else(|e| panic!("a disk read back does not write: {e}"));
    diskxml_testkit::roundtrip::assert_stable(disk, write, diskxml::parse_disk);
}

/// A disk built any way at all (JSON, say): if it writes, the XML is well formed, reads
/// back, and the disk read writes the same bytes again. (Equality of the models is not
/// asked: a hand-built model may hold what XML cannot tell apart, such as an empty
/// `extras`, which writes nothing and reads back absent.)
pub fn assert_well_formed(disk: &Disk) {
    let Ok(xml) = disk.to_xml() else { return };
    let back = match diskxml::parse_disk(&xml) {
        Ok(back) => back,
        Err(e) => panic!("written XML does not read back: {e}\n{xml}"),
    };
    assert_eq!(back.to_xml().ok().as_deref(), Some(xml.as_str()), "{disk:?}");
}
