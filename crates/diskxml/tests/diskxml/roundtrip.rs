//! Property tests: any valid model → XML → model is equal, and writes the same bytes again;
//! a character XML cannot carry is refused, naming the field. The generator is the
//! workspace's one (`diskxml-testkit`), which the fuzz targets drive too.

use diskxml::ToXml;
use diskxml::model::{Bus, Disk, Error, Host};
use diskxml_testkit::generate::{disk, string};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn model_to_xml_to_model_is_identity(disk in disk()) {
        diskxml_testkit::roundtrip::assert_stable(&disk, |d| d.to_xml().unwrap(), diskxml::parse_disk);
    }

    #[test]
    fn normalize_is_idempotent_and_its_output_round_trips(disk in disk()) {
        for profile in [diskxml::Profile::Generic, diskxml::Profile::Qemu] {
            let once = diskxml::normalize(&disk, profile);
            prop_assert_eq!(&diskxml::normalize(&once, profile), &once, "{:?}", profile);
            let xml = once.to_xml().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&diskxml::parse_disk(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?, &once);
        }
    }

    #[test]
    fn an_invalid_character_is_refused_naming_the_field(
        s in string(),
        at in any::<prop::sample::Index>(),
        bad in prop::sample::select(vec!['\u{0}', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{fffe}', '\u{ffff}']),
        field in 0usize..4,
    ) {
        let mut chars: Vec<char> = s.chars().collect();
        let index = at.index(chars.len() + 1);
        chars.insert(index, bad);
        let value: String = chars.into_iter().collect();
        let builder = Disk::openvstorage_edge(if field == 0 { value.clone() } else { "vol".to_owned() });
        let builder = if field == 1 { builder.serial(value.clone()) } else { builder };
        let builder = if field == 2 { builder.host(Host::tcp(value.clone(), 1)) } else { builder };
        let builder = if field == 3 { builder.target(value.clone(), Bus::Virtio) } else { builder };
        let expected = ["source.name", "serial", "source.host.name", "target.dev"][field];
        prop_assert_eq!(builder.build().unwrap_err(), Error::InvalidChar { field: expected, index, ch: bad });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The fuzz target `roundtrip` draws its disks from the same generator, with the
    /// fuzzer's bytes as randomness: any bytes give a disk (or none), the same bytes the same
    /// disk, and every such disk round-trips.
    #[test]
    fn fuzzer_bytes_drive_the_shared_generator(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let disk = diskxml_testkit::generate::from_bytes(&bytes);
        prop_assert_eq!(&disk, &diskxml_testkit::generate::from_bytes(&bytes));
        if let Some(disk) = disk {
            let xml = disk.to_xml().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(diskxml::parse_disk(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?, disk);
        }
    }
}
