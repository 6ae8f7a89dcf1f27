//! Integration tests of the parser: golden files (parse, write back) and the defects of the
//! original nova patch, each pinned by a named test.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

mod corpus;
mod golden;
mod regressions;
use diskxml_testkit::semantic;

use diskxml_testkit::golden::testdata;

fn write(disk: &diskxml_model::Disk) -> String {
    let mut out = String::new();
    diskxml_writer::write_disk(disk, &mut out).unwrap();
    out
}
