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

mod edge;
mod edge_path;
mod info;

use std::fmt;

pub use edge::OpenvStorageEdge;
pub use edge_path::{EDGE_PATH_GRAMMAR, EdgePath, EdgePathError, EdgeTransport};
pub use info::{ConnectionInfo, DiskInfo};

use diskxml_model::Disk;

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
    #[error("{field}: {message}")]
    Field {
        /// The field's path, e.g. `data.device_path`.
        field: String,
        /// What is wrong with it.
        message: String,
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

impl Error {
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field { field: field.into(), message: message.into() }
    }

    /// A model error about the JSON field `field`, without the model's own field name.
    pub(crate) fn model(field: impl Into<String>, error: &diskxml_model::Error) -> Self {
        let message = match error {
            diskxml_model::Error::InvalidChar { index, ch, .. } => {
                format!("character {index} is U+{:04X}, which XML 1.0 cannot carry", u32::from(*ch))
            }
            other => other.to_string(),
        };
        Self::field(field, message)
    }
}

/// A volume driver: turns one kind of connection info into a disk.
///
/// Implement it for a storage kind of your own and [`Registry::register`] it.
pub trait VolumeDriver: Send + Sync + fmt::Debug {
    /// The disk for `info`, seen by the guest as `disk_info` says.
    ///
    /// # Errors
    /// [`Error::Field`] naming what in `info` cannot be used.
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error>;
}

/// Volume drivers by `driver_volume_type`.
///
/// ```
/// use diskxml_connector::Registry;
///
/// let registry = Registry::with_builtins();
/// assert_eq!(registry.names().collect::<Vec<_>>(), ["openvstorage_edge"]);
/// ```
#[derive(Debug, Default)]
pub struct Registry {
    drivers: Vec<(String, Box<dyn VolumeDriver>)>,
}

impl Registry {
    /// A registry with no drivers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry with the built-in drivers: `openvstorage_edge`.
    #[must_use]
    pub fn with_builtins() -> Self {
        let mut registry = Self::new();
        registry.register("openvstorage_edge", OpenvStorageEdge);
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

    /// The disk for `info`, by the driver its `driver_volume_type` names.
    ///
    /// # Errors
    /// [`Error::UnknownDriver`] listing the known types, or the driver's error.
    pub fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let name = info.driver_volume_type();
        let driver = self.get(name).ok_or_else(|| Error::UnknownDriver {
            name: name.to_owned(),
            known: self.names().map(str::to_owned).collect(),
        })?;
        driver.disk(info, disk_info)
    }
}
