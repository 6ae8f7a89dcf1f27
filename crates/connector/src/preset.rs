//! The presets: values nova, or the original Open vStorage patch, chose for a volume disk.
//! They live here, once; the model has no hidden defaults.

use diskxml_model::{Bus, Cache, DeviceKind, Discard, Driver, EdgeDiskBuilder, Format};

/// The snapshot timeout of the original Open vStorage patch's preset, in seconds.
pub const EDGE_SNAPSHOT_TIMEOUT: u32 = 120;

/// The `<driver>` nova's base volume driver writes: `name='qemu'`, `type` (nova 34 writes
/// `raw` for every volume), `cache='none'`, and `discard` when the volume asks for it.
///
/// ```
/// use diskxml_model::{Cache, Discard, Format};
/// let driver = diskxml_connector::nova_driver(Format::Raw, Some(Discard::Unmap));
/// assert_eq!((driver.name.as_deref(), driver.cache), (Some("qemu"), Some(Cache::None)));
/// ```
#[must_use]
pub fn nova_driver(format: Format, discard: Option<Discard>) -> Driver {
    Driver { format: Some(format), cache: Some(Cache::None), discard, ..Driver::qemu_raw() }
}

/// Presets for the Edge disk builder of `diskxml-model`.
pub trait EdgePresets {
    /// The original Open vStorage patch's values, for whatever is not set yet:
    /// `device='disk'`, `<driver name='qemu' type='raw' discard='ignore'/>`, snapshot timeout
    /// [`EDGE_SNAPSHOT_TIMEOUT`], target `vda` on `virtio`. Its transport default (tcp) is
    /// libvirt's own and needs no attribute.
    ///
    /// ```
    /// use diskxml_connector::EdgePresets;
    /// use diskxml_model::Disk;
    ///
    /// let disk = Disk::openvstorage_edge("vol1").original_defaults().build()?;
    /// assert_eq!(disk.driver.and_then(|d| d.discard).map(|d| d.to_string()).as_deref(), Some("ignore"));
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    #[must_use]
    fn original_defaults(self) -> Self;
}

impl EdgePresets for EdgeDiskBuilder {
    fn original_defaults(self) -> Self {
        self.or_device(DeviceKind::Disk)
            .or_driver(Driver { discard: Some(Discard::Ignore), ..Driver::qemu_raw() })
            .or_snapshot_timeout(EDGE_SNAPSHOT_TIMEOUT)
            .or_target("vda", Bus::Virtio)
    }
}
