//! Flag values, checked as clap reads them: an error names what libvirt accepts.

use std::time::Duration;

use clap::Args;
use diskxml::{Bus, DeviceKind, DiskSelector};

/// `2s`, `500ms`, `1.5s`, or a bare number of seconds.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_wait(s)?;
    parse_wait(s).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("expected a positive duration, found {s:?}"))
}

/// As [`parse_duration`], zero included (do not wait).
pub(crate) fn parse_wait(s: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(ms) = s.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(secs) = s.strip_suffix('s') {
        (secs, 1.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number.parse().map_err(|_| format!("expected a duration such as 2s or 500ms, found {s:?}"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| format!("expected a positive duration, found {s:?}"))
}

pub(crate) fn parse_volume_secret(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(id, uuid)| !id.is_empty() && !uuid.is_empty())
        .map(|(id, uuid)| (id.to_owned(), uuid.to_owned()))
        .ok_or_else(|| format!("expected VOLUME_ID=UUID, found {s:?}"))
}

/// A value of libvirt 9's vocabulary `known`, or a message that lists it.
fn known<T>(s: &str, known: &[&str], parse: fn(&str) -> Result<T, diskxml::model::Error>) -> Result<T, String> {
    if known.contains(&s) {
        parse(s).map_err(|e| e.to_string())
    } else {
        Err(format!("{s:?} is not one libvirt accepts; expected one of {}", known.join(", ")))
    }
}

pub(crate) fn parse_bus(s: &str) -> Result<Bus, String> {
    known(s, diskxml::rules::LIBVIRT9_BUSES, Bus::parse)
}

pub(crate) fn parse_dev(s: &str) -> Result<String, String> {
    if diskxml::rules::is_target_dev(s) {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not a target dev libvirt accepts: fd, hd, sd, vd, xvd or ubd, then letters, digits or _"))
    }
}

pub(crate) fn parse_profile(s: &str) -> Result<diskxml::Profile, String> {
    match s {
        "qemu" => Ok(diskxml::Profile::Qemu),
        "generic" => Ok(diskxml::Profile::Generic),
        other => Err(format!("expected qemu or generic, found {other:?}")),
    }
}

pub(crate) fn parse_device(s: &str) -> Result<DeviceKind, String> {
    known(s, diskxml::rules::LIBVIRT9_DEVICES, DeviceKind::parse)
}

/// Which disk of a `<domain>`: by target dev, serial or alias; none means every disk.
#[derive(Debug, Args)]
pub(crate) struct Pick {
    /// In a <domain>: only the disk with this target dev.
    #[arg(long, conflicts_with_all = ["serial", "alias"])]
    pub(crate) dev: Option<String>,
    /// In a <domain>: only the disk with this serial.
    #[arg(long, conflicts_with = "alias")]
    pub(crate) serial: Option<String>,
    /// In a <domain>: only the disk with this alias.
    #[arg(long)]
    pub(crate) alias: Option<String>,
}

impl Pick {
    /// The selector the flags give, if any.
    pub(crate) fn selector(&self) -> Option<DiskSelector> {
        match (&self.dev, &self.serial, &self.alias) {
            (Some(d), _, _) => Some(DiskSelector::TargetDev(d.clone())),
            (_, Some(s), _) => Some(DiskSelector::Serial(s.clone())),
            (_, _, Some(a)) => Some(DiskSelector::Alias(a.clone())),
            (None, None, None) => None,
        }
    }
}
