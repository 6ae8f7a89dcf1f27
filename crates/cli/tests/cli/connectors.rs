//! `render` for every built-in volume type, warnings, and `probe` against real peers.

use std::net::TcpListener;

use crate::qemu_nbd::{free_port, qemu_nbd};
use crate::{ROOT, assert_invalid, run, testdata};

#[test]
fn render_works_for_every_built_in_type() {
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(format!("{ROOT}/testdata/connection_info")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(case) = name.strip_suffix(".json") else { continue };
        let file = format!("testdata/connection_info/{case}.json");
        let r = run(&["render", "--connection-info", &file], None);
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        assert_eq!(r.stdout, testdata(&format!("connection_info/{case}.xml")), "{case}");
        let json: serde_json::Value = serde_json::from_str(&testdata(&format!("connection_info/{case}.json"))).unwrap();
        kinds.insert(json["driver_volume_type"].as_str().unwrap().to_owned());
    }
    // Every built-in driver, as the registry lists it (`diskxml drivers`), has a golden case.
    let drivers = run(&["drivers"], None);
    let mut expected: Vec<&str> = drivers.stdout.lines().collect();
    expected.sort_unstable();
    assert!(!expected.is_empty());
    assert_eq!(kinds.iter().map(String::as_str).collect::<Vec<_>>(), expected);
    let json = run(&["drivers", "--json"], None);
    let listed: Vec<String> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(listed, drivers.stdout.lines().collect::<Vec<_>>());
}

#[test]
fn ignored_qos_keys_are_warned_about_on_stderr() {
    let r = run(&["render", "--connection-info", "testdata/connection_info/edge_common_settings.json"], None);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "diskxml: warning: testdata/connection_info/edge_common_settings.json: data.qos_specs.consumer: not a QoS limit libvirt knows; ignored\n"
    );
}

#[test]
fn probe_an_edge_listener() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let json = format!(
        r#"{{"driver_volume_type": "openvstorage_edge", "data": {{"device_path": "openvstorage:127.0.0.1:{port}/v"}}}}"#
    );
    let r = run(&["probe", "--connection-info", "-", "--timeout", "1s"], Some(json.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, format!("kind: openvstorage_edge\npath: openvstorage:127.0.0.1:{port}/v\n"));
}

#[test]
fn probe_an_unreachable_volume_exits_1_with_address_and_reason() {
    let port = free_port();
    let json = format!(
        r#"{{"driver_volume_type": "nbd", "data": {{"name": "e", "hosts": ["127.0.0.1"], "ports": [{port}]}}}}"#
    );
    let r = run(&["probe", "--connection-info", "-", "--timeout", "500ms"], Some(json.as_bytes()));
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let prefix = format!("diskxml: -: 127.0.0.1:{port}: unreachable after ");
    assert!(r.stderr.starts_with(&prefix) && r.stderr.contains("connection failed"), "{}", r.stderr);
}

#[test]
fn probe_qemu_nbd_prints_the_export_size_or_names_the_missing_export() {
    let Some(server) = qemu_nbd("cli-volume", 1024 * 1024) else { return };
    let port = server.port;
    let json = |export: &str| {
        format!(
            r#"{{"driver_volume_type": "nbd", "data": {{"name": "{export}", "hosts": ["127.0.0.1"], "ports": ["{port}"]}}}}"#
        )
    };
    let r = run(&["probe", "--connection-info", "-"], Some(json("cli-volume").as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, format!("kind: nbd\npath: nbd://127.0.0.1:{port}/cli-volume\nsize: 1048576\n"));
    // --json carries the same facts.
    let r = run(&["probe", "--json", "--connection-info", "-"], Some(json("cli-volume").as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let path = format!("nbd://127.0.0.1:{port}/cli-volume");
    assert_eq!(value, serde_json::json!({"kind": "nbd", "path": path, "size": 1_048_576, "probed": true}));
    let r = run(&["probe", "--connection-info", "-"], Some(json("missing").as_bytes()));
    assert_invalid(&r, &format!("diskxml: -: 127.0.0.1:{port}: the NBD server has no export named \"missing\"\n"));
}

#[test]
fn a_bad_timeout_is_a_usage_error() {
    let r = run(&["probe", "--connection-info", "-", "--timeout", "soon"], Some(b"{}"));
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("expected a duration such as 2s, 500ms, 5m or 1h"), "{}", r.stderr);
}

/// probe never reports as checked what it did not check: a local path must exist and be a
/// block device (the disk is type='block'), a file path must exist; drivers with nothing to
/// probe say so.
#[test]
fn probe_checks_host_paths_and_says_what_it_did_not_probe() {
    let local = |path: &str| format!(r#"{{"driver_volume_type": "local", "data": {{"device_path": "{path}"}}}}"#);
    let file = |path: &str| format!(r#"{{"driver_volume_type": "file", "data": {{"device_path": "{path}"}}}}"#);
    let missing = "/nonexistent/diskxml-probe";
    let r = run(&["probe", "--connection-info", "-"], Some(local(missing).as_bytes()));
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.starts_with(&format!("diskxml: -: {missing}: No such file or directory")), "{}", r.stderr);
    let r = run(&["probe", "--connection-info", "-"], Some(file(missing).as_bytes()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    // A regular file is a file volume, not a local (block) one.
    let r = run(&["probe", "--connection-info", "-"], Some(local("/etc/hostname").as_bytes()));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a block device"), "{}", r.stderr);
    let r = run(&["probe", "--json", "--connection-info", "-"], Some(file("/etc/hostname").as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(value["probed"], true);
    // rbd: nothing here could reach it.
    let rbd = r#"{"driver_volume_type": "rbd", "data": {"name": "p/v", "hosts": ["h"], "ports": ["6789"]}}"#;
    let r = run(&["probe", "--connection-info", "-"], Some(rbd.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(
        r.stdout,
        "kind: rbd\npath: rbd://h:6789/p/v\nnot probed: the rbd driver has nothing to probe; nothing was checked\n"
    );
}
