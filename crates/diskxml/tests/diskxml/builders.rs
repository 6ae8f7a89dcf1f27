//! The builders of every source kind: what they write, that it reads back, that libvirt's
//! parser rules hold; IPv6 hosts bare in XML and bracketed in the Edge path.

use diskxml::model::{Iotune, PciAddress, Secret, SecretType};
use diskxml::{Bus, DeviceKind, Disk, EdgePath, Host, Profile, Protocol, Source, ToXml};

fn round_trip(disk: &Disk) -> String {
    let xml = disk.to_xml().unwrap();
    assert_eq!(&diskxml::parse_disk(&xml).unwrap(), disk, "{xml}");
    let problems = diskxml::validate(disk, Profile::Generic);
    assert!(problems.is_empty(), "{problems:?}\n{xml}");
    xml
}

#[test]
fn every_source_kind_has_a_builder() {
    let file = Disk::file("/var/lib/images/a.qcow2").target("vda", Bus::Virtio).build().unwrap();
    assert!(round_trip(&file).contains("<source file='/var/lib/images/a.qcow2'/>"));
    let block = Disk::block("/dev/sdb").target("sda", Bus::Scsi).shareable(true).build().unwrap();
    let xml = round_trip(&block);
    assert!(xml.contains("<source dev='/dev/sdb'/>") && xml.contains("<shareable/>"), "{xml}");
    let dir = Disk::dir("/srv/share").target("hdb", Bus::Ide).readonly(true).build().unwrap();
    assert!(round_trip(&dir).contains("<source dir='/srv/share'/>"));
    let volume = Disk::volume("default", "guest.img").target("vdc", Bus::Virtio).build().unwrap();
    assert!(round_trip(&volume).contains("<source pool='default' volume='guest.img'/>"));
    let address = PciAddress { domain: Some(0), bus: Some(1), slot: Some(0), function: Some(0) };
    let nvme = Disk::nvme(1, address).target("vdd", Bus::Virtio).build().unwrap();
    let xml = round_trip(&nvme);
    assert!(xml.contains("<source type='pci' managed='yes' namespace='1'>"), "{xml}");
    let vhost = Disk::vhostuser("/run/vhost.sock").target("vde", Bus::Virtio).build().unwrap();
    assert!(round_trip(&vhost).contains("<source type='unix' path='/run/vhost.sock'"));
    let iotune = Iotune { total_iops_sec: Some(500), ..Iotune::default() };
    let rbd = Disk::network(Protocol::Rbd, "volumes/v1")
        .host(Host::tcp("mon1", 6789))
        .host(Host::tcp("mon2", 6789))
        .auth("cinder", Secret::uuid(SecretType::Ceph, "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"))
        .target("vdf", Bus::Virtio)
        .serial("v1")
        .wwn("5000c50015ea71ac")
        .alias("ua-v1")
        .boot(2)
        .iotune(iotune)
        .device(DeviceKind::Disk)
        .build()
        .unwrap();
    let xml = round_trip(&rbd);
    for part in [
        "<host name='mon2' port='6789' transport='tcp'/>",
        "<auth username='cinder'>",
        "<total_iops_sec>500</total_iops_sec>",
        "<boot order='2'/>",
        "<alias name='ua-v1'/>",
    ] {
        assert!(xml.contains(part), "{part}\n{xml}");
    }
}

#[test]
fn builders_name_the_field_they_refuse() {
    let cases: Vec<(Result<Disk, diskxml::model::Error>, &str)> = vec![
        (Disk::file("").build(), "source.file: must not be empty"),
        (Disk::block("/dev/\u{0}").build(), "source.dev: character 5 is U+0000"),
        (Disk::volume("p", "").build(), "source.volume: must not be empty"),
        (Disk::network(Protocol::Nbd, "e").host(Host::tcp("h", 0)).build(), "source.host.port: port 0 is out of range"),
        (Disk::vhostuser("relative.sock").build(), "source.path: unix socket path \"relative.sock\" is not absolute"),
        (Disk::file("/a").target("", Bus::Virtio).build(), "target.dev: must not be empty"),
        (Disk::file("/a").serial("s\u{1}").build(), "serial: character 1 is U+0001"),
        (Disk::file("/a").boot(0).build(), "boot.order: must be a positive integer, got 0"),
        (Disk::file("/a").auth("u", Secret::uuid(SecretType::Ceph, "x")).build(), "source.auth: only a network source"),
        (
            Disk::network(Protocol::Openvstorage, "v").host(Host::tcp("a", 1)).host(Host::tcp("b", 2)).build(),
            "source.host: protocol 'openvstorage' takes at most 1 host(s)",
        ),
    ];
    for (result, expected) in cases {
        let err = result.unwrap_err().to_string();
        assert!(err.starts_with(expected), "{err} (expected {expected})");
    }
}

#[test]
fn ipv6_hosts_are_bare_in_xml_and_bracketed_in_the_edge_path() {
    let disk =
        Disk::openvstorage_edge("vol").host(Host::rdma("[fd00::5]", 26203)).target("vdb", Bus::Virtio).build().unwrap();
    let xml = round_trip(&disk);
    assert!(xml.contains("<host name='fd00::5' port='26203' transport='rdma'/>"), "{xml}");
    let Source::Network(source) = &disk.source else { panic!("network") };
    let path = EdgePath::from_source(source).unwrap();
    assert_eq!(path.to_string(), "openvstorage+rdma:[fd00::5]:26203/vol");
    // And back: the Edge path's brackets do not reach the model.
    assert_eq!(&path.to_source().unwrap(), &**source);
    // A name that merely starts with '[' and is no IPv6 address is kept as given.
    let odd = Host::tcp("[not-ipv6]", 1).unwrap();
    assert_eq!(odd.name().unwrap().as_str(), "[not-ipv6]");
}

/// The builders' types are at the facade's root, and `auth` takes a `Secret` as well as the
/// result of making one (issue 20, item 9).
#[test]
fn auth_takes_a_secret_from_the_facade_root() -> Result<(), diskxml::Error> {
    let secret: diskxml::Secret = diskxml::Secret::usage(diskxml::SecretType::Ceph, "client.cinder")?;
    let disk = diskxml::Disk::network(diskxml::Protocol::Rbd, "volumes/v1")
        .host(diskxml::Host::tcp("mon1", 6789))
        .auth("cinder", secret.clone())
        .target("vdb", diskxml::Bus::Virtio)
        .iotune(diskxml::Iotune { total_iops_sec: Some(5), ..diskxml::Iotune::default() })
        .build()?;
    let xml = round_trip(&disk);
    assert!(xml.contains("<auth username='cinder'>") && xml.contains("usage='client.cinder'"), "{xml}");
    // The result form still works; the builder's own errors surface from build().
    let made = diskxml::Disk::network(diskxml::Protocol::Rbd, "volumes/v1")
        .auth("cinder", diskxml::Secret::uuid(diskxml::SecretType::Ceph, "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"))
        .build();
    assert!(made.is_ok());
    assert!(diskxml::Disk::file("/a").auth("u", secret).build().is_err(), "auth on a file source");
    let _: Option<(diskxml::Format, diskxml::Cache, diskxml::Io, diskxml::Text)> = None;
    Ok(())
}
