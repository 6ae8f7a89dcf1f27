//! Disks libvirt accepts: a strategy of valid disks (stock protocols, file and block
//! sources, random buses, cdroms, drivers, serials, boot orders, valid and invalid aliases,
//! iotune) for the differential tests against libvirt itself. Its disks pass
//! `diskxml_rules::validate`; a batch's target devs are unique.

#![allow(missing_docs, reason = "a test strategy: the spec fields are named after the disk parts they decide")]

use std::collections::HashMap;

use diskxml_model::{
    Alias, BlockSource, Boot, Bus, Cache, DetectZeroes, DeviceKind, Discard, Disk, Driver, ErrorPolicy, FileSource,
    Format, Host, Io, Iotune, NetworkSource, Port, Protocol, ReadErrorPolicy, Source, Target, Text, Transport,
};
use proptest::prelude::*;

/// Strings libvirt and XML both take, with the characters that need escaping.
pub fn word() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![6 => "[a-zA-Z0-9_.-]", 1 => "[&<>'\" é]"], 1..10).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
pub enum Kind {
    File(String),
    Block(String),
    Net(Protocol, Option<String>, Vec<(String, Option<u16>, u8)>),
}

pub fn kind() -> impl Strategy<Value = Kind> {
    let host = ("[a-z][a-z0-9-]{0,10}(\\.example)?", proptest::option::of(1u16..), 0u8..3);
    prop_oneof![
        word().prop_map(|w| Kind::File(format!("/var/lib/images/{w}.img"))),
        word().prop_map(|w| Kind::Block(format!("/dev/mapper/{w}"))),
        (proptest::option::of(word()), host.clone()).prop_map(|(n, h)| Kind::Net(Protocol::Nbd, n, vec![h])),
        ("[a-z]{1,8}", 0u32..8, host.clone()).prop_map(|(t, lun, h)| Kind::Net(
            Protocol::Iscsi,
            Some(format!("iqn.2013-07.com.example:{t}/{lun}")),
            vec![h]
        )),
        ("[a-z]{1,8}", word(), proptest::collection::vec(host.clone(), 0..3)).prop_map(|(p, i, hs)| Kind::Net(
            Protocol::Rbd,
            Some(format!("{p}/{i}")),
            hs
        )),
        ("[a-z]{1,8}", word(), proptest::collection::vec(host.clone(), 1..3)).prop_map(|(v, i, hs)| Kind::Net(
            Protocol::Gluster,
            Some(format!("{v}/{i}")),
            hs
        )),
        (
            prop::sample::select(vec![Protocol::Http, Protocol::Https, Protocol::Ftp, Protocol::Ftps, Protocol::Tftp]),
            word(),
            host
        )
            .prop_map(|(p, w, h)| Kind::Net(p, Some(format!("/images/{w}.iso")), vec![h])),
    ]
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub kind: Kind,
    pub bus: u8,
    pub write_bus: bool,
    pub cdrom: bool,
    pub driver: Option<Driver>,
    pub readonly: bool,
    pub shareable: bool,
    pub serial: Option<String>,
    pub boot: bool,
    pub alias: Option<bool>,
    pub iotune: Option<(u8, u8, Vec<u64>)>,
    /// `index` on the source (libvirt drops it from a defined domain).
    pub source_index: Option<u32>,
}

/// A `<driver>` of values libvirt's generic parser takes.
fn driver() -> impl Strategy<Value = Driver> {
    (
        any::<bool>(),
        proptest::option::of(prop::sample::select(vec![Format::Raw, Format::Qcow2])),
        proptest::option::of(prop::sample::select(vec![
            Cache::Default,
            Cache::None,
            Cache::Writeback,
            Cache::Writethrough,
            Cache::Directsync,
            Cache::Unsafe,
        ])),
        proptest::option::of(prop::sample::select(vec![Io::Threads, Io::Native, Io::IoUring])),
        proptest::option::of(prop::sample::select(vec![Discard::Unmap, Discard::Ignore])),
        proptest::option::of(prop::sample::select(vec![DetectZeroes::Off, DetectZeroes::On])),
        proptest::option::of(prop::sample::select(vec![
            ErrorPolicy::Stop,
            ErrorPolicy::Report,
            ErrorPolicy::Ignore,
            ErrorPolicy::Enospace,
        ])),
        proptest::option::of(prop::sample::select(vec![
            ReadErrorPolicy::Stop,
            ReadErrorPolicy::Report,
            ReadErrorPolicy::Ignore,
        ])),
    )
        .prop_map(|(named, format, cache, io, discard, detect_zeroes, error_policy, rerror_policy)| Driver {
            name: named.then(|| text("qemu")),
            format,
            cache,
            io,
            discard,
            detect_zeroes,
            error_policy,
            rerror_policy,
            ..Driver::default()
        })
}

pub fn spec() -> impl Strategy<Value = Spec> {
    (
        (kind(), 0u8..5, any::<bool>(), prop::bool::weighted(0.15)),
        proptest::option::of(driver()),
        (any::<bool>(), any::<bool>()),
        proptest::option::of("[A-Za-z0-9_.+-][A-Za-z0-9_.+ -]{0,15}"),
        (prop::bool::weighted(0.2), proptest::option::of(any::<bool>())),
        (
            proptest::option::of((0u8..3, 0u8..3, proptest::collection::vec(1u64..10_000_000, 7))),
            proptest::option::of(1u32..9),
        ),
    )
        .prop_map(
            |(
                (kind, bus, write_bus, cdrom),
                driver,
                (readonly, shareable),
                serial,
                (boot, alias),
                (iotune, source_index),
            )| Spec {
                kind,
                bus,
                write_bus,
                cdrom,
                driver,
                readonly,
                shareable,
                serial,
                boot,
                alias,
                iotune,
                source_index,
            },
        )
}

pub fn text(s: &str) -> Text {
    Text::new("t", s).unwrap()
}

/// The disk of `spec`, the `i`-th of its batch; `next` hands out unique letters per prefix.
pub fn build(spec: &Spec, i: usize, next: &mut HashMap<&'static str, u32>) -> Disk {
    let (mut bus, prefix) = match spec.bus {
        0 => (Bus::Virtio, "vd"),
        1 => (Bus::Scsi, "sd"),
        2 => (Bus::Sata, "sd"),
        3 => (Bus::Ide, "hd"),
        _ => (Bus::Usb, "sd"),
    };
    let (bus_final, prefix) = if prefix == "hd" && next.get("hd").copied().unwrap_or(0) >= 4 {
        (Bus::Virtio, "vd")
    } else {
        (bus.clone(), prefix)
    };
    bus = bus_final;
    let n = next.entry(prefix).or_insert(0);
    let dev = format!("{prefix}{}", diskxml_rules::dev_letters(*n));
    *n += 1;

    let mut source = source_of(&spec.kind);
    if let Some(index) = source.index_mut() {
        *index = spec.source_index;
    }
    let mut d = Disk::new(source);
    let cdrom = spec.cdrom
        && !matches!(bus, Bus::Virtio)
        && !matches!(spec.kind, Kind::Net(Protocol::Rbd | Protocol::Gluster | Protocol::Nbd | Protocol::Iscsi, ..));
    d.device = if cdrom {
        Some(DeviceKind::Cdrom)
    } else if i.is_multiple_of(3) {
        None
    } else {
        Some(DeviceKind::Disk)
    };
    let inferable = matches!(bus, Bus::Virtio | Bus::Scsi | Bus::Ide) && !(prefix == "sd" && bus != Bus::Scsi);
    d.target = Some(Box::new(Target::new(dev, if spec.write_bus || !inferable { Some(bus) } else { None }).unwrap()));
    d.driver = spec.driver.clone().map(Box::new);
    d.readonly = spec.readonly || cdrom;
    d.shareable = spec.shareable;
    d.serial = spec.serial.as_deref().map(text);
    d.boot = spec.boot.then(|| Box::new(Boot::new(std::num::NonZeroU32::new(u32::try_from(i).unwrap() + 1).unwrap())));
    d.alias = spec.alias.map(|valid| {
        Box::new(Alias::new(if valid { format!("ua-disk{i}") } else { format!("virtio-disk{i}") }).unwrap())
    });
    d.iotune = spec.iotune.as_ref().map(|(bytes, iops, v)| Box::new(iotune_of(*bytes, *iops, v)));
    d
}

/// The source of `kind`.
fn source_of(kind: &Kind) -> Source {
    match kind {
        Kind::File(p) => Source::File(FileSource { path: Some(text(p)), ..FileSource::default() }),
        Kind::Block(p) => Source::Block(BlockSource { dev: Some(text(p)), ..BlockSource::default() }),
        Kind::Net(protocol, name, hosts) => {
            let mut net = NetworkSource::new(protocol.clone(), name.as_deref().map(text));
            for (h, port, transport) in hosts {
                let unix = *transport == 2 && matches!(protocol, Protocol::Nbd | Protocol::Gluster);
                let host = if unix {
                    Host::unix(format!("/run/{h}.sock")).unwrap()
                } else {
                    let t = match transport {
                        1 => Some(Transport::Tcp),
                        2 if *protocol == Protocol::Gluster => Some(Transport::Rdma),
                        _ => None,
                    };
                    Host::new(h.as_str(), port.map(|p| Port::new("p", p.into()).unwrap()), t).unwrap()
                };
                net.push_host(host).unwrap();
            }
            Source::Network(Box::new(net))
        }
    }
}

/// One total-or-pair choice for bytes and one for iops (`0` total, `1` the pair, else
/// none, or `size_iops_sec` for iops), with values from `v`.
fn iotune_of(bytes: u8, iops: u8, v: &[u64]) -> Iotune {
    let mut t = Iotune::default();
    match bytes {
        0 => t.total_bytes_sec = Some(v[0]),
        1 => (t.read_bytes_sec, t.write_bytes_sec) = (Some(v[1]), Some(v[2])),
        _ => {}
    }
    match iops {
        0 => t.total_iops_sec = Some(v[3]),
        1 => (t.read_iops_sec, t.write_iops_sec) = (Some(v[4]), Some(v[5])),
        _ => t.size_iops_sec = Some(v[6]),
    }
    t
}
