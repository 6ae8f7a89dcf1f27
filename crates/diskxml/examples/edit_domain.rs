//! Insert, replace and remove a disk in a `<domain>` document: every byte outside the
//! `<disk>` touched stays as it was.
//!
//! `cargo run -p diskxml --example edit_domain`

use diskxml::{Bus, Disk, DiskSelector, Host};

const DOMAIN: &str = "<domain type='kvm'>
  <name>guest1</name>
  <!-- the operator's comment stays -->
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/root.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
";

fn main() -> Result<(), diskxml::Error> {
    // Insert an Open vStorage Edge volume as the last device.
    let edge = Disk::openvstorage_edge("volume-1")
        .host(Host::tcp("10.130.11.202", 26203))
        .target("vdb", Bus::Virtio)
        .serial("volume-1")
        .build()?;
    let inserted = diskxml::insert_disk(DOMAIN, &edge)?;
    println!("--- inserted vdb:\n{inserted}");

    // Replace it: the same volume, read-only now.
    let mut readonly = edge.clone();
    readonly.readonly = true;
    let replaced = diskxml::replace_disk(&inserted, &DiskSelector::Serial("volume-1".into()), &readonly)?;
    println!("--- replaced vdb:\n{replaced}");

    // Remove it again: back to the document we started from, byte for byte.
    let removed = diskxml::remove_disk(&replaced, &DiskSelector::TargetDev("vdb".into()))?;
    println!("--- removed vdb:\n{removed}");
    assert_eq!(removed, DOMAIN, "a round of edits leaves the document as it was");
    Ok(())
}
