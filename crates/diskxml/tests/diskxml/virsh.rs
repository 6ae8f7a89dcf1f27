//! libvirt itself as the oracle: random valid disks (stock protocols) are defined in
//! `virsh -c test:///default` domains, in batches; libvirt must accept every one, and the
//! disk it prints back must be semantically equal to diskxml's `normalize` (generic profile).

use std::collections::HashMap;
use std::process::Command;

use diskxml::model::{
    Alias, BlockSource, Boot, Cache, DetectZeroes, Discard, Disk, Driver, ErrorPolicy, FileSource, Format, Host, Io,
    Iotune, NetworkSource, Port, ReadErrorPolicy, Source, Target, Text, Transport,
};
use diskxml::{Bus, DeviceKind, Profile, Protocol, ToXml};
use proptest::prelude::*;

use crate::semantic::semantic_eq;

const BATCH: usize = 30;

fn virsh_or_skip() -> bool {
    diskxml_testkit::tools::command("virsh", "Debian's libvirt-clients")
}

/// Strings libvirt and XML both take, with the characters that need escaping.
fn word() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![6 => "[a-zA-Z0-9_.-]", 1 => "[&<>'\" é]"], 1..10).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
enum Kind {
    File(String),
    Block(String),
    Net(Protocol, Option<String>, Vec<(String, Option<u16>, u8)>),
}

fn kind() -> impl Strategy<Value = Kind> {
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
struct Spec {
    kind: Kind,
    bus: u8,
    write_bus: bool,
    cdrom: bool,
    driver: Option<Driver>,
    readonly: bool,
    shareable: bool,
    serial: Option<String>,
    boot: bool,
    alias: Option<bool>,
    iotune: Option<(u8, u8, Vec<u64>)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let driver = (
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
    );
    (
        (kind(), 0u8..5, any::<bool>(), prop::bool::weighted(0.15)),
        proptest::option::of(driver.prop_map(
            |(named, format, cache, io, discard, detect_zeroes, error_policy, rerror_policy)| Driver {
                name: named.then(|| text("qemu")),
                format,
                cache,
                io,
                discard,
                detect_zeroes,
                error_policy,
                rerror_policy,
                ..Driver::default()
            },
        )),
        (any::<bool>(), any::<bool>()),
        proptest::option::of("[A-Za-z0-9_.+-][A-Za-z0-9_.+ -]{0,15}"),
        (prop::bool::weighted(0.2), proptest::option::of(any::<bool>())),
        proptest::option::of((0u8..3, 0u8..3, proptest::collection::vec(1u64..10_000_000, 7))),
    )
        .prop_map(
            |((kind, bus, write_bus, cdrom), driver, (readonly, shareable), serial, (boot, alias), iotune)| Spec {
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
            },
        )
}

fn text(s: &str) -> Text {
    Text::new("t", s).unwrap()
}

/// The disk of `spec`, the `i`-th of its batch; `next` hands out unique letters per prefix.
fn build(spec: &Spec, i: usize, next: &mut HashMap<&'static str, u32>) -> Disk {
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
    let dev = format!("{prefix}{}", letters(*n));
    *n += 1;

    let source = match &spec.kind {
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
            Source::Network(net)
        }
    };
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
    d.target = Some(Target::new(dev, if spec.write_bus || !inferable { Some(bus) } else { None }).unwrap());
    d.driver.clone_from(&spec.driver);
    d.readonly = spec.readonly || cdrom;
    d.shareable = spec.shareable;
    d.serial = spec.serial.as_deref().map(text);
    d.boot = spec.boot.then(|| Boot::new(std::num::NonZeroU32::new(u32::try_from(i).unwrap() + 1).unwrap()));
    d.alias = spec
        .alias
        .map(|valid| Alias::new(if valid { format!("ua-disk{i}") } else { format!("virtio-disk{i}") }).unwrap());
    d.iotune = spec.iotune.as_ref().map(|(bytes, iops, v)| {
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
        Box::new(t)
    });
    d
}

fn letters(mut i: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + u8::try_from(i % 26).unwrap());
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

proptest! {
    // 10 batches of 30: 300 random disks through libvirt's own parser each run.
    #![proptest_config(ProptestConfig { cases: 10, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn libvirt_accepts_every_disk_and_prints_what_normalize_says(specs in proptest::collection::vec(spec(), BATCH)) {
        if !virsh_or_skip() {
            return Ok(());
        }
        let mut next = HashMap::new();
        let disks: Vec<Disk> = specs.iter().enumerate().map(|(i, s)| build(s, i, &mut next)).collect();
        for disk in &disks {
            prop_assert!(diskxml::validate(disk, Profile::Generic).is_empty(), "the generator made an invalid disk: {:?}", diskxml::validate(disk, Profile::Generic));
        }
        let mut domain = String::from("<domain type='test'>\n  <name>diskxml</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <devices>\n");
        for disk in &disks {
            diskxml::writer::write_disk_indented(disk, &mut domain, 2).unwrap();
        }
        domain.push_str("  </devices>\n</domain>\n");
        let file = std::env::temp_dir().join(format!("diskxml-virsh-{}.xml", std::process::id()));
        std::fs::write(&file, &domain).unwrap();
        let out = Command::new("virsh")
            .args(["-q", "-c", "test:///default", &format!("define {}; dumpxml diskxml", file.display())])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(out.status.success() && stderr.trim().is_empty(), "libvirt refused a disk diskxml calls valid: {stderr}\n{domain}");
        let dumped = String::from_utf8(out.stdout).unwrap();
        let theirs = diskxml::domain_disks(&dumped).unwrap();
        prop_assert_eq!(theirs.len(), disks.len());
        for disk in &disks {
            let dev = disk.target.as_ref().unwrap().dev.to_string();
            let their = theirs.iter().find(|d| d.disk.target.as_ref().is_some_and(|t| t.dev == dev.as_str())).unwrap();
            let ours = diskxml::normalize(disk, Profile::Generic).to_xml().unwrap();
            let a = roxmltree::Document::parse(their.xml(&dumped)).unwrap();
            let b = roxmltree::Document::parse(&ours).unwrap();
            if let Err(diff) = semantic_eq(a.root_element(), b.root_element()) {
                return Err(TestCaseError::fail(format!("{dev}: {diff}\nlibvirt:\n{}\ndiskxml:\n{ours}\ninput:\n{}", their.xml(&dumped), disk.to_xml().unwrap())));
            }
        }
    }
}
