//! Any bytes as a domain: parsing never panics; every disk found writes back stably.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(disks) = diskxml::parse_domain_disks(text) {
        for disk in &disks {
            diskxml_fuzz::assert_stable(disk);
        }
    }
});
