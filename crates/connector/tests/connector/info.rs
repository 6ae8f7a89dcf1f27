//! Connection info → disk, and its errors, each naming the field.

use diskxml_connector::{ConnectionInfo, DiskInfo, Error, Registry};
use diskxml_model::{Bus, DeviceKind, Format, Source};

fn disk(json: &str) -> Result<diskxml_model::Disk, Error> {
    Registry::with_builtins().disk(&ConnectionInfo::from_json(json)?, &DiskInfo::new("vdb", Bus::Scsi))
}

#[test]
fn edge_connection_info_becomes_a_disk() {
    let d = disk(
        r#"{"driver_volume_type": "openvstorage_edge", "volume_backend_name": "vpool1",
        "serial": "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
        "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10"}}"#,
    )
    .unwrap();
    let Source::Network(source) = &d.source else { panic!("network") };
    assert_eq!(source.name.as_deref(), Some("volume-8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10"));
    assert_eq!(source.hosts()[0].port().map(|p| p.get()), Some(26203));
    assert_eq!(d.serial.as_deref(), Some("8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10"));
    let target = d.target.as_ref().unwrap();
    assert_eq!((target.dev().as_str(), target.bus.as_ref()), ("vdb", Some(&Bus::Scsi)));
    assert_eq!(d.device, Some(DeviceKind::Disk));
    assert_eq!(d.driver.as_ref().unwrap().format, Some(Format::Raw));
}

#[test]
fn data_format_is_ignored_as_nova_ignores_it() {
    let d = disk(
        r#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage:v", "format": "qcow2"}}"#,
    )
    .unwrap();
    assert_eq!(d.driver.unwrap().format, Some(Format::Raw), "nova writes type='raw' (and warns, see warnings)");
}

#[test]
fn errors_name_the_field() {
    let cases = [
        ("not json", "1:2: not JSON: expected ident"),
        ("[1]", "(top level): expected an object, found an array"),
        (r#"{"data": {}}"#, "driver_volume_type: missing"),
        (r#"{"driver_volume_type": "openvstorage_edge"}"#, "data: missing"),
        (r#"{"driver_volume_type": "openvstorage_edge", "data": []}"#, "data: expected an object, found an array"),
        (r#"{"driver_volume_type": "openvstorage_edge", "data": {}}"#, "data.device_path: missing"),
        (
            r#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": 5}}"#,
            "data.device_path: expected a string, found a number",
        ),
        (
            r#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": "rbd:pool/img"}}"#,
            "data.device_path: character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'rbd:pool/img'",
        ),
        (
            r#"{"driver_volume_type": "openvstorage_edge", "serial": 7, "data": {}}"#,
            "serial: expected a string, found a number",
        ),
        (
            r#"{"driver_volume_type": "openvstorage_edge", "serial": "a\u0001", "data": {"device_path": "openvstorage:v"}}"#,
            "serial: character 1 is U+0001, which XML 1.0 cannot carry",
        ),
        (
            r#"{"driver_volume_type": "fibre_channel", "data": {}}"#,
            "driver_volume_type: no volume driver for 'fibre_channel'; known: openvstorage_edge, rbd, sheepdog, gluster, nbd, iscsi, local, file",
        ),
    ];
    for (json, expected) in cases {
        assert_eq!(disk(json).unwrap_err().to_string(), expected, "{json}");
    }
}

#[test]
fn users_register_their_own_drivers() {
    #[derive(Debug)]
    struct Fixed;
    impl diskxml_connector::VolumeDriver for Fixed {
        fn disk(&self, _: &ConnectionInfo, _: &DiskInfo) -> Result<diskxml_model::Disk, Error> {
            Ok(diskxml_model::Disk::new(Source::File(diskxml_model::FileSource::default())))
        }
    }
    let mut registry = Registry::with_builtins();
    registry.register("mine", Fixed);
    let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "mine", "data": {}}"#).unwrap();
    assert_eq!(registry.disk(&info, &DiskInfo::default()).unwrap().disk_type(), "file");
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    assert_send_sync(&registry);
}
