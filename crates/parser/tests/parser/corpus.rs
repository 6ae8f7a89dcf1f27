//! libvirt's own test files (the shared corpus, via `DISKXML_CORPUS`): every disk of every
//! domain parses, and writing it back reads back to the same model.
//!
//! The full conformance check (semantic equality with the input, normalisation against
//! libvirt's outputs) belongs to the conformance issue; this is its lossless floor.

use std::path::{Path, PathBuf};

use crate::semantic::semantic_eq;
use crate::write;

fn corpus() -> Option<PathBuf> {
    diskxml_testkit::tools::corpus()
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_disk_parses_and_round_trips() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    files.sort();
    assert!(files.len() >= 100, "expected the shared corpus at {}, found {} files", dir.display(), files.len());
    let (mut disks, mut failures) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        match diskxml_parser::domain_disks(&text) {
            Ok(parsed) => {
                for found in parsed {
                    let disk = found.disk.clone();
                    disks += 1;
                    let xml = write(&disk);
                    // Written back, the disk says what the input said.
                    let original = roxmltree::Document::parse(found.xml(&text)).unwrap();
                    let written = roxmltree::Document::parse(&xml).unwrap();
                    if let Err(diff) = semantic_eq(original.root_element(), written.root_element()) {
                        failures.push(format!("{}: not semantically equal: {diff}", file.display()));
                    }
                    match diskxml_parser::parse_disk(&xml) {
                        Ok(again) if again == disk => {}
                        Ok(_) => failures.push(format!("{}: a disk changed on the round trip:\n{xml}", file.display())),
                        Err(e) => {
                            failures.push(format!("{}: written disk does not read back: {e}\n{xml}", file.display()))
                        }
                    }
                }
            }
            Err(e) => failures.push(format!("{}:{e}", file.display())),
        }
    }
    eprintln!("corpus: {} files, {disks} disks parsed, {} failures", files.len(), failures.len());
    assert!(disks >= 300, "only {disks} disks found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// libvirt's own output for each input: `normalize` of every input disk (qemu profile for
/// the qemu tests, generic for the generic ones) is semantically equal to libvirt's output
/// disk with the same target dev, ignoring a non-drive `<address>` libvirt assigned when the
/// input had none (PCI slots depend on the whole domain). The issue asks for 95 %; all match.
#[test]
fn normalize_matches_libvirts_output() {
    let Some(dir) = corpus() else { return };
    let mut total = 0;
    let mut mismatches = Vec::new();
    for (sub, profile) in
        [("libvirt", diskxml_rules::Profile::Qemu), ("libvirt-generic", diskxml_rules::Profile::Generic)]
    {
        let Ok(entries) = std::fs::read_dir(dir.join(sub).join("out")) else { continue };
        let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let input = std::fs::read_to_string(dir.join(sub).join("in").join(&name)).unwrap();
            let output = std::fs::read_to_string(dir.join(sub).join("out").join(&name)).unwrap();
            let ins = diskxml_parser::domain_disks(&input).unwrap();
            let outs = diskxml_parser::domain_disks(&output).unwrap();
            for found in &ins {
                let Some(dev) = found.disk.target.as_ref().map(|t| t.dev().to_string()) else { continue };
                let Some(out) = outs.iter().find(|o| o.disk.target.as_ref().is_some_and(|t| t.dev() == dev.as_str()))
                else {
                    continue;
                };
                total += 1;
                let mut normalized = diskxml_rules::normalize(&found.disk, profile);
                if found.disk.address.is_none()
                    && out
                        .disk
                        .address
                        .as_ref()
                        .is_some_and(|a| !matches!(a.kind, diskxml_model::AddressKind::Drive(_)))
                {
                    normalized.address.clone_from(&out.disk.address);
                }
                let ours = write(&normalized);
                let theirs = roxmltree::Document::parse(out.xml(&output)).unwrap();
                let mine = roxmltree::Document::parse(&ours).unwrap();
                if let Err(diff) = semantic_eq(theirs.root_element(), mine.root_element()) {
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
