//! The presets: values nova, or the original Open vStorage patch, chose for a volume disk.
//! They live here, once; the model has no hidden defaults.

use diskxml_model::{Bus, DeviceKind, Discard, Driver, EdgeDiskBuilder, Format};

/// The snapshot timeout of the original Open vStorage patch's preset, in seconds.
pub const EDGE_SNAPSHOT_TIMEOUT: u32 = 120;

/// The `<driver>` nova's base volume driver writes: `name='qemu'`, the volume's format, and
/// `discard` when the volume asks for it.
///
/// ```
/// use diskxml_model::{Discard, Format};
/// let driver = diskxml_connector::nova_driver(Format::Raw, Some(Discard::Unmap));
/// assert_eq!(driver.name.as_deref(), Some("qemu"));
/// ```
#[must_use]
pub fn nova_driver(format: Format, discard: Option<Discard>) -> Driver {
    Driver { format: Some(format), discard, ..Driver::qemu_raw() }
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
            .or_driver(nova_driver(Format::Raw, Some(Discard::Ignore)))
            .or_snapshot_timeout(EDGE_SNAPSHOT_TIMEOUT)
            .or_target("vda", Bus::Virtio)
    }
}
