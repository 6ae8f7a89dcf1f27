//! Volume drivers: turn a volume's connection info (what the storage service hands over)
//! into a libvirt [`Disk`], as nova's libvirt volume drivers do.
//!
//! ```
//! use diskxml_connector::{ConnectionInfo, DiskInfo, Registry};
//! use diskxml_model::{Bus, Source};
//!
//! let info = ConnectionInfo::from_json(r#"{
//!     "driver_volume_type": "openvstorage_edge",
//!     "serial": "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
//!     "data": {"device_path": "openvstorage+rdma:ovs.include.gr:12329/vol1:snapshot-timeout=120"}
//! }"#)?;
//! let disk = Registry::with_builtins().disk(&info, &DiskInfo::new("vdb", Bus::Virtio))?;
//! let Source::Network(source) = &disk.source else { unreachable!() };
//! assert_eq!(source.snapshot_timeout, Some(120));
//! assert_eq!(disk.serial.as_deref(), Some("8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10"));
//! # Ok::<(), diskxml_connector::Error>(())
//! ```
//!
//! # Should I use this crate directly?
//! Use it to build disks from connection info without the XML crates. The facade crate
//! `diskxml` re-exports it as `diskxml::connector` and adds `diskxml::render`, which goes
//! from connection info straight to XML.
//!
//! # Errors
//! [`Error`] names the JSON field that is wrong and why, e.g.
//! `data.device_path: character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'rbd:pool/img'`.
//!
//! # Input safety
//! Every string that reaches the disk goes through the model's checks, so no connection
//! info can change the structure of the XML written from it.
//!
//! # Crate features
//! None.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod common;
mod edge;
mod edge_path;
mod info;
mod net;
mod preset;
mod probe;

use std::fmt;
use std::time::Duration;

pub use common::{Ignored, QOS_KEYS, disk_with_common_settings, luks_encryption, warnings};
pub use edge::{DEFAULT_PROBE_TIMEOUT, EDGE_DEFAULT_PORT, OpenvStorageEdge};
pub use edge_path::{EDGE_PATH_GRAMMAR, EdgePath, EdgePathError, EdgeTransport};
pub use info::{ConnectionInfo, DiskInfo};
pub use net::{HostSettings, IscsiNetwork, LocalVolume, NetworkVolume};
pub use preset::{EDGE_SNAPSHOT_TIMEOUT, EdgePresets, nova_driver};
pub use probe::{DeviceInfo, ProbeOptions, nbd_probe, tcp_probe};

use diskxml_model::{Disk, Protocol};

/// Why connection info could not become a disk.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON.
    #[error("{line}:{column}: not JSON: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json says.
        message: String,
    },
    /// A field is missing, mistyped or holds a value that cannot be used.
    #[error("{field}: {problem}")]
    Field {
        /// The field's path, e.g. `data.device_path`.
        field: String,
        /// What is wrong with it.
        #[source]
        problem: FieldProblem,
    },
    /// The volume could not be reached: the address, the time spent, and why.
    #[error("{address}: unreachable after {elapsed:.2?}: {reason}")]
    Unreachable {
        /// `host:port`.
        address: String,
        /// How long the attempt took.
        elapsed: Duration,
        /// Why it failed.
        reason: String,
    },
    /// The NBD server does not have the export named in the connection info.
    #[error("{address}: the NBD server has no export named {export:?}")]
    ExportMissing {
        /// The export asked for.
        export: String,
        /// `host:port`.
        address: String,
    },
    /// The probe found no device at a host path (a `local` or `file` volume), or not the kind
    /// the disk needs.
    #[error("{path}: {reason}")]
    NoDevice {
        /// The path, `data.device_path`.
        path: String,
        /// Why it is not usable.
        reason: String,
    },
    /// No driver is registered for the `driver_volume_type`.
    #[error("driver_volume_type: no volume driver for '{name}'; known: {}", known.join(", "))]
    UnknownDriver {
        /// The type asked for.
        name: String,
        /// The registered types.
        known: Vec<String>,
    },
}

/// What is wrong with one field of the connection info.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldProblem {
    /// The field is absent (or null where a value is required).
    #[error("missing{}", why.map(|w| format!("; {w}")).unwrap_or_default())]
    Missing {
        /// Why it is needed, where that helps.
        why: Option<&'static str>,
    },
    /// The field has another JSON type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What it should be, e.g. `a string`.
        expected: &'static str,
        /// What it is, e.g. `a number`.
        found: &'static str,
    },
    /// The value breaks a rule of the driver's.
    #[error("{0}")]
    Invalid(String),
    /// The model refuses the value (a character XML cannot carry, a port out of range ...).
    #[error("{}", model_message(.0))]
    Model(#[source] diskxml_model::Error),
    /// The Edge device path does not parse.
    #[error("{0}")]
    Path(#[source] EdgePathError),
}

/// A model error's words without the model's own field name: the connector names the JSON
/// field instead.
fn model_message(error: &diskxml_model::Error) -> String {
    match error {
        diskxml_model::Error::InvalidChar { index, ch, .. } => {
            format!("character {index} is U+{:04X}, which XML 1.0 cannot carry", u32::from(*ch))
        }
        other => other.to_string(),
    }
}

impl Error {
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field { field: field.into(), problem: FieldProblem::Invalid(message.into()) }
    }

    pub(crate) fn missing(field: impl Into<String>, why: Option<&'static str>) -> Self {
        Self::Field { field: field.into(), problem: FieldProblem::Missing { why } }
    }

    pub(crate) fn wrong_type(field: impl Into<String>, expected: &'static str, found: &serde_json::Value) -> Self {
        Self::Field { field: field.into(), problem: FieldProblem::WrongType { expected, found: info::kind(found) } }
    }

    /// A model error about the JSON field `field`.
    pub(crate) fn model(field: impl Into<String>, error: &diskxml_model::Error) -> Self {
        Self::Field { field: field.into(), problem: FieldProblem::Model(error.clone()) }
    }

    /// The JSON field at fault, for [`Error::Field`].
    #[must_use]
    pub fn field_path(&self) -> Option<&str> {
        match self {
            Self::Field { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// A libvirt secret a volume's disk names by usage, which the host must hold
/// ([`VolumeDriver::host_secret`]): what to find it by, and what to create it from.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostSecret {
    /// The usage kind (`iscsi`).
    pub kind: diskxml_model::SecretType,
    /// The usage id the disk names it by (for iSCSI, the source name `<iqn>/<lun>`).
    pub usage: String,
    /// The secret's value (the CHAP password), when the connection info carries one.
    pub value: Option<String>,
}

impl fmt::Debug for HostSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value.as_ref().map(|_| "(hidden)");
        f.debug_struct("HostSecret")
            .field("kind", &self.kind)
            .field("usage", &self.usage)
            .field("value", &value)
            .finish()
    }
}

/// A volume driver (nova's part) and its connector (os-brick's part) for one kind of volume.
///
/// Implement it for a storage kind of your own and [`Registry::register`] it.
pub trait VolumeDriver: Send + Sync + fmt::Debug {
    /// The disk for `info`, seen by the guest as `disk_info` says.
    ///
    /// # Errors
    /// [`Error::Field`] naming what in `info` cannot be used.
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error>;

    /// Makes the volume reachable for the guest and says where it is; with `probe.probe`,
    /// checks first that it is reachable, within `probe.timeout`.
    ///
    /// The default is a pass-through with nothing to probe: the kind is the
    /// `driver_volume_type`, the path `data.device_path` (or empty), `probed` false.
    ///
    /// # Errors
    /// [`Error::Field`] for unusable connection info; [`Error::Unreachable`] or
    /// [`Error::ExportMissing`] when probing fails.
    fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        let _ = probe;
        let path = info.data_str("device_path")?.unwrap_or_default().to_owned();
        Ok(DeviceInfo { kind: info.driver_volume_type().to_owned(), path, size: None, probed: false })
    }

    /// Undoes `connect`. Idempotent: disconnecting what is not connected succeeds.
    /// The default has nothing to undo.
    ///
    /// # Errors
    /// When undoing fails; the built-in drivers have nothing to undo and never fail.
    fn disconnect(&self, info: &ConnectionInfo, device: Option<&DeviceInfo>) -> Result<(), Error> {
        let _ = (info, device);
        Ok(())
    }

    /// The libvirt secret the volume's disk names and the host must hold, with the value to
    /// create it from when it is missing; `None` (the default) when the disk names none the
    /// host is expected to make. The iSCSI network driver's CHAP secret is one, as nova's
    /// `LibvirtNetVolumeDriver` finds or creates it and deletes it on disconnect.
    ///
    /// # Errors
    /// [`Error::Field`] for unusable connection info.
    fn host_secret(&self, info: &ConnectionInfo) -> Result<Option<HostSecret>, Error> {
        let _ = info;
        Ok(None)
    }
}

/// Volume drivers by `driver_volume_type`.
///
/// ```
/// use diskxml_connector::Registry;
///
/// let mut registry = Registry::with_builtins();
/// assert!(registry.names().any(|n| n == "openvstorage_edge"));
/// let built_in = registry.names().count();
/// registry.register("mine", diskxml_connector::OpenvStorageEdge);
/// assert_eq!(registry.names().count(), built_in + 1);
/// ```
#[derive(Debug, Default)]
pub struct Registry {
    drivers: Vec<(String, Box<dyn VolumeDriver>)>,
    settings: HostSettings,
}

impl Registry {
    /// A registry with no drivers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry with the built-in drivers: `openvstorage_edge`; `rbd`, `sheepdog`,
    /// `gluster`, `nbd` ([`NetworkVolume`]); `iscsi` ([`IscsiNetwork`]); `local` and `file`
    /// ([`LocalVolume`]).
    #[must_use]
    pub fn with_builtins() -> Self {
        Self::with_host_settings(HostSettings::default())
    }

    /// [`Registry::with_builtins`], with the host's own settings for the drivers that fall
    /// back to them as nova does (rbd: `rbd_user`, `rbd_secret_uuid`).
    ///
    /// ```
    /// use diskxml_connector::{ConnectionInfo, DiskInfo, HostSettings, Registry};
    ///
    /// let mut host = HostSettings::default();
    /// host.rbd_user = Some("nova".into());
    /// host.rbd_secret_uuid = Some("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b".into());
    /// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "rbd", "data": {"name": "p/v",
    ///     "auth_enabled": true, "auth_username": "cinder", "secret_uuid": null, "secret_type": "ceph"}}"#)?;
    /// let disk = Registry::with_host_settings(host).disk(&info, &DiskInfo::default())?;
    /// assert_eq!(disk.auth.map(|a| a.username.to_string()).as_deref(), Some("nova"));
    /// # Ok::<(), diskxml_connector::Error>(())
    /// ```
    #[must_use]
    pub fn with_host_settings(settings: HostSettings) -> Self {
        let mut registry = Self { drivers: Vec::new(), settings: settings.clone() };
        registry.register("openvstorage_edge", OpenvStorageEdge);
        registry.register("rbd", NetworkVolume::with_settings(Protocol::Rbd, settings));
        registry.register("sheepdog", NetworkVolume::new(Protocol::Sheepdog));
        registry.register("gluster", NetworkVolume::new(Protocol::Gluster));
        registry.register("nbd", NetworkVolume::new(Protocol::Nbd));
        registry.register("iscsi", IscsiNetwork);
        registry.register("local", LocalVolume::block());
        registry.register("file", LocalVolume::file());
        registry
    }

    /// Registers `driver` for `name`, replacing any driver of that name.
    pub fn register(&mut self, name: impl Into<String>, driver: impl VolumeDriver + 'static) {
        let name = name.into();
        self.drivers.retain(|(n, _)| *n != name);
        self.drivers.push((name, Box::new(driver)));
    }

    /// The driver for `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&dyn VolumeDriver> {
        self.drivers.iter().find(|(n, _)| n == name).map(|(_, d)| d.as_ref())
    }

    /// The registered names, in registration order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.drivers.iter().map(|(n, _)| n.as_str())
    }

    /// The driver `info`'s `driver_volume_type` names.
    ///
    /// # Errors
    /// [`Error::UnknownDriver`] listing the known types.
    pub fn driver_for(&self, info: &ConnectionInfo) -> Result<&dyn VolumeDriver, Error> {
        let name = info.driver_volume_type();
        self.get(name).ok_or_else(|| Error::UnknownDriver {
            name: name.to_owned(),
            known: self.names().map(str::to_owned).collect(),
        })
    }

    /// The disk for `info`, by the driver its `driver_volume_type` names.
    ///
    /// # Errors
    /// [`Error::UnknownDriver`] listing the known types, or the driver's error.
    ///
    /// Then, as nova's base volume driver does for every driver: a volume whose id has a
    /// secret among the host's `volume_secrets` is encrypted (`<encryption format='luks'>`
    /// with a `passphrase` secret).
    pub fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        self.disk_with_found_secret(info, disk_info, None)
    }

    /// [`Registry::disk`], with `found` (the volume's passphrase secret that the host's
    /// libvirt holds, as nova finds it) as its LUKS secret when the host settings name none
    /// and the driver encrypted nothing: the one place a disk is given its `<encryption>`.
    ///
    /// ```
    /// use diskxml_connector::{ConnectionInfo, DiskInfo, Registry};
    /// use diskxml_model::Bus;
    ///
    /// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "nbd", "serial": "v1",
    ///     "data": {"hosts": ["nbd.example"], "ports": [10809], "name": "v1"}}"#)?;
    /// let registry = Registry::with_builtins();
    /// let found = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";
    /// let disk = registry.disk_with_found_secret(&info, &DiskInfo::new("vdb", Bus::Virtio), Some(found))?;
    /// assert_eq!(disk.encryption.as_ref().and_then(|e| e.format.as_deref()), Some("luks"));
    /// assert!(registry.disk(&info, &DiskInfo::new("vdb", Bus::Virtio))?.encryption.is_none());
    /// # Ok::<(), diskxml_connector::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Registry::disk`].
    pub fn disk_with_found_secret(
        &self,
        info: &ConnectionInfo,
        disk_info: &DiskInfo,
        found: Option<&str>,
    ) -> Result<Disk, Error> {
        let mut disk = self.driver_for(info)?.disk(info, disk_info)?;
        common::encrypt(&mut disk, info, &self.settings, found)?;
        Ok(disk)
    }

    /// Connects `info`'s volume with its driver; see [`VolumeDriver::connect`].
    ///
    /// # Errors
    /// [`Error::UnknownDriver`], or the driver's error.
    pub fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        self.driver_for(info)?.connect(info, probe)
    }

    /// The secret `info`'s volume needs on the host; see [`VolumeDriver::host_secret`].
    ///
    /// # Errors
    /// [`Error::UnknownDriver`], or the driver's error.
    pub fn host_secret(&self, info: &ConnectionInfo) -> Result<Option<HostSecret>, Error> {
        self.driver_for(info)?.host_secret(info)
    }

    /// Disconnects `info`'s volume with its driver; see [`VolumeDriver::disconnect`].
    ///
    /// # Errors
    /// [`Error::UnknownDriver`], or the driver's error.
    pub fn disconnect(&self, info: &ConnectionInfo, device: Option<&DeviceInfo>) -> Result<(), Error> {
        self.driver_for(info)?.disconnect(info, device)
    }
}
