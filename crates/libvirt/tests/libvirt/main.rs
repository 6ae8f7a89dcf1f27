//! Integration tests against a real libvirtd with the QEMU driver (`.ci/libvirtd start`),
//! software-emulated guests and a real qemu-nbd. They skip with a loud message when no
//! libvirtd answers, unless DISKXML_REQUIRE_TOOLS=1.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]
#![allow(unreachable_pub, reason = "test modules share helpers")]

mod attach;
mod faults;
mod harness;
mod load;
mod secrets;
use diskxml_testkit::qemu_nbd;
