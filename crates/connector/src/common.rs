//! nova's common volume settings, applied by every driver (docs/formats.md).

use std::fmt;

use diskxml_model::{
    Address, AddressKind, Alias, Blockio, Bus, DeviceKind, Discard, Disk, DriveAddress, Encryption, EncryptionSecret,
    Format, Iotune, Target, Text, Unknown,
};
use serde_json::Value;

use crate::info::{integer, kind};
use crate::{ConnectionInfo, DiskInfo, Error};

/// The QoS keys of `data.qos_specs` that become `<iotune>` limits: nova's 13, which are the
/// limits libvirt writes before `<group_name>` (all but the `_max_length` ones).
pub const QOS_KEYS: &[&str] = Iotune::LIMITS.split_at(Iotune::GROUP_NAME_AFTER).0;

/// Something in the connection info that was ignored, reported rather than dropped in silence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    /// The field, e.g. `data.qos_specs.consumer`.
    pub field: String,
    /// What happened to it.
    pub message: String,
}

impl fmt::Display for Ignored {
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
pub fn warnings(info: &ConnectionInfo) -> Vec<Ignored> {
    let mut out = Vec::new();
    match info.data().get("qos_specs") {
        Some(Value::Object(specs)) => {
            out.extend(specs.keys().filter(|k| !QOS_KEYS.contains(&k.as_str())).map(|k| Ignored {
                field: format!("data.qos_specs.{k}"),
                message: "not a QoS limit libvirt knows; ignored".to_owned(),
            }));
        }
        None | Some(Value::Null) => {}
        Some(other) => out.push(Ignored {
            field: "data.qos_specs".to_owned(),
            message: format!("expected an object, found {}; ignored, as nova ignores it", kind(other)),
        }),
    }
    for (key, why) in [
        ("unit", "the SCSI unit comes from the block-device mapping (DiskInfo::unit, --unit); ignored"),
        ("format", "nova writes type='raw' for every volume; ignored"),
    ] {
        if info.data().get(key).is_some_and(|v| !v.is_null()) {
            out.push(Ignored { field: format!("data.{key}"), message: why.to_owned() });
        }
    }
    out
}

/// A disk with nova's common settings around `source`, exactly as nova 34's base volume
/// driver (`LibvirtBaseVolumeDriver.get_config`) builds it (docs/formats.md, "Common
/// settings"): device and target from `disk_info`; `<driver name='qemu' type='raw'
/// cache='none'>`; `<serial>` from `serial` (not on a `lun`); the alias `ua-<volume id>`
/// (`data.volume_id`, else `serial`; none without either); `data.logical_block_size` /
/// `physical_block_size` → `<blockio>` (not on a `lun`); `data.qos_specs` → `<iotune>`;
/// `data.access_mode` `ro` → `<readonly/>`; `data.discard` exactly `true` →
/// `discard='unmap'`; on a scsi bus with `disk_info.unit`, `<address type='drive'
/// controller='0' unit='N'/>`; the top-level `multiattach` → `<shareable/>`.
///
/// # Errors
/// [`Error::Field`] naming the first field with a value that cannot be used.
pub fn disk_with_common_settings(
    source: diskxml_model::Source,
    info: &ConnectionInfo,
    disk_info: &DiskInfo,
) -> Result<Disk, Error> {
    let mut disk = Disk::new(source);
    let lun = disk_info.device == DeviceKind::Lun;
    disk.device = Some(disk_info.device.clone());
    let discard = (info.data_bool("discard")? == Some(true)).then_some(Discard::Unmap);
    disk.driver = Some(Box::new(crate::nova_driver(Format::Raw, discard)));
    disk.target = Some(Box::new(
        Target::new(disk_info.dev.as_str(), Some(disk_info.bus.clone()))
            .map_err(|e| Error::model("disk_info.dev", &e))?,
    ));
    if let Some(serial) = info.serial().filter(|_| !lun) {
        disk.serial = Some(Text::new("serial", serial).map_err(|e| Error::model("serial", &e))?);
    }
    if let Some(id) = info.volume_id_or_serial()? {
        let field = if info.volume_id()?.is_some_and(|v| !v.is_empty()) { "data.volume_id" } else { "serial" };
        disk.alias = Some(Box::new(Alias::new(["ua-", id].concat()).map_err(|e| Error::model(field, &e))?));
    }
    disk.iotune = qos(info)?.map(Box::new);
    disk.readonly = access_mode(info)?;
    disk.shareable = info.multiattach();
    if !lun {
        disk.blockio = blockio(info)?.map(Box::new);
    }
    if disk_info.bus == Bus::Scsi
        && let Some(unit) = disk_info.unit
    {
        let drive = DriveAddress { controller: Some(0), bus: None, target: None, unit: Some(unit) };
        disk.address = Some(Box::new(Address { kind: AddressKind::Drive(drive), unknown: Unknown::default() }));
    }
    Ok(disk)
}

/// nova's volume encryption: a volume whose id (`data.volume_id`, else the serial) has a
/// libvirt secret of usage `volume` on the host gets `<encryption format='luks'>` with it.
pub(crate) fn encrypt(
    disk: &mut Disk,
    info: &ConnectionInfo,
    settings: &crate::HostSettings,
    found: Option<&str>,
) -> Result<(), Error> {
    // The host settings' secret first; then the one found, for a disk the driver did not
    // encrypt itself.
    let configured = info.volume_id_or_serial()?.and_then(|id| settings.volume_secrets.get(id));
    let uuid = configured.map(String::as_str).or_else(|| found.filter(|_| disk.encryption.is_none()));
    if let Some(uuid) = uuid {
        disk.encryption = Some(Box::new(luks_encryption(uuid)?));
    }
    Ok(())
}

/// The `<encryption>` nova gives a volume whose passphrase is the libvirt secret `uuid`
/// (of usage `volume`): format `luks`, one secret of type `passphrase`. QEMU then opens the
/// volume as LUKS with that secret's value.
///
/// ```
/// let encryption = diskxml_connector::luks_encryption("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b")?;
/// assert_eq!(encryption.format.as_deref(), Some("luks"));
/// assert_eq!(encryption.secrets[0].secret_type.as_deref(), Some("passphrase"));
/// # Ok::<(), diskxml_connector::Error>(())
/// ```
///
/// # Errors
/// [`Error::Field`] (field `volume_secrets`) when `uuid` holds a character XML cannot.
pub fn luks_encryption(uuid: &str) -> Result<Encryption, Error> {
    let text = |field: &'static str, v: &str| Text::new(field, v).map_err(|e| Error::model("volume_secrets", &e));
    let secret = EncryptionSecret {
        secret_type: Some(text("encryption.secret.type", "passphrase")?),
        uuid: Some(text("encryption.secret.uuid", uuid)?),
        usage: None,
        unknown: Unknown::default(),
    };
    let format = Some(text("encryption.format", "luks")?);
    Ok(Encryption { format, engine: None, secrets: vec![secret], unknown: Unknown::default() })
}

/// `data.access_mode`: `ro` → read-only; `rw`, empty or absent → not; anything else refused.
fn access_mode(info: &ConnectionInfo) -> Result<bool, Error> {
    match info.data_str("access_mode") {
        Ok(None | Some("rw" | "")) => Ok(false),
        Ok(Some("ro")) => Ok(true),
        Ok(Some(other)) => Err(Error::field("data.access_mode", format!("expected 'ro' or 'rw', found {other:?}"))),
        Err(_) => {
            let found = info.data().get("access_mode").map_or("nothing", kind);
            Err(Error::field("data.access_mode", format!("expected 'ro' or 'rw', found {found}")))
        }
    }
}

fn blockio(info: &ConnectionInfo) -> Result<Option<Blockio>, Error> {
    let logical = block_size(info, "logical_block_size")?;
    let physical = block_size(info, "physical_block_size")?;
    Ok((logical.is_some() || physical.is_some()).then(|| Blockio {
        logical_block_size: logical,
        physical_block_size: physical,
        unknown: Unknown::default(),
    }))
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
        // nova ignores qos_specs that are not an object (and logs it): a warning here.
        Some(_) => return Ok(None),
    };
    let mut iotune = Iotune::default();
    // The specs given (a few), each looked up among the limits: not every limit looked up in
    // the specs. Keys that are no limit are warnings (`warnings`).
    for (key, value) in specs.iter().filter(|(_, v)| !v.is_null()) {
        if let Some(slot) = iotune.limit_mut(key).filter(|_| QOS_KEYS.contains(&key.as_str())) {
            *slot = Some(integer(|| format!("data.qos_specs.{key}"), value)?);
        }
    }
    Ok((!iotune.is_empty()).then_some(iotune))
}
