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

impl VolumeDriver for OpenvStorageEdge {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let path = info.require_data_str("device_path")?;
        let path = EdgePath::parse(path).map_err(|e| Error::field("data.device_path", e.to_string()))?;
        let source = path.to_source().map_err(|e| Error::model("data.device_path", &e))?;
        let mut disk = Disk::new(Source::Network(source));
        disk.device = Some(disk_info.device.clone());
        let format = match info.data_str("format")? {
            Some(f) => Format::parse(f).map_err(|e| Error::model("data.format", &e))?,
            None => Format::Raw,
        };
        disk.driver = Some(Driver { format: Some(format), ..Driver::qemu_raw() });
        disk.target = Some(
            Target::new(disk_info.dev.as_str(), Some(disk_info.bus.clone()))
                .map_err(|e| Error::model("disk_info.dev", &e))?,
        );
        if let Some(serial) = info.serial() {
            disk.serial = Some(Text::new("serial", serial).map_err(|e| Error::model("serial", &e))?);
        }
        Ok(disk)
    }
}
