//! Builders for a disk of every source kind, in the Edge builder's shape: start with the
//! source, set what you need, and `build()` checks every value, naming its field.

use alloc::string::String;

use crate::{
    Alias, Auth, BlockSource, Boot, Bus, DeviceKind, DirSource, Disk, Driver, Error, FileSource, Host, IntoHost,
    Iotune, NetworkSource, NvmeSource, PciAddress, Protocol, Source, Target, Text, VhostUserSource, VolumeSource,
    YesNo,
};

/// Builds a disk of any source kind; start it with [`Disk::file`], [`Disk::block`],
/// [`Disk::dir`], [`Disk::volume`], [`Disk::network`], [`Disk::nvme`],
/// [`Disk::vhostuser`] or [`Disk::with_source`]. (Open vStorage Edge disks have their own,
/// [`Disk::openvstorage_edge`].)
///
/// Every string is checked in [`DiskBuilder::build`], with the field it is for (`source.file`,
/// `target.dev`, `serial`, ...): no caller invents a field label.
///
/// ```
/// use diskxml_model::{Bus, Disk, Host, Iotune, Protocol, Secret, SecretType};
///
/// let rbd = Disk::network(Protocol::Rbd, "volumes/volume-1")
///     .host(Host::tcp("mon1.example", 6789))
///     .host(Host::tcp("[fd00::5]", 6789))          // IPv6: brackets are taken off
///     .auth("cinder", Secret::uuid(SecretType::Ceph, "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"))
///     .target("vdb", Bus::Virtio)
///     .serial("volume-1")
///     .build()?;
/// assert_eq!(rbd.disk_type(), "network");
///
/// let file = Disk::file("/var/lib/images/guest.qcow2").target("vda", Bus::Virtio).readonly(true).build()?;
/// assert!(file.readonly);
///
/// let err = Disk::file("/images/a\u{1}").build().unwrap_err();
/// assert_eq!(err.to_string(), "source.file: character 9 is U+0001, which XML 1.0 cannot carry; remove it");
/// let err = Disk::block("/dev/sdb").host(Host::tcp("h", 1)).build().unwrap_err();
/// assert_eq!(err.to_string(), "source.host: only a network source has hosts");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until build() is called"]
pub struct DiskBuilder {
    source: Result<Source, Error>,
    hosts: alloc::vec::Vec<Result<Host, Error>>,
    auth: Option<(String, Option<Result<crate::Secret, Error>>)>,
    device: Option<DeviceKind>,
    driver: Option<Driver>,
    target: Option<(String, Option<Bus>)>,
    serial: Option<String>,
    wwn: Option<String>,
    alias: Option<String>,
    boot: Option<u32>,
    iotune: Option<Iotune>,
    readonly: bool,
    shareable: bool,
    snapshot_timeout: Option<u32>,
}

/// A checked text for `field`, refusing an empty one.
fn required(field: &'static str, value: String) -> Result<Text, Error> {
    let text = Text::new(field, value)?;
    if text.is_empty() { Err(Error::Empty { field }) } else { Ok(text) }
}

impl Disk {
    /// Starts a disk with any source, built by hand.
    pub fn with_source(source: Source) -> DiskBuilder {
        DiskBuilder::new(Ok(source))
    }

    /// Starts a `type='file'` disk backed by the image at `path`.
    pub fn file(path: impl Into<String>) -> DiskBuilder {
        DiskBuilder::new(
            required("source.file", path.into())
                .map(|p| Source::File(FileSource { path: Some(p), ..FileSource::default() })),
        )
    }

    /// Starts a `type='block'` disk backed by the host block device `dev`.
    pub fn block(dev: impl Into<String>) -> DiskBuilder {
        DiskBuilder::new(
            required("source.dev", dev.into())
                .map(|d| Source::Block(BlockSource { dev: Some(d), ..BlockSource::default() })),
        )
    }

    /// Starts a `type='dir'` disk showing the host directory `dir`.
    pub fn dir(dir: impl Into<String>) -> DiskBuilder {
        DiskBuilder::new(
            required("source.dir", dir.into()).map(|d| Source::Dir(DirSource { dir: Some(d), ..DirSource::default() })),
        )
    }

    /// Starts a `type='volume'` disk: volume `volume` of the storage pool `pool`.
    pub fn volume(pool: impl Into<String>, volume: impl Into<String>) -> DiskBuilder {
        let source = required("source.pool", pool.into()).and_then(|pool| {
            let volume = required("source.volume", volume.into())?;
            Ok(Source::Volume(alloc::boxed::Box::new(VolumeSource {
                pool: Some(pool),
                volume: Some(volume),
                ..VolumeSource::default()
            })))
        });
        DiskBuilder::new(source)
    }

    /// Starts a `type='network'` disk: volume `name` over `protocol` (for rbd `pool/image`,
    /// for iscsi `iqn/lun`); add its hosts with [`DiskBuilder::host`].
    pub fn network(protocol: Protocol, name: impl Into<String>) -> DiskBuilder {
        DiskBuilder::new(
            required("source.name", name.into())
                .map(|n| Source::Network(alloc::boxed::Box::new(NetworkSource::new(protocol, Some(n))))),
        )
    }

    /// Starts a `type='nvme'` disk: namespace `namespace` of the host NVMe controller at
    /// PCI `address`, managed by libvirt.
    pub fn nvme(namespace: u32, address: PciAddress) -> DiskBuilder {
        let source = NvmeSource {
            source_type: Some(Text::new("source.type", "pci").expect("'pci' holds only XML characters")),
            managed: Some(YesNo::Yes),
            namespace: Some(namespace),
            address: Some(address),
            ..NvmeSource::default()
        };
        DiskBuilder::new(Ok(Source::Nvme(alloc::boxed::Box::new(source))))
    }

    /// Starts a `type='vhostuser'` disk: a vhost-user-blk backend at the unix socket `path`.
    pub fn vhostuser(path: impl Into<String>) -> DiskBuilder {
        let path = path.into();
        let source = required("source.path", path).and_then(|p| {
            if !p.starts_with('/') {
                return Err(Error::RelativeSocket { field: "source.path", path: p.into_string() });
            }
            Ok(Source::VhostUser(VhostUserSource {
                source_type: Some(Text::new("source.type", "unix").expect("'unix' holds only XML characters")),
                path: Some(p),
                ..VhostUserSource::default()
            }))
        });
        DiskBuilder::new(source)
    }
}

impl DiskBuilder {
    fn new(source: Result<Source, Error>) -> Self {
        Self {
            source,
            hosts: alloc::vec::Vec::new(),
            auth: None,
            device: None,
            driver: None,
            target: None,
            serial: None,
            wwn: None,
            alias: None,
            boot: None,
            iotune: None,
            readonly: false,
            shareable: false,
            snapshot_timeout: None,
        }
    }

    /// Adds a host of a network source (in order); `Host::tcp(..)` and friends can be
    /// passed straight in, their errors surface from `build()`.
    pub fn host(mut self, host: impl IntoHost) -> Self {
        self.hosts.push(host.into_host());
        self
    }

    /// `<auth username=...>` with its `<secret>`, inside a network source: a [`Secret`](crate::Secret),
    /// or `Secret::uuid(..)` / `Secret::usage(..)` as they return (their error surfaces from
    /// `build()`).
    pub fn auth(mut self, username: impl Into<String>, secret: impl crate::IntoSecret) -> Self {
        self.auth = Some((username.into(), Some(secret.into_secret())));
        self
    }

    /// `disk@device`.
    pub fn device(mut self, device: DeviceKind) -> Self {
        self.device = Some(device);
        self
    }

    /// The `<driver>` element.
    pub fn driver(mut self, driver: Driver) -> Self {
        self.driver = Some(driver);
        self
    }

    /// The guest device name and bus.
    pub fn target(mut self, dev: impl Into<String>, bus: Bus) -> Self {
        self.target = Some((dev.into(), Some(bus)));
        self
    }

    /// `<serial>`.
    pub fn serial(mut self, serial: impl Into<String>) -> Self {
        self.serial = Some(serial.into());
        self
    }

    /// `<wwn>`.
    pub fn wwn(mut self, wwn: impl Into<String>) -> Self {
        self.wwn = Some(wwn.into());
        self
    }

    /// `<alias name=...>` (user aliases start with `ua-`).
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// `<boot order=...>`; 0 is refused in `build()`.
    pub const fn boot(mut self, order: u32) -> Self {
        self.boot = Some(order);
        self
    }

    /// `<iotune>`.
    pub fn iotune(mut self, iotune: Iotune) -> Self {
        self.iotune = Some(iotune);
        self
    }

    /// `<readonly/>`.
    pub const fn readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self
    }

    /// `<shareable/>`.
    pub const fn shareable(mut self, shareable: bool) -> Self {
        self.shareable = shareable;
        self
    }

    /// `source@snapshot-timeout` of a network source, in seconds (Open vStorage Edge's; 0
    /// waits for ever).
    pub const fn snapshot_timeout(mut self, seconds: u32) -> Self {
        self.snapshot_timeout = Some(seconds);
        self
    }

    /// `disk@device`, unless set already: the `or_*` setters are how presets (the
    /// connector's `EdgePresets`, say) fill in what the caller left open.
    pub fn or_device(mut self, device: DeviceKind) -> Self {
        self.device.get_or_insert(device);
        self
    }

    /// The `<driver>` element, unless set already.
    pub fn or_driver(mut self, driver: Driver) -> Self {
        self.driver.get_or_insert(driver);
        self
    }

    /// `source@snapshot-timeout`, unless set already.
    pub fn or_snapshot_timeout(mut self, seconds: u32) -> Self {
        self.snapshot_timeout.get_or_insert(seconds);
        self
    }

    /// The target, unless set already.
    pub fn or_target(mut self, dev: impl Into<String>, bus: Bus) -> Self {
        self.target.get_or_insert_with(|| (dev.into(), Some(bus)));
        self
    }

    /// Checks every value and builds the disk.
    ///
    /// # Errors
    /// The first problem found, naming its field: a character XML cannot carry, an empty
    /// path or name, a host on a source that is not a network one, a host the protocol
    /// does not take, a boot order of 0.
    pub fn build(self) -> Result<Disk, Error> {
        let mut source = self.source?;
        match &mut source {
            Source::Network(network) => {
                for host in self.hosts {
                    network.push_host(host?)?;
                }
                if let Some((username, secret)) = self.auth {
                    network.auth = Some(alloc::boxed::Box::new(Auth::new(username, secret.transpose()?)?));
                }
                network.snapshot_timeout = self.snapshot_timeout;
            }
            _ if self.snapshot_timeout.is_some() => {
                return Err(Error::Conflict {
                    field: "source.snapshot-timeout",
                    why: "only a network source has a snapshot timeout",
                });
            }
            _ if !self.hosts.is_empty() => {
                return Err(Error::Conflict { field: "source.host", why: "only a network source has hosts" });
            }
            _ if self.auth.is_some() => {
                return Err(Error::Conflict { field: "source.auth", why: "only a network source has credentials" });
            }
            _ => {}
        }
        let mut disk = Disk::new(source);
        disk.device = self.device;
        disk.driver = self.driver.map(alloc::boxed::Box::new);
        disk.readonly = self.readonly;
        disk.shareable = self.shareable;
        disk.iotune = self.iotune.map(alloc::boxed::Box::new);
        if let Some((dev, bus)) = self.target {
            disk.target = Some(alloc::boxed::Box::new(Target::new(dev, bus)?));
        }
        disk.serial = self.serial.map(|s| Text::new("serial", s)).transpose()?;
        disk.wwn = self.wwn.map(|s| Text::new("wwn", s)).transpose()?;
        disk.alias = self.alias.map(Alias::new).transpose()?.map(alloc::boxed::Box::new);
        if let Some(order) = self.boot {
            let order = core::num::NonZeroU32::new(order).ok_or(Error::Zero { field: "boot.order" })?;
            disk.boot = Some(alloc::boxed::Box::new(Boot::new(order)));
        }
        Ok(disk)
    }
}
