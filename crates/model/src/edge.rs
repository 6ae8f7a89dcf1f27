//! The Open vStorage Edge disk: a [`DiskBuilder`] of a network source of protocol
//! `openvstorage`, with its snapshot timeout and the `or_*` setters its presets use.

use alloc::string::String;

use crate::{Disk, DiskBuilder, Protocol};

/// The builder [`Disk::openvstorage_edge`] returns: the one disk builder, [`DiskBuilder`],
/// with every setter (`host`, `target`, `alias`, `boot`, `iotune`, `shareable`, …) and one
/// behaviour for each. `openvstorage` takes at most one host: a second is an error of
/// `build()`, as for any protocol's host count.
pub type EdgeDiskBuilder = DiskBuilder;

impl Disk {
    /// Starts an Open vStorage Edge disk for `volume` (the `source@name`).
    ///
    /// Nothing is set unless you set it; the `or_*` setters set a part only where it is not
    /// set yet, which is how presets (the connector's `EdgePresets::original_defaults`, say)
    /// apply. Errors of any step surface from [`DiskBuilder::build`].
    ///
    /// ```
    /// use diskxml_model::{Bus, Disk, Host, Source};
    ///
    /// let disk = Disk::openvstorage_edge("vol1")
    ///     .host(Host::rdma("ovs.include.gr", 12329))
    ///     .snapshot_timeout(120)
    ///     .target("vda", Bus::Virtio)
    ///     .alias("ua-vol1")
    ///     .build()?;
    /// assert_eq!(disk.disk_type(), "network");
    /// assert!(disk.driver.is_none(), "no hidden default");
    ///
    /// let preset = Disk::openvstorage_edge("vol1").snapshot_timeout(5).or_snapshot_timeout(120).build()?;
    /// let Source::Network(source) = &preset.source else { unreachable!() };
    /// assert_eq!(source.snapshot_timeout, Some(5), "or_* never overrides");
    ///
    /// let err = Disk::openvstorage_edge("vol1").host(Host::tcp("ovs", 0)).build().unwrap_err();
    /// assert_eq!(err.to_string(), "source.host.port: port 0 is out of range; expected 1-65535");
    /// let two = Disk::openvstorage_edge("vol1").host(Host::tcp("a", 1)).host(Host::tcp("b", 1)).build();
    /// assert!(two.is_err(), "an Edge disk names at most one host");
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    pub fn openvstorage_edge(volume: impl Into<String>) -> EdgeDiskBuilder {
        Disk::network(Protocol::Openvstorage, volume)
    }
}
