//! nova parity: every common setting of docs/formats.md ("Common settings"), and each bad value, as tables.

use diskxml_connector::{ConnectionInfo, DiskInfo, Registry, warnings};
use diskxml_model::{AddressKind, Bus, Discard, Disk, DriveAddress, Format};
use serde_json::{Value, json};

fn info(data: Value) -> ConnectionInfo {
    let mut data = data;
    data["device_path"] = json!("openvstorage+tcp:ovs.example:26203/vol");
    ConnectionInfo::from_value(json!({"driver_volume_type": "openvstorage_edge", "serial": "s-1", "data": data}))
        .unwrap()
}

fn disk_on(data: Value, disk_info: &DiskInfo) -> Result<Disk, String> {
    Registry::with_builtins().disk(&info(data), disk_info).map_err(|e| e.to_string())
}

fn disk(data: Value) -> Result<Disk, String> {
    disk_on(data, &DiskInfo::default())
}

#[test]
fn each_setting_lands_where_nova_puts_it() {
    type Check = fn(&Disk) -> bool;
    let cases: &[(Value, Check)] = &[
        (json!({}), |d| d.serial.as_deref() == Some("s-1") && d.alias.is_none() && !d.readonly && !d.shareable),
        (json!({"volume_id": "v-9"}), |d| d.alias.as_ref().map(|a| a.name.as_str()) == Some("ua-v-9")),
        (json!({"access_mode": "ro"}), |d| d.readonly),
        (json!({"access_mode": "rw"}), |d| !d.readonly),
        (json!({"access_mode": null}), |d| !d.readonly),
        (json!({"discard": true}), |d| d.driver.as_ref().unwrap().discard == Some(Discard::Unmap)),
        (json!({"discard": false}), |d| d.driver.as_ref().unwrap().discard.is_none()),
        (json!({"multiattach": true}), |d| d.shareable),
        (json!({"multiattach": false}), |d| !d.shareable),
        (json!({"logical_block_size": 512}), |d| {
            d.blockio.as_ref().map(|b| (b.logical_block_size, b.physical_block_size)) == Some((Some(512), None))
        }),
        (json!({"physical_block_size": "4096"}), |d| {
            d.blockio.as_ref().map(|b| (b.logical_block_size, b.physical_block_size)) == Some((None, Some(4096)))
        }),
        (json!({}), |d| {
            d.driver.as_ref().map(|v| (v.name.as_deref(), v.format.clone())) == Some((Some("qemu"), Some(Format::Raw)))
        }),
        (json!({"format": "qcow2"}), |d| d.driver.as_ref().unwrap().format == Some(Format::Qcow2)),
        (json!({"qos_specs": {"total_bytes_sec": 1, "read_bytes_sec": "2", "write_bytes_sec": 3}}), |d| {
            let t = d.iotune.as_ref().unwrap();
            (t.total_bytes_sec, t.read_bytes_sec, t.write_bytes_sec) == (Some(1), Some(2), Some(3))
        }),
        (
            json!({"qos_specs": {"total_iops_sec": 4, "read_iops_sec": 5, "write_iops_sec": "6", "size_iops_sec": 7}}),
            |d| {
                let t = d.iotune.as_ref().unwrap();
                (t.total_iops_sec, t.read_iops_sec, t.write_iops_sec, t.size_iops_sec)
                    == (Some(4), Some(5), Some(6), Some(7))
            },
        ),
        (json!({"qos_specs": {"total_bytes_sec_max": 8, "read_bytes_sec_max": 9, "write_bytes_sec_max": 10}}), |d| {
            let t = d.iotune.as_ref().unwrap();
            (t.total_bytes_sec_max, t.read_bytes_sec_max, t.write_bytes_sec_max) == (Some(8), Some(9), Some(10))
        }),
        (json!({"qos_specs": {"total_iops_sec_max": 11, "read_iops_sec_max": 12, "write_iops_sec_max": 13}}), |d| {
            let t = d.iotune.as_ref().unwrap();
            (t.total_iops_sec_max, t.read_iops_sec_max, t.write_iops_sec_max) == (Some(11), Some(12), Some(13))
        }),
        (json!({"qos_specs": {"consumer": "back-end"}}), |d| d.iotune.is_none()),
        (json!({"qos_specs": null}), |d| d.iotune.is_none()),
        (json!({"unit": 3}), |d| d.address.is_none()),
    ];
    for (i, (data, check)) in cases.iter().enumerate() {
        let d = disk(data.clone()).unwrap_or_else(|e| panic!("case {i} {data}: {e}"));
        assert!(check(&d), "case {i}: {data} gave {d:#?}");
    }
}

#[test]
fn unit_on_a_scsi_bus_becomes_a_drive_address() {
    let scsi = DiskInfo::new("sdb", Bus::Scsi);
    let d = disk_on(json!({"unit": "2"}), &scsi).unwrap();
    let address = d.address.unwrap();
    assert_eq!(
        address.kind,
        AddressKind::Drive(DriveAddress { controller: Some(0), bus: None, target: None, unit: Some(2) })
    );
    let d = disk_on(json!({}), &scsi).unwrap();
    assert_eq!(
        d.address.unwrap().kind,
        AddressKind::Drive(DriveAddress { controller: Some(0), ..DriveAddress::default() })
    );
}

#[test]
fn each_bad_value_is_an_error_naming_the_field() {
    let cases = [
        (json!({"access_mode": "rx"}), "data.access_mode: expected 'ro' or 'rw', found \"rx\""),
        (json!({"access_mode": 1}), "data.access_mode: expected 'ro' or 'rw', found a number"),
        (json!({"discard": "yes"}), "data.discard: expected true or false, found a string"),
        (json!({"multiattach": 1}), "data.multiattach: expected true or false, found a number"),
        (
            json!({"qos_specs": {"total_bytes_sec": "lots"}}),
            "data.qos_specs.total_bytes_sec: expected a non-negative integer (a JSON number or a numeric string), found \"lots\"",
        ),
        (
            json!({"qos_specs": {"read_iops_sec": -1}}),
            "data.qos_specs.read_iops_sec: expected a non-negative integer (a JSON number or a numeric string), found -1",
        ),
        (
            json!({"qos_specs": {"read_iops_sec": 1e3}}),
            "data.qos_specs.read_iops_sec: expected a non-negative integer (a JSON number or a numeric string), found 1000.0",
        ),
        (json!({"qos_specs": [1]}), "data.qos_specs: expected an object, found an array"),
        (
            json!({"logical_block_size": "4k"}),
            "data.logical_block_size: expected a non-negative integer (a JSON number or a numeric string), found \"4k\"",
        ),
        (json!({"physical_block_size": 5000000000u64}), "data.physical_block_size: 5000000000 is out of range"),
        (json!({"volume_id": 7}), "data.volume_id: expected a string, found a number"),
        (json!({"format": "raw\u{1}"}), "data.format: character 3 is U+0001, which XML 1.0 cannot carry"),
    ];
    for (data, expected) in cases {
        assert_eq!(disk(data.clone()).unwrap_err(), expected, "{data}");
    }
    let scsi = DiskInfo::new("sdb", Bus::Scsi);
    assert_eq!(
        disk_on(json!({"unit": "two"}), &scsi).unwrap_err(),
        "data.unit: expected a non-negative integer (a JSON number or a numeric string), found \"two\""
    );
}

#[test]
fn unknown_qos_keys_are_reported_as_warnings() {
    let info = info(json!({"qos_specs": {"total_bytes_sec": 1, "consumer": "front-end", "max_iops": 3}}));
    let w: Vec<String> = warnings(&info).iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "data.qos_specs.consumer: not a QoS limit libvirt knows; ignored",
            "data.qos_specs.max_iops: not a QoS limit libvirt knows; ignored"
        ]
    );
    assert!(warnings(&self::info(json!({"qos_specs": {"total_bytes_sec": 1}}))).is_empty());
}

fn net(kind: &str, data: Value) -> Result<Disk, String> {
    let info =
        ConnectionInfo::from_value(json!({"driver_volume_type": kind, "data": data})).map_err(|e| e.to_string())?;
    Registry::with_builtins().disk(&info, &DiskInfo::default()).map_err(|e| e.to_string())
}

#[test]
fn network_drivers_refuse_bad_connection_info() {
    let cases = [
        ("rbd", json!({"hosts": ["a"], "ports": [1]}), "data.name: missing; a rbd volume needs its name"),
        (
            "rbd",
            json!({"name": "p/i", "hosts": ["a", "b"], "ports": [1]}),
            "data.ports: 1 port(s) for 2 host(s); data.hosts and data.ports must be lists of the same length",
        ),
        ("rbd", json!({"name": "p/i", "hosts": "a"}), "data.hosts: expected a list, found a string"),
        ("rbd", json!({"name": "p/i", "hosts": [5]}), "data.hosts[0]: expected a string, found a number"),
        (
            "rbd",
            json!({"name": "p/i", "hosts": ["a"], "ports": [70000]}),
            "data.ports[0]: port 70000 is out of range; expected 1-65535",
        ),
        (
            "rbd",
            json!({"name": "p/i", "hosts": ["a"], "ports": ["x"]}),
            "data.ports[0]: expected a non-negative integer (a JSON number or a numeric string), found \"x\"",
        ),
        ("rbd", json!({"name": "p/i", "hosts": [""]}), "data.hosts[0]: source.host.name: must not be empty"),
        ("rbd", json!({"name": "p/i", "auth_username": "u"}), "data.secret_uuid: missing"),
        ("nbd", json!({"name": "e"}), "data.hosts: 0 host(s) given; nbd takes exactly one host"),
        (
            "nbd",
            json!({"hosts": ["a", "b"], "ports": [1, 2]}),
            "data.hosts: 2 host(s) given; nbd takes exactly one host",
        ),
        ("gluster", json!({"name": "v/i"}), "data.hosts: 0 host(s) given; gluster takes at least one host"),
        (
            "sheepdog",
            json!({"name": "v", "hosts": ["a", "b"]}),
            "data.hosts: 2 host(s) given; sheepdog takes at most one host",
        ),
        ("iscsi", json!({"target_portal": "h:3260"}), "data.target_iqn: missing"),
        (
            "iscsi",
            json!({"target_iqn": "iqn.x", "target_portal": "h:0"}),
            "data.target_portal: the port is not in 1-65535; expected HOST[:PORT] or [IPV6][:PORT], found \"h:0\"",
        ),
        (
            "iscsi",
            json!({"target_iqn": "iqn.x", "target_portal": "fd00::1:3260"}),
            "data.target_portal: an IPv6 host needs brackets; expected HOST[:PORT] or [IPV6][:PORT], found \"fd00::1:3260\"",
        ),
        (
            "iscsi",
            json!({"target_iqn": "iqn.x", "target_lun": "a", "target_portal": "h"}),
            "data.target_lun: expected a non-negative integer (a JSON number or a numeric string), found \"a\"",
        ),
        (
            "iscsi",
            json!({"target_iqn": "iqn.x", "target_portal": "h", "auth_method": "CHAP"}),
            "data.auth_username: missing",
        ),
        ("local", json!({}), "data.device_path: missing"),
        ("file", json!({"device_path": ["a"]}), "data.device_path: expected a string, found an array"),
    ];
    for (kind, data, expected) in cases {
        assert_eq!(net(kind, data.clone()).unwrap_err(), expected, "{kind} {data}");
    }
}

#[test]
fn nbd_needs_no_name_and_rbd_auth_can_be_disabled() {
    let d = net("nbd", json!({"hosts": ["h"], "ports": [10809]})).unwrap();
    assert_eq!(d.disk_type(), "network");
    let d = net("rbd", json!({"name": "p/i", "auth_enabled": false, "auth_username": "u"})).unwrap();
    assert!(d.auth.is_none());
}
