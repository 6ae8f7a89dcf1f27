//! nova parity: every common setting of docs/formats.md ("Common settings"), and each bad value, as tables.

use diskxml_connector::{ConnectionInfo, DiskInfo, HostSettings, Registry, warnings};
use diskxml_model::{AddressKind, Bus, Cache, DeviceKind, Discard, Disk, DriveAddress, Format};
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
        // The volume id is data.volume_id, else the serial: the alias is ua-<volume id>.
        (json!({}), |d| {
            d.serial.as_deref() == Some("s-1")
                && d.alias.as_ref().map(|a| a.name.as_str()) == Some("ua-s-1")
                && !d.readonly
                && !d.shareable
        }),
        (json!({"volume_id": "v-9"}), |d| d.alias.as_ref().map(|a| a.name.as_str()) == Some("ua-v-9")),
        (json!({"access_mode": "ro"}), |d| d.readonly),
        (json!({"access_mode": "rw"}), |d| !d.readonly),
        (json!({"access_mode": null}), |d| !d.readonly),
        (json!({"discard": true}), |d| d.driver.as_ref().unwrap().discard == Some(Discard::Unmap)),
        (json!({"discard": false}), |d| d.driver.as_ref().unwrap().discard.is_none()),
        // nova reads multiattach at the top level only.
        (json!({"multiattach": true}), |d| !d.shareable),
        (json!({"logical_block_size": 512}), |d| {
            d.blockio.as_ref().map(|b| (b.logical_block_size, b.physical_block_size)) == Some((Some(512), None))
        }),
        (json!({"physical_block_size": "4096"}), |d| {
            d.blockio.as_ref().map(|b| (b.logical_block_size, b.physical_block_size)) == Some((None, Some(4096)))
        }),
        (json!({}), |d| {
            d.driver.as_ref().map(|v| (v.name.as_deref(), v.format.clone(), v.cache.clone()))
                == Some((Some("qemu"), Some(Format::Raw), Some(Cache::None)))
        }),
        (json!({"format": "qcow2"}), |d| d.driver.as_ref().unwrap().format == Some(Format::Raw)),
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
        // nova ignores qos_specs that are not an object (a warning here).
        (json!({"qos_specs": "bar"}), |d| d.iotune.is_none()),
        (json!({"unit": 3}), |d| d.address.is_none()),
    ];
    for (i, (data, check)) in cases.iter().enumerate() {
        let d = disk(data.clone()).unwrap_or_else(|e| panic!("case {i} {data}: {e}"));
        assert!(check(&d), "case {i}: {data} gave {d:#?}");
    }
}

#[test]
fn the_mappings_unit_on_a_scsi_bus_becomes_a_drive_address() {
    let mut scsi = DiskInfo::new("sdb", Bus::Scsi);
    scsi.unit = Some(2);
    let d = disk_on(json!({"unit": "5"}), &scsi).unwrap();
    assert_eq!(
        d.address.unwrap().kind,
        AddressKind::Drive(DriveAddress { controller: Some(0), bus: None, target: None, unit: Some(2) }),
        "the unit is the block-device mapping's; data.unit is ignored"
    );
    // Without a unit nova writes no address, never controller='0' alone; off scsi, none.
    assert!(disk_on(json!({}), &DiskInfo::new("sdb", Bus::Scsi)).unwrap().address.is_none());
    let mut virtio = DiskInfo::new("vdb", Bus::Virtio);
    virtio.unit = Some(2);
    assert!(disk_on(json!({}), &virtio).unwrap().address.is_none());
}

#[test]
fn a_lun_has_no_serial_and_no_blockio() {
    let mut lun = DiskInfo::new("sdb", Bus::Scsi);
    lun.device = DeviceKind::Lun;
    let d = disk_on(json!({"logical_block_size": "512"}), &lun).unwrap();
    assert!(d.serial.is_none() && d.blockio.is_none(), "{d:?}");
    assert_eq!(d.alias.map(|a| a.name.to_string()).as_deref(), Some("ua-s-1"), "the alias stays");
}

#[test]
fn multiattach_is_read_at_the_top_level() {
    let top = |value: Value| {
        let info = json!({"driver_volume_type": "local", "multiattach": value, "data": {"device_path": "/dev/sdz"}});
        ConnectionInfo::from_value(info)
            .and_then(|i| Registry::with_builtins().disk(&i, &DiskInfo::default()))
            .map(|d| d.shareable)
            .map_err(|e| e.to_string())
    };
    assert_eq!(top(json!(true)), Ok(true));
    assert_eq!(top(json!(false)), Ok(false));
    assert_eq!(top(json!(null)), Ok(false));
    assert_eq!(top(json!(1)), Err("multiattach: expected true or false, found a number".to_owned()));
}

#[test]
fn each_bad_value_is_an_error_naming_the_field() {
    let cases = [
        (json!({"access_mode": "rx"}), "data.access_mode: expected 'ro' or 'rw', found \"rx\""),
        (json!({"access_mode": 1}), "data.access_mode: expected 'ro' or 'rw', found a number"),
        (json!({"discard": "yes"}), "data.discard: expected true or false, found a string"),
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
        (
            json!({"logical_block_size": "4k"}),
            "data.logical_block_size: expected a non-negative integer (a JSON number or a numeric string), found \"4k\"",
        ),
        (json!({"physical_block_size": 5000000000u64}), "data.physical_block_size: 5000000000 is out of range"),
        (json!({"volume_id": 7}), "data.volume_id: expected a string, found a number"),
    ];
    for (data, expected) in cases {
        assert_eq!(disk(data.clone()).unwrap_err(), expected, "{data}");
    }
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
    let w: Vec<String> =
        warnings(&self::info(json!({"unit": 3, "format": "qcow2"}))).iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "data.unit: the SCSI unit comes from the block-device mapping (DiskInfo::unit, --unit); ignored",
            "data.format: nova writes type='raw' for every volume; ignored"
        ]
    );
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
        (
            "rbd",
            json!({"name": "p/i", "auth_enabled": true, "auth_username": "u", "secret_uuid": null, "secret_type": "ceph"}),
            "data.secret_uuid: the connection info names no secret (data.secret_uuid) and the host settings \
             (rbd_user, rbd_secret_uuid; --rbd-user, --rbd-secret-uuid) give none either",
        ),
        (
            "rbd",
            json!({"name": "p/i", "auth_enabled": true, "auth_username": "u", "secret_type": "cephx",
                   "secret_uuid": "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"}),
            "data.secret_type: \"cephx\" is not a secret type libvirt accepts (ceph, iscsi)",
        ),
        (
            "rbd",
            json!({"name": "p/i", "auth_enabled": true, "secret_uuid": "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"}),
            "data.auth_username: missing; data.auth_enabled is true",
        ),
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
fn rbd_auth_follows_nova() {
    const UUID: &str = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";
    const HOST_UUID: &str = "00000000-1111-2222-3333-444444444444";
    let rbd = |data: Value, host: bool| {
        let mut settings = HostSettings::default();
        if host {
            (settings.rbd_user, settings.rbd_secret_uuid) = (Some("nova".into()), Some(HOST_UUID.into()));
        }
        let info = ConnectionInfo::from_value(json!({"driver_volume_type": "rbd", "data": data})).unwrap();
        let disk = Registry::with_host_settings(settings).disk(&info, &DiskInfo::default()).unwrap();
        disk.auth.map(|a| (a.username.to_string(), a.secret.and_then(|s| s.uuid).map(|u| u.to_string())))
    };
    let enabled = json!({"name": "p/i", "auth_enabled": true, "auth_username": "cinder", "secret_uuid": UUID, "secret_type": "ceph"});
    assert_eq!(rbd(enabled.clone(), true), Some(("cinder".into(), Some(UUID.into()))), "cinder's values first");
    let mut fallback = enabled.clone();
    fallback["secret_uuid"] = Value::Null;
    assert_eq!(rbd(fallback, true), Some(("nova".into(), Some(HOST_UUID.into()))), "the host's, user and secret");
    let mut disabled = enabled.clone();
    disabled["auth_enabled"] = json!(false);
    assert_eq!(rbd(disabled.clone(), false), None);
    assert_eq!(rbd(disabled, true), Some(("nova".into(), Some(HOST_UUID.into()))), "the host's secret is used");
    let mut untyped = enabled;
    untyped["secret_type"] = Value::Null;
    assert_eq!(rbd(untyped, true), None, "nova writes no <auth> without a secret type");
}

#[test]
fn nbd_needs_no_name_and_rbd_auth_can_be_disabled() {
    let d = net("nbd", json!({"hosts": ["h"], "ports": [10809]})).unwrap();
    assert_eq!(d.disk_type(), "network");
    let d = net("rbd", json!({"name": "p/i", "auth_enabled": false, "auth_username": "u"})).unwrap();
    assert!(d.auth.is_none());
}

#[test]
fn an_iscsi_chap_volume_needs_its_secret_on_the_host_named_as_its_disk_names_it() {
    let registry = Registry::with_builtins();
    let info = |data: Value| ConnectionInfo::from_value(json!({"driver_volume_type": "iscsi", "data": data})).unwrap();
    let chap = json!({"target_iqn": "iqn.x", "target_lun": 3, "target_portal": "h", "auth_method": "CHAP",
                      "auth_username": "u", "auth_password": "p4ss"});
    let secret = registry.host_secret(&info(chap.clone())).unwrap().expect("a CHAP secret");
    assert_eq!(
        (secret.kind.as_str(), secret.usage.as_str(), secret.value.as_deref()),
        ("iscsi", "iqn.x/3", Some("p4ss"))
    );
    assert!(!format!("{secret:?}").contains("p4ss"), "Debug hides the password: {secret:?}");
    // The disk names the same secret, by the same usage.
    let disk = registry.disk(&info(chap.clone()), &DiskInfo::default()).unwrap();
    let diskxml_model::Source::Network(source) = &disk.source else { panic!("{disk:?}") };
    let named = source.auth.as_ref().and_then(|a| a.secret.as_ref()).and_then(|s| s.usage.as_deref());
    assert_eq!(named, Some(secret.usage.as_str()));

    let mut with_uuid = chap.clone();
    with_uuid["secret_uuid"] = json!("0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f");
    assert_eq!(registry.host_secret(&info(with_uuid)).unwrap(), None, "a secret named by uuid exists already");
    let mut no_chap = chap;
    no_chap.as_object_mut().unwrap().remove("auth_method");
    assert_eq!(registry.host_secret(&info(no_chap)).unwrap(), None);
    let rbd = ConnectionInfo::from_value(
        json!({"driver_volume_type": "rbd", "data": {"name": "p/i", "hosts": ["m"], "ports": ["6789"]}}),
    );
    assert_eq!(registry.host_secret(&rbd.unwrap()).unwrap(), None);
}
