//! Where a volume goes, from the words people and nova use: a target dev, a bus, a device
//! kind, a SCSI unit and a profile name, each checked against libvirt 9's vocabulary. The CLI's
//! flags and the Python module's keyword arguments both read them here, so a bus is inferred
//! from a dev the same way everywhere.

use crate::{Bus, DeviceKind, DiskInfo, Error, Profile, rules};

/// A value of libvirt 9's vocabulary `known`, or an [`Error::Argument`] that lists it.
fn known<T>(
    name: &'static str,
    value: &str,
    known: &[&str],
    parse: fn(&str) -> Result<T, crate::model::Error>,
) -> Result<T, Error> {
    let argument = |message: String| Error::Argument { name, message };
    if known.contains(&value) {
        parse(value).map_err(|e| argument(e.to_string()))
    } else {
        Err(argument(format!("{value:?} is not one libvirt accepts; expected one of {}", known.join(", "))))
    }
}

/// A bus libvirt 9 accepts, by its libvirt spelling.
///
/// ```
/// assert_eq!(diskxml::bus("scsi")?, diskxml::Bus::Scsi);
/// assert!(diskxml::bus("floppy").unwrap_err().to_string().starts_with("bus: \"floppy\" is not one libvirt accepts"));
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Argument`] naming `bus`.
pub fn bus(name: &str) -> Result<Bus, Error> {
    known("bus", name, rules::LIBVIRT9_BUSES, Bus::parse)
}

/// A device kind libvirt 9 accepts (`disk`, `cdrom`, `floppy`, `lun`).
///
/// # Errors
/// [`Error::Argument`] naming `device`.
pub fn device(name: &str) -> Result<DeviceKind, Error> {
    known("device", name, rules::LIBVIRT9_DEVICES, DeviceKind::parse)
}

/// A profile by name: `qemu` or `generic`.
///
/// ```
/// assert_eq!(diskxml::profile("generic")?, diskxml::Profile::Generic);
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Argument`] naming `profile`.
pub fn profile(name: &str) -> Result<Profile, Error> {
    match name {
        "qemu" => Ok(Profile::Qemu),
        "generic" => Ok(Profile::Generic),
        other => {
            Err(Error::Argument { name: "profile", message: format!("expected qemu or generic, found {other:?}") })
        }
    }
}

/// A target dev libvirt accepts: `fd`, `hd`, `sd`, `vd`, `xvd` or `ubd`, then letters, digits
/// or `_`.
///
/// # Errors
/// [`Error::Argument`] naming `dev`.
pub fn dev(dev: &str) -> Result<String, Error> {
    if rules::is_target_dev(dev) {
        Ok(dev.to_owned())
    } else {
        Err(Error::Argument {
            name: "dev",
            message: format!(
                "{dev:?} is not a target dev libvirt accepts: fd, hd, sd, vd, xvd or ubd, then letters, digits or _"
            ),
        })
    }
}

/// Where a volume goes: `dev` checked, `bus` given or else the one libvirt infers from the
/// device and dev ([`rules::implied_bus`]: a floppy fdc; vd virtio, sd scsi, hd ide, xvd xen,
/// ubd uml), `device` checked, and `unit` on a scsi bus only (nova's drive address; on any
/// other bus it could not apply).
///
/// ```
/// let info = diskxml::disk_info("sdb", None, "lun", Some(3))?;
/// assert_eq!((info.bus, info.device, info.unit), (diskxml::Bus::Scsi, diskxml::DeviceKind::Lun, Some(3)));
/// let err = diskxml::disk_info("vdb", None, "disk", Some(3)).unwrap_err();
/// assert_eq!(err.to_string(), "unit: a SCSI unit applies to a scsi bus only, not virtio");
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Argument`] naming the argument at fault.
pub fn disk_info(dev: &str, bus: Option<&str>, device: &str, unit: Option<u32>) -> Result<DiskInfo, Error> {
    let dev = self::dev(dev)?;
    let device = self::device(device)?;
    let bus = match bus {
        Some(name) => self::bus(name)?,
        // As libvirt infers it: dev and device are valid here, so this is the bus libvirt picks.
        None => rules::implied_bus(Some(&device), &dev),
    };
    if unit.is_some() && bus != Bus::Scsi {
        return Err(Error::Argument {
            name: "unit",
            message: format!("a SCSI unit applies to a scsi bus only, not {}", bus.as_str()),
        });
    }
    let mut info = DiskInfo::new(dev, bus);
    info.device = device;
    info.unit = unit;
    Ok(info)
}
