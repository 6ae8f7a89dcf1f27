//! A generated model → write → parse → equal, and written again byte-identical. The model
//! comes from the property tests' own generator, with the fuzzer's bytes as its randomness.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(disk) = diskxml_testkit::generate::from_bytes(data) {
        diskxml_fuzz::assert_stable(&disk);
    }
});
