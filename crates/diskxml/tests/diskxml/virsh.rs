//! libvirt itself as the oracle: random valid disks (stock protocols; the shared strategy
//! `diskxml_testkit::valid`) are defined in
//! `virsh -c test:///default` domains, in batches; libvirt must accept every one, and the
//! disk it prints back must be semantically equal to diskxml's `normalize` (generic profile).

use std::collections::HashMap;
use std::process::Command;

use diskxml::model::Disk;
use diskxml::{Profile, ToXml};
use diskxml_testkit::valid::{build, spec};
use proptest::prelude::*;

use crate::semantic::semantic_eq;

const BATCH: usize = 30;

fn virsh_or_skip() -> bool {
    diskxml_testkit::tools::command("virsh", "Debian's libvirt-clients")
}

proptest! {
    // 34 batches of 30: 1,020 random disks through libvirt's own parser each run.
    #![proptest_config(ProptestConfig { cases: 34, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn libvirt_accepts_every_disk_and_prints_what_normalize_says(specs in proptest::collection::vec(spec(), BATCH)) {
        if !virsh_or_skip() {
            return Ok(());
        }
        let mut next = HashMap::new();
        let disks: Vec<Disk> = specs.iter().enumerate().map(|(i, s)| build(s, i, &mut next)).collect();
        for disk in &disks {
            prop_assert!(diskxml::validate(disk, Profile::Generic).is_empty(), "the generator made an invalid disk: {:?}", diskxml::validate(disk, Profile::Generic));
        }
        let mut domain = String::from("<domain type='test'>\n  <name>diskxml</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <devices>\n");
        for disk in &disks {
            diskxml::writer::write_disk_indented(disk, &mut domain, 2).unwrap();
        }
        domain.push_str("  </devices>\n</domain>\n");
        let file = std::env::temp_dir().join(format!("diskxml-virsh-{}.xml", std::process::id()));
        std::fs::write(&file, &domain).unwrap();
        let out = Command::new("virsh")
            .args(["-q", "-c", "test:///default", &format!("define {}; dumpxml diskxml", file.display())])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(out.status.success() && stderr.trim().is_empty(), "libvirt refused a disk diskxml calls valid: {stderr}\n{domain}");
        let dumped = String::from_utf8(out.stdout).unwrap();
        let theirs = diskxml::domain_disks(&dumped).unwrap();
        prop_assert_eq!(theirs.len(), disks.len());
        for disk in &disks {
            let dev = disk.target.as_ref().unwrap().dev().to_string();
            let their = theirs.iter().find(|d| d.disk.target.as_ref().is_some_and(|t| t.dev() == dev.as_str())).unwrap();
            let ours = diskxml::normalize(disk, Profile::Generic).to_xml().unwrap();
            let a = roxmltree::Document::parse(their.xml(&dumped)).unwrap();
            let b = roxmltree::Document::parse(&ours).unwrap();
            if let Err(diff) = semantic_eq(a.root_element(), b.root_element()) {
                return Err(TestCaseError::fail(format!("{dev}: {diff}\nlibvirt:\n{}\ndiskxml:\n{ours}\ninput:\n{}", their.xml(&dumped), disk.to_xml().unwrap())));
            }
        }
    }
}
