//! Golden files for `check` (validate, located): `testdata/check/<case>.xml` gives exactly the
//! `line:column: [rule] message` lines of `<case>.expected` (none for a valid disk), and every
//! rule `validate` or `check` reports has a case.

use diskxml::Profile;
use diskxml_testkit::golden::testdata;

fn run(case: &str) {
    let input = testdata(&format!("check/{case}.xml")).unwrap();
    let expected = testdata(&format!("check/{case}.expected")).unwrap();
    let findings = diskxml::check(&input, Profile::Qemu).unwrap_or_else(|e| panic!("{case}: {e}"));
    let got: String =
        findings.iter().map(|f| format!("{}: [{}] {}\n", f.pos, f.problem.rule, f.problem.message)).collect();
    assert_eq!(got, expected, "{case}");
    assert_eq!(case.contains("_err_"), !findings.is_empty(), "{case}: an _err_ case must find problems, others none");
}

diskxml_testkit::golden! {
    "check", run;
    valid_edge,
    check_err_host_counts,
    check_err_names,
    check_err_iotune,
    check_err_lun,
    check_err_patterns,
    check_err_secrets,
    check_err_construction,
    check_err_libvirt9,
    check_err_rules,
}

/// Every rule has a golden case whose `.expected` names it, but `secret.missing`, which only
/// an audit of a host's libvirt reports (`crates/libvirt/tests/libvirt/secrets.rs`).
#[test]
fn every_rule_has_a_golden_case() {
    let dir = diskxml_testkit::golden::testdata_dir().join("check");
    let mut named = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            named.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let missing: Vec<&str> = diskxml::Rule::ALL
        .iter()
        .filter(|r| **r != diskxml::Rule::SecretMissing)
        .map(|r| r.code())
        .filter(|code| !named.contains(&format!("[{code}]")))
        .collect();
    assert_eq!(missing, Vec::<&str>::new(), "rules with no golden case in testdata/check");
}

#[test]
fn the_corpus_is_valid_except_where_libvirt_says_otherwise() {
    let Some(dir) = diskxml_testkit::tools::corpus() else { return };
    let dir = dir.join("libvirt/in");
    let mut flagged = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let findings = diskxml::check(&text, Profile::Generic).unwrap();
        if !findings.is_empty() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            flagged
                .push(format!("{name}: {}", findings.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")));
        }
    }
    flagged.sort();
    // libvirt's own inputs pass its parser, so validate must not flag them, except the one
    // negative case libvirt's test suite expects it to refuse (the corpus README says so).
    assert_eq!(
        flagged,
        ["disk-network-source-auth-both.xml: 24:9: <auth> may be at disk level or inside <source>, not both; \
             39:9: <auth> may be at disk level or inside <source>, not both"],
        "validate disagrees with libvirt on its own test inputs"
    );
}

#[test]
fn every_problem_carries_its_rule_id() {
    let input = testdata("check/check_err_patterns.xml").unwrap();
    let rules: Vec<&str> =
        diskxml::check(&input, Profile::Qemu).unwrap().iter().map(|f| f.problem.rule.code()).collect();
    assert_eq!(rules, ["target.dev-pattern", "serial.pattern", "wwn.pattern", "vendor.pattern", "product.pattern"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    /// What the Edge builder makes from values libvirt takes, libvirt's QEMU driver takes:
    /// the qemu profile finds nothing.
    #[test]
    fn builder_made_edge_disks_pass_the_qemu_profile(
        volume in "[a-z0-9][a-z0-9._-]{0,30}",
        host in "[a-z][a-z0-9-]{0,12}(\\.example)?",
        port in 1u16..,
        rdma in proptest::prelude::any::<bool>(),
        (dev, bus, readonly) in proptest::sample::select(vec![
            ("vdb", diskxml::Bus::Virtio, true),
            ("vdaa", diskxml::Bus::Virtio, false),
            ("sdc", diskxml::Bus::Scsi, true),
            ("hdb", diskxml::Bus::Ide, false),
            ("sdd", diskxml::Bus::Sata, false),
        ]),
        serial in proptest::option::of("[A-Za-z0-9_.+-][A-Za-z0-9_.+ -]{0,19}"),
        timeout in proptest::option::of(proptest::prelude::any::<u32>()),
    ) {
        let host = if rdma { diskxml::Host::rdma(host, port) } else { diskxml::Host::tcp(host, port) };
        let mut builder = diskxml::Disk::openvstorage_edge(volume).host(host).target(dev, bus).readonly(readonly);
        if let Some(serial) = serial {
            builder = builder.serial(serial);
        }
        if let Some(timeout) = timeout {
            builder = builder.snapshot_timeout(timeout);
        }
        let disk = builder.build().unwrap();
        let problems = diskxml::validate(&disk, Profile::Qemu);
        proptest::prop_assert!(problems.is_empty(), "{:?}", problems);
    }
}

#[test]
fn a_disk_the_model_cannot_hold_is_a_finding_and_the_others_are_still_checked() {
    let input = testdata("check/check_err_construction.xml").unwrap();
    let found: Vec<(usize, &str)> =
        diskxml::check(&input, Profile::Qemu).unwrap().iter().map(|f| (f.disk, f.problem.rule.code())).collect();
    assert_eq!(
        found,
        [
            (0, "source.host-port"),
            (1, "source.host-count"),
            (2, "xml.required"),
            (3, "target.dev-pattern"),
            (5, "xml.value"),
            (6, "xml.character"),
            (7, "source.host-socket"),
            (8, "source.host-transport"),
        ]
    );
    for rule in [diskxml::Rule::Port, diskxml::Rule::Required, diskxml::Rule::Socket, diskxml::Rule::Transport] {
        assert!(rule.construction() && diskxml::Rule::ALL.contains(&rule), "{rule}");
    }
}

#[test]
fn libvirt_9s_readings_bus_from_the_dev_duplicates_from_their_first_match() {
    let input = testdata("check/check_err_libvirt9.xml").unwrap();
    let codes = |profile| -> Vec<(usize, &'static str)> {
        diskxml::check(&input, profile).unwrap().iter().map(|f| (f.disk, f.problem.rule.code())).collect()
    };
    let generic = [
        (0, "iotune.total-with-read-write"),
        (0, "iotune.value-integer"),
        (1, "target.floppy-dev"),
        (2, "address.bus-mismatch"),
        (7, "device.lun-format"),
    ];
    assert_eq!(codes(Profile::Generic), generic, "libvirt's parser takes a drive address on virtio");
    // The QEMU driver adds: no drive address on virtio, no serial on a lun on scsi (the lun
    // on virtio keeps its serial); the second <serial> and <target> are never read.
    let qemu = [&generic[..4], &[(3, "address.bus-mismatch"), (5, "serial.lun"), generic[4]]].concat();
    assert_eq!(codes(Profile::Qemu), qemu);
}
