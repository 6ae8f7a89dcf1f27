//! nova's common volume settings, applied by every driver (docs/formats.md).

use std::fmt;

use diskxml_model::{
    Address, AddressKind, Alias, Blockio, Bus, Discard, Disk, DriveAddress, Format, Iotune, Target, Text, Unknown,
};
use serde_json::Value;

use crate::info::{integer, kind};
use crate::{ConnectionInfo, DiskInfo, Error};

/// The QoS keys of `data.qos_specs` that become `<iotune>` limits: nova's 13, which are the
/// limits libvirt writes before `<group_name>` (all but the `_max_length` ones).
pub const QOS_KEYS: &[&str] = Iotune::LIMITS.split_at(Iotune::GROUP_NAME_AFTER).0;

/// Something in the connection info that was ignored, reported rather than dropped in silence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The field, e.g. `data.qos_specs.consumer`.
    pub field: String,
    /// What happened to it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What of `info` the common settings ignore: today, `data.qos_specs` keys that are not
/// QoS limits libvirt knows.
///
/// ```
/// use diskxml_connector::{ConnectionInfo, warnings};
///
/// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "nbd",
///     "data": {"qos_specs": {"total_bytes_sec": 1, "consumer": "front-end"}}}"#)?;
/// let w = warnings(&info);
/// assert_eq!(w[0].to_string(), "data.qos_specs.consumer: not a QoS limit libvirt knows; ignored");
/// # Ok::<(), diskxml_connector::Error>(())
/// ```
#[must_use]
pub fn warnings(info: &ConnectionInfo) -> Vec<Warning> {
    let Some(Value::Object(specs)) = info.data().get("qos_specs") else { return Vec::new() };
    specs
        .keys()
        .filter(|k| !QOS_KEYS.contains(&k.as_str()))
        .map(|k| Warning {
            field: format!("data.qos_specs.{k}"),
            message: "not a QoS limit libvirt knows; ignored".to_owned(),
        })
        .collect()
}

/// A disk with nova's common settings around `source`, as nova's base volume driver
/// builds it: device and target from `disk_info`; driver `qemu`, type from `data.format`
/// (default `raw`); `<serial>` from `serial`; alias `ua-<data.volume_id>`; `data.qos_specs`
/// → `<iotune>`; `data.access_mode` `ro` → `<readonly/>`; `data.discard` → `discard='unmap'`;
/// `data.multiattach` → `<shareable/>`; `data.logical_block_size` / `physical_block_size` →
/// `<blockio>`; on a scsi bus, a drive address on controller 0 with unit `data.unit`.
///
/// # Errors
/// [`Error::Field`] naming the first field with a value that cannot be used.
pub fn disk_with_common_settings(
    source: diskxml_model::Source,
    info: &ConnectionInfo,
    disk_info: &DiskInfo,
) -> Result<Disk, Error> {
    let mut disk = Disk::new(source);
    disk.device = Some(disk_info.device.clone());
    let format = match info.data_str("format")? {
        Some(f) => Format::parse(f).map_err(|e| Error::model("data.format", &e))?,
        None => Format::Raw,
    };
    let discard = match info.data_bool("discard")? {
        Some(true) => Some(Discard::Unmap),
        Some(false) | None => None,
    };
    disk.driver = Some(crate::nova_driver(format, discard));
    disk.target = Some(
        Target::new(disk_info.dev.as_str(), Some(disk_info.bus.clone()))
            .map_err(|e| Error::model("disk_info.dev", &e))?,
    );
    if let Some(serial) = info.serial() {
        disk.serial = Some(Text::new("serial", serial).map_err(|e| Error::model("serial", &e))?);
    }
    if let Some(id) = info.volume_id()? {
        disk.alias = Some(Alias::new(format!("ua-{id}")).map_err(|e| Error::model("data.volume_id", &e))?);
    }
    disk.iotune = qos(info)?.map(Box::new);
    disk.readonly = match info.data_str("access_mode") {
        Ok(None | Some("rw")) => false,
        Ok(Some("ro")) => true,
        Ok(Some(other)) => {
            return Err(Error::field("data.access_mode", format!("expected 'ro' or 'rw', found {other:?}")));
        }
        Err(_) => {
            let found = info.data().get("access_mode").map_or("nothing", kind);
            return Err(Error::field("data.access_mode", format!("expected 'ro' or 'rw', found {found}")));
        }
    };
    disk.shareable = info.data_bool("multiattach")? == Some(true);
    let logical = block_size(info, "logical_block_size")?;
    let physical = block_size(info, "physical_block_size")?;
    if logical.is_some() || physical.is_some() {
        disk.blockio =
            Some(Blockio { logical_block_size: logical, physical_block_size: physical, unknown: Unknown::default() });
    }
    if disk_info.bus == Bus::Scsi {
        let unit = info
            .data_u64("unit")?
            .map(|u| u32::try_from(u).map_err(|_| Error::field("data.unit", format!("{u} is out of range"))))
            .transpose()?;
        disk.address = Some(Address {
            kind: AddressKind::Drive(DriveAddress { controller: Some(0), bus: None, target: None, unit }),
            unknown: Unknown::default(),
        });
    }
    Ok(disk)
}

fn block_size(info: &ConnectionInfo, key: &str) -> Result<Option<u32>, Error> {
    info.data_u64(key)?
        .map(|n| u32::try_from(n).map_err(|_| Error::field(format!("data.{key}"), format!("{n} is out of range"))))
        .transpose()
}

fn qos(info: &ConnectionInfo) -> Result<Option<Iotune>, Error> {
    let specs = match info.data().get("qos_specs") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(specs)) => specs,
        Some(other) => {
            return Err(Error::wrong_type("data.qos_specs", "an object", other));
        }
    };
    let mut iotune = Iotune::default();
    for key in QOS_KEYS {
        if let Some(value) = specs.get(*key).filter(|v| !v.is_null()) {
            let n = integer(&format!("data.qos_specs.{key}"), value)?;
            if let Some(slot) = iotune.limit_mut(key) {
                *slot = Some(n);
            }
        }
    }
    Ok((!iotune.is_empty()).then_some(iotune))
}
