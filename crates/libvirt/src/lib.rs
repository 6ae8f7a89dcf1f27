//! Attach and detach volumes on running libvirt guests, nova's way: connect the volume,
//! build its disk, hot-plug it, and undo the connection when the plug fails.
//!
//! This is the only diskxml crate that needs the libvirt C library (Debian's `libvirt-dev`
//! to build, `libvirt0` to run). The facade re-exports it as `diskxml::libvirt` with its
//! `libvirt` feature; the `diskxml` command has `attach` and `detach` with its own.
//!
//! ```no_run
//! use diskxml_connector::ConnectionInfo;
//! use diskxml_libvirt::{AttachOptions, DetachOptions, Libvirt};
//! use diskxml_parser::DiskSelector;
//!
//! let libvirt = Libvirt::open("qemu:///system")?;
//! let info = ConnectionInfo::from_json(r#"{"driver_volume_type": "nbd", "serial": "vol-1",
//!     "data": {"name": "vol-1", "hosts": ["127.0.0.1"], "ports": [10809]}}"#)?;
//! let attached = libvirt.attach("guest", &info, &AttachOptions::default())?;
//! println!("attached as {}:\n{}", attached.dev, attached.xml);
//! libvirt.detach("guest", &DiskSelector::Serial("vol-1".into()), Some(&info), &DetachOptions::default())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//! [`Error`] says what libvirt answered and what diskxml did about it (for example that the
//! volume's connection was undone after a failed plug).
//!
//! # Crate features
//! None.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant};

use diskxml_connector::{ConnectionInfo, DeviceInfo, DiskInfo, ProbeOptions, Registry};
use diskxml_model::{Bus, DeviceKind, Disk, Protocol, Source};
use diskxml_parser::{DiskSelector, DomainDisk};
use virt::connect::Connect;
use virt::domain::Domain;

const AFFECT_LIVE: u32 = 1;
const AFFECT_CONFIG: u32 = 2;
const XML_INACTIVE: u32 = 2;

/// Why an attach or detach failed, and what was done about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// libvirt refused a step other than the plug itself.
    #[error("libvirt: {action}: {message}")]
    Libvirt {
        /// What diskxml was doing.
        action: String,
        /// libvirt's message.
        message: String,
    },
    /// The connection info or the connector failed (nothing was attached).
    #[error(transparent)]
    Connector(#[from] diskxml_connector::Error),
    /// A domain's XML could not be read.
    #[error("the domain's XML: {0}")]
    Parse(#[from] diskxml_parser::Error),
    /// The volume is attached already.
    #[error("the volume with serial '{serial}' is attached already, as {dev}; nothing was done")]
    AlreadyAttached {
        /// Its serial.
        serial: String,
        /// The target dev it holds.
        dev: String,
    },
    /// The target dev asked for is taken.
    #[error("target dev {dev} is in use by the disk {holder}; nothing was done")]
    DevInUse {
        /// The dev asked for.
        dev: String,
        /// The disk that has it.
        holder: String,
    },
    /// No free target dev is left for the bus.
    #[error("libvirt's QEMU driver would refuse this disk, so nothing was connected or plugged: {}", problems.join("; "))]
    Refused {
        /// Each rule the disk breaks (`[rule] where: what`).
        problems: Vec<String>,
    },
    /// A live attach on a bus that cannot be hot-plugged.
    #[error(
        "a disk on bus '{bus}' cannot be plugged into a running guest (virtio, scsi and usb can); use --config alone, or another bus; nothing was done"
    )]
    NotHotpluggable {
        /// The bus.
        bus: String,
    },
    /// No free target dev for the bus.
    #[error("no free target dev with prefix '{prefix}'")]
    NoFreeDev {
        /// The prefix of the bus.
        prefix: &'static str,
    },
    /// libvirt refused the plug; the connection was undone (or undoing it failed too).
    #[error("libvirt refused to attach the disk: {message}{hint}; {rollback}")]
    AttachRefused {
        /// libvirt's message.
        message: String,
        /// What the message means, where diskxml knows (with a leading "; ").
        hint: String,
        /// What happened to the volume's connection.
        rollback: Rollback,
    },
    /// No disk matches the selector.
    #[error("domain '{domain}' has no disk with {selector}")]
    NotFound {
        /// The domain.
        domain: String,
        /// What was looked for.
        selector: DiskSelector,
    },
    /// The guest did not release the device in time; the volume stays connected.
    #[error(
        "the guest has not released {dev} after {waited:.1?}; the volume stays connected (retry, or detach from the config and restart the guest)"
    )]
    DetachTimeout {
        /// The target dev.
        dev: String,
        /// How long diskxml waited.
        waited: Duration,
    },
}

/// What happened to a volume's connection after a failed plug.
#[derive(Debug)]
pub enum Rollback {
    /// `disconnect` ran and succeeded.
    Undone,
    /// `disconnect` failed too: the volume may still be connected.
    Failed(Box<diskxml_connector::Error>),
}

impl fmt::Display for Rollback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undone => f.write_str("the volume's connection was undone"),
            Self::Failed(e) => write!(f, "undoing the volume's connection failed too: {e}"),
        }
    }
}

fn libvirt(action: impl Into<String>) -> impl FnOnce(virt::error::Error) -> Error {
    let action = action.into();
    move |e| Error::Libvirt { action, message: e.message().to_owned() }
}

/// How to attach.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AttachOptions {
    /// The target dev; `None` picks the first free one for the bus (`vd*` for virtio, `sd*`
    /// for scsi, sata and usb, `hd*` for ide, `fd*` for fdc, `xvd*` for xen).
    pub dev: Option<String>,
    /// The bus (default virtio).
    pub bus: Bus,
    /// How the guest sees the volume (default disk).
    pub device: DeviceKind,
    /// Plug into the running guest; `None` for both `live` and `config`: live and config
    /// for a running domain, config for a shut-off one.
    pub live: Option<bool>,
    /// Add to the persistent configuration; see `live`.
    pub config: Option<bool>,
    /// Whether and how long the connector probes the volume first.
    pub probe: ProbeOptions,
}

impl Default for AttachOptions {
    fn default() -> Self {
        Self {
            dev: None,
            bus: Bus::Virtio,
            device: DeviceKind::Disk,
            live: None,
            config: None,
            probe: ProbeOptions::default(),
        }
    }
}

/// How to detach.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DetachOptions {
    /// As in [`AttachOptions::live`].
    pub live: Option<bool>,
    /// As in [`AttachOptions::config`].
    pub config: Option<bool>,
    /// How long a live detach waits for the guest to release the device (default 30 s).
    pub timeout: Duration,
    /// How often the live XML is read while waiting (default 100 ms).
    pub poll: Duration,
}

impl Default for DetachOptions {
    fn default() -> Self {
        Self { live: None, config: None, timeout: Duration::from_secs(30), poll: Duration::from_millis(100) }
    }
}

/// An attached volume.
#[derive(Clone, Debug)]
pub struct Attached {
    /// The target dev it got.
    pub dev: String,
    /// Its `<disk>` as libvirt now reports it (live XML when plugged live, else the config).
    pub xml: String,
    /// What the connector made reachable.
    pub device: DeviceInfo,
}

/// A detached volume.
#[derive(Clone, Debug)]
pub struct Detached {
    /// The target dev it had.
    pub dev: String,
    /// Its `<disk>` as libvirt reported it before the detach.
    pub xml: String,
}

/// A connection to libvirt with a volume-driver registry.
pub struct Libvirt {
    conn: Connect,
    registry: Registry,
}

impl fmt::Debug for Libvirt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Libvirt").field("registry", &self.registry).finish_non_exhaustive()
    }
}

impl Libvirt {
    /// Connects to libvirt at `uri` (e.g. `qemu:///system`) with the built-in drivers.
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot be reached.
    pub fn open(uri: &str) -> Result<Self, Error> {
        Self::with_registry(uri, Registry::with_builtins())
    }

    /// Connects to libvirt at `uri` with the given volume drivers.
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot be reached.
    pub fn with_registry(uri: &str, registry: Registry) -> Result<Self, Error> {
        let conn = Connect::open(Some(uri)).map_err(libvirt(format!("connecting to {uri}")))?;
        Ok(Self { conn, registry })
    }

    /// The underlying libvirt connection, for what diskxml does not do.
    #[must_use]
    pub const fn connect(&self) -> &Connect {
        &self.conn
    }

    fn domain(&self, name: &str) -> Result<(Domain, bool), Error> {
        let dom = self.conn.lookup_domain_by_name(name).map_err(libvirt(format!("looking up domain '{name}'")))?;
        let active = dom.is_active().map_err(libvirt(format!("reading the state of '{name}'")))?;
        Ok((dom, active))
    }

    /// The domain's XML: live, or the persistent config.
    fn xml(dom: &Domain, name: &str, inactive: bool) -> Result<String, Error> {
        let flags = if inactive { XML_INACTIVE } else { 0 };
        dom.xml_desc(flags).map_err(libvirt(format!("reading the XML of '{name}'")))
    }

    /// The XMLs an operation with `flags` touches.
    fn affected_xmls(dom: &Domain, name: &str, flags: u32) -> Result<Vec<String>, Error> {
        let mut xmls = Vec::new();
        if flags & AFFECT_LIVE != 0 {
            xmls.push(Self::xml(dom, name, false)?);
        }
        if flags & AFFECT_CONFIG != 0 {
            xmls.push(Self::xml(dom, name, true)?);
        }
        Ok(xmls)
    }

    /// Attaches the volume `info` describes to domain `name`: connect, build the disk,
    /// plug it; when the plug fails, disconnect and say so.
    ///
    /// # Errors
    /// See [`Error`]: an unknown driver or a failed probe (nothing attached, nothing
    /// connected), a volume attached already or a dev in use (checked before connecting),
    /// libvirt's refusal (with the rollback's outcome).
    pub fn attach(&self, name: &str, info: &ConnectionInfo, options: &AttachOptions) -> Result<Attached, Error> {
        let driver = self.registry.driver_for(info)?;
        let (dom, active) = self.domain(name)?;
        let flags = flags(options.live, options.config, active);
        let mut disks: Vec<DomainDisk> = Vec::new();
        for xml in Self::affected_xmls(&dom, name, flags)? {
            disks.extend(diskxml_parser::domain_disks(&xml)?);
        }
        if let Some(serial) = info.serial()
            && let Some(existing) = disks.iter().find(|d| DiskSelector::Serial(serial.to_owned()).matches(&d.disk))
        {
            return Err(Error::AlreadyAttached { serial: serial.to_owned(), dev: dev_of(&existing.disk) });
        }
        let dev = choose_dev(&disks, options)?;

        let mut disk_info = DiskInfo::new(dev.clone(), options.bus.clone());
        disk_info.device = options.device.clone();
        // Judged before anything is connected: what libvirt would refuse is refused here.
        let disk = driver.disk(info, &disk_info)?;
        refuse_what_libvirt_refuses(&disk, flags & AFFECT_LIVE != 0)?;
        let device = driver.connect(info, &options.probe)?;
        let mut xml = String::new();
        let plugged = diskxml_writer::write_disk(&disk, &mut xml)
            .map_err(|e| Error::Libvirt { action: "writing the disk".into(), message: e.to_string() })
            .and_then(|()| {
                dom.attach_device_flags(&xml, flags).map_err(|e| Error::AttachRefused {
                    message: e.message().to_owned(),
                    hint: hint(&disk, e.message()),
                    rollback: Rollback::Undone,
                })
            });
        if let Err(error) = plugged {
            let rollback = match driver.disconnect(info, Some(&device)) {
                Ok(()) => Rollback::Undone,
                Err(e) => Rollback::Failed(Box::new(e)),
            };
            return Err(match error {
                Error::AttachRefused { message, hint, .. } => Error::AttachRefused { message, hint, rollback },
                other => other,
            });
        }
        let xml = Self::xml(&dom, name, flags & AFFECT_LIVE == 0)?;
        let reported = diskxml_parser::find_disk(&xml, &DiskSelector::TargetDev(dev.clone()))?
            .map(|d| d.xml(&xml).to_owned())
            .unwrap_or_default();
        Ok(Attached { dev, xml: reported, device })
    }

    /// Detaches the disk `selector` picks from domain `name`, with its XML as libvirt
    /// reports it; a live detach waits until the guest has released the device. Then, when
    /// `info` is given, its driver disconnects the volume.
    ///
    /// # Errors
    /// [`Error::NotFound`], libvirt's refusal, or [`Error::DetachTimeout`] (the volume then
    /// stays connected).
    pub fn detach(
        &self,
        name: &str,
        selector: &DiskSelector,
        info: Option<&ConnectionInfo>,
        options: &DetachOptions,
    ) -> Result<Detached, Error> {
        let start = Instant::now();
        let (dom, active) = self.domain(name)?;
        let flags = flags(options.live, options.config, active);
        let live = flags & AFFECT_LIVE != 0;
        let xml = Self::xml(&dom, name, !live)?;
        let found = diskxml_parser::find_disk(&xml, selector)?
            .ok_or_else(|| Error::NotFound { domain: name.to_owned(), selector: selector.clone() })?;
        let dev = dev_of(&found.disk);
        let disk_xml = found.xml(&xml).to_owned();
        dom.detach_device_flags(&disk_xml, flags).map_err(libvirt(format!("detaching {dev} from '{name}'")))?;
        if live {
            let by_dev = DiskSelector::TargetDev(dev.clone());
            loop {
                let now = Self::xml(&dom, name, false)?;
                if diskxml_parser::find_disk(&now, &by_dev)?.is_none() {
                    break;
                }
                if start.elapsed() >= options.timeout {
                    return Err(Error::DetachTimeout { dev, waited: start.elapsed() });
                }
                std::thread::sleep(options.poll.min(options.timeout.saturating_sub(start.elapsed())));
            }
        }
        if let Some(info) = info {
            self.registry.disconnect(info, None)?;
        }
        Ok(Detached { dev, xml: disk_xml })
    }
}

/// libvirt's modify flags: as asked, else live and config for a running domain and config
/// for a shut-off one.
fn flags(live: Option<bool>, config: Option<bool>, active: bool) -> u32 {
    match (live, config) {
        (None, None) if active => AFFECT_LIVE | AFFECT_CONFIG,
        (None, None) => AFFECT_CONFIG,
        (live, config) => {
            (if live == Some(true) { AFFECT_LIVE } else { 0 }) | (if config == Some(true) { AFFECT_CONFIG } else { 0 })
        }
    }
}

/// The dev asked for, if no disk holds it, or the first free one for the bus.
fn choose_dev(disks: &[DomainDisk], options: &AttachOptions) -> Result<String, Error> {
    match &options.dev {
        Some(dev) => match disks.iter().find(|d| DiskSelector::TargetDev(dev.clone()).matches(&d.disk)) {
            Some(holder) => Err(Error::DevInUse { dev: dev.clone(), holder: describe(&holder.disk) }),
            None => Ok(dev.clone()),
        },
        None => {
            let used: HashSet<String> =
                disks.iter().filter_map(|d| d.disk.target.as_ref().map(|t| t.dev.to_string())).collect();
            free_dev(&options.bus, &used)
        }
    }
}

/// The qemu profile's rules (but those that depend on the host's QEMU build), and for a live
/// plug, a bus that can be hot-plugged.
fn refuse_what_libvirt_refuses(disk: &Disk, live: bool) -> Result<(), Error> {
    let problems: Vec<String> = diskxml_rules::validate(disk, diskxml_rules::Profile::Qemu)
        .into_iter()
        .filter(|p| !p.rule.host_dependent())
        .map(|p| format!("[{}] {p}", p.rule))
        .collect();
    if !problems.is_empty() {
        return Err(Error::Refused { problems });
    }
    match disk.target.as_ref().and_then(|t| t.bus.as_ref()) {
        Some(bus) if live && !diskxml_rules::hotpluggable(bus) => Err(Error::NotHotpluggable { bus: bus.to_string() }),
        _ => Ok(()),
    }
}

fn dev_of(disk: &Disk) -> String {
    disk.target.as_ref().map_or_else(|| "(no target dev)".to_owned(), |t| t.dev.to_string())
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

/// What libvirt's refusal means, where diskxml knows.
fn hint(disk: &Disk, message: &str) -> String {
    let edge = matches!(&disk.source, Source::Network(n) if *n.protocol() == Protocol::Openvstorage);
    if edge && message.contains("protocol") {
        "; this libvirt does not know protocol='openvstorage': Open vStorage Edge volumes need the Open vStorage fork of libvirt".to_owned()
    } else {
        String::new()
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

    #[test]
    fn default_flags_follow_the_domain_state() {
        assert_eq!(flags(None, None, true), AFFECT_LIVE | AFFECT_CONFIG);
        assert_eq!(flags(None, None, false), AFFECT_CONFIG);
        assert_eq!(flags(Some(true), None, true), AFFECT_LIVE);
        assert_eq!(flags(None, Some(true), true), AFFECT_CONFIG);
    }
}
