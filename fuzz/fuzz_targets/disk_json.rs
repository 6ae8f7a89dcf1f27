//! Any JSON the `serde` feature accepts as a disk writes well-formed XML that reads back
//! and writes the same bytes again, or is refused by the writer: JSON is a way in, like
//! the builders, and must not be a way to bad XML.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(disk) = serde_json::from_str::<diskxml::model::Disk>(text) {
        diskxml_fuzz::assert_well_formed(&disk);
    }
});
