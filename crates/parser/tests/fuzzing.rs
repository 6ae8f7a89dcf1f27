//! Every input a fuzz target crashed on, as a named test (see fuzz/README.md).
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

/// What the `parse_disk` target checks: a disk that parses writes back, reads back equal,
/// and writes the same bytes again. Every input here parses: a test of one that did not
/// would assert nothing.
fn assert_stable(input: &str) {
    let disk = diskxml_parser::parse_disk(input).unwrap_or_else(|e| panic!("the input does not parse: {e}"));
    diskxml_testkit::roundtrip::assert_stable(&disk, write, diskxml_parser::parse_disk);
}

fn write(disk: &diskxml_model::Disk) -> String {
    let mut xml = String::new();
    diskxml_writer::write_disk(disk, &mut xml).unwrap();
    xml
}

/// parse_disk, crash-1ed68df5: stray texts that known elements kept apart became adjacent
/// texts in the model, which XML cannot keep apart, so the second read merged them.
#[test]
fn fuzz_parse_disk_stray_texts_between_known_elements() {
    let input = "    <disk type='file' device='dijk'>\n      <driver name='qemu' type='raw' queues='4' queue_size='256'/>\n      <source file='/tmp/data2.img'/>='virtio'/>\n   le='t//mpdata2.img'/>\n      <target dev='vdc' bus='virtio'/>\n  unction='0x0'/>\n    </disk>\n";
    assert_stable(input);
    let disk = diskxml_parser::parse_disk(input).unwrap();
    assert_eq!(disk.unknown.children().len(), 1, "the two stray texts are one text now");
}

/// Found while fixing the above: a no-break space is content, not XML whitespace.
#[test]
fn stray_text_keeps_unicode_spaces() {
    let input = "<disk type='file'>\u{a0}x\u{a0}<target dev='vda'/></disk>";
    assert_stable(input);
    let disk = diskxml_parser::parse_disk(input).unwrap();
    assert_eq!(
        disk.unknown.children(),
        [diskxml_model::Node::Text(diskxml_model::Text::new("t", "\u{a0}x\u{a0}").unwrap())]
    );
    assert!(diskxml_parser::parse_disk("<disk type='file'><readonly>\u{a0}</readonly></disk>").is_err());
}

/// parse_disk, crash-1e1521b0: an empty `<source />` of a block disk was dropped, so a
/// second `<source dev=...>` (kept as unknown) became the source on the next read.
#[test]
fn fuzz_parse_disk_empty_source_before_a_second_source() {
    let input = "<disk type='block' device='disk'>\n  <source />\n  <source dev='/dev/HostVG/QEMUGuest1'/>\n  <target dev='hda' bus='ide'/>\n</disk>\n";
    assert_stable(input);
    let disk = diskxml_parser::parse_disk(input).unwrap();
    let diskxml_model::Source::Block(block) = &disk.source else { panic!("block") };
    assert_eq!(block.dev.as_deref(), Some("/dev/HostVG/QEMUGuest1"));
    // A lone empty <source/> is kept, not dropped.
    let empty = "<disk type='file' device='cdrom'>\n  <source/>\n  <target dev='hdc'/>\n</disk>\n";
    assert_stable(empty);
    let disk = diskxml_parser::parse_disk(empty).unwrap();
    assert_eq!(disk.unknown.children().len(), 1);
}

/// The exact input the fuzzer found.
#[test]
fn fuzz_parse_disk_crash_1e1521b0() {
    let bytes: &[u8] = include_bytes!("fuzzing/crash-1e1521b05de18f35242774a78b6b872a170e6d14");
    assert_stable(std::str::from_utf8(bytes).unwrap());
}

/// parse_disk, crash-1523c68c: a comment inside an unknown element left two adjacent texts
/// in the model, which the second read saw as one.
#[test]
fn fuzz_parse_disk_comment_between_texts_of_an_unknown_element() {
    let input = "<disk type='file'>\n  <x>\n    <!-- gone -->\n    <?pi gone?>\n  </x>\n</disk>\n";
    assert_stable(input);
    let disk = diskxml_parser::parse_disk(input).unwrap();
    let diskxml_model::Node::Element(x) = &disk.unknown.children()[0] else { panic!("element") };
    assert_eq!(x.children.len(), 1, "{:?}", x.children);
    let bytes: &[u8] = include_bytes!("fuzzing/crash-1523c68cf206130fb587596128ed83e0fb2cd742");
    assert_stable(std::str::from_utf8(bytes).unwrap());
}

/// roundtrip, crash-ed in the session that typed encryption: a backing layer whose volume
/// source held only an `<encryption>` was closed as `<backingStore type='volume'/>` and its
/// source written after it, outside the layer (two rules decided whether a source is written).
#[test]
fn fuzz_roundtrip_encryption_only_source_stays_inside_its_layer() {
    use diskxml_model::{
        BackingLayer, BackingStore, Disk, Encryption, FileSource, Source, SourceCommon, Text, VolumeSource,
    };
    let encryption = Encryption { format: Some(Text::new("t", "luks").unwrap()), ..Encryption::default() };
    let common = SourceCommon { encryption: Some(Box::new(encryption)), ..SourceCommon::default() };
    let volume = VolumeSource { common, ..VolumeSource::default() };
    let mut disk =
        Disk::new(Source::File(FileSource { path: Some(Text::new("t", "/a").unwrap()), ..FileSource::default() }));
    disk.backing_store = Some(BackingStore::Layer(Box::new(BackingLayer::new(Source::Volume(Box::new(volume))))));
    let mut xml = String::new();
    diskxml_writer::write_disk(&disk, &mut xml).unwrap();
    assert!(xml.contains("<backingStore type='volume'>\n    <source>\n      <encryption format='luks'/>"), "{xml}");
    assert_eq!(diskxml_parser::parse_disk(&xml).unwrap(), disk);
}

/// parse_disk, crash-95db0fd4: a processing instruction inside a `<cookie>` made the
/// cookies "not plain" (kept as unknown) on the first read; it is not kept, so the second
/// read typed them. Comments and processing instructions no longer decide anything.
#[test]
fn fuzz_parse_disk_processing_instruction_in_a_cookie() {
    let bytes: &[u8] = include_bytes!("fuzzing/crash-95db0fd49af89e29deede65a53a961eec4ffabbf");
    assert_stable(std::str::from_utf8(bytes).unwrap());
    let input = "<disk type='network'><source protocol='http' name='i'><host name='h'/><cookies><cookie name='c'>a<?pi x?>b</cookie></cookies></source></disk>";
    assert_stable(input);
    let diskxml_model::Source::Network(net) = diskxml_parser::parse_disk(input).unwrap().source else {
        panic!("network")
    };
    assert_eq!(net.extras.unwrap().cookies[0].1, "ab");
}

/// Found with the above: roxmltree gives a comment's text too, so `<serial>a<!--x-->b</serial>`
/// read as "axb"; only text counts now.
#[test]
fn a_comment_is_not_part_of_a_text() {
    let disk =
        diskxml_parser::parse_disk("<disk type='file'><serial>a<!--x-->b</serial><readonly><!--c--></readonly></disk>")
            .unwrap();
    assert_eq!(disk.serial.as_deref(), Some("ab"));
    assert!(disk.readonly);
    assert_stable("<disk type='file'><backingStore><!-- nothing --></backingStore></disk>");
}
