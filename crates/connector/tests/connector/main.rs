//! Integration tests of the connector: Edge paths and connection info.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

mod common;
mod edge_path;
mod info;
mod probe;
use diskxml_testkit::qemu_nbd;
