//! The Open vStorage Edge device path: a QEMU filename, not a URI.

use std::fmt;

use diskxml_model::{Bracketed, Host, NetworkSource, Port, Protocol, Text, Transport};

/// The grammar, as error messages quote it.
pub const EDGE_PATH_GRAMMAR: &str = "openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME";

const SCHEME: &str = "openvstorage";
const SNAPSHOT_TIMEOUT: &str = "snapshot-timeout=";
const ENABLE_HA: &str = "enable-ha=";

/// The transport written after `openvstorage+`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeTransport {
    /// `+tcp`.
    Tcp,
    /// `+rdma`.
    Rdma,
    /// `+shm`: shared memory, no host.
    Shm,
}

impl EdgeTransport {
    /// The spelling after `+`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Rdma => "rdma",
            Self::Shm => "shm",
        }
    }
}

/// Why a device path could not be read or built; `position` is the 1-based character
/// where the problem starts (0 when it concerns no single character).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("character {position}: {reason}")]
pub struct EdgePathError {
    /// The 1-based character position.
    pub position: usize,
    /// What is wrong.
    pub reason: String,
}

fn fail<T>(position: usize, reason: impl Into<String>) -> Result<T, EdgePathError> {
    Err(EdgePathError { position, reason: reason.into() })
}

/// An Open vStorage Edge device path, in every form the QEMU driver reads:
///
/// ```text
/// openvstorage[+TRANSPORT]:HOST[:PORT]/VOLUME[:snapshot-timeout=SECONDS][:enable-ha=on|off]
/// openvstorage[+shm]:VOLUME[:snapshot-timeout=SECONDS]
/// ```
///
/// A host is a DNS name or IPv4 address, or an IPv6 address in brackets. A missing port
/// stays missing (QEMU then uses 21321). Options may be introduced by `:` or, as older
/// documents do, by `,`; formatting uses `:`. `/` inside the volume name is kept.
/// `parse(format(p)) == p` for every path this type can hold.
///
/// ```
/// use diskxml_connector::{EdgePath, EdgeTransport};
///
/// let path: EdgePath = "openvstorage+rdma:[fd00::5]:26203/pool/vol1,snapshot-timeout=60".parse()?;
/// assert_eq!(path.transport(), Some(EdgeTransport::Rdma));
/// assert_eq!(path.host(), Some("fd00::5"));
/// assert_eq!(path.port(), Some(26203));
/// assert_eq!(path.volume(), "pool/vol1");
/// assert_eq!(path.snapshot_timeout(), Some(60));
/// assert_eq!(path.to_string(), "openvstorage+rdma:[fd00::5]:26203/pool/vol1:snapshot-timeout=60");
///
/// let err = "rbd:pool/img".parse::<EdgePath>().unwrap_err();
/// assert_eq!(err.to_string(), "character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'rbd:pool/img'");
/// # Ok::<(), diskxml_connector::EdgePathError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdgePath {
    transport: Option<EdgeTransport>,
    host: Option<String>,
    port: Option<Port>,
    volume: String,
    snapshot_timeout: Option<u32>,
    enable_ha: Option<bool>,
}

impl EdgePath {
    /// A path to `volume` on `host` (an IPv6 address without brackets), with the transport
    /// written as given (`None`: no `+transport`, which means tcp).
    ///
    /// # Errors
    /// `transport` is `Shm`; the host is not a DNS name, IPv4 or IPv6 address; the volume
    /// is empty, holds a character XML cannot carry, or ends in what reads as an option.
    pub fn network(
        transport: Option<EdgeTransport>,
        host: &str,
        port: Option<u16>,
        volume: &str,
    ) -> Result<Self, EdgePathError> {
        if transport == Some(EdgeTransport::Shm) {
            return fail(0, "the shm transport takes no host");
        }
        check_host(host, 0)?;
        let port = port
            .map(|p| Port::new("port", p.into()))
            .transpose()
            .map_err(|e| EdgePathError { position: 0, reason: e.to_string() })?;
        check_volume(volume, 0, true)?;
        Ok(Self {
            transport,
            host: Some(host.to_owned()),
            port,
            volume: volume.to_owned(),
            snapshot_timeout: None,
            enable_ha: None,
        })
    }

    /// A shared-memory path to `volume`, written `openvstorage+shm:` when `explicit`, else
    /// `openvstorage:`.
    ///
    /// # Errors
    /// The volume is empty, holds a character XML cannot carry, ends in what reads as an
    /// option, or (without `explicit`) holds a `/`, which would read as a host.
    pub fn shm(volume: &str, explicit: bool) -> Result<Self, EdgePathError> {
        check_volume(volume, 0, explicit)?;
        let transport = explicit.then_some(EdgeTransport::Shm);
        Ok(Self {
            transport,
            host: None,
            port: None,
            volume: volume.to_owned(),
            snapshot_timeout: None,
            enable_ha: None,
        })
    }

    /// Sets `snapshot-timeout`.
    #[must_use]
    pub const fn with_snapshot_timeout(mut self, seconds: Option<u32>) -> Self {
        self.snapshot_timeout = seconds;
        self
    }

    /// Sets `enable-ha`.
    #[must_use]
    pub const fn with_enable_ha(mut self, enable: Option<bool>) -> Self {
        self.enable_ha = enable;
        self
    }

    /// The transport as written; `None` when the path has no `+transport`.
    #[must_use]
    pub const fn transport(&self) -> Option<EdgeTransport> {
        self.transport
    }

    /// The host, without IPv6 brackets; `None` for shared memory.
    #[must_use]
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port, if the path gives one.
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port.map(Port::get)
    }

    /// The volume name.
    #[must_use]
    pub fn volume(&self) -> &str {
        &self.volume
    }

    /// `snapshot-timeout`, if given.
    #[must_use]
    pub const fn snapshot_timeout(&self) -> Option<u32> {
        self.snapshot_timeout
    }

    /// `enable-ha`, if given.
    #[must_use]
    pub const fn enable_ha(&self) -> Option<bool> {
        self.enable_ha
    }

    /// The `<source>` of the disk: protocol `openvstorage`, the volume as its name, the host
    /// (transport `rdma` when the path says so, `tcp` when it says `+tcp`, none otherwise)
    /// and the snapshot timeout. `enable-ha` has no form in libvirt's XML and is not carried.
    ///
    /// # Errors
    /// None in practice: every value was checked when the path was built.
    pub fn to_source(&self) -> Result<NetworkSource, diskxml_model::Error> {
        let mut source =
            NetworkSource::new(Protocol::Openvstorage, Some(Text::new("source.name", self.volume.as_str())?));
        source.snapshot_timeout = self.snapshot_timeout;
        if let Some(host) = &self.host {
            let transport = match self.transport {
                Some(EdgeTransport::Tcp) => Some(Transport::Tcp),
                Some(EdgeTransport::Rdma) => Some(Transport::Rdma),
                Some(EdgeTransport::Shm) | None => None,
            };
            source.push_host(Host::new(host.as_str(), self.port, transport)?)?;
        }
        Ok(source)
    }

    /// The device path of an Open vStorage `<source>`, as the Open vStorage fork of libvirt
    /// hands it to QEMU: no host is the shared-memory form (`openvstorage:VOLUME`); a host
    /// gives `openvstorage[+tcp|+rdma]:HOST[:PORT]/VOLUME`; the snapshot timeout follows.
    ///
    /// ```
    /// use diskxml_connector::EdgePath;
    /// use diskxml_model::{Disk, Host, Source};
    ///
    /// let disk = Disk::openvstorage_edge("vol1").host(Host::rdma("ovs.include.gr", 12329)).snapshot_timeout(120).build()?;
    /// let Source::Network(source) = &disk.source else { unreachable!() };
    /// let path = EdgePath::from_source(source).unwrap();
    /// assert_eq!(path.to_string(), "openvstorage+rdma:ovs.include.gr:12329/vol1:snapshot-timeout=120");
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    ///
    /// # Errors
    /// A source of another protocol, without a name, with a unix or unknown transport, or
    /// whose values a device path cannot carry.
    pub fn from_source(source: &NetworkSource) -> Result<Self, EdgePathError> {
        if *source.protocol() != Protocol::Openvstorage {
            return fail(0, format!("protocol '{}' is not openvstorage", source.protocol()));
        }
        let volume = source
            .name
            .as_deref()
            .ok_or_else(|| EdgePathError { position: 0, reason: "the source has no name".into() })?;
        let path = match source.hosts() {
            [] => Self::shm(volume, volume.contains('/'))?,
            [host] => {
                let transport = match host.transport() {
                    None => None,
                    Some(Transport::Tcp) => Some(EdgeTransport::Tcp),
                    Some(Transport::Rdma) => Some(EdgeTransport::Rdma),
                    Some(other) => return fail(0, format!("transport '{other}' has no device path form")),
                };
                let name = host.name().ok_or_else(|| EdgePathError {
                    position: 0,
                    reason: "a unix host has no device path form".into(),
                })?;
                Self::network(transport, name, host.port().map(Port::get), volume)?
            }
            _ => return fail(0, "an Edge disk names at most one host"),
        };
        Ok(path.with_snapshot_timeout(source.snapshot_timeout))
    }

    /// Parses a device path.
    ///
    /// # Errors
    /// [`EdgePathError`] with the character where the path stops making sense.
    pub fn parse(path: &str) -> Result<Self, EdgePathError> {
        let (transport, rest) = scheme(path)?;
        // Character position (1-based) of `rest`'s `byte`-th byte within `path`.
        let base = path.len() - rest.len();
        let at = |byte: usize| path[..base + byte].chars().count() + 1;
        let (body, snapshot_timeout, enable_ha) = options(rest, &at)?;
        let shm = match transport {
            Some(EdgeTransport::Shm) => true,
            Some(_) => false,
            None => !body.contains('/'),
        };
        let mut parsed = if shm {
            check_volume(body, at(0), transport.is_some())?;
            Self::shm(body, transport.is_some())?
        } else {
            let (host, port, volume_start) = split_host(body, &at)?;
            let volume = &body[volume_start..];
            check_volume(volume, at(volume_start), true)?;
            let port = port.map(|(p, position)| {
                Port::new("port", p).map_err(|_| EdgePathError {
                    position,
                    reason: format!("port {p} is out of range; expected 1-65535"),
                })
            });
            Self {
                transport,
                host: Some(host.to_owned()),
                port: port.transpose()?,
                volume: volume.to_owned(),
                snapshot_timeout: None,
                enable_ha: None,
            }
        };
        parsed.snapshot_timeout = snapshot_timeout;
        parsed.enable_ha = enable_ha;
        Ok(parsed)
    }
}

/// `openvstorage[+TRANSPORT]:`: the transport, and what follows the colon.
fn scheme(path: &str) -> Result<(Option<EdgeTransport>, &str), EdgePathError> {
    let found = || format!("expected '{EDGE_PATH_GRAMMAR}', found '{path}'");
    let Some(after_scheme) = path.strip_prefix(SCHEME) else {
        return fail(1, found());
    };
    if let Some(rest) = after_scheme.strip_prefix(':') {
        return Ok((None, rest));
    }
    let Some((name, rest)) = after_scheme.strip_prefix('+').and_then(|plus| plus.split_once(':')) else {
        return fail(1, found());
    };
    let transport = match name {
        "tcp" => EdgeTransport::Tcp,
        "rdma" => EdgeTransport::Rdma,
        "shm" => EdgeTransport::Shm,
        other => return fail(SCHEME.len() + 2, format!("unknown transport '{other}'; expected tcp, rdma or shm")),
    };
    Ok((Some(transport), rest))
}

/// The options at the end, read from the end: `[:,]snapshot-timeout=N` and
/// `[:,]enable-ha=on|off`; what comes before them, and their values.
fn options<'a>(
    rest: &'a str,
    at: &dyn Fn(usize) -> usize,
) -> Result<(&'a str, Option<u32>, Option<bool>), EdgePathError> {
    let mut body = rest;
    let (mut snapshot_timeout, mut enable_ha) = (None, None);
    while let Some(sep) = body.rfind([':', ',']) {
        let tail = &body[sep + 1..];
        if let Some(value) = tail.strip_prefix(SNAPSHOT_TIMEOUT) {
            if snapshot_timeout.is_some() {
                return fail(at(sep + 1), "snapshot-timeout is given twice");
            }
            let Some(seconds) = decimal(value).and_then(|n| u32::try_from(n).ok()) else {
                let position = at(sep + 1 + SNAPSHOT_TIMEOUT.len());
                return fail(position, format!("snapshot-timeout must be a number of seconds, found '{value}'"));
            };
            snapshot_timeout = Some(seconds);
        } else if let Some(value) = tail.strip_prefix(ENABLE_HA) {
            if enable_ha.is_some() {
                return fail(at(sep + 1), "enable-ha is given twice");
            }
            enable_ha = Some(match value {
                "on" => true,
                "off" => false,
                _ => {
                    let position = at(sep + 1 + ENABLE_HA.len());
                    return fail(position, format!("enable-ha must be on or off, found '{value}'"));
                }
            });
        } else {
            break;
        }
        body = &body[..sep];
    }
    Ok((body, snapshot_timeout, enable_ha))
}

/// `HOST[:PORT]/VOLUME` split: the host, the port with its character position, and the
/// byte where the volume starts.
type HostSplit<'a> = (&'a str, Option<(u64, usize)>, usize);

/// Splits `HOST[:PORT]/VOLUME`.
fn split_host<'a>(body: &'a str, at: &dyn Fn(usize) -> usize) -> Result<HostSplit<'a>, EdgePathError> {
    let (host, after) = if let Some(split) = Bracketed::split(body) {
        let Some((host, rest)) = split else {
            return fail(at(0), "an IPv6 host opened with '[' is not closed with ']'");
        };
        check_ipv6(host, at(1))?;
        (host, body.len() - rest.len())
    } else {
        let end = body.find([':', '/']).unwrap_or(body.len());
        let host = &body[..end];
        check_host(host, at(0))?;
        (host, end)
    };
    let rest = &body[after..];
    if let Some(port_and_volume) = rest.strip_prefix(':') {
        let Some(slash) = port_and_volume.find('/') else {
            return fail(at(after), "expected '/VOLUME' after the port");
        };
        let digits = &port_and_volume[..slash];
        let position = at(after + 1);
        let Some(port) = decimal(digits) else {
            return fail(position, format!("the port must be a decimal number, found '{digits}'"));
        };
        Ok((host, Some((port, position)), after + 1 + slash + 1))
    } else if rest.starts_with('/') {
        Ok((host, None, after + 1))
    } else {
        fail(at(after), "expected ':PORT' or '/VOLUME' after the host")
    }
}

fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn check_host(host: &str, position: usize) -> Result<(), EdgePathError> {
    if host.is_empty() {
        return fail(position, "the host is empty");
    }
    if host.contains(':') {
        // An IPv6 address given to EdgePath::network; the brackets are the formatter's job.
        return check_ipv6(host, position);
    }
    match host.char_indices().find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
        Some((i, c)) => fail(position + host[..i].chars().count(), format!("'{c}' cannot appear in a host name")),
        None => Ok(()),
    }
}

fn check_ipv6(host: &str, position: usize) -> Result<(), EdgePathError> {
    if host.parse::<std::net::Ipv6Addr>().is_err() {
        return fail(position, format!("'{host}' is not an IPv6 address"));
    }
    Ok(())
}

/// A volume must be non-empty, carry only XML characters, not end in what the parser would
/// read as an option, and (in the shared-memory form without `+shm`) hold no `/`.
fn check_volume(volume: &str, position: usize, slash_ok: bool) -> Result<(), EdgePathError> {
    if volume.is_empty() {
        return fail(position, "the volume name is empty");
    }
    if let Err(diskxml_model::Error::InvalidChar { index, ch, .. }) = diskxml_model::check_chars("volume", volume) {
        return fail(
            position + index,
            format!("the volume name holds U+{:04X}, which XML cannot carry", u32::from(ch)),
        );
    }
    if let Some(sep) = volume.rfind([':', ',']) {
        let tail = &volume[sep + 1..];
        if tail.starts_with(SNAPSHOT_TIMEOUT) || tail.starts_with(ENABLE_HA) {
            return fail(
                position + volume[..sep].chars().count(),
                format!("the volume name ends in an option, '{tail}'"),
            );
        }
    }
    if !slash_ok && volume.contains('/') {
        return fail(position, "a shared-memory volume with '/' needs 'openvstorage+shm:'");
    }
    Ok(())
}

impl std::str::FromStr for EdgePath {
    type Err = EdgePathError;
    fn from_str(s: &str) -> Result<Self, EdgePathError> {
        Self::parse(s)
    }
}

impl fmt::Display for EdgePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SCHEME)?;
        if let Some(t) = self.transport {
            write!(f, "+{}", t.as_str())?;
        }
        f.write_str(":")?;
        if let Some(host) = &self.host {
            write!(f, "{}", Bracketed(host))?;
            if let Some(port) = self.port {
                write!(f, ":{port}")?;
            }
            f.write_str("/")?;
        }
        f.write_str(&self.volume)?;
        if let Some(s) = self.snapshot_timeout {
            write!(f, ":{SNAPSHOT_TIMEOUT}{s}")?;
        }
        if let Some(ha) = self.enable_ha {
            write!(f, ":{ENABLE_HA}{}", if ha { "on" } else { "off" })?;
        }
        Ok(())
    }
}
