//! Where a disk's data comes from; `disk@type` follows from it.

use alloc::string::ToString;
use alloc::vec::Vec;

use crate::{
    Auth, Element, Encryption, Error, Host, Protocol, StartupPolicy, Text, Transport, Unknown, VolumeMode, YesNo,
};

/// The source of a disk. `disk@type` follows from the variant, so the two can never disagree.
///
/// Kinds the model does not know are kept whole in [`Source::Other`].
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// `type='file'`: an image file (`<source file=.../>`).
    File(FileSource),
    /// `type='block'`: a host block device (`<source dev=.../>`).
    Block(BlockSource),
    /// `type='dir'`: a host directory shown as a disk (`<source dir=.../>`).
    Dir(DirSource),
    /// `type='network'`: a volume reached over a network protocol (boxed: it is the largest).
    Network(alloc::boxed::Box<NetworkSource>),
    /// `type='volume'`: a volume of a libvirt storage pool.
    Volume(alloc::boxed::Box<VolumeSource>),
    /// `type='nvme'`: a namespace of a host NVMe controller.
    Nvme(alloc::boxed::Box<NvmeSource>),
    /// `type='vhostuser'`: a vhost-user-blk backend behind a unix socket.
    VhostUser(VhostUserSource),
    /// A disk type the model does not know yet, kept whole.
    Other(alloc::boxed::Box<OtherSource>),
}

impl Source {
    /// The value of `disk@type` for this source.
    #[must_use]
    pub fn disk_type(&self) -> &str {
        match self {
            Self::Other(other) => other.disk_type.as_str(),
            known => known.known_type().unwrap_or_default(),
        }
    }

    /// `disk@type` of a kind the model knows, as the `'static` string it is; `None` for
    /// [`Source::Other`].
    #[must_use]
    pub const fn known_type(&self) -> Option<&'static str> {
        match self {
            Self::File(_) => Some("file"),
            Self::Block(_) => Some("block"),
            Self::Network(_) => Some("network"),
            Self::Dir(_) => Some("dir"),
            Self::Volume(_) => Some("volume"),
            Self::Nvme(_) => Some("nvme"),
            Self::VhostUser(_) => Some("vhostuser"),
            Self::Other(_) => None,
        }
    }

    /// The part a host-side source (file, block, dir, volume) shares with the others.
    #[must_use]
    pub const fn common(&self) -> Option<&SourceCommon> {
        match self {
            Self::File(f) => Some(&f.common),
            Self::Block(b) => Some(&b.common),
            Self::Dir(d) => Some(&d.common),
            Self::Volume(v) => Some(&v.common),
            _ => None,
        }
    }

    /// [`Source::common`], to change it.
    pub const fn common_mut(&mut self) -> Option<&mut SourceCommon> {
        match self {
            Self::File(f) => Some(&mut f.common),
            Self::Block(b) => Some(&mut b.common),
            Self::Dir(d) => Some(&mut d.common),
            Self::Volume(v) => Some(&mut v.common),
            _ => None,
        }
    }

    /// `source@index`, for the kinds that have one (every kind the model types).
    pub const fn index_mut(&mut self) -> Option<&mut Option<u32>> {
        match self {
            Self::Network(n) => Some(&mut n.index),
            Self::Nvme(n) => Some(&mut n.index),
            Self::VhostUser(v) => Some(&mut v.index),
            Self::File(f) => Some(&mut f.common.index),
            Self::Block(b) => Some(&mut b.common.index),
            Self::Dir(d) => Some(&mut d.common.index),
            Self::Volume(v) => Some(&mut v.common.index),
            Self::Other(_) => None,
        }
    }

    /// The `<encryption>` inside the source, for the kinds that take one.
    #[must_use]
    pub fn encryption(&self) -> Option<&Encryption> {
        match self {
            Self::Network(n) => n.encryption.as_deref(),
            other => other.common().and_then(|c| c.encryption.as_deref()),
        }
    }

    /// [`Source::encryption`], to change it.
    pub fn encryption_mut(&mut self) -> Option<&mut Encryption> {
        match self {
            Self::Network(n) => n.encryption.as_deref_mut(),
            other => other.common_mut().and_then(|c| c.encryption.as_deref_mut()),
        }
    }

    /// The children of `<source>` the model does not know (for an unknown kind, the kept
    /// element's children).
    pub fn unknown_children_mut(&mut self) -> Option<&mut Vec<crate::Node>> {
        match self {
            Self::Network(n) => Some(n.unknown.children_mut()),
            Self::Nvme(n) => Some(n.unknown.children_mut()),
            Self::VhostUser(v) => Some(v.unknown.children_mut()),
            Self::Other(o) => o.source.as_mut().map(|e| &mut e.children),
            other => other.common_mut().map(|c| c.unknown.children_mut()),
        }
    }
}

/// What every host-side `<source>` (file, block, dir, volume) has besides its own
/// attributes, hoisted into one part as libvirt's Go library does: one place to read,
/// write, normalise and generate it, so no kind of source can forget one of them.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceCommon {
    /// `source@startupPolicy`.
    pub startup_policy: Option<StartupPolicy>,
    /// `source@index` (backing chains).
    pub index: Option<u32>,
    /// `<encryption>` inside the source.
    pub encryption: Option<alloc::boxed::Box<Encryption>>,
    /// Attributes and children of `<source>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl SourceCommon {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.startup_policy.is_none() && self.index.is_none() && self.encryption.is_none() && self.unknown.is_empty()
    }
}

/// The source of a `type='file'` disk. A cdrom or floppy without media has no path.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileSource {
    /// `source@file`.
    pub path: Option<Text>,
    /// What every host-side source shares: startup policy, index, encryption, the unknown.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "SourceCommon::is_empty"))]
    pub common: SourceCommon,
}

/// The source of a `type='block'` disk.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BlockSource {
    /// `source@dev`.
    pub dev: Option<Text>,
    /// What every host-side source shares: startup policy, index, encryption, the unknown.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "SourceCommon::is_empty"))]
    pub common: SourceCommon,
}

/// The source of a `type='dir'` disk.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DirSource {
    /// `source@dir`.
    pub dir: Option<Text>,
    /// What every host-side source shares: startup policy, index, encryption, the unknown.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "SourceCommon::is_empty"))]
    pub common: SourceCommon,
}

/// The source of a `type='volume'` disk: a volume of a storage pool.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct VolumeSource {
    /// `source@pool`.
    pub pool: Option<Text>,
    /// `source@volume`.
    pub volume: Option<Text>,
    /// `source@mode` (iSCSI pools).
    pub mode: Option<VolumeMode>,
    /// What every host-side source shares: startup policy, index, encryption, the unknown
    /// (a `<seclabel>`, say).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "SourceCommon::is_empty"))]
    pub common: SourceCommon,
}

/// The source of a `type='nvme'` disk.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NvmeSource {
    /// `source@type` (`pci`).
    pub source_type: Option<Text>,
    /// `source@managed`.
    pub managed: Option<YesNo>,
    /// `source@namespace`.
    pub namespace: Option<u32>,
    /// `source@index`.
    pub index: Option<u32>,
    /// `<address>` of the controller (PCI, written in hexadecimal, without a `type`).
    pub address: Option<crate::PciAddress>,
    /// Attributes and children of `<source>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// The source of a `type='vhostuser'` disk.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct VhostUserSource {
    /// `source@type` (`unix`).
    pub source_type: Option<Text>,
    /// `source@path`: the socket.
    pub path: Option<Text>,
    /// `source@index`.
    pub index: Option<u32>,
    /// Attributes and children of `<source>` (`<reconnect>`, say) the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// A disk type the model does not know: `disk@type` and the whole `<source>` element.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OtherSource {
    /// `disk@type` as written.
    pub disk_type: Text,
    /// The `<source>` element, kept whole, if there was one.
    pub source: Option<Element>,
}

/// The source of a `type='network'` disk: protocol, volume name and hosts.
///
/// Protocol and hosts are private so that the protocol's host rules hold by construction:
/// `openvstorage` takes zero hosts (shared memory) or one, over tcp or rdma.
///
/// ```
/// use diskxml_model::{Host, NetworkSource, Protocol, Text};
///
/// let mut source = NetworkSource::new(Protocol::Openvstorage, Some(Text::new("source.name", "vol1")?));
/// source.push_host(Host::rdma("ovs.include.gr", 12329)?)?;
/// assert!(source.push_host(Host::tcp("second.example", 26203)?).is_err());
/// assert_eq!(source.hosts().len(), 1);
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "crate::serde_impl::NetworkSourceRepr"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NetworkSource {
    protocol: Protocol,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "crate::hosts::Hosts::is_empty"))]
    hosts: crate::hosts::Hosts,
    /// `source@name`: the volume (for rbd `pool/image`, for iscsi `iqn/lun`).
    pub name: Option<Text>,
    /// `source@snapshot-timeout` (Open vStorage): seconds a snapshot waits, 0 for ever.
    pub snapshot_timeout: Option<u32>,
    /// `source@index`.
    pub index: Option<u32>,
    /// `<auth>` inside the source (libvirt's current placement), boxed: most sources have none.
    pub auth: Option<alloc::boxed::Box<Auth>>,
    /// `<encryption>` inside the source.
    pub encryption: Option<alloc::boxed::Box<Encryption>>,
    /// The source's less common parts libvirt knows (the attributes `tls`, `tlsHostname`
    /// and `query`; the children snapshot, config, cookies, ...), boxed: most sources have
    /// none (none is `None`, never an empty box).
    pub extras: Option<alloc::boxed::Box<NetworkExtras>>,
    /// Attributes and children of `<source>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// The less common parts of a network `<source>`: three attributes, and children each typed only in its plain form
/// (just the attributes named here); anything richer is kept whole in
/// [`NetworkSource::unknown`], so nothing read is lost.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NetworkExtras {
    /// `source@tls`.
    pub tls: Option<YesNo>,
    /// `source@tlsHostname`.
    pub tls_hostname: Option<Text>,
    /// `source@query` (http, https).
    pub query: Option<Text>,
    /// `<snapshot name=.../>` (rbd).
    pub snapshot: Option<Text>,
    /// `<config file=.../>` (rbd).
    pub config: Option<Text>,
    /// `<knownHosts path=.../>` (ssh).
    pub known_hosts: Option<Text>,
    /// `<identity .../>` (nfs: user, group; ssh: username, keyfile, agentsock).
    pub identity: Option<Identity>,
    /// `<reconnect delay=.../>` (nbd), in seconds.
    pub reconnect_delay: Option<u32>,
    /// `<ssl verify=.../>` (https, ftps).
    pub ssl_verify: Option<YesNo>,
    /// `<cookies>` (http, https): name and value of each `<cookie>`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "<[_]>::is_empty"))]
    pub cookies: alloc::vec::Vec<(Text, Text)>,
    /// `<readahead size=.../>` (curl protocols), in bytes.
    pub readahead: Option<u64>,
    /// `<timeout seconds=.../>` (curl protocols).
    pub timeout: Option<u64>,
    /// `<initiator><iqn name=.../></initiator>` (iscsi).
    pub initiator_iqn: Option<Text>,
}

impl NetworkExtras {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a child element is set (the three attributes aside): whether `<source>` has
    /// children on their account.
    ///
    /// ```
    /// use diskxml_model::{NetworkExtras, YesNo};
    ///
    /// let tls = NetworkExtras { tls: Some(YesNo::Yes), ..NetworkExtras::default() };
    /// assert!(!tls.is_empty() && !tls.has_children());
    /// let timeout = NetworkExtras { timeout: Some(5), ..NetworkExtras::default() };
    /// assert!(timeout.has_children());
    /// ```
    #[must_use]
    pub fn has_children(&self) -> bool {
        // Every field named, none skipped with `..`: a new one is a compile error here.
        let Self {
            tls: _,
            tls_hostname: _,
            query: _,
            snapshot,
            config,
            known_hosts,
            identity,
            reconnect_delay,
            ssl_verify,
            cookies,
            readahead,
            timeout,
            initiator_iqn,
        } = self;
        snapshot.is_some()
            || config.is_some()
            || known_hosts.is_some()
            || identity.is_some()
            || reconnect_delay.is_some()
            || ssl_verify.is_some()
            || !cookies.is_empty()
            || readahead.is_some()
            || timeout.is_some()
            || initiator_iqn.is_some()
    }
}

/// `<identity>` of an nfs or ssh source.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Identity {
    /// `user` (nfs).
    pub user: Option<Text>,
    /// `group` (nfs).
    pub group: Option<Text>,
    /// `username` (ssh).
    pub username: Option<Text>,
    /// `keyfile` (ssh).
    pub keyfile: Option<Text>,
    /// `agentsock` (ssh).
    pub agentsock: Option<Text>,
}

impl NetworkSource {
    /// A source with no hosts yet.
    #[must_use]
    pub fn new(protocol: Protocol, name: Option<Text>) -> Self {
        Self {
            protocol,
            hosts: crate::hosts::Hosts::new(),
            name,
            snapshot_timeout: None,
            index: None,
            auth: None,
            encryption: None,
            extras: None,
            unknown: Unknown::default(),
        }
    }

    /// The protocol.
    #[must_use]
    pub const fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// The hosts, in document order.
    #[must_use]
    pub fn hosts(&self) -> &[Host] {
        self.hosts.as_slice()
    }

    /// Makes room for `count` hosts in all, so that pushing them allocates once (one host
    /// needs no room: it is stored inline). A reader that knows the count calls it first.
    pub fn reserve_hosts(&mut self, count: usize) {
        self.hosts.reserve_total(count);
    }

    /// Appends a host.
    ///
    /// # Errors
    /// [`Error::TooManyHosts`] or [`Error::TransportNotAllowed`] when the protocol does not
    /// take it (`openvstorage`: at most one host, tcp or rdma).
    pub fn push_host(&mut self, host: Host) -> Result<(), Error> {
        if self.protocol == Protocol::Openvstorage {
            if !self.hosts.is_empty() {
                return Err(Error::TooManyHosts {
                    protocol: self.protocol.to_string(),
                    max: 1,
                    count: self.hosts.len() + 1,
                });
            }
            let allowed = !host.is_unix() && matches!(host.transport(), None | Some(Transport::Tcp | Transport::Rdma));
            if !allowed {
                let transport = host.transport().map_or_else(|| "unix".to_string(), ToString::to_string);
                return Err(Error::TransportNotAllowed {
                    protocol: self.protocol.to_string(),
                    transport,
                    allowed: "use tcp or rdma",
                });
            }
        }
        self.hosts.push(host);
        Ok(())
    }

    /// Appends a host, builder style.
    ///
    /// # Errors
    /// As [`NetworkSource::push_host`].
    pub fn with_host(mut self, host: Host) -> Result<Self, Error> {
        self.push_host(host)?;
        Ok(self)
    }

    /// Removes every host.
    pub fn clear_hosts(&mut self) {
        self.hosts.clear();
    }
}
