//! What a test needs from outside: a tool on the PATH, the shared corpus, a daemon. One
//! helper decides, for every test: without it the test is skipped, visibly; with
//! `DISKXML_REQUIRE_TOOLS=1` (as `.ci/run` sets) it fails instead.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Whether a missing requirement must fail the test (`DISKXML_REQUIRE_TOOLS=1`).
#[must_use]
pub fn required() -> bool {
    std::env::var("DISKXML_REQUIRE_TOOLS").as_deref() == Ok("1")
}

/// The name of the running test, as libtest names its thread.
fn test_name() -> String {
    std::thread::current().name().unwrap_or("a test").to_owned()
}

/// Reports that the running test skips because `reason`; panics instead under
/// `DISKXML_REQUIRE_TOOLS=1`.
///
/// The line goes straight to the process's standard error, past libtest's output capture
/// (which takes only `print!` and `eprint!`), so it shows in `cargo test`'s own output:
/// `SKIPPED parser::corpus::every_disk_round_trips: DISKXML_CORPUS is not set ...`.
///
/// # Panics
/// Under `DISKXML_REQUIRE_TOOLS=1`, always: in CI a missing tool is a failure.
pub fn skip(reason: &str) {
    let name = test_name();
    assert!(!required(), "{name}: {reason}, and DISKXML_REQUIRE_TOOLS=1 forbids skipping");
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "SKIPPED {name}: {reason}");
}

/// Whether `program` runs (`program --version`); skips (see [`skip`]) when it does not,
/// naming the Debian package that has it.
#[must_use]
pub fn command(program: &str, package: &str) -> bool {
    let runs = Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !runs {
        skip(&format!("{program} is not installed ({package})"));
    }
    runs
}

/// The shared libvirt corpus (`DISKXML_CORPUS`, as `.ci/run` sets it to `../shared/corpus`);
/// skips (see [`skip`]) when it is not set or not a directory.
#[must_use]
pub fn corpus() -> Option<PathBuf> {
    match std::env::var_os("DISKXML_CORPUS").map(PathBuf::from) {
        Some(dir) if dir.is_dir() => Some(dir),
        Some(dir) => {
            skip(&format!("DISKXML_CORPUS={} is not a directory", dir.display()));
            None
        }
        None => {
            skip("DISKXML_CORPUS is not set (e.g. ../shared/corpus)");
            None
        }
    }
}

/// The variable that names the one libvirtd tests may use (`.ci/libvirtd start` prints it,
/// `.ci/run` sets it): tests never touch a libvirtd they were not pointed at.
pub const LIBVIRT_URI_VAR: &str = "DISKXML_LIBVIRT_URI";

/// The URI of the libvirtd tests may use, from [`LIBVIRT_URI_VAR`]; skips (see [`skip`])
/// when it is unset, so a plain `cargo test` on a KVM host defines nothing there.
#[must_use]
pub fn libvirt_uri() -> Option<String> {
    let uri = std::env::var(LIBVIRT_URI_VAR).ok().filter(|u| !u.is_empty());
    if uri.is_none() {
        skip(&format!(
            "{LIBVIRT_URI_VAR} is not set (the libvirtd .ci/libvirtd started: {LIBVIRT_URI_VAR}=qemu:///system; .ci/run sets it)"
        ));
    }
    uri
}
