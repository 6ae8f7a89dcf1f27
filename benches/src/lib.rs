//! Shared inputs for the benchmarks and the ratio report: the disks every benchmark
//! measures, domain documents of any size, and the peers diskxml is measured against
//! (`xmlwriter`, `quick-xml`), each producing the same bytes.

use diskxml::{Bus, Disk, EdgePresets, Host, ToXml};

pub mod peers;

/// The seed's Open vStorage Edge disk with a serial (about 330 bytes of XML): nothing to
/// escape. The ratio report's `write_ns` and `parse_ns` measure this disk.
///
/// # Panics
/// Never: the values are fixed and valid.
#[must_use]
pub fn edge_disk() -> Disk {
    edge_disk_at("vda")
}

/// [`edge_disk`] with target dev `dev`: what replaces disk `dev` of a [`domain`] (another dev
/// that one of the domain's disks has is refused, as libvirt refuses it).
///
/// # Panics
/// When `dev` is not a target dev libvirt accepts.
#[must_use]
pub fn edge_disk_at(dev: &str) -> Disk {
    Disk::openvstorage_edge("vol1")
        .host(Host::rdma("ovs.include.gr", 12329))
        .original_defaults()
        .target(dev, Bus::Virtio)
        .serial("8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10")
        .build()
        .expect("fixed, valid values")
}

/// The same disk with markup in every string, so that escaping dominates.
///
/// # Panics
/// Never: the values are fixed and valid.
#[must_use]
pub fn escape_heavy_disk() -> Disk {
    Disk::openvstorage_edge("<vol>&'1'&\"2\"".repeat(8))
        .host(Host::rdma("ovs.include.gr", 12329))
        .original_defaults()
        .serial("<&>'\"".repeat(8))
        .build()
        .expect("fixed, valid values")
}

/// A busy rbd disk: three monitors, auth, iotune, serial, alias, address.
pub const BUSY_RBD: &str = "<disk type='network' device='disk'>
  <driver name='qemu' type='raw' cache='none' discard='unmap'/>
  <auth username='cinder'>
    <secret type='ceph' uuid='3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b'/>
  </auth>
  <source protocol='rbd' name='volumes/volume-8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10'>
    <host name='mon1.example' port='6789'/>
    <host name='mon2.example' port='6789'/>
    <host name='mon3.example' port='6789'/>
  </source>
  <target dev='vdb' bus='virtio'/>
  <iotune>
    <total_bytes_sec>104857600</total_bytes_sec>
    <total_iops_sec>2000</total_iops_sec>
  </iotune>
  <serial>8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10</serial>
  <alias name='ua-8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>
</disk>
";

/// A qcow2 disk with a three-layer backing chain.
pub const BACKING_CHAIN: &str = "<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source file='/var/lib/libvirt/images/top.qcow2'/>
  <backingStore type='file'>
    <format type='qcow2'/>
    <source file='/var/lib/libvirt/images/mid.qcow2'/>
    <backingStore type='file'>
      <format type='qcow2'/>
      <source file='/var/lib/libvirt/images/base.qcow2'/>
      <backingStore type='file'>
        <format type='raw'/>
        <source file='/var/lib/libvirt/images/golden.raw'/>
        <backingStore/>
      </backingStore>
    </backingStore>
  </backingStore>
  <target dev='vdc' bus='virtio'/>
</disk>
";

/// The benchmarks' disks by name, each as a model.
///
/// # Panics
/// Never: the inputs are fixed and valid.
#[must_use]
pub fn inputs() -> Vec<(&'static str, Disk)> {
    vec![
        ("edge", edge_disk()),
        ("busy_rbd", diskxml::parse_disk(BUSY_RBD).expect("a valid disk")),
        ("escape_heavy", escape_heavy_disk()),
        ("backing_chain", diskxml::parse_disk(BACKING_CHAIN).expect("a valid disk")),
    ]
}

/// A `<domain>` document with `disks` disks (the Edge disk at devs vda, vdb, ...), indented
/// as libvirt writes it.
///
/// # Panics
/// Never: the disk is fixed and valid.
#[must_use]
pub fn domain(disks: usize) -> String {
    let disk = edge_disk().to_xml().expect("a valid disk");
    let mut out = String::with_capacity(disks * (disk.len() + 64) + 512);
    out.push_str("<domain type='kvm'>\n  <name>bench</name>\n  <memory unit='KiB'>1048576</memory>\n");
    out.push_str("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n  <devices>\n");
    for i in 0..disks {
        let dev = format!("vd{}", diskxml::rules::dev_letters(u32::try_from(i).expect("fewer than 2^32 disks")));
        for line in disk.replace("dev='vda'", &format!("dev='{dev}'")).lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("  </devices>\n</domain>\n");
    out
}

/// The target dev of the `i`th disk of [`domain`].
#[must_use]
pub fn domain_dev(i: usize) -> String {
    format!("vd{}", diskxml::rules::dev_letters(u32::try_from(i).expect("fewer than 2^32 disks")))
}
