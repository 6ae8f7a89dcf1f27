//! The builder for a disk that is not an Edge one: a Ceph rbd volume with three monitors,
//! credentials, I/O limits and a serial, checked and written.
//!
//! `cargo run -p diskxml --example build_rbd_disk`

use diskxml::model::{Iotune, Secret, SecretType};
use diskxml::{Bus, Disk, Host, Profile, Protocol, ToXml};

fn main() -> Result<(), diskxml::Error> {
    let iotune = Iotune { total_bytes_sec: Some(100 * 1024 * 1024), total_iops_sec: Some(2000), ..Iotune::default() };
    let disk = Disk::network(Protocol::Rbd, "volumes/volume-4f1c")
        .host(Host::tcp("10.0.0.11", 6789))
        .host(Host::tcp("10.0.0.12", 6789))
        .host(Host::tcp("[fd00::13]", 6789))
        .auth("cinder", Secret::uuid(SecretType::Ceph, "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"))
        .target("vdb", Bus::Virtio)
        .serial("volume-4f1c")
        .iotune(iotune)
        .build()?;
    // What libvirt's QEMU driver would say about it: nothing.
    let problems = diskxml::validate(&disk, Profile::Qemu);
    assert!(problems.is_empty(), "{problems:?}");
    print!("{}", disk.to_xml()?);
    Ok(())
}
