//! serde: any valid model → JSON → model is the identity (on the shared generator), and
//! JSON cannot build what the constructors refuse.

use diskxml::model::{Disk, Error};
use diskxml_testkit::generate::disk;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn model_to_json_to_model_is_identity(disk in disk()) {
        let json = serde_json::to_string(&disk).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Disk = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&back, &disk, "{}", json);
        // The JSON carries no nulls: absent parts are left out, as a person would write it.
        prop_assert!(!json.contains(":null"), "{}", json);
    }
}

fn refused(json: &str) -> String {
    match serde_json::from_str::<Disk>(json) {
        Ok(disk) => panic!("accepted {json}: {disk:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn json_cannot_build_what_the_constructors_refuse() {
    let edge = r#"{"source":{"network":{"protocol":"openvstorage","name":"v","hosts":[HOSTS]}}}"#;
    let two = edge.replace("HOSTS", r#"{"name":"a","port":1},{"name":"b","port":2}"#);
    assert!(refused(&two).contains("takes at most 1 host(s)"), "{}", refused(&two));
    let port = edge.replace("HOSTS", r#"{"name":"a","port":0}"#);
    assert!(refused(&port).contains("port 0 is out of range"), "{}", refused(&port));
    let both = edge.replace("HOSTS", r#"{"name":"a","socket":"/s"}"#);
    assert!(refused(&both).contains("a name or a socket, not both"), "{}", refused(&both));
    let control = r#"{"source":{"file":{"path":"/a\u0001"}}}"#;
    assert!(refused(control).contains("U+0001"), "{}", refused(control));
    let twice =
        r#"{"source":{"file":{}},"unknown":{"attributes":[{"name":"x","value":"1"},{"name":"x","value":"2"}]}}"#;
    assert!(refused(twice).contains("appears twice"), "{}", refused(twice));
    let dev = r#"{"source":{"file":{}},"target":{"dev":""}}"#;
    assert!(refused(dev).contains("target.dev: must not be empty"), "{}", refused(dev));
    let name = r#"{"source":{"file":{}},"unknown":{"children":[{"element":{"name":"a b"}}]}}"#;
    assert!(refused(name).contains("not an XML name"), "{}", refused(name));
    // And the error type the model uses says the same.
    assert_eq!(Error::DuplicateAttribute { name: "x".into() }.to_string(), "attribute name \"x\" appears twice");
}

#[test]
fn json_reads_what_a_person_writes() {
    let json = r#"{
        "device": "disk",
        "source": {"file": {"path": "/var/lib/images/a.qcow2"}},
        "driver": {"name": "qemu", "format": "qcow2", "cache": "none"},
        "target": {"dev": "vda", "bus": "virtio"},
        "readonly": true,
        "serial": "abc",
        "unknown": {"children": [{"element": {"name": "vendor-note", "attributes": [{"name": "x", "value": "1"}]}}]}
    }"#;
    let disk: Disk = serde_json::from_str(json).unwrap();
    let xml = diskxml::ToXml::to_xml(&disk).unwrap();
    assert_eq!(
        xml,
        "<disk type='file' device='disk'>\n  <driver name='qemu' type='qcow2' cache='none'/>\n  \
         <source file='/var/lib/images/a.qcow2'/>\n  <target dev='vda' bus='virtio'/>\n  <readonly/>\n  \
         <serial>abc</serial>\n  <vendor-note x='1'/>\n</disk>\n"
    );
}

#[test]
fn a_misspelt_field_is_refused_not_ignored() {
    let typo = r#"{"source":{"file":{"path":"/a"}},"readonly":true,"serail":"x"}"#;
    assert!(refused(typo).contains("unknown field `serail`"), "{}", refused(typo));
    let nested = r#"{"source":{"network":{"protocol":"rbd","name":"p/i","extras":{"snapshqt":"s"}}}}"#;
    assert!(refused(nested).contains("unknown field `snapshqt`"), "{}", refused(nested));
    let host = r#"{"source":{"network":{"protocol":"nbd","hosts":[{"name":"h","prot":1}]}}}"#;
    assert!(refused(host).contains("unknown field `prot`"), "{}", refused(host));
}

/// The `disk_json` fuzz target's property on its first finding: a disk built from JSON
/// with an empty `extras` writes XML that reads back and writes the same bytes again.
#[test]
fn a_json_disk_with_empty_extras_writes_stably() {
    for (json, source) in [
        (
            r#"{"source":{"network":{"protocol":"rbd","name":"pool/image","extras":{}}}}"#,
            "<source protocol='rbd' name='pool/image'/>",
        ),
        // The attributes among the extras give `<source>` no children.
        (
            r#"{"source":{"network":{"protocol":"rbd","name":"pool/image","extras":{"tls":"yes"}}}}"#,
            "<source protocol='rbd' name='pool/image' tls='yes'/>",
        ),
    ] {
        let disk: Disk = serde_json::from_str(json).unwrap();
        let xml = diskxml::ToXml::to_xml(&disk).unwrap();
        assert!(xml.contains(source), "{xml}");
        let back = diskxml::parse_disk(&xml).unwrap();
        assert_eq!(diskxml::ToXml::to_xml(&back).unwrap(), xml);
    }
}

/// Found by `disk_json`: unknown texts beside known elements are written as the parser keeps
/// them (trimmed, blank ones left out, adjacent ones joined), so the XML is stable.
#[test]
fn unknown_texts_of_any_shape_write_stably() {
    let json = r#"{"source":{"file":{"path":"/a"}},"unknown":{"children":[
        {"text":"\n    "},{"element":{"name":"nested"}},{"text":"  a "},{"text":"b"},{"text":""},
        {"element":{"name":"empty","children":[{"text":""}]}}]}}"#;
    let disk: Disk = serde_json::from_str(json).unwrap();
    let xml = diskxml::ToXml::to_xml(&disk).unwrap();
    assert_eq!(xml, "<disk type='file'>\n  <source file='/a'/>\n  <nested/>\n  a\nb\n  <empty/>\n</disk>\n");
    let back = diskxml::parse_disk(&xml).unwrap();
    assert_eq!(diskxml::ToXml::to_xml(&back).unwrap(), xml);
    // Blank texts alone do not open the element.
    let blank = r#"{"source":{"file":{"path":"/a"}},"target":{"dev":"vda","unknown":{"children":[{"text":" \n "}]}}}"#;
    let disk: Disk = serde_json::from_str(blank).unwrap();
    assert!(diskxml::ToXml::to_xml(&disk).unwrap().contains("<target dev='vda'/>"));
}
