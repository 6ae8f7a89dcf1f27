//! The Open vStorage Edge disk builder.

use alloc::string::String;

use crate::{Bus, DeviceKind, Disk, Driver, Error, Host, IntoHost, Protocol, Source};

/// Builds an Open vStorage Edge disk (`<source protocol='openvstorage'>`); start it with
/// [`Disk::openvstorage_edge`].
///
/// Nothing is set unless you set it; the `or_*` methods set a part only where it is not set
/// yet, which is how presets (the connector's `EdgePresets::original_defaults`, say) apply.
/// Errors of any step surface from [`EdgeDiskBuilder::build`].
///
/// ```
/// use diskxml_model::{Bus, Disk, Host, Source};
///
/// let disk = Disk::openvstorage_edge("vol1")
///     .host(Host::rdma("ovs.include.gr", 12329))
///     .snapshot_timeout(120)
///     .target("vda", Bus::Virtio)
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
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until build() is called"]
pub struct EdgeDiskBuilder {
    volume: String,
    host: Option<Result<Host, Error>>,
    snapshot_timeout: Option<u32>,
    target: Option<(String, Bus)>,
    driver: Option<Driver>,
    device: Option<DeviceKind>,
    serial: Option<String>,
    readonly: bool,
}

impl Disk {
    /// Starts an Open vStorage Edge disk for `volume` (the `source@name`).
    pub fn openvstorage_edge(volume: impl Into<String>) -> EdgeDiskBuilder {
        EdgeDiskBuilder {
            volume: volume.into(),
            host: None,
            snapshot_timeout: None,
            target: None,
            driver: None,
            device: None,
            serial: None,
            readonly: false,
        }
    }
}

impl EdgeDiskBuilder {
    /// The Edge host; none means shared memory. A second call replaces the first
    /// (an Edge disk names at most one host).
    pub fn host(mut self, host: impl IntoHost) -> Self {
        self.host = Some(host.into_host());
        self
    }

    /// `source@snapshot-timeout`, in seconds (0 waits for ever).
    pub const fn snapshot_timeout(mut self, seconds: u32) -> Self {
        self.snapshot_timeout = Some(seconds);
        self
    }

    /// The guest device name and bus.
    pub fn target(mut self, dev: impl Into<String>, bus: Bus) -> Self {
        self.target = Some((dev.into(), bus));
        self
    }

    /// The `<driver>` element.
    pub fn driver(mut self, driver: Driver) -> Self {
        self.driver = Some(driver);
        self
    }

    /// `disk@device`.
    pub fn device(mut self, device: DeviceKind) -> Self {
        self.device = Some(device);
        self
    }

    /// `<serial>`.
    pub fn serial(mut self, serial: impl Into<String>) -> Self {
        self.serial = Some(serial.into());
        self
    }

    /// `<readonly/>`.
    pub const fn readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self
    }

    /// `disk@device`, unless already set.
    pub fn or_device(mut self, device: DeviceKind) -> Self {
        self.device.get_or_insert(device);
        self
    }

    /// The `<driver>` element, unless already set.
    pub fn or_driver(mut self, driver: Driver) -> Self {
        self.driver.get_or_insert(driver);
        self
    }

    /// `source@snapshot-timeout`, unless already set.
    pub fn or_snapshot_timeout(mut self, seconds: u32) -> Self {
        self.snapshot_timeout.get_or_insert(seconds);
        self
    }

    /// The target, unless already set.
    pub fn or_target(mut self, dev: impl Into<String>, bus: Bus) -> Self {
        self.target.get_or_insert_with(|| (dev.into(), bus));
        self
    }

    /// Checks every value and builds the disk.
    ///
    /// # Errors
    /// The first problem found: a character XML cannot carry (naming the field), an empty
    /// volume name, a bad port, a host the `openvstorage` protocol does not take.
    pub fn build(self) -> Result<Disk, Error> {
        // The general builder does the checking; the Edge one adds its presets' `or_*`
        // and the snapshot timeout.
        let mut builder = Disk::network(Protocol::Openvstorage, self.volume);
        if let Some(host) = self.host {
            builder = builder.host(host);
        }
        if let Some((dev, bus)) = self.target {
            builder = builder.target(dev, bus);
        }
        if let Some(serial) = self.serial {
            builder = builder.serial(serial);
        }
        if let Some(driver) = self.driver {
            builder = builder.driver(driver);
        }
        if let Some(device) = self.device {
            builder = builder.device(device);
        }
        let mut disk = builder.readonly(self.readonly).build()?;
        if let Source::Network(source) = &mut disk.source {
            source.snapshot_timeout = self.snapshot_timeout;
        }
        Ok(disk)
    }
}
