//! Any string as an Edge device path: parse → format → parse is the identity.
#![no_main]

use diskxml::EdgePath;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(path) = EdgePath::parse(text) {
        let formatted = path.to_string();
        let again = EdgePath::parse(&formatted).expect("a formatted path parses");
        assert_eq!(again, path, "{text:?} → {formatted:?}");
        assert_eq!(again.to_string(), formatted);
        let _ = path.to_source();
    }
});
