//! libvirt's own test files (the shared corpus, via `DISKXML_CORPUS`): every disk of every
//! domain parses, and writing it back reads back to the same model.
//!
//! Normalisation against libvirt's outputs is the rules' (`crates/diskxml/tests/diskxml/
//! normalize.rs`); this is the parser's lossless floor.

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
