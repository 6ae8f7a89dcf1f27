//! Golden files for `normalize`: `testdata/normalize/<case>.xml` normalises to `<case>.qemu`
//! under the qemu profile and to `<case>.generic` under the generic one, and each output is
//! a fixed point.

use diskxml::{Profile, ToXml};
use diskxml_testkit::golden::testdata;

fn run(case: &str) {
    let input = diskxml::parse_disk(&testdata(&format!("normalize/{case}.xml")).unwrap()).unwrap();
    for (profile, ext) in [(Profile::Qemu, "qemu"), (Profile::Generic, "generic")] {
        let expected = testdata(&format!("normalize/{case}.{ext}")).unwrap();
        let got = diskxml::normalize(&input, profile).to_xml().unwrap();
        assert_eq!(got, expected, "{case} ({ext})");
        let again = diskxml::normalize(&diskxml::parse_disk(&got).unwrap(), profile).to_xml().unwrap();
        assert_eq!(again, got, "{case} ({ext}): normalised output is a fixed point");
    }
}

diskxml_testkit::golden! {
    "normalize", run;
    cdrom_and_network,
    iscsi,
}
