//! serde for the types a plain derive would let bypass their invariants: every string is
//! checked as [`Text`] or [`Name`] is, a host keeps its two shapes apart, a network source
//! applies its protocol's host rules, attribute names stay unique. What a derive would
//! accept unchecked is read into a `*Repr` and built with the public constructors.

use alloc::string::String;
use alloc::vec::Vec;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    Attribute, Auth, Element, Encryption, Error, Host, Name, NetworkExtras, NetworkSource, Node, Port, Protocol, Text,
    Transport, Unknown,
};

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new("text", String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new("name", String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// `target.dev`, which [`Target::new`](crate::Target::new) refuses empty.
pub(crate) fn target_dev<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
    let dev = Text::new("target.dev", String::deserialize(deserializer)?).map_err(D::Error::custom)?;
    if dev.is_empty() {
        return Err(D::Error::custom(Error::Empty { field: "target.dev" }));
    }
    Ok(dev)
}

/// Reads a vocabulary value by its libvirt spelling (`Other` for one not known).
pub(crate) fn vocabulary<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    parse: fn(&str) -> Result<T, Error>,
) -> Result<T, D::Error> {
    let spelling = String::deserialize(deserializer)?;
    parse(&spelling).map_err(D::Error::custom)
}

/// Refuses a second attribute of one name: the XML written would not be well formed.
fn unique(attributes: &[Attribute]) -> Result<(), Error> {
    for (i, a) in attributes.iter().enumerate() {
        if attributes[..i].iter().any(|b| b.name == a.name) {
            return Err(Error::DuplicateAttribute { name: a.name.as_str().into() });
        }
    }
    Ok(())
}

/// [`Element`] as read, before its attribute names are checked to be unique.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ElementRepr {
    name: Name,
    #[serde(default)]
    attributes: Vec<Attribute>,
    #[serde(default)]
    children: Vec<Node>,
}

impl TryFrom<ElementRepr> for Element {
    type Error = Error;

    fn try_from(repr: ElementRepr) -> Result<Self, Error> {
        unique(&repr.attributes)?;
        let mut element = Self::new(repr.name);
        for a in repr.attributes {
            element.set_attribute(a.name, a.value);
        }
        element.children = repr.children;
        Ok(element)
    }
}

/// [`Unknown`] as written and read (before its attribute names are checked to be unique).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnknownRepr {
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    attributes: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    children: Vec<Node>,
}

impl From<Unknown> for UnknownRepr {
    fn from(unknown: Unknown) -> Self {
        Self { attributes: unknown.attributes().to_vec(), children: unknown.children().to_vec() }
    }
}

impl TryFrom<UnknownRepr> for Unknown {
    type Error = Error;

    fn try_from(repr: UnknownRepr) -> Result<Self, Error> {
        unique(&repr.attributes)?;
        let mut unknown = Self::default();
        for a in repr.attributes {
            unknown.set_attribute(a.name, a.value);
        }
        if !repr.children.is_empty() {
            *unknown.children_mut() = repr.children;
        }
        Ok(unknown)
    }
}

/// [`Host`] as read: a name (with port and transport) or a unix socket, not both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HostRepr {
    name: Option<String>,
    port: Option<Port>,
    transport: Option<Transport>,
    socket: Option<String>,
    #[serde(default)]
    unknown: Unknown,
}

impl TryFrom<HostRepr> for Host {
    type Error = Error;

    fn try_from(repr: HostRepr) -> Result<Self, Error> {
        let mut host = match (repr.name, repr.socket) {
            (Some(name), None) => Self::new(name, repr.port, repr.transport)?,
            (None, Some(socket)) if repr.port.is_none() && repr.transport.is_none() => Self::unix(socket)?,
            (None, Some(_)) => {
                return Err(Error::Conflict {
                    field: "source.host",
                    why: "a unix socket host has no port or transport",
                });
            }
            (Some(_), Some(_)) => {
                return Err(Error::Conflict { field: "source.host", why: "a host has a name or a socket, not both" });
            }
            (None, None) => {
                return Err(Error::Missing { field: "source.host.name", why: "a host needs a name or a socket" });
            }
        };
        host.unknown = repr.unknown;
        Ok(host)
    }
}

/// [`NetworkSource`] as read, before its hosts pass the protocol's rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NetworkSourceRepr {
    protocol: Protocol,
    #[serde(default)]
    hosts: Vec<Host>,
    name: Option<Text>,
    snapshot_timeout: Option<u32>,
    index: Option<u32>,
    auth: Option<alloc::boxed::Box<Auth>>,
    encryption: Option<alloc::boxed::Box<Encryption>>,
    extras: Option<alloc::boxed::Box<NetworkExtras>>,
    #[serde(default)]
    unknown: Unknown,
}

impl TryFrom<NetworkSourceRepr> for NetworkSource {
    type Error = Error;

    fn try_from(repr: NetworkSourceRepr) -> Result<Self, Error> {
        let mut source = Self::new(repr.protocol, repr.name);
        for host in repr.hosts {
            source.push_host(host)?;
        }
        source.snapshot_timeout = repr.snapshot_timeout;
        source.index = repr.index;
        source.auth = repr.auth;
        source.encryption = repr.encryption;
        source.extras = repr.extras;
        source.unknown = repr.unknown;
        Ok(source)
    }
}
