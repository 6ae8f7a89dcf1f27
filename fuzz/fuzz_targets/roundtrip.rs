//! An arbitrary model → write → parse → equal, and written again byte-identical.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: diskxml_fuzz::ArbitraryDisk| {
    diskxml_fuzz::assert_stable(&input.0);
});
