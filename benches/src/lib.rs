//! Shared inputs for the benchmarks: the disks every benchmark measures.

use diskxml::{Bus, Disk, EdgePresets, Host};

/// The seed's Edge disk: nothing to escape.
///
/// # Panics
/// Never: the values are fixed and valid.
#[must_use]
pub fn edge_disk() -> Disk {
    Disk::openvstorage_edge("vol1")
        .host(Host::rdma("ovs.include.gr", 12329))
        .original_defaults()
        .target("vda", Bus::Virtio)
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
