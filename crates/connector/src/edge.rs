//! The `openvstorage_edge` volume driver.

use diskxml_model::{Disk, Driver, Format, Source, Target, Text};

use crate::{ConnectionInfo, DiskInfo, EdgePath, Error, VolumeDriver};

/// The `openvstorage_edge` volume driver: `data.device_path` (an [`EdgePath`]) becomes the
/// disk's source, `serial` its `<serial>`, the caller's [`DiskInfo`] its target and device.
/// The driver element is `qemu` with the format from `data.format`, `raw` when absent, as
/// nova's volume drivers write it.
///
/// ```
/// use diskxml_connector::{ConnectionInfo, DiskInfo, OpenvStorageEdge, VolumeDriver};
///
/// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "openvstorage_edge",
///     "data": {"device_path": "openvstorage:10.0.0.1/vol"}}"#)?;
/// let disk = OpenvStorageEdge.disk(&info, &DiskInfo::default())?;
/// assert_eq!(disk.target.map(|t| t.dev.to_string()).as_deref(), Some("vda"));
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
        edge_disk("device_path", path, None, serial, disk_info)
    }
}

impl VolumeDriver for OpenvStorageEdge {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let path = info.require_data_str("device_path")?;
        edge_disk("data.device_path", path, info.data_str("format")?, info.serial(), disk_info)
    }
}

fn edge_disk(
    field: &str,
    path: &str,
    format: Option<&str>,
    serial: Option<&str>,
    disk_info: &DiskInfo,
) -> Result<Disk, Error> {
    let path = EdgePath::parse(path).map_err(|e| Error::field(field, e.to_string()))?;
    let source = path.to_source().map_err(|e| Error::model(field, &e))?;
    let mut disk = Disk::new(Source::Network(source));
    disk.device = Some(disk_info.device.clone());
    let format = match format {
        Some(f) => Format::parse(f).map_err(|e| Error::model("data.format", &e))?,
        None => Format::Raw,
    };
    disk.driver = Some(Driver { format: Some(format), ..Driver::qemu_raw() });
    disk.target = Some(
        Target::new(disk_info.dev.as_str(), Some(disk_info.bus.clone()))
            .map_err(|e| Error::model("disk_info.dev", &e))?,
    );
    if let Some(serial) = serial {
        disk.serial = Some(Text::new("serial", serial).map_err(|e| Error::model("serial", &e))?);
    }
    Ok(disk)
}
