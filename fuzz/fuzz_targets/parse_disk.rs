//! Any bytes: parsing never panics; whatever parses writes back and reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(disk) = diskxml::parse_disk(text) {
        diskxml_fuzz::assert_stable(&disk);
    }
    let _ = diskxml::check(text, diskxml::Profile::Qemu);
});
