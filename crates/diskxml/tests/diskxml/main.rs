//! Facade tests: end to end from connection info, and the round-trip properties.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

mod builders;
mod check;
mod check_libvirt;
mod concurrency;
mod domain;
mod hostile;
mod json;
mod normalize;
mod nova;
mod nova_cases;
mod openvstorage;
mod render;
mod roundtrip;
use diskxml_testkit::semantic;
mod virsh;

fn testdata(name: &str) -> String {
    let path = format!("{}/../../testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
