//! Integration tests of the parser: golden files (parse, write back) and the defects of the
//! original nova patch, each pinned by a named test.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

mod corpus;
mod golden;
mod regressions;
use diskxml_testkit::semantic;

fn testdata(name: &str) -> Option<String> {
    let path = format!("{}/../../testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).ok()
}

fn write(disk: &diskxml_model::Disk) -> String {
    let mut out = String::new();
    diskxml_writer::write_disk(disk, &mut out).unwrap();
    out
}
