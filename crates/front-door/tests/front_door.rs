//! Every builder, and every type a builder takes, through `diskxml::` paths only: this crate
//! depends on `diskxml` and nothing else, so a type missing from the facade's root (or only
//! reachable as `diskxml_model::…`) fails to compile here.

#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

use diskxml::{
    Bus, Cache, DetectZeroes, DeviceKind, Discard, Disk, DiskBuilder, DiskInfo, Driver, EdgeDiskBuilder, EdgePresets,
    ErrorPolicy, Format, Host, Io, Iotune, PciAddress, Profile, Protocol, ReadErrorPolicy, Secret, SecretType, ToXml,
};

const UUID: &str = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";

/// Writes `disk`, reads it back equal, and returns the XML and its findings under `profile`.
fn round_trip(disk: &Disk, profile: Profile) -> (String, Vec<String>) {
    let xml = disk.to_xml().unwrap();
    assert_eq!(&diskxml::parse_disk(&xml).unwrap(), disk, "{xml}");
    let findings = diskxml::check(&xml, profile).unwrap().iter().map(|f| f.problem.rule.to_string()).collect();
    (xml, findings)
}

fn edge(volume: &str) -> EdgeDiskBuilder {
    Disk::openvstorage_edge(volume)
}

fn finish(builder: DiskBuilder, dev: &str) -> Disk {
    builder.target(dev, Bus::Virtio).build().unwrap()
}

#[test]
fn a_driver_is_built_without_struct_literals_or_labels() {
    let driver = Driver::qemu(Format::Qcow2)
        .cache(Cache::None)
        .io(Io::Native)
        .discard(Discard::Unmap)
        .detect_zeroes(DetectZeroes::Unmap)
        .error_policy(ErrorPolicy::Stop, Some(ReadErrorPolicy::Report))
        .iothread(1)
        .queues(4);
    let disk = finish(Disk::file("/var/lib/images/a.qcow2").driver(driver), "vda");
    let (xml, findings) = round_trip(&disk, Profile::Qemu);
    assert!(
        xml.contains(
            "<driver name='qemu' type='qcow2' cache='none' error_policy='stop' rerror_policy='report' io='native' \
             discard='unmap' iothread='1' detect_zeroes='unmap' queues='4'/>"
        ),
        "{xml}"
    );
    assert_eq!(findings, Vec::<String>::new());
    let tap = Driver::named("tap").unwrap().format(Format::Raw);
    assert!(
        finish(Disk::file("/a.img").driver(tap), "vdb").to_xml().unwrap().contains("<driver name='tap' type='raw'/>")
    );
    assert!(Driver::named("bad\u{1}").is_err());
}

#[test]
fn every_source_kind_through_the_facade() {
    let pci = PciAddress { domain: Some(0), bus: Some(1), slot: Some(0), function: Some(0) };
    let secret = Secret::uuid(SecretType::Ceph, UUID).unwrap();
    let iotune = Iotune { total_bytes_sec: Some(10_000_000), ..Iotune::default() };
    let disks = [
        finish(Disk::file("/var/lib/images/a.img").serial("s1").boot(1).iotune(iotune), "vda"),
        finish(Disk::block("/dev/mapper/b").device(DeviceKind::Disk).shareable(true).driver(Driver::qemu_raw()), "vdb"),
        finish(Disk::dir("/srv/share").readonly(true), "vdc"),
        finish(Disk::volume("pool", "vol").alias("ua-vol").wwn("0x5000c50015ea71ac"), "vdd"),
        finish(Disk::network(Protocol::Rbd, "volumes/v1").host(Host::tcp("mon1", 6789)).auth("cinder", secret), "vde"),
        finish(Disk::network(Protocol::Nbd, "export").host(Host::unix("/run/nbd.sock")), "vdf"),
        finish(Disk::nvme(1, pci), "vdg"),
        finish(Disk::vhostuser("/run/vhost.sock"), "vdh"),
    ];
    let kinds: Vec<&str> = disks.iter().map(Disk::disk_type).collect();
    assert_eq!(kinds, ["file", "block", "dir", "volume", "network", "network", "nvme", "vhostuser"]);
    for disk in &disks {
        let (xml, findings) = round_trip(disk, Profile::Generic);
        assert_eq!(findings, Vec::<String>::new(), "{xml}");
    }
}

#[test]
fn the_edge_disk_and_a_rendered_volume() {
    let disk = edge("vol1").host(Host::rdma("ovs.example", 12329)).original_defaults().build().unwrap();
    let (xml, _) = round_trip(&disk, Profile::Generic);
    assert!(xml.contains("protocol='openvstorage'") && xml.contains("transport='rdma'"), "{xml}");
    let info = r#"{"driver_volume_type": "openvstorage_edge", "serial": "s",
        "data": {"device_path": "openvstorage+tcp:10.0.0.1:26203/volume-s"}}"#;
    let rendered = diskxml::render(info, &DiskInfo::new("vdb", Bus::Virtio)).unwrap();
    assert_eq!(rendered.disk.target.as_ref().map(|t| t.dev().as_str()), Some("vdb"));
}
