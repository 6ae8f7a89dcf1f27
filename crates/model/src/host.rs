//! Hosts of a network source.

use core::fmt;
use core::num::NonZeroU16;

use crate::{Error, Text, Transport, Unknown};

/// A TCP or RDMA port: 1-65535 (libvirt reads 0 as "unset", so the model has no 0).
///
/// ```
/// use diskxml_model::Port;
///
/// assert_eq!(Port::new("source.host.port", 12329)?.get(), 12329);
/// assert!(Port::new("source.host.port", 0).is_err());
/// assert!(Port::new("source.host.port", 70000).is_err());
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u64", into = "u16"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Port(NonZeroU16);

impl Port {
    /// Checks that `value` is in 1-65535.
    ///
    /// # Errors
    /// [`Error::PortOutOfRange`] naming `field`.
    pub fn new(field: &'static str, value: u64) -> Result<Self, Error> {
        u16::try_from(value).ok().and_then(NonZeroU16::new).map(Self).ok_or(Error::PortOutOfRange { field, value })
    }

    /// The port number.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0.get()
    }
}

impl TryFrom<u64> for Port {
    type Error = Error;

    fn try_from(value: u64) -> Result<Self, Error> {
        Self::new("port", value)
    }
}

impl From<Port> for u16 {
    fn from(port: Port) -> Self {
        port.get()
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// One `<host>` of a network source: a name reached over TCP or RDMA, or a unix socket.
///
/// The two shapes are kept apart by construction: a unix host has an absolute socket path
/// and no name or port; any other host has a non-empty name and no socket.
///
/// ```
/// use diskxml_model::{Host, Transport};
///
/// let host = Host::rdma("ovs.include.gr", 12329)?;
/// assert_eq!(host.name().map(|n| n.as_str()), Some("ovs.include.gr"));
/// assert_eq!(host.transport(), Some(&Transport::Rdma));
///
/// assert!(Host::unix("relative/socket").is_err());
/// assert!(Host::tcp("example.org", 0).is_err());
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "crate::serde_impl::HostRepr"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Host {
    name: Option<Text>,
    port: Option<crate::Port>,
    transport: Option<Transport>,
    socket: Option<Text>,
    /// Attributes and children of `<host>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Host {
    /// A host reached over the network, with an optional port and an optional transport
    /// (`None` writes no `transport` attribute; libvirt then uses tcp).
    ///
    /// # Errors
    /// An empty name, a character XML cannot carry, or a transport spelled `unix` (use
    /// [`Host::unix`], which takes the socket instead of a name).
    pub fn new(name: impl AsRef<str>, port: Option<Port>, transport: Option<Transport>) -> Result<Self, Error> {
        let name = Text::new("source.host.name", name)?;
        if name.is_empty() {
            return Err(Error::Empty { field: "source.host.name" });
        }
        if transport.as_ref().is_some_and(|t| t.as_str() == "unix") {
            return Err(Error::Missing {
                field: "source.host.socket",
                why: "transport 'unix' takes a socket path: use Host::unix",
            });
        }
        Ok(Self { name: Some(name), port, transport, socket: None, unknown: Unknown::default() })
    }

    /// A host reached over TCP, written with `transport='tcp'`. An IPv6 address may come
    /// bracketed (`[fd00::5]`, as in URLs and the Edge path): it is stored bare, as libvirt
    /// writes it, and bracketed again only where a format needs it.
    ///
    /// ```
    /// use diskxml_model::Host;
    ///
    /// assert_eq!(Host::tcp("[fd00::5]", 26203)?.name().map(|n| n.as_str()), Some("fd00::5"));
    /// assert_eq!(Host::tcp("fd00::5", 26203)?, Host::tcp("[fd00::5]", 26203)?);
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Host::new`], and a port outside 1-65535.
    pub fn tcp(name: impl AsRef<str>, port: u16) -> Result<Self, Error> {
        Self::new(bare(name.as_ref()), Some(Port::new("source.host.port", port.into())?), Some(Transport::Tcp))
    }

    /// A host reached over RDMA; an IPv6 address as in [`Host::tcp`].
    ///
    /// # Errors
    /// As [`Host::new`], and a port outside 1-65535.
    pub fn rdma(name: impl AsRef<str>, port: u16) -> Result<Self, Error> {
        Self::new(bare(name.as_ref()), Some(Port::new("source.host.port", port.into())?), Some(Transport::Rdma))
    }

    /// A host reached through a unix socket (`transport='unix'`).
    ///
    /// # Errors
    /// [`Error::RelativeSocket`] when `socket` does not start with `/`, or a character
    /// XML cannot carry.
    pub fn unix(socket: impl AsRef<str>) -> Result<Self, Error> {
        let socket = Text::new("source.host.socket", socket)?;
        if !socket.starts_with('/') {
            return Err(Error::RelativeSocket { field: "source.host.socket", path: socket.into_string() });
        }
        Ok(Self { name: None, port: None, transport: None, socket: Some(socket), unknown: Unknown::default() })
    }

    /// The host name; `None` for a unix socket.
    #[must_use]
    pub const fn name(&self) -> Option<&Text> {
        self.name.as_ref()
    }

    /// The port, if one was given.
    #[must_use]
    pub const fn port(&self) -> Option<Port> {
        self.port
    }

    /// The transport as written; `None` both for "not written" (tcp) and for a unix socket.
    #[must_use]
    pub const fn transport(&self) -> Option<&Transport> {
        self.transport.as_ref()
    }

    /// The socket path of a unix host.
    #[must_use]
    pub const fn socket(&self) -> Option<&Text> {
        self.socket.as_ref()
    }

    /// Whether this host is a unix socket.
    #[must_use]
    pub const fn is_unix(&self) -> bool {
        self.socket.is_some()
    }
}

/// `[addr]` without its brackets when `addr` is an IPv6 address (holds a `:`); else as is.
fn bare(name: &str) -> &str {
    match Bracketed::split(name) {
        Some(Some((inner, ""))) if inner.contains(':') => inner,
        _ => name,
    }
}

/// A host name as it is written before `:port` (in a URL, a socket address, a device path):
/// an IPv6 address (it holds a `:`) in brackets, any other name as is. The one place that
/// knows the bracketed form, both ways.
///
/// ```
/// use diskxml_model::Bracketed;
///
/// assert_eq!(format!("{}:26203", Bracketed("fd00::5")), "[fd00::5]:26203");
/// assert_eq!(format!("{}:26203", Bracketed("ovs.example")), "ovs.example:26203");
/// assert_eq!(Bracketed::split("[fd00::5]:26203/vol"), Some(Some(("fd00::5", ":26203/vol"))));
/// assert_eq!(Bracketed::split("[fd00::5"), Some(None));
/// assert_eq!(Bracketed::split("ovs:1"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bracketed<'a>(pub &'a str);

impl<'a> Bracketed<'a> {
    /// Reads `[address]rest`: `None` when `text` does not start with `[`; `Some(None)` when
    /// its `]` is missing; else the address inside and what follows the `]`.
    #[must_use]
    pub fn split(text: &'a str) -> Option<Option<(&'a str, &'a str)>> {
        let inner = text.strip_prefix('[')?;
        Some(inner.split_once(']'))
    }
}

impl core::fmt::Display for Bracketed<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0.contains(':') { write!(f, "[{}]", self.0) } else { f.write_str(self.0) }
    }
}

/// What [`DiskBuilder::host`](crate::DiskBuilder::host) accepts: a [`Host`], or the
/// result of building one, so that `Host::rdma(..)` can be passed straight in and its
/// error surfaces from `build()`.
pub trait IntoHost {
    /// The host, or why it could not be built.
    ///
    /// # Errors
    /// The error of building the host.
    fn into_host(self) -> Result<Host, Error>;
}

impl IntoHost for Host {
    fn into_host(self) -> Result<Host, Error> {
        Ok(self)
    }
}

impl IntoHost for Result<Host, Error> {
    fn into_host(self) -> Result<Host, Error> {
        self
    }
}
