//! The `openvstorage_edge` volume driver.

use std::time::Duration;

use diskxml_model::{Disk, Source};

use crate::probe::tcp_probe;
use crate::{ConnectionInfo, DeviceInfo, DiskInfo, EdgePath, Error, ProbeOptions, VolumeDriver, common};

/// QEMU's Open vStorage port when a device path gives none.
pub const EDGE_DEFAULT_PORT: u16 = 21321;

/// The `openvstorage_edge` volume driver: `data.device_path` (an [`EdgePath`]) becomes the
/// disk's source; nova's common settings ([`disk_with_common_settings`](crate::disk_with_common_settings))
/// do the rest.
///
/// `connect` returns the device path; with probing on it first checks that the Edge host
/// accepts a TCP connection within the timeout (a shared-memory path has nothing to probe).
/// `disconnect` has nothing to undo and never fails.
///
/// ```
/// use diskxml_connector::{ConnectionInfo, DiskInfo, OpenvStorageEdge, VolumeDriver};
///
/// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "openvstorage_edge",
///     "data": {"device_path": "openvstorage:10.0.0.1/vol"}}"#)?;
/// let disk = OpenvStorageEdge.disk(&info, &DiskInfo::default())?;
/// assert_eq!(disk.target.map(|t| t.dev().to_string()).as_deref(), Some("vda"));
///
/// let bad = ConnectionInfo::from_json(r#"{"driver_volume_type": "openvstorage_edge",
///     "data": {"device_path": "openvstorage+tcp:10.0.0.1:0/vol"}}"#)?;
/// let err = OpenvStorageEdge.disk(&bad, &DiskInfo::default()).unwrap_err();
/// assert_eq!(err.to_string(), "data.device_path: character 27: port 0 is out of range; expected 1-65535");
/// # Ok::<(), diskxml_connector::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenvStorageEdge;

impl OpenvStorageEdge {
    /// The disk for a bare device path, as if it came as `data.device_path` with `serial`;
    /// errors name the field `device_path`.
    ///
    /// ```
    /// use diskxml_connector::{DiskInfo, OpenvStorageEdge};
    ///
    /// let disk = OpenvStorageEdge.disk_from_path("openvstorage+rdma:h:1/v", Some("s1"), &DiskInfo::default())?;
    /// assert_eq!(disk.serial.as_deref(), Some("s1"));
    /// let err = OpenvStorageEdge.disk_from_path("nbd:h:1", None, &DiskInfo::default()).unwrap_err();
    /// assert!(err.to_string().starts_with("device_path: character 1: expected"));
    /// # Ok::<(), diskxml_connector::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Field`] for a path that does not parse, a serial or target dev holding a
    /// character XML cannot carry.
    pub fn disk_from_path(&self, path: &str, serial: Option<&str>, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let mut top = serde_json::Map::new();
        top.insert("driver_volume_type".into(), "openvstorage_edge".into());
        if let Some(serial) = serial {
            top.insert("serial".into(), serial.into());
        }
        top.insert("data".into(), serde_json::json!({ "device_path": path }));
        let info = ConnectionInfo::from_value(serde_json::Value::Object(top))?;
        self.disk(&info, disk_info).map_err(|mut e| {
            if let Error::Field { field, .. } = &mut e
                && field == "data.device_path"
            {
                "device_path".clone_into(field);
            }
            e
        })
    }
}

fn edge_path(info: &ConnectionInfo) -> Result<EdgePath, Error> {
    let path = info.require_data_str("device_path")?;
    EdgePath::parse(path)
        .map_err(|e| Error::Field { field: "data.device_path".to_owned(), problem: crate::FieldProblem::Path(e) })
}

impl VolumeDriver for OpenvStorageEdge {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let source = edge_path(info)?.to_source().map_err(|e| Error::model("data.device_path", &e))?;
        common::disk_with_common_settings(Source::Network(Box::new(source)), info, disk_info)
    }

    fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        let path = edge_path(info)?;
        let mut probed = false;
        if probe.probe
            && let Some(host) = path.host()
        {
            let port = path.port().unwrap_or(EDGE_DEFAULT_PORT);
            tcp_probe(host, port, probe.timeout)?;
            probed = true;
        }
        // The device path as the volume service gave it, not re-formatted.
        let given = info.require_data_str("device_path")?.to_owned();
        Ok(DeviceInfo { kind: "openvstorage_edge".to_owned(), path: given, size: None, probed })
    }

    fn disconnect(&self, _info: &ConnectionInfo, _device: Option<&DeviceInfo>) -> Result<(), Error> {
        // The Edge client in QEMU holds the connection; there is nothing on the host to undo.
        Ok(())
    }
}

/// The default probe timeout when none is given.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
