//! `check` against libvirt's own parser: random valid disks (`diskxml_testkit::valid`) and
//! mutants of them that each break one rule (`diskxml_testkit::mutate`), each in a domain
//! of its own, defined with `virsh -c test:///default`; libvirt accepts the domain exactly
//! when `check` (generic profile) finds no problem, in at least 99 % of the cases.
//!
//! The seed is the day's number, printed; `DISKXML_CHECK_SEED` overrides it.

use std::collections::HashMap;
use std::io::Write;
use std::process::Command;

use diskxml::Profile;
use diskxml_testkit::mutate::{Mutation, mutation};
use diskxml_testkit::valid::{build, spec};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const CASES: usize = 1000;

fn domain(disks: &[diskxml::Disk]) -> String {
    let mut xml = String::from(
        "<domain type='test'>\n  <name>c</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <devices>\n",
    );
    for disk in disks {
        diskxml::writer::write_disk_indented(disk, &mut xml, 2).unwrap();
    }
    xml.push_str("  </devices>\n</domain>\n");
    xml
}

/// Whether libvirt's parser accepts `xml`, and what it said.
fn libvirt_accepts(xml: &str, file: &std::path::Path) -> (bool, String) {
    std::fs::write(file, xml).unwrap();
    let out = Command::new("virsh")
        .args(["-q", "-c", "test:///default", "define", &file.display().to_string()])
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

#[test]
fn check_agrees_with_libvirts_parser() {
    if !diskxml_testkit::tools::command("virsh", "Debian's libvirt-clients") {
        return;
    }
    let seed = std::env::var("DISKXML_CHECK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs() / 86_400
    });
    let _ = writeln!(std::io::stderr(), "check vs libvirt: {CASES} cases, DISKXML_CHECK_SEED={seed}");
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let file = std::env::temp_dir().join(format!("diskxml-check-{}.xml", std::process::id()));
    let (mut agree, mut mutants) = (0, 0);
    let mut disagreements: HashMap<String, (usize, String)> = HashMap::new();
    for _ in 0..CASES {
        let (spec, mutation) = (spec(), mutation()).new_tree(&mut runner).unwrap().current();
        let disk = build(&spec, 0, &mut HashMap::new());
        let disks = match mutation {
            Some(m) => Mutation::apply(m, disk),
            None => vec![disk],
        };
        mutants += usize::from(mutation.is_some());
        let xml = domain(&disks);
        let (accepted, said) = libvirt_accepts(&xml, &file);
        let problems = diskxml::check(&xml, Profile::Generic).unwrap();
        if accepted == problems.is_empty() {
            agree += 1;
        } else {
            let key = format!("{mutation:?}: libvirt {}", if accepted { "accepts" } else { "refuses" });
            let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
            let entry = disagreements.entry(key).or_insert((0, format!("libvirt: {said}\ncheck: {found:?}\n{xml}")));
            entry.0 += 1;
        }
    }
    let _ = std::fs::remove_file(&file);
    let mut report: Vec<String> =
        disagreements.iter().map(|(k, (n, example))| format!("{n} × {k}\n{example}")).collect();
    report.sort();
    let _ = writeln!(std::io::stderr(), "check vs libvirt: {agree} of {CASES} agree ({mutants} mutants)");
    assert!(mutants > CASES / 3 && CASES - mutants > CASES / 3, "the mix of valid disks and mutants is off: {mutants}");
    assert!(agree * 100 >= CASES * 99, "seed {seed}: {agree} of {CASES} agree; disagreements:\n{}", report.join("\n"));
}
