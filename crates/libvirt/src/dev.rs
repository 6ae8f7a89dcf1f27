//! Picking a disk's target dev: the one asked for when it is free, else the first free
//! name for the bus.

use std::collections::HashSet;

use diskxml_model::{Bus, Disk, Source};
use diskxml_parser::{DiskSelector, DomainDisk};

use crate::{AttachOptions, Error};

/// The dev asked for, if no disk holds it, or the first free one for the bus that was not
/// `tried` already.
pub(crate) fn choose_dev(
    disks: &[DomainDisk],
    options: &AttachOptions,
    tried: &HashSet<String>,
) -> Result<String, Error> {
    match &options.dev {
        Some(dev) => match disks.iter().find(|d| DiskSelector::TargetDev(dev.clone()).matches(&d.disk)) {
            Some(holder) => Err(Error::DevInUse { dev: dev.clone(), holder: describe(&holder.disk) }),
            None => Ok(dev.clone()),
        },
        None => {
            let mut used: HashSet<String> =
                disks.iter().filter_map(|d| d.disk.target.as_ref().map(|t| t.dev().to_string())).collect();
            used.extend(tried.iter().cloned());
            free_dev(&options.bus, &used)
        }
    }
}

/// A disk in words: its serial, or its source.
fn describe(disk: &Disk) -> String {
    if let Some(serial) = &disk.serial {
        return format!("with serial '{serial}'");
    }
    match &disk.source {
        Source::File(f) => format!("of file '{}'", f.path.as_deref().unwrap_or("")),
        Source::Block(b) => format!("of device '{}'", b.dev.as_deref().unwrap_or("")),
        Source::Network(n) => format!("of {} volume '{}'", n.protocol(), n.name.as_deref().unwrap_or("")),
        _ => format!("of type '{}'", disk.disk_type()),
    }
}

/// The first dev for `bus` that is not in `used`.
///
/// # Errors
/// [`Error::NoFreeDev`] after 18,278 names (three letters), as libvirt's own limit.
pub fn free_dev(bus: &Bus, used: &HashSet<String>) -> Result<String, Error> {
    let prefix = diskxml_rules::dev_prefix_for_bus(bus);
    (0..18_278)
        .map(|i| format!("{prefix}{}", diskxml_rules::dev_letters(i)))
        .find(|d| !used.contains(d))
        .ok_or(Error::NoFreeDev { prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_dev_skips_used_ones() {
        let used: HashSet<String> = ["vda", "vdb", "vdd", "sda"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(free_dev(&Bus::Virtio, &used).unwrap(), "vdc");
        assert_eq!(free_dev(&Bus::Scsi, &used).unwrap(), "sdb");
        assert_eq!(free_dev(&Bus::Ide, &used).unwrap(), "hda");
    }
}
