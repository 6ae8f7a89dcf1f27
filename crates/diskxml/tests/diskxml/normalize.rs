//! Golden files for `normalize`: `testdata/normalize/<case>.xml` normalises to `<case>.qemu`
//! under the qemu profile and to `<case>.generic` under the generic one, and each output is
//! a fixed point; and against libvirt's own outputs in the corpus (`DISKXML_CORPUS`).

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

/// libvirt's own output for each input: `normalize` of every input disk (qemu profile for
/// the qemu tests, generic for the generic ones) is semantically equal to libvirt's output
/// disk with the same target dev, ignoring a non-drive `<address>` libvirt assigned when the
/// input had none (PCI slots depend on the whole domain). The issue asks for 95 %; all match.
#[test]
fn normalize_matches_libvirts_output() {
    let Some(dir) = diskxml_testkit::tools::corpus() else { return };
    let mut total = 0;
    let mut mismatches = Vec::new();
    for (sub, profile) in [("libvirt", diskxml::Profile::Qemu), ("libvirt-generic", diskxml::Profile::Generic)] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub).join("out")) else { continue };
        let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let input = std::fs::read_to_string(dir.join(sub).join("in").join(&name)).unwrap();
            let output = std::fs::read_to_string(dir.join(sub).join("out").join(&name)).unwrap();
            let ins = diskxml::domain_disks(&input).unwrap();
            let outs = diskxml::domain_disks(&output).unwrap();
            for found in &ins {
                let Some(dev) = found.disk.target.as_ref().map(|t| t.dev().to_string()) else { continue };
                let Some(out) = outs.iter().find(|o| o.disk.target.as_ref().is_some_and(|t| t.dev() == dev.as_str()))
                else {
                    continue;
                };
                total += 1;
                let mut normalized = diskxml::normalize(&found.disk, profile);
                if found.disk.address.is_none()
                    && out
                        .disk
                        .address
                        .as_ref()
                        .is_some_and(|a| !matches!(a.kind, diskxml::model::AddressKind::Drive(_)))
                {
                    normalized.address.clone_from(&out.disk.address);
                }
                let ours = normalized.to_xml().unwrap();
                let theirs = roxmltree::Document::parse(out.xml(&output)).unwrap();
                let mine = roxmltree::Document::parse(&ours).unwrap();
                if let Err(diff) = diskxml_testkit::semantic::semantic_eq(theirs.root_element(), mine.root_element()) {
                    mismatches.push(format!("{sub}/{} {dev}: {diff}", name.to_string_lossy()));
                }
            }
        }
    }
    let matched = total - mismatches.len();
    eprintln!("corpus: {matched}/{total} disks normalize to libvirt's output");
    for m in &mismatches {
        eprintln!("  {m}");
    }
    assert!(total >= 150, "only {total} disks have an output to compare with");
    // Every disk matches today (docs/conformance.md): any mismatch is a regression.
    assert!(mismatches.is_empty(), "{matched}/{total}:\n{}", mismatches.join("\n"));
}
