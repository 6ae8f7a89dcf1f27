//! Flag values, checked as clap reads them: an error names what libvirt accepts.

use std::time::Duration;

use clap::Args;
use diskxml::DiskSelector;

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

/// A flag's value as the facade reads it; clap names the flag in its own message.
fn message<T>(result: Result<T, diskxml::Error>) -> Result<T, String> {
    result.map_err(|e| match e {
        diskxml::Error::Argument { message, .. } => message,
        other => other.to_string(),
    })
}

#[cfg(feature = "libvirt")]
pub(crate) fn parse_bus(s: &str) -> Result<diskxml::Bus, String> {
    message(diskxml::bus(s))
}

pub(crate) fn parse_profile(s: &str) -> Result<diskxml::Profile, String> {
    message(diskxml::profile(s))
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
