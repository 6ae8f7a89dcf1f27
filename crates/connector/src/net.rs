//! nova's network volume driver (rbd, sheepdog, gluster, nbd), iSCSI in libvirt's network
//! form, and the local block and file drivers.

use diskxml_model::{
    Auth, BlockSource, Bracketed, Disk, FileSource, Host, NetworkSource, Port, Protocol, Secret, SecretType, Source,
    Text,
};
use serde_json::Value;

use crate::info::integer;
use crate::probe::nbd_probe;
use crate::{ConnectionInfo, DeviceInfo, DiskInfo, Error, HostSecret, ProbeOptions, VolumeDriver, common};

/// libvirt's port for `protocol` (nbd, iscsi: both have one).
fn port_of(protocol: &Protocol) -> u16 {
    diskxml_rules::default_port(protocol).unwrap_or_default()
}

/// nova's network volume driver for one protocol: `data.name` is the volume, `data.hosts`
/// and `data.ports` are parallel lists; for rbd, with `data.auth_enabled`,
/// `data.auth_username`, `data.secret_uuid` and `data.secret_type` become `<auth>`, falling
/// back to the host's [`HostSettings`] as nova does.
///
/// Host counts follow libvirt: nbd takes one host, sheepdog at most one, gluster at least one.
/// A name is required except for nbd.
///
/// `connect` is a pass-through (as nova's network driver is: QEMU connects itself), except
/// for nbd with probing on, which performs the NBD handshake, confirms that the export
/// exists and returns its size. `disconnect` has nothing to undo.
///
/// ```
/// use diskxml_connector::{ConnectionInfo, DiskInfo, Registry};
///
/// let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "rbd",
///     "data": {"name": "volumes/volume-1", "hosts": ["10.0.0.1", "10.0.0.2"], "ports": ["6789", 6789],
///              "auth_enabled": true, "auth_username": "cinder", "secret_type": "ceph",
///              "secret_uuid": "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"}}"#)?;
/// let disk = Registry::with_builtins().disk(&info, &DiskInfo::default())?;
/// assert_eq!(disk.auth.map(|a| a.username.to_string()).as_deref(), Some("cinder"));
/// # Ok::<(), diskxml_connector::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct NetworkVolume {
    protocol: Protocol,
    settings: HostSettings,
}

/// The compute host's own settings that nova's volume drivers fall back to: nova.conf's
/// `[libvirt] rbd_user` and `rbd_secret_uuid`. Explicit here, never read from the
/// environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostSettings {
    /// `[libvirt] rbd_user`: the Ceph user when the connection info names no secret.
    pub rbd_user: Option<String>,
    /// `[libvirt] rbd_secret_uuid`: the libvirt secret of that user.
    pub rbd_secret_uuid: Option<String>,
    /// The host's libvirt secrets of usage `volume`, by volume id → secret uuid: a volume
    /// with one is encrypted (`<encryption format='luks'>` with that passphrase), as nova
    /// finds with `host.find_secret('volume', volume_id)`.
    pub volume_secrets: std::collections::BTreeMap<String, String>,
}

impl NetworkVolume {
    /// The driver for `protocol`, without host settings.
    #[must_use]
    pub fn new(protocol: Protocol) -> Self {
        Self { protocol, settings: HostSettings::default() }
    }

    /// The driver for `protocol`, falling back to the host's `settings` as nova does.
    #[must_use]
    pub const fn with_settings(protocol: Protocol, settings: HostSettings) -> Self {
        Self { protocol, settings }
    }

    fn source(&self, info: &ConnectionInfo) -> Result<NetworkSource, Error> {
        let name = info.data_str("name")?;
        if name.is_none() && self.protocol != Protocol::Nbd {
            return Err(Error::field("data.name", format!("missing; a {} volume needs its name", self.protocol)));
        }
        let name = name.map(|n| Text::new("source.name", n)).transpose().map_err(|e| Error::model("data.name", &e))?;
        let mut source = NetworkSource::new(self.protocol.clone(), name);
        for host in hosts(info)? {
            source.push_host(host).map_err(|e| Error::model("data.hosts", &e))?;
        }
        let count = source.hosts().len();
        let rule = diskxml_rules::host_count(&self.protocol);
        if !rule.allows(count) {
            let message = format!("{count} host(s) given; {} takes {}", self.protocol, rule.describe());
            return Err(Error::field("data.hosts", message));
        }
        Ok(source)
    }

    /// rbd credentials as nova 34 decides them: with `data.auth_enabled`, the user
    /// `data.auth_username` and the secret `data.secret_uuid`, or, when that is null, the
    /// host's `rbd_user` and `rbd_secret_uuid`; without it, the host's settings when
    /// `rbd_secret_uuid` is set; the secret's type is `data.secret_type`, and no type means
    /// no `<auth>` (nova writes none).
    fn auth(&self, info: &ConnectionInfo) -> Result<Option<Auth>, Error> {
        if self.protocol != Protocol::Rbd {
            return Ok(None);
        }
        let host = (self.settings.rbd_user.as_deref(), self.settings.rbd_secret_uuid.as_deref());
        let (username, uuid, from_host) = if info.data_bool("auth_enabled")? == Some(true) {
            // nova reads both keys before it looks at either value.
            for key in ["auth_username", "secret_uuid"] {
                if !info.data().contains_key(key) {
                    return Err(Error::missing(format!("data.{key}"), Some("data.auth_enabled is true")));
                }
            }
            match info.data_str("secret_uuid")? {
                Some(uuid) => (Some(info.require_data_str("auth_username")?), Some(uuid), false),
                None => (host.0, host.1, true),
            }
        } else if host.1.is_some() {
            (host.0, host.1, true)
        } else {
            return Ok(None);
        };
        // nova reads data['secret_type'] whenever it sets credentials: absent is an error,
        // null means no <auth>.
        if !info.data().contains_key("secret_type") {
            return Err(Error::missing("data.secret_type", Some("rbd credentials need their secret's type")));
        }
        let Some(secret_type) = info.data_str("secret_type")? else { return Ok(None) };
        let why = "the connection info names no secret (data.secret_uuid) and the host settings \
                   (rbd_user, rbd_secret_uuid; --rbd-user, --rbd-secret-uuid) give none either";
        let (Some(username), Some(uuid)) = (username, uuid) else {
            let field = if from_host { "data.secret_uuid" } else { "data.auth_username" };
            return Err(Error::field(field, why));
        };
        let secret_type = SecretType::parse(secret_type).map_err(|e| Error::model("data.secret_type", &e))?;
        // Parsing keeps any value; a disk built from connection info takes only what libvirt knows.
        if !secret_type.is_known() {
            let known = SecretType::KNOWN.join(", ");
            return Err(Error::field(
                "data.secret_type",
                format!("{:?} is not a secret type libvirt accepts ({known})", secret_type.as_str()),
            ));
        }
        let field = if from_host { "rbd_secret_uuid" } else { "data.secret_uuid" };
        let secret = Secret::uuid(secret_type, uuid).map_err(|e| Error::model(field, &e))?;
        let field = if from_host { "rbd_user" } else { "data.auth_username" };
        Auth::new(username, Some(secret)).map(Some).map_err(|e| Error::model(field, &e))
    }
}

/// `data.hosts` and `data.ports` as parallel lists.
fn hosts(info: &ConnectionInfo) -> Result<Vec<Host>, Error> {
    let names = info.data_list("hosts")?.unwrap_or_default();
    let ports = info.data_list("ports")?;
    if let Some(ports) = ports
        && ports.len() != names.len()
    {
        return Err(Error::field(
            "data.ports",
            format!(
                "{} port(s) for {} host(s); data.hosts and data.ports must be lists of the same length",
                ports.len(),
                names.len()
            ),
        ));
    }
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            // Field names are made only for an error: this runs for every rendered disk.
            let field = || format!("data.hosts[{i}]");
            let Value::String(name) = name else {
                return Err(Error::wrong_type(field(), "a string", name));
            };
            let port = match ports.map(|p| &p[i]) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.is_empty() => None,
                Some(value) => {
                    let port_field = || format!("data.ports[{i}]");
                    let n = integer(port_field, value)?;
                    Some(Port::new("port", n).map_err(|_| {
                        Error::field(port_field(), format!("port {n} is out of range; expected 1-65535"))
                    })?)
                }
            };
            Host::new(name.as_str(), port, None).map_err(|e| Error::model(field(), &e))
        })
        .collect()
}

impl VolumeDriver for NetworkVolume {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let source = self.source(info)?;
        let auth = self.auth(info)?;
        let mut disk = common::disk_with_common_settings(Source::Network(Box::new(source)), info, disk_info)?;
        disk.auth = auth.map(Box::new);
        Ok(disk)
    }

    fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        let source = self.source(info)?;
        let name = source.name.as_deref().unwrap_or_default();
        let host = source.hosts().first();
        let address = host.and_then(|h| h.name()).map(|n| {
            let port = host.and_then(Host::port).map(Port::get);
            (n.as_str(), port)
        });
        let path = match address {
            Some((host, Some(port))) => format!("{}://{}:{port}/{name}", self.protocol, Bracketed(host)),
            Some((host, None)) => format!("{}://{host}/{name}", self.protocol),
            None => format!("{}:{name}", self.protocol),
        };
        let mut device = DeviceInfo { kind: self.protocol.to_string(), path, size: None, probed: false };
        if probe.probe
            && self.protocol == Protocol::Nbd
            && let Some((host, port)) = address
        {
            device.size = Some(nbd_probe(host, port.unwrap_or(port_of(&Protocol::Nbd)), name, probe.timeout)?);
            device.probed = true;
        }
        Ok(device)
    }

    fn disconnect(&self, _info: &ConnectionInfo, _device: Option<&DeviceInfo>) -> Result<(), Error> {
        Ok(())
    }
}

/// iSCSI in libvirt's network form: the name is `<data.target_iqn>/<data.target_lun>`, host
/// and port come from `data.target_portal` (`host:port`, `[v6]:port`, port 3260 when absent).
/// With `data.auth_method` `CHAP`, `<auth username='data.auth_username'>` names an iscsi
/// secret by `data.secret_uuid`, or else by usage: the source name `<iqn>/<lun>`, the secret
/// nova finds or creates with `data.auth_password` ([`VolumeDriver::host_secret`]; the
/// libvirt crate's attach does the same, and its detach deletes it, as nova does).
/// `connect` is a pass-through: QEMU logs in itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct IscsiNetwork;

impl IscsiNetwork {
    fn source(info: &ConnectionInfo) -> Result<NetworkSource, Error> {
        let iqn = info.require_data_str("target_iqn")?;
        let lun = match info.data().get("target_lun") {
            None | Some(Value::Null) => 0,
            Some(v) => integer(|| "data.target_lun".to_owned(), v)?,
        };
        let name = Text::new("source.name", format!("{iqn}/{lun}")).map_err(|e| Error::model("data.target_iqn", &e))?;
        let portal = info.require_data_str("target_portal")?;
        let (host, port) = split_portal(portal)?;
        let mut source = NetworkSource::new(Protocol::Iscsi, Some(name));
        let port = Port::new("port", u64::from(port)).map_err(|e| Error::model("data.target_portal", &e))?;
        let host = Host::new(host, Some(port), None).map_err(|e| Error::model("data.target_portal", &e))?;
        source.push_host(host).map_err(|e| Error::model("data.target_portal", &e))?;
        Ok(source)
    }
}

fn split_portal(portal: &str) -> Result<(&str, u16), Error> {
    let bad = |why: &str| {
        Error::field("data.target_portal", format!("{why}; expected HOST[:PORT] or [IPV6][:PORT], found {portal:?}"))
    };
    let (host, port) = if let Some(split) = Bracketed::split(portal) {
        let (host, after) = split.ok_or_else(|| bad("an IPv6 host is not closed with ']'"))?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return Err(bad("unexpected text after ']'")),
        }
    } else {
        match portal.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => (host, Some(port)),
            Some(_) => return Err(bad("an IPv6 host needs brackets")),
            None => (portal, None),
        }
    };
    if host.is_empty() {
        return Err(bad("the host is empty"));
    }
    let port = match port {
        None => port_of(&Protocol::Iscsi),
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| bad("the port is not in 1-65535"))?
        }
        Some(_) => return Err(bad("the port is not a decimal number")),
    };
    Ok((host, port))
}

impl VolumeDriver for IscsiNetwork {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let mut source = Self::source(info)?;
        if info.data_str("auth_method")? == Some("CHAP") {
            let username = info.require_data_str("auth_username")?;
            let secret = match info.data_str("secret_uuid")? {
                Some(uuid) => {
                    Secret::uuid(SecretType::Iscsi, uuid).map_err(|e| Error::model("data.secret_uuid", &e))?
                }
                None => {
                    let usage = source.name.as_deref().unwrap_or_default();
                    Secret::usage(SecretType::Iscsi, usage).map_err(|e| Error::model("data.target_iqn", &e))?
                }
            };
            let auth = Auth::new(username, Some(secret)).map_err(|e| Error::model("data.auth_username", &e))?;
            source.auth = Some(Box::new(auth));
        }
        common::disk_with_common_settings(Source::Network(Box::new(source)), info, disk_info)
    }

    fn host_secret(&self, info: &ConnectionInfo) -> Result<Option<HostSecret>, Error> {
        if info.data_str("auth_method")? != Some("CHAP") || info.data_str("secret_uuid")?.is_some() {
            return Ok(None);
        }
        let usage = Self::source(info)?.name.map(|n| n.to_string()).unwrap_or_default();
        let value = info.data_str("auth_password")?.map(str::to_owned);
        Ok(Some(HostSecret { kind: SecretType::Iscsi, usage, value }))
    }

    fn connect(&self, info: &ConnectionInfo, _probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        let source = Self::source(info)?;
        let host = &source.hosts()[0];
        let path = format!(
            "iscsi://{}:{}/{}",
            host.name().map(Text::as_str).unwrap_or_default(),
            host.port().map_or(port_of(&Protocol::Iscsi), Port::get),
            source.name.as_deref().unwrap_or_default()
        );
        Ok(DeviceInfo { kind: "iscsi".to_owned(), path, size: None, probed: false })
    }

    fn disconnect(&self, _info: &ConnectionInfo, _device: Option<&DeviceInfo>) -> Result<(), Error> {
        Ok(())
    }
}

/// A volume the host already sees: `local` (a block device) or `file` (an image file), from
/// `data.device_path`. `connect` checks nothing and returns the path; `disconnect` is a no-op.
#[derive(Clone, Copy, Debug)]
pub struct LocalVolume {
    block: bool,
}

impl LocalVolume {
    /// `local`: a block device.
    #[must_use]
    pub const fn block() -> Self {
        Self { block: true }
    }

    /// `file`: an image file.
    #[must_use]
    pub const fn file() -> Self {
        Self { block: false }
    }
}

impl VolumeDriver for LocalVolume {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, Error> {
        let path = info.require_data_str("device_path")?;
        let path = Some(Text::new("source", path).map_err(|e| Error::model("data.device_path", &e))?);
        let source = if self.block {
            Source::Block(BlockSource { dev: path, ..BlockSource::default() })
        } else {
            Source::File(FileSource { path, ..FileSource::default() })
        };
        common::disk_with_common_settings(source, info, disk_info)
    }

    /// With the probe: the path must exist, and be a block device for `local` (the disk is
    /// `type='block'`), a file or block device for `file`.
    fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, Error> {
        let path = info.require_data_str("device_path")?.to_owned();
        if probe.probe {
            host_path(&path, self.block)?;
        }
        Ok(DeviceInfo {
            kind: if self.block { "local" } else { "file" }.to_owned(),
            path,
            size: None,
            probed: probe.probe,
        })
    }

    fn disconnect(&self, _info: &ConnectionInfo, _device: Option<&DeviceInfo>) -> Result<(), Error> {
        Ok(())
    }
}

/// The probe of a host path: it exists, and is what the disk's type needs.
fn host_path(path: &str, block: bool) -> Result<(), Error> {
    let missing = |reason: String| Error::NoDevice { path: path.to_owned(), reason };
    let meta = std::fs::metadata(path).map_err(|e| missing(e.to_string()))?;
    let kind = meta.file_type();
    #[cfg(unix)]
    let is_block = std::os::unix::fs::FileTypeExt::is_block_device(&kind);
    #[cfg(not(unix))]
    let is_block = false;
    if block && !is_block {
        return Err(missing("not a block device; a local volume's disk is type='block'".to_owned()));
    }
    if !(block || kind.is_file() || is_block) {
        return Err(missing("neither a file nor a block device".to_owned()));
    }
    Ok(())
}
