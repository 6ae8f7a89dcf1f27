//! Any bytes as connection info JSON: a disk or a typed error, and the disk writes stably.
#![no_main]

use diskxml::{ConnectionInfo, DiskInfo, ProbeOptions, Registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(info) = ConnectionInfo::from_json(text) else { return };
    let registry = Registry::with_builtins();
    if let Ok(disk) = registry.disk(&info, &DiskInfo::default()) {
        diskxml_fuzz::assert_stable(&disk);
    }
    // Without probing, connect never touches the network.
    let _ = registry.connect(&info, &ProbeOptions::default());
    let _ = diskxml::connector::warnings(&info);
});
