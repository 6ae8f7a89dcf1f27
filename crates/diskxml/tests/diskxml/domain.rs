//! Domain edits: replace, insert and remove a disk, every byte outside it unchanged, on our
//! own domains and on every domain of the shared libvirt corpus.

use diskxml::{Bus, Disk, DiskSelector, EdgePresets, Host};

use crate::testdata;

fn edge(dev: &str) -> Disk {
    Disk::openvstorage_edge("vol-new")
        .host(Host::rdma("ovs.example", 26203))
        .original_defaults()
        .target(dev, Bus::Virtio)
        .build()
        .unwrap()
}

/// `new` equals `old` outside `old[range]`.
fn assert_only_range_changed(old: &str, new: &str, range: std::ops::Range<usize>, what: &str) {
    assert!(new.starts_with(&old[..range.start]), "{what}: bytes before the disk changed");
    assert!(new.ends_with(&old[range.end..]), "{what}: bytes after the disk changed");
}

#[test]
fn edits_on_our_domain() {
    let doc = testdata("domains/edge_guest.xml");
    let vdb = DiskSelector::TargetDev("vdb".into());
    let found = diskxml::find_disk(&doc, &vdb).unwrap().unwrap();
    assert_eq!(found.disk.target.as_ref().unwrap().dev(), "vdb");

    let replaced = diskxml::replace_disk(&doc, &vdb, &edge("vdb")).unwrap();
    assert_only_range_changed(&doc, &replaced, found.range.clone(), "replace");
    let again = diskxml::find_disk(&replaced, &vdb).unwrap().unwrap();
    assert_eq!(again.disk, edge("vdb"));
    // The new disk is indented as the old one was.
    assert!(replaced.contains(
        "\n    <disk type='network' device='disk'>\n      <driver name='qemu' type='raw' discard='ignore'/>\n"
    ));

    let removed = diskxml::remove_disk(&doc, &vdb).unwrap();
    assert_eq!(diskxml::domain_disks(&removed).unwrap().len(), 3);
    assert_eq!(removed.len(), doc.len() - (found.range.len() + 4 + 1), "the disk, its indentation and its newline");

    let inserted = diskxml::insert_disk(&doc, &edge("vdz")).unwrap();
    let disks = diskxml::domain_disks(&inserted).unwrap();
    assert_eq!(disks.last().unwrap().disk, edge("vdz"));
    let at = disks.last().unwrap().range.start - 4;
    assert_eq!(&inserted[..at], &doc[..at]);
    assert!(inserted.ends_with("    </disk>\n  </devices>\n</domain>\n"));

    let missing = DiskSelector::Serial("nope".into());
    assert_eq!(diskxml::remove_disk(&doc, &missing).unwrap_err().to_string(), "no disk with serial 'nope'");
}

#[test]
fn selectors_find_by_dev_serial_and_alias() {
    let doc = "<domain><devices><disk type='file'><target dev='vda'/><serial>s1</serial><alias name='ua-v1'/></disk></devices></domain>";
    for selector in
        [DiskSelector::TargetDev("vda".into()), DiskSelector::Serial("s1".into()), DiskSelector::Alias("ua-v1".into())]
    {
        let found = diskxml::find_disk(doc, &selector).unwrap().unwrap();
        assert_eq!(found.xml(doc), &doc[17..doc.len() - 19], "{selector}");
    }
    assert!(diskxml::find_disk(doc, &DiskSelector::TargetDev("vdb".into())).unwrap().is_none());
}

#[test]
fn a_bad_disk_xml_cannot_break_the_document() {
    let doc = testdata("domains/edge_guest.xml");
    for bad in ["</devices><evil/>", "<disk type='file'></disk><evil/>", "<volume/>", ""] {
        assert!(diskxml::parser::insert_disk_xml(&doc, bad).is_err(), "{bad}");
        assert!(diskxml::parser::replace_disk_xml(&doc, &DiskSelector::TargetDev("vda".into()), bad).is_err(), "{bad}");
    }
}

#[test]
fn edits_on_every_corpus_domain() {
    let Some(dir) = diskxml_testkit::tools::corpus() else { return };
    let mut edited = 0;
    for sub in ["libvirt/in", "libvirt/out", "openvstorage"] {
        let Ok(entries) = std::fs::read_dir(std::path::Path::new(&dir).join(sub)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let doc = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            let disks = diskxml::domain_disks(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (i, found) in disks.iter().enumerate() {
                let Some(dev) = found.disk.target.as_ref().map(|t| t.dev().to_string()) else { continue };
                // Only the first disk with this dev is addressable by dev.
                if disks[..i].iter().any(|d| d.disk.target.as_ref().is_some_and(|t| t.dev() == dev.as_str())) {
                    continue;
                }
                let selector = DiskSelector::TargetDev(dev.clone());
                let replaced = diskxml::replace_disk(&doc, &selector, &edge(&dev)).unwrap();
                assert_only_range_changed(&doc, &replaced, found.range.clone(), &format!("{name} replace {dev}"));
                assert_eq!(diskxml::domain_disks(&replaced).unwrap().len(), disks.len(), "{name}");
                let removed = diskxml::remove_disk(&doc, &selector).unwrap();
                let line_start = found.range.start - found_indent(&doc, found.range.start);
                assert!(removed.starts_with(&doc[..line_start]), "{name} remove {dev}");
                assert!(doc.ends_with(&removed[line_start..]), "{name} remove {dev}");
                assert_eq!(diskxml::domain_disks(&removed).unwrap().len(), disks.len() - 1, "{name}");
                edited += 1;
            }
            let inserted = diskxml::insert_disk(&doc, &edge("vdzz")).unwrap();
            let after = diskxml::domain_disks(&inserted).unwrap();
            assert_eq!(after.len(), disks.len() + 1, "{name}");
            assert_eq!(after.last().unwrap().disk, edge("vdzz"), "{name}");
        }
    }
    assert!(edited > 300, "only {edited} disks edited");
}

fn found_indent(text: &str, at: usize) -> usize {
    text[..at].chars().rev().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// The first disk whose model the selector matches: the definition `find_disk` must agree
/// with, while building only the model of the disk it finds.
fn slow_find(doc: &str, selector: &DiskSelector) -> Option<diskxml::DomainDisk> {
    diskxml::domain_disks(doc).unwrap().into_iter().find(|d| selector.matches(&d.disk))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// On random domains (the shared generator's disks, some sharing devs, serials, aliases),
    /// `find_disk` picks what reading every disk and matching its model picks.
    #[test]
    fn find_disk_agrees_with_matching_every_model(
        disks in proptest::collection::vec(diskxml_testkit::generate::disk(), 1..6),
        pick in 0usize..6,
        kind in 0usize..3,
    ) {
        use diskxml::ToXml;
        let body: String = disks.iter().map(|d| d.to_xml().unwrap()).collect();
        let doc = format!("<domain type='kvm'>\n<devices>\n{body}</devices>\n</domain>\n");
        let target = &disks[pick % disks.len()];
        let selector = match kind {
            0 => target.target.as_ref().map(|t| DiskSelector::TargetDev(t.dev().to_string())),
            1 => target.serial.as_ref().map(|s| DiskSelector::Serial(s.to_string())),
            _ => target.alias.as_ref().map(|a| DiskSelector::Alias(a.name.to_string())),
        };
        let selector = selector.unwrap_or_else(|| DiskSelector::TargetDev("no-such-dev".into()));
        let fast = diskxml::find_disk(&doc, &selector).unwrap();
        proptest::prop_assert_eq!(fast, slow_find(&doc, &selector), "{:?}\n{}", selector, doc);
    }
}

/// libvirt refuses two disks with one target dev: neither insert nor replace makes one, and
/// the error names the dev (the document is left as it was: the edit returns a new text).
#[test]
fn edits_refuse_a_second_disk_with_a_dev_the_domain_has() {
    use diskxml::parser::EditError;
    let doc = testdata("domains/edge_guest.xml");
    let devs: Vec<String> = diskxml::parse_domain_disks(&doc)
        .unwrap()
        .iter()
        .filter_map(|d| d.target.as_ref().map(|t| t.dev().to_string()))
        .collect();
    assert!(devs.len() >= 2, "{devs:?}");
    for dev in &devs {
        let err = diskxml::insert_disk(&doc, &edge(dev)).unwrap_err();
        assert!(matches!(&err, diskxml::Error::Edit(EditError::DuplicateDev(d)) if d == dev), "{err:?}");
        assert_eq!(err.to_string(), format!("the domain already has a disk with target dev '{dev}'"));
    }
    // Replacing the first disk with the second's dev is refused; with its own dev, or a new
    // one, it is not.
    let first = DiskSelector::TargetDev(devs[0].clone());
    let err = diskxml::replace_disk(&doc, &first, &edge(&devs[1])).unwrap_err();
    assert!(matches!(&err, diskxml::Error::Edit(EditError::DuplicateDev(d)) if *d == devs[1]), "{err:?}");
    assert!(diskxml::replace_disk(&doc, &first, &edge(&devs[0])).is_ok());
    assert!(diskxml::replace_disk(&doc, &first, &edge("vdzz")).is_ok());
    assert!(diskxml::insert_disk(&doc, &edge("vdzz")).is_ok());
}
