//! The round trip every reader and writer of disks holds, written once: the parser's tests,
//! its fuzzing regressions, the facade's property tests and the fuzz targets call it.

use std::fmt::Display;

use diskxml_model::Disk;

/// Asserts that `disk`, written with `write`, reads back equal with `parse` and writes the
/// same bytes again; returns the XML. The caller passes its writer and parser (the testkit
/// depends on neither, so that their own tests can use it).
///
/// # Panics
/// When the written XML does not read back, reads back different, or writes differently.
pub fn assert_stable<E: Display>(
    disk: &Disk,
    write: impl Fn(&Disk) -> String,
    parse: impl Fn(&str) -> Result<Disk, E>,
) -> String {
    let xml = write(disk);
    let back = parse(&xml).unwrap_or_else(|e| panic!("written XML does not read back: {e}\n{xml}"));
    assert_eq!(&back, disk, "read back different:\n{xml}");
    let again = write(&back);
    assert_eq!(again, xml, "written again differently");
    xml
}
