//! Random requests for nova as an oracle: rbd and local connection infos with every common
//! setting nova 34 reads, a block-device mapping (`disk_info`) on every bus and device type
//! nova writes, and the host's rbd settings. Values are of the forms cinder and nova's
//! block-device mapping send (numbers of block sizes and ports as strings, which nova hands
//! to lxml as they are).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};

const UUIDS: [&str; 2] = ["3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b", "00000000-1111-2222-3333-444444444444"];

/// One request line for `crates/connector/tests/nova/oracle.py`.
#[derive(Clone, Debug)]
pub struct Request {
    /// The connection info.
    pub connection_info: Value,
    /// nova's `disk_info`: `dev`, `bus`, `type`, and `unit` when the mapping gives one.
    pub disk_info: Value,
    /// The host's `[libvirt] rbd_user`.
    pub rbd_user: Option<String>,
    /// The host's `[libvirt] rbd_secret_uuid`.
    pub rbd_secret_uuid: Option<String>,
    /// The host's libvirt secrets of usage `volume`: volume id → secret uuid.
    pub volume_secrets: Vec<(String, String)>,
}

impl Request {
    /// The request as the oracle reads it.
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "connection_info": self.connection_info,
            "disk_info": self.disk_info,
            "rbd_user": self.rbd_user,
            "rbd_secret_uuid": self.rbd_secret_uuid,
            "volume_secrets": self.volume_secrets.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>(),
        })
    }
}

/// Sets `key` to the value when there is one.
fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

fn qos() -> impl Strategy<Value = Option<Value>> {
    let limits = proptest::sample::subsequence(
        vec![
            "total_bytes_sec",
            "read_bytes_sec",
            "write_bytes_sec",
            "total_iops_sec",
            "read_iops_sec",
            "write_iops_sec",
            "read_bytes_sec_max",
            "read_iops_sec_max",
            "write_bytes_sec_max",
            "write_iops_sec_max",
            "total_bytes_sec_max",
            "total_iops_sec_max",
            "size_iops_sec",
            "consumer",
        ],
        0..5,
    );
    let object = proptest::option::of((limits, proptest::collection::vec((0u64..100_000_000, any::<bool>()), 5)))
        .prop_map(|q| {
            q.map(|(keys, values)| {
                let specs: Map<String, Value> = keys
                    .into_iter()
                    .zip(values)
                    .map(|(k, (n, text))| (k.to_owned(), if text { json!(n.to_string()) } else { json!(n) }))
                    .collect();
                Value::Object(specs)
            })
        });
    // nova ignores qos_specs that are not an object.
    prop_oneof![8 => object, 1 => Just(Some(json!("bar")))]
}

/// The common settings' part of `data`.
fn common() -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::option::of("vol-[0-9a-f]{8}"),
        qos(),
        proptest::option::of(prop::sample::select(vec!["ro", "rw"])),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::sample::select(vec!["512", "4096"])),
        proptest::option::of(prop::sample::select(vec!["512", "4096"])),
    )
        .prop_map(|(volume_id, qos, access_mode, discard, logical, physical)| {
            let mut data = Map::new();
            put(&mut data, "volume_id", volume_id.map(Value::from));
            put(&mut data, "qos_specs", qos);
            put(&mut data, "access_mode", access_mode.map(Value::from));
            put(&mut data, "discard", discard.map(Value::from));
            put(&mut data, "logical_block_size", logical.map(Value::from));
            put(&mut data, "physical_block_size", physical.map(Value::from));
            data
        })
}

/// The rbd part of `data`: name, parallel hosts and ports, and credentials.
fn rbd() -> impl Strategy<Value = Map<String, Value>> {
    (
        "[a-z]{1,6}/volume-[0-9a-f]{6}",
        proptest::collection::vec(("mon[0-9]\\.example", 6789u16..6800), 0..4),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::sample::select(vec!["cinder", "admin"])),
        prop_oneof![Just(None), Just(Some(Value::Null)), Just(Some(json!(UUIDS[0])))],
        prop_oneof![1 => Just(None), 1 => Just(Some(Value::Null)), 4 => Just(Some(json!("ceph")))],
    )
        .prop_map(|(name, hosts, auth_enabled, username, secret_uuid, secret_type)| {
            let mut data = Map::new();
            data.insert("name".into(), json!(name));
            data.insert("hosts".into(), json!(hosts.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()));
            data.insert("ports".into(), json!(hosts.iter().map(|(_, p)| p.to_string()).collect::<Vec<_>>()));
            put(&mut data, "auth_enabled", auth_enabled.map(Value::from));
            put(&mut data, "auth_username", username.map(Value::from));
            put(&mut data, "secret_uuid", secret_uuid);
            put(&mut data, "secret_type", secret_type);
            data
        })
}

/// nova's `disk_info` for a volume: every bus and device type it writes, a unit sometimes.
fn disk_info() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![("virtio", "vd"), ("scsi", "sd"), ("sata", "sd"), ("ide", "hd"), ("usb", "sd")]),
        "[b-z]",
        prop::sample::select(vec!["disk", "disk", "lun", "cdrom"]),
        proptest::option::of(0u32..256),
    )
        .prop_map(|((bus, prefix), letter, kind, unit)| {
            let mut info = json!({"dev": format!("{prefix}{letter}"), "bus": bus, "type": kind});
            if let Some(unit) = unit {
                info["unit"] = json!(unit);
            }
            info
        })
}

/// A random request: an rbd or local volume with nova's common settings.
pub fn request() -> impl Strategy<Value = Request> {
    let local = "/dev/disk/by-path/ip-10\\.0\\.0\\.[1-9]:3260-iscsi-iqn\\.2010-10\\.org\\.openstack:volume-[0-9a-f]{4}-lun-[0-3]"
        .prop_map(|path| {
            let mut data = Map::new();
            data.insert("device_path".into(), json!(path));
            ("local", data)
        });
    let kind = prop_oneof![3 => rbd().prop_map(|d| ("rbd", d)), 1 => local];
    (
        (kind, common()),
        proptest::option::of("[0-9a-f]{8}-[0-9a-f]{4}"),
        proptest::option::of(any::<bool>()),
        disk_info(),
        (proptest::option::of(Just("nova".to_owned())), proptest::option::of(Just(UUIDS[1].to_owned()))),
        any::<bool>(),
    )
        .prop_map(
            |(((kind, mut data), common), serial, multiattach, disk_info, (rbd_user, rbd_secret_uuid), encrypted)| {
                data.extend(common);
                let mut info = json!({"driver_volume_type": kind, "data": data});
                if let Some(serial) = serial {
                    info["serial"] = json!(serial);
                }
                if let Some(multiattach) = multiattach {
                    info["multiattach"] = json!(multiattach);
                }
                // An encrypted volume: the host has a secret for its id (data.volume_id, else serial).
                let id = info["data"]["volume_id"].as_str().or_else(|| info["serial"].as_str()).map(str::to_owned);
                let volume_secrets = id.filter(|_| encrypted).map(|id| (id, UUIDS[0].to_owned())).into_iter().collect();
                Request { connection_info: info, disk_info, rbd_user, rbd_secret_uuid, volume_secrets }
            },
        )
}

/// `count` requests from [`request`], the same for the same `seed` on every machine (ChaCha
/// seeded with the seed's bytes): a printed seed repeats a differential run.
///
/// # Panics
/// Never in practice: [`request`]'s strategy has no filter that could reject every value.
#[must_use]
pub fn requests(seed: u64, count: usize) -> Vec<Request> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = request();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).map(|tree| tree.current()).expect("request() has no filter"))
        .collect()
}
