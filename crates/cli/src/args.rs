//! Flag values, checked as clap reads them: an error names what libvirt accepts.

use std::time::Duration;

use clap::Args;
use diskxml::DiskSelector;

/// A positive duration: a number with one unit, `ms`, `s`, `m` (or `min`) or `h`, or a bare
/// number of seconds: `2s`, `500ms`, `1.5s`, `5m`, `1h`, `30`.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_wait(s)?;
    parse_wait(s).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("expected a positive duration, found {s:?}"))
}

/// As [`parse_duration`], zero included (do not wait).
pub(crate) fn parse_wait(s: &str) -> Result<Duration, String> {
    // Longest suffixes first: "ms" before "s", "min" before "m".
    const UNITS: [(&str, f64); 5] = [("ms", 0.001), ("min", 60.0), ("s", 1.0), ("m", 60.0), ("h", 3600.0)];
    let (number, scale) =
        UNITS.iter().find_map(|(unit, scale)| s.strip_suffix(unit).map(|n| (n, *scale))).unwrap_or((s, 1.0));
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && !number.trim().is_empty())
        .ok_or_else(|| format!("expected a duration such as 2s, 500ms, 5m or 1h, found {s:?}"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| format!("expected a positive duration, found {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_usual_units() {
        for (text, secs) in
            [("2s", 2.0), ("500ms", 0.5), ("1.5s", 1.5), ("5m", 300.0), ("2min", 120.0), ("1h", 3600.0), ("30", 30.0)]
        {
            assert_eq!(parse_duration(text), Ok(Duration::from_secs_f64(secs)), "{text}");
        }
        assert_eq!(parse_wait("0s"), Ok(Duration::ZERO));
        for bad in ["", "s", "5x", "-1s", "0", "infs", "NaN", "1d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

pub(crate) fn parse_volume_secret(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(id, uuid)| !id.is_empty() && !uuid.is_empty())
        .map(|(id, uuid)| (id.to_owned(), uuid.to_owned()))
        .ok_or_else(|| format!("expected VOLUME_ID=UUID, found {s:?}"))
}

/// A facade error about a flag's value, after clap: a usage error (exit 2) naming the flag
/// (`--dev: ...`), as clap's own are.
pub(crate) fn flag_failure(e: diskxml::Error) -> crate::input::Failure {
    match e {
        diskxml::Error::Argument { name, message } => crate::input::Failure::Io(format!("--{name}: {message}")),
        other => crate::input::Failure::Io(other.to_string()),
    }
}

/// A flag's value as the facade reads it; clap names the flag in its own message.
fn message<T>(result: Result<T, diskxml::Error>) -> Result<T, String> {
    result.map_err(|e| match e {
        diskxml::Error::Argument { message, .. } => message,
        other => other.to_string(),
    })
}

/// A flag whose values are a vocabulary: clap offers the words (completions, `--help`),
/// and the facade reads the value, so that a wrong one is refused in the facade's words
/// (the same as Python's).
#[derive(Clone)]
pub(crate) struct Vocabulary<T> {
    words: &'static [&'static str],
    read: fn(&str) -> Result<T, String>,
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Vocabulary<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        // As a function value parser reads it: clap's own message around the facade's words.
        self.read.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.words.iter().map(|w| clap::builder::PossibleValue::new(*w))))
    }
}

/// The buses libvirt 9 accepts, read by the facade.
#[cfg(feature = "libvirt")]
pub(crate) fn bus_values() -> Vocabulary<diskxml::Bus> {
    Vocabulary { words: diskxml::rules::LIBVIRT9_BUSES, read: |s| message(diskxml::bus(s)) }
}

/// The device kinds libvirt 9 accepts, read by the facade.
#[cfg(feature = "libvirt")]
pub(crate) fn device_values() -> Vocabulary<diskxml::DeviceKind> {
    Vocabulary { words: diskxml::rules::LIBVIRT9_DEVICES, read: |s| message(diskxml::device(s)) }
}

/// A bus's name, checked later with the dev (`render` infers the bus from it).
pub(crate) fn bus_names() -> Vocabulary<String> {
    Vocabulary { words: diskxml::rules::LIBVIRT9_BUSES, read: |s| Ok(s.to_owned()) }
}

/// A device kind's name, checked later by the facade with the rest of the target.
pub(crate) fn device_names() -> Vocabulary<String> {
    Vocabulary { words: diskxml::rules::LIBVIRT9_DEVICES, read: |s| Ok(s.to_owned()) }
}

/// The profiles, read by the facade.
pub(crate) fn profile_values() -> Vocabulary<diskxml::Profile> {
    Vocabulary { words: &["qemu", "generic"], read: |s| message(diskxml::profile(s)) }
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
