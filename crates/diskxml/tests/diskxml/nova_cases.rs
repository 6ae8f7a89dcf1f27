//! nova's own unit tests of its volume drivers (`nova/tests/unit/virt/libvirt/volume/
//! test_volume.py` and `test_net.py`), replayed: each case's connection info, disk info and
//! host settings, and each of its assertions on the disk nova writes, against diskxml's disk.

use diskxml::connector::{HostSettings, LocalVolume, NetworkVolume};
use diskxml::model::{AddressKind, DriveAddress};
use diskxml::{Bus, ConnectionInfo, DeviceKind, Disk, DiskInfo, Protocol, Registry, Source, VolumeDriver};
use serde_json::{Value, json};

const UUID: &str = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";
const FLAGS_UUID: &str = "37152720-1785-11e2-a740-af0c1d8b8e4b";

fn disk_info(bus: Bus, dev: &str, device: DeviceKind) -> DiskInfo {
    let mut info = DiskInfo::new(dev, bus);
    info.device = device;
    info
}

/// nova's `LibvirtVolumeDriver` (a local block device) on `info`.
fn local(info: Value, disk_info: &DiskInfo) -> Result<Disk, String> {
    let info = ConnectionInfo::from_value(info).map_err(|e| e.to_string())?;
    LocalVolume::block().disk(&info, disk_info).map_err(|e| e.to_string())
}

fn vde() -> DiskInfo {
    disk_info(Bus::Virtio, "vde", DeviceKind::Disk)
}

#[test]
fn test_volume_cases() {
    let base = json!({"driver_volume_type": "fake", "data": {"device_path": "/foo"}, "serial": "fake_serial"});
    // disk_info type, dev and bus land in the disk.
    for (bus, dev, device) in [
        (Bus::Virtio, "vde", DeviceKind::Cdrom),
        (Bus::Virtio, "hdc", DeviceKind::Disk),
        (Bus::Scsi, "vde", DeviceKind::Disk),
    ] {
        let d = local(base.clone(), &disk_info(bus.clone(), dev, device.clone())).unwrap();
        let target = d.target.unwrap();
        assert_eq!((d.device, target.dev().as_str(), target.bus.clone()), (Some(device), dev, Some(bus)));
    }
    // serial: a block disk with the serial, no blockio, no discard.
    let d = local(base.clone(), &vde()).unwrap();
    assert_eq!((d.disk_type(), d.serial.as_deref()), ("block", Some("fake_serial")));
    assert!(d.blockio.is_none() && d.driver.unwrap().discard.is_none());
    // blockio, and none (and no serial) for a lun.
    let mut sized = base.clone();
    sized["data"]["logical_block_size"] = json!("4096");
    sized["data"]["physical_block_size"] = json!("4096");
    let b = local(sized.clone(), &vde()).unwrap().blockio.unwrap();
    assert_eq!((b.logical_block_size, b.physical_block_size), (Some(4096), Some(4096)));
    let lun = local(sized, &disk_info(Bus::Scsi, "sda", DeviceKind::Lun)).unwrap();
    assert_eq!(lun.device, Some(DeviceKind::Lun));
    assert!(lun.blockio.is_none() && lun.serial.is_none());
    // iotune: qos_specs that are not an object are ignored; the six limits, 0 included.
    let mut qos = json!({"driver_volume_type": "fake", "data": {"device_path": "/foo", "qos_specs": "bar"}});
    assert!(local(qos.clone(), &vde()).unwrap().iotune.is_none());
    qos["data"]["qos_specs"] = json!({"total_bytes_sec": "102400", "read_bytes_sec": "51200", "write_bytes_sec": "0",
        "total_iops_sec": "0", "read_iops_sec": "200", "write_iops_sec": "200"});
    let t = local(qos, &vde()).unwrap().iotune.unwrap();
    assert_eq!((t.total_bytes_sec, t.read_bytes_sec, t.write_bytes_sec), (Some(102_400), Some(51_200), Some(0)));
    assert_eq!((t.total_iops_sec, t.read_iops_sec, t.write_iops_sec), (Some(0), Some(200), Some(200)));
    // access mode: 'bar' refused, rw writable, ro read-only.
    let mode = |m: &str| {
        local(json!({"driver_volume_type": "fake", "data": {"device_path": "/foo", "access_mode": m}}), &vde())
    };
    assert!(mode("bar").is_err());
    assert!(!mode("rw").unwrap().readonly);
    assert!(mode("ro").unwrap().readonly);
    // multiattach, at the top level.
    let shared = |m: bool| json!({"driver_volume_type": "fake", "data": {"device_path": "/foo", "access_mode": "rw"}, "multiattach": m});
    assert!(local(shared(true), &vde()).unwrap().shareable);
    assert!(!local(shared(false), &vde()).unwrap().shareable);
    // discard true and false.
    let discard = |on: bool| {
        let mut info = base.clone();
        info["data"]["discard"] = json!(on);
        local(info, &vde()).unwrap().driver.unwrap().discard.map(|d| d.to_string())
    };
    assert_eq!((discard(true).as_deref(), discard(false)), (Some("unmap"), None));
    // the alias from the volume id.
    let mut alias = base.clone();
    alias["data"]["volume_id"] = json!("volume-uuid");
    assert_eq!(local(alias, &vde()).unwrap().alias.unwrap().name, "ua-volume-uuid");
    // the address tag: only with a scsi bus and a unit.
    for unit in [Some(5), None] {
        let mut scsi = disk_info(Bus::Scsi, "sda", DeviceKind::Disk);
        scsi.unit = unit;
        let d = local(json!({"driver_volume_type": "fake", "data": {"device_path": "/foo"}}), &scsi).unwrap();
        let expected = unit.map(|u| {
            AddressKind::Drive(DriveAddress { controller: Some(0), unit: Some(u), ..DriveAddress::default() })
        });
        assert_eq!(d.address.map(|a| a.kind), expected, "unit {unit:?}");
    }
}

/// Encryption: a host secret for the volume id gives LUKS with it; no secret, none.
#[test]
fn test_volume_encryption_cases() {
    let info = ConnectionInfo::from_value(json!({"driver_volume_type": "local",
        "data": {"volume_id": "vol-enc", "device_path": "/foo", "discard": false}, "serial": "fake_serial"}))
    .unwrap();
    let mut host = HostSettings::default();
    host.volume_secrets.insert("vol-enc".into(), UUID.into());
    let e = Registry::with_host_settings(host).disk(&info, &vde()).unwrap().encryption.unwrap();
    assert_eq!(e.format.as_deref(), Some("luks"));
    assert_eq!((e.secrets[0].secret_type.as_deref(), e.secrets[0].uuid.as_deref()), (Some("passphrase"), Some(UUID)));
    assert!(Registry::with_builtins().disk(&info, &vde()).unwrap().encryption.is_none());
}

fn rbd(data: Value, host: HostSettings) -> Disk {
    let info = ConnectionInfo::from_value(json!({"driver_volume_type": "rbd", "data": data})).unwrap();
    NetworkVolume::with_settings(Protocol::Rbd, host).disk(&info, &vde()).unwrap()
}

/// `rbd_connection` of test_net.py with nova's default configuration (no rbd_user).
fn rbd_connection() -> Value {
    json!({"name": "rbd/volume-name", "auth_enabled": false, "auth_username": null, "secret_type": "ceph",
           "secret_uuid": null, "qos_specs": {"total_bytes_sec": "1048576", "read_iops_sec": "500"}})
}

fn flags() -> HostSettings {
    let mut host = HostSettings::default();
    (host.rbd_user, host.rbd_secret_uuid) = (Some("bar".into()), Some(FLAGS_UUID.into()));
    host
}

fn auth(d: &Disk) -> Option<(String, Option<String>, Option<String>)> {
    d.auth.as_ref().map(|a| {
        let s = a.secret.as_ref();
        (
            a.username.to_string(),
            s.and_then(|s| s.secret_type.as_ref()).map(ToString::to_string),
            s.and_then(|s| s.uuid.as_ref()).map(ToString::to_string),
        )
    })
}

#[test]
fn test_net_cases() {
    let d = rbd(rbd_connection(), HostSettings::default());
    let Source::Network(net) = &d.source else { panic!("network") };
    assert_eq!((net.protocol(), net.name.as_deref()), (&Protocol::Rbd, Some("rbd/volume-name")));
    assert!(d.auth.is_none() && net.auth.is_none());
    let t = d.iotune.as_ref().unwrap();
    assert_eq!((t.total_bytes_sec, t.read_iops_sec), (Some(1_048_576), Some(500)));
    // hosts and ports, a port left out.
    let mut hosts = rbd_connection();
    hosts["hosts"] = json!(["example.com", "1.2.3.4", "::1"]);
    hosts["ports"] = json!([null, "6790", "6791"]);
    let d = rbd(hosts, HostSettings::default());
    let Source::Network(net) = &d.source else { panic!("network") };
    let found: Vec<(String, Option<u16>)> =
        net.hosts().iter().map(|h| (h.name().unwrap().to_string(), h.port().map(|p| p.get()))).collect();
    assert_eq!(found, [("example.com".into(), None), ("1.2.3.4".into(), Some(6790)), ("::1".into(), Some(6791))]);
    // auth enabled: cinder's values, over the flags too.
    let mut enabled = rbd_connection();
    (enabled["auth_enabled"], enabled["auth_username"], enabled["secret_uuid"]) =
        (json!(true), json!("cinder"), json!(UUID));
    let expected = Some(("cinder".to_owned(), Some("ceph".to_owned()), Some(UUID.to_owned())));
    assert_eq!(auth(&rbd(enabled.clone(), HostSettings::default())), expected);
    assert_eq!(auth(&rbd(enabled.clone(), flags())), expected);
    // an old connection without cinder's secret: the flags' user and secret.
    let mut old = enabled.clone();
    old["secret_uuid"] = Value::Null;
    assert_eq!(auth(&rbd(old, flags())), Some(("bar".into(), Some("ceph".into()), Some(FLAGS_UUID.into()))));
    // auth disabled: none; with the flags' secret, the flags' credentials.
    let mut disabled = enabled;
    disabled["auth_enabled"] = json!(false);
    assert_eq!(auth(&rbd(disabled.clone(), HostSettings::default())), None);
    assert_eq!(auth(&rbd(disabled, flags())), Some(("bar".into(), Some("ceph".into()), Some(FLAGS_UUID.into()))));
}
