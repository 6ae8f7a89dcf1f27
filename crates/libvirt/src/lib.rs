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
//! # Concurrency and faults
//! Everything between reading a domain's XML and the plug (the duplicate-serial check, the
//! dev choice, the plug, the rollback), and the same for a detach, runs under an advisory
//! lock on a file named after the domain's UUID ([`Libvirt::lock_dir`], by default
//! [`default_lock_dir`]), shared by every process on the host. When diskxml picked the dev
//! and libvirt answers that it exists (another tool plugged meanwhile), it reads the domain
//! again and tries the next free dev, up to [`DEV_RETRIES`] times. An [`Interrupt`] stops
//! an operation at its next safe point and undoes what it did. libvirt's own error printer
//! is silenced ([`Libvirt::open`]): each libvirt error reaches the caller once, in
//! [`Error`]. `docs/attach.md` has the flows step by step.
//!
//! # Errors
//! [`Error`] says what libvirt answered and what diskxml did about it ([`Done`]: nothing,
//! the volume's connection undone, what was left).
//!
//! # Crate features
//! None.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use diskxml_connector::{ConnectionInfo, DeviceInfo, DiskInfo, ProbeOptions, Registry};
use diskxml_model::{Bus, DeviceKind, Disk, Protocol, Source};
use diskxml_parser::{DiskSelector, DomainDisk};
use virt::connect::Connect;
use virt::domain::Domain;
use virt::error::ErrorNumber;

mod definitions;
mod dev;
mod error;
mod lock;
mod secrets;

pub use definitions::Definition;
use dev::choose_dev;
pub use dev::free_dev;
pub use error::{Done, Error};
use lock::{DomainLock, LockRequest};
pub use lock::{Interrupt, default_lock_dir, signal_name};
use secrets::CreatedSecret;

/// A callback told what an operation waits for.
type Notice = dyn Fn(&str) + Send + Sync;

const AFFECT_LIVE: u32 = virt::sys::VIR_DOMAIN_AFFECT_LIVE;
const AFFECT_CONFIG: u32 = virt::sys::VIR_DOMAIN_AFFECT_CONFIG;
const XML_INACTIVE: u32 = virt::sys::VIR_DOMAIN_XML_INACTIVE;

/// How many times an attach that picked its own dev tries the next free one when libvirt
/// answers that the dev exists (another tool plugged a disk meanwhile).
pub const DEV_RETRIES: usize = 8;

fn libvirt(action: impl Into<String>) -> impl FnOnce(virt::error::Error) -> Error {
    let action = action.into();
    move |e| Error::Libvirt { action, message: e.message().to_owned(), done: Done::Nothing }
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
#[non_exhaustive]
pub struct Attached {
    /// The target dev it got.
    pub dev: String,
    /// Its `<disk>` as libvirt now reports it (live XML when plugged live, else the config),
    /// as a document of its own ([`DomainDisk::standalone`]).
    pub xml: String,
    /// What the connector made reachable.
    pub device: DeviceInfo,
    /// Whether it was plugged into the running guest.
    pub live: bool,
    /// Whether it was added to the persistent configuration.
    pub config: bool,
    /// The libvirt secret whose value opens the volume, when it was attached encrypted
    /// (LUKS; see [`Libvirt::volume_secret`]).
    pub encryption_secret: Option<String>,
}

/// A detached volume.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Detached {
    /// The target dev it had.
    pub dev: String,
    /// Its `<disk>` as libvirt reported it before the detach, as a document of its own.
    pub xml: String,
    /// Whether it was unplugged from the running guest.
    pub live: bool,
    /// Whether it was removed from the persistent configuration.
    pub config: bool,
    /// Whether its volume was disconnected (connection info was given).
    pub disconnected: bool,
}

/// A connection to libvirt with a volume-driver registry, the lock directory and timeout,
/// and the interrupt flag.
pub struct Libvirt {
    conn: Connect,
    registry: Registry,
    lock_dir: PathBuf,
    lock_timeout: Duration,
    interrupt: Interrupt,
    on_lock_wait: Option<Box<Notice>>,
}

impl fmt::Debug for Libvirt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Libvirt")
            .field("registry", &self.registry)
            .field("lock_dir", &self.lock_dir)
            .field("lock_timeout", &self.lock_timeout)
            .finish_non_exhaustive()
    }
}

/// A domain, looked up, with its state.
struct Dom {
    dom: Domain,
    name: String,
    active: bool,
    persistent: bool,
}

impl Libvirt {
    /// Connects to libvirt at `uri` (e.g. `qemu:///system`) with the built-in drivers.
    /// libvirt's default error printer is silenced for the process (its errors reach the
    /// caller in [`Error`], once).
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot be reached.
    pub fn open(uri: &str) -> Result<Self, Error> {
        Self::with_registry(uri, Registry::with_builtins())
    }

    /// Connects to libvirt at `uri` with the given volume drivers; see [`Libvirt::open`].
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot be reached.
    pub fn with_registry(uri: &str, registry: Registry) -> Result<Self, Error> {
        static SILENCE: Once = Once::new();
        SILENCE.call_once(virt::error::clear_error_callback);
        let conn = Connect::open(Some(uri)).map_err(libvirt(format!("connecting to {uri}")))?;
        Ok(Self {
            conn,
            registry,
            lock_dir: default_lock_dir(),
            lock_timeout: Duration::from_secs(60),
            interrupt: Interrupt::new(),
            on_lock_wait: None,
        })
    }

    /// Where the per-domain lock files live (default [`default_lock_dir`]); every process
    /// that attaches to the same domains must use the same directory.
    #[must_use]
    pub fn lock_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.lock_dir = dir.into();
        self
    }

    /// How long an operation waits for a domain's lock (default 60 s).
    #[must_use]
    pub const fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The flag that stops operations at their next safe point ([`Interrupt`]).
    #[must_use]
    pub fn interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// Called once, with a sentence saying what is awaited, when a domain's lock is held by
    /// another operation.
    #[must_use]
    pub fn on_lock_wait(mut self, notice: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_lock_wait = Some(Box::new(notice));
        self
    }

    /// The underlying libvirt connection, for what diskxml does not do.
    #[must_use]
    pub const fn connect(&self) -> &Connect {
        &self.conn
    }

    /// The lock directory in use.
    #[must_use]
    pub fn lock_path(&self) -> &Path {
        &self.lock_dir
    }

    fn domain(&self, name: &str) -> Result<Dom, Error> {
        let dom = self.conn.lookup_domain_by_name(name).map_err(|e| {
            if e.code().is(ErrorNumber::NoDomain) {
                Error::NoDomain { domain: name.to_owned() }
            } else {
                libvirt(format!("looking up domain '{name}'"))(e)
            }
        })?;
        let active = dom.is_active().map_err(libvirt(format!("reading the state of '{name}'")))?;
        let persistent = dom.is_persistent().map_err(libvirt(format!("reading the state of '{name}'")))?;
        Ok(Dom { dom, name: name.to_owned(), active, persistent })
    }

    /// Takes the lock on `dom`, waiting for other operations on it.
    fn lock(&self, dom: &Dom) -> Result<DomainLock, Error> {
        let uuid = dom.dom.uuid_string().map_err(libvirt(format!("reading the UUID of '{}'", dom.name)))?;
        LockRequest {
            dir: &self.lock_dir,
            uuid: &uuid,
            domain: &dom.name,
            timeout: self.lock_timeout,
            interrupt: &self.interrupt,
            on_wait: self.on_lock_wait.as_deref(),
        }
        .take()
    }

    /// Attaches the volume `info` describes to domain `name`, under the domain's lock:
    /// refuse a volume attached already, pick the dev, check the disk against the QEMU
    /// driver's rules, connect, plug; when the plug fails, disconnect and say so.
    ///
    /// As nova does, a volume whose id (`data.volume_id`, else the serial) has a libvirt
    /// secret of usage `volume` on the host ([`Libvirt::volume_secret`]) is attached as a LUKS
    /// volume with that secret as its passphrase, unless the registry's host settings name
    /// one for it already. A secret the driver says the host must hold
    /// ([`VolumeDriver::host_secret`](diskxml_connector::VolumeDriver::host_secret): iSCSI
    /// with CHAP) is created from its value when missing, as nova does, and removed again
    /// when the attach fails; [`Libvirt::detach`] with the connection info deletes it.
    ///
    /// # Errors
    /// See [`Error`]: an unknown domain or driver, `live`/`config` the domain's state does
    /// not allow, a volume attached already or a dev in use, a disk libvirt would refuse
    /// (all before connecting), a failed probe, libvirt's refusal (with the rollback's
    /// outcome), the lock's timeout, an interrupt.
    pub fn attach(&self, name: &str, info: &ConnectionInfo, options: &AttachOptions) -> Result<Attached, Error> {
        let driver = self.registry.driver_for(info)?;
        let secret = self.secret_of(info)?;
        let needed = self.registry.host_secret(info)?;
        let dom = self.domain(name)?;
        let flags = flags(&dom, options.live, options.config)?;
        let _lock = self.lock(&dom)?;
        let disks = domain_disks(&dom, flags)?;
        if let Some(serial) = info.serial()
            && let Some(existing) = disks.iter().find(|d| DiskSelector::Serial(serial.to_owned()).matches(&d.disk))
        {
            return Err(Error::AlreadyAttached { serial: serial.to_owned(), dev: dev_of(&existing.disk) });
        }
        let mut tried = HashSet::new();
        let mut dev = choose_dev(&disks, options, &tried)?;
        // Judged before anything is connected: what libvirt would refuse is refused here.
        let mut disk = self.build_disk(info, options, &dev, flags, secret.as_deref())?;
        self.interrupt.check("before connecting the volume", || Done::Nothing)?;
        // Removed again (when dropped) if anything below fails.
        let created = needed.as_ref().map_or(Ok(CreatedSecret::none()), |s| self.ensure_secret(s))?;
        let device = driver.connect(info, &options.probe)?;
        let undo = || match driver.disconnect(info, Some(&device)) {
            Ok(()) => Done::Undone,
            Err(e) => Done::UndoFailed(Box::new(e)),
        };
        loop {
            self.interrupt.check("before the plug", undo)?;
            match plug(&dom, &disk, flags) {
                Ok(()) => break,
                Err(e) if options.dev.is_none() && is_dev_taken(&e) && tried.len() < DEV_RETRIES => {
                    // Another tool plugged a disk as `dev` meanwhile: read again, take the next.
                    tried.insert(dev);
                    let now = domain_disks(&dom, flags);
                    let next = now.and_then(|disks| choose_dev(&disks, options, &tried));
                    dev = next.map_err(|e| refused_and_undone(e.to_string(), &disk, undo()))?;
                    disk = self.build_disk(info, options, &dev, flags, secret.as_deref())?;
                }
                Err(e) => return Err(refused_and_undone(e.message().to_owned(), &disk, undo())),
            }
        }
        // Plugged: the disk names the secret from here on.
        created.keep();
        let (live, config) = (flags & AFFECT_LIVE != 0, flags & AFFECT_CONFIG != 0);
        let xml = read_xml(&dom, !live).map_err(|e| match e {
            Error::Libvirt { action, message, .. } => Error::Libvirt { action, message, done: Done::Plugged },
            other => other,
        })?;
        let reported = diskxml_parser::find_disk(&xml, &DiskSelector::TargetDev(dev.clone()))
            .ok()
            .flatten()
            .map(|d| d.standalone(&xml))
            .unwrap_or_default();
        let encryption_secret =
            disk.encryption.and_then(|e| e.secrets.into_iter().find_map(|s| s.uuid)).map(|uuid| uuid.to_string());
        Ok(Attached { dev, xml: reported, device, live, config, encryption_secret })
    }

    /// Detaches the disk `selector` picks from domain `name`, under the domain's lock, with
    /// its XML as libvirt reports it; a live detach waits until the guest has released the
    /// device. Then, when `info` is given, its driver disconnects the volume, and the secret
    /// the driver names ([`VolumeDriver::host_secret`](diskxml_connector::VolumeDriver::host_secret))
    /// is deleted, as nova's `disconnect_volume` does.
    ///
    /// # Errors
    /// [`Error::NoDomain`], [`Error::Flag`], [`Error::NotFound`], libvirt's refusal,
    /// [`Error::DetachTimeout`] or an interrupt while waiting (the volume then stays
    /// connected), the lock's timeout.
    pub fn detach(
        &self,
        name: &str,
        selector: &DiskSelector,
        info: Option<&ConnectionInfo>,
        options: &DetachOptions,
    ) -> Result<Detached, Error> {
        let dom = self.domain(name)?;
        let flags = flags(&dom, options.live, options.config)?;
        let _lock = self.lock(&dom)?;
        let start = Instant::now();
        let live = flags & AFFECT_LIVE != 0;
        let xml = read_xml(&dom, !live)?;
        let found = diskxml_parser::find_disk(&xml, selector)?
            .ok_or_else(|| Error::NotFound { domain: name.to_owned(), selector: selector.clone() })?;
        let dev = dev_of(&found.disk);
        let disk_xml = found.xml(&xml);
        self.interrupt.check("before the unplug", || Done::Nothing)?;
        dom.dom.detach_device_flags(disk_xml, flags).map_err(libvirt(format!("detaching {dev} from '{name}'")))?;
        if live {
            self.wait_for_release(&dom, &dev, start, options)?;
        }
        if let Some(info) = info {
            self.registry.disconnect(info, None)?;
            if let Some(secret) = self.registry.host_secret(info)? {
                self.delete_secret(&secret)?;
            }
        }
        let config = flags & AFFECT_CONFIG != 0;
        Ok(Detached { dev, xml: found.standalone(&xml), live, config, disconnected: info.is_some() })
    }

    /// Waits until the live XML no longer has `dev`, the timeout, or an interrupt.
    fn wait_for_release(&self, dom: &Dom, dev: &str, start: Instant, options: &DetachOptions) -> Result<(), Error> {
        let by_dev = DiskSelector::TargetDev(dev.to_owned());
        loop {
            let now = read_xml(dom, false)?;
            if diskxml_parser::find_disk(&now, &by_dev)?.is_none() {
                return Ok(());
            }
            self.interrupt.check("while waiting for the guest to release the disk", || Done::LeftConnected)?;
            if start.elapsed() >= options.timeout {
                return Err(Error::DetachTimeout { dev: dev.to_owned(), waited: start.elapsed() });
            }
            std::thread::sleep(options.poll.min(options.timeout.saturating_sub(start.elapsed())));
        }
    }
}

/// The domain's XML: live, or the persistent config.
fn read_xml(dom: &Dom, inactive: bool) -> Result<String, Error> {
    let flags = if inactive { XML_INACTIVE } else { 0 };
    dom.dom.xml_desc(flags).map_err(libvirt(format!("reading the XML of '{}'", dom.name)))
}

/// The disks of every XML an operation with `flags` touches (live, config).
fn domain_disks(dom: &Dom, flags: u32) -> Result<Vec<DomainDisk>, Error> {
    let mut disks = Vec::new();
    for (flag, inactive) in [(AFFECT_LIVE, false), (AFFECT_CONFIG, true)] {
        if flags & flag != 0 {
            disks.extend(diskxml_parser::domain_disks(&read_xml(dom, inactive)?)?);
        }
    }
    Ok(disks)
}

impl Libvirt {
    /// The disk for `info` as the registry builds it (with its host settings' volume
    /// secrets), encrypted with the host's libvirt `secret` when the settings named none,
    /// then judged by the QEMU driver's rules.
    fn build_disk(
        &self,
        info: &ConnectionInfo,
        options: &AttachOptions,
        dev: &str,
        flags: u32,
        secret: Option<&str>,
    ) -> Result<Disk, Error> {
        let mut disk_info = DiskInfo::new(dev.to_owned(), options.bus.clone());
        disk_info.device = options.device.clone();
        let disk = self.registry.disk_with_found_secret(info, &disk_info, secret)?;
        refuse_what_libvirt_refuses(&disk, flags & AFFECT_LIVE != 0)?;
        Ok(disk)
    }
}

fn plug(dom: &Dom, disk: &Disk, flags: u32) -> Result<(), virt::error::Error> {
    let mut xml = String::new();
    if diskxml_writer::write_disk(disk, &mut xml).is_err() {
        // Unreachable for a disk the connector built (no kept unknown attributes).
        return Err(virt::error::Error::last_error());
    }
    dom.dom.attach_device_flags(&xml, flags).map(|_| ())
}

/// libvirt's answer when the target dev is taken: "target vda already exists".
fn is_dev_taken(e: &virt::error::Error) -> bool {
    e.message().contains("already exists")
}

fn refused_and_undone(message: String, disk: &Disk, done: Done) -> Error {
    let hint = hint(disk, &message);
    Error::AttachRefused { message, hint, done }
}

/// libvirt's modify flags: as asked, else live and config for a running, defined domain,
/// live for a running transient one, config for a shut-off one.
fn default_flags(live: Option<bool>, config: Option<bool>, active: bool, persistent: bool) -> u32 {
    match (live, config) {
        (None, None) => {
            (if active { AFFECT_LIVE } else { 0 }) | (if persistent || !active { AFFECT_CONFIG } else { 0 })
        }
        (live, config) => {
            (if live == Some(true) { AFFECT_LIVE } else { 0 }) | (if config == Some(true) { AFFECT_CONFIG } else { 0 })
        }
    }
}

/// [`default_flags`], refusing what the domain's state does not allow: live on a shut-off
/// domain, config on a transient one.
fn flags(dom: &Dom, live: Option<bool>, config: Option<bool>) -> Result<u32, Error> {
    let flags = default_flags(live, config, dom.active, dom.persistent);
    let domain = dom.name.clone();
    if flags & AFFECT_LIVE != 0 && !dom.active {
        return Err(Error::Flag { domain, flag: "--live", why: "is shut off" });
    }
    if flags & AFFECT_CONFIG != 0 && !dom.persistent {
        return Err(Error::Flag { domain, flag: "--config", why: "is transient (not defined)" });
    }
    if flags == 0 {
        return Err(Error::Flag { domain, flag: "--live and --config", why: "was given neither" });
    }
    Ok(flags)
}

/// The qemu profile's rules (but those that depend on the host's QEMU build), and for a live
/// plug, a bus that can be hot-plugged.
fn refuse_what_libvirt_refuses(disk: &Disk, live: bool) -> Result<(), Error> {
    diskxml_rules::libvirt_accepts(disk).map_err(Error::Refused)?;
    match disk.target.as_ref().and_then(|t| t.bus.as_ref()) {
        Some(bus) if live && !diskxml_rules::hotpluggable(bus) => Err(Error::NotHotpluggable { bus: bus.to_string() }),
        _ => Ok(()),
    }
}

fn dev_of(disk: &Disk) -> String {
    disk.target.as_ref().map_or_else(|| "(no target dev)".to_owned(), |t| t.dev().to_string())
}

/// What libvirt's refusal means, where diskxml knows.
fn hint(disk: &Disk, message: &str) -> String {
    let edge = matches!(&disk.source, Source::Network(n) if *n.protocol() == Protocol::Openvstorage);
    if edge && message.contains("protocol") {
        "; this libvirt does not know protocol='openvstorage': Open vStorage Edge volumes need the Open vStorage fork of libvirt".to_owned()
    } else if ["End of file", "Broken pipe", "Cannot recv data", "Cannot write data", "client socket is closed"]
        .iter()
        .any(|m| message.contains(m))
    {
        "; the connection to libvirtd broke (was it stopped or restarted?)".to_owned()
    } else if message.contains("domain is not running") {
        "; the guest stopped meanwhile".to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_flags_follow_the_domain_state() {
        assert_eq!(default_flags(None, None, true, true), AFFECT_LIVE | AFFECT_CONFIG);
        assert_eq!(default_flags(None, None, true, false), AFFECT_LIVE, "a transient guest has no config");
        assert_eq!(default_flags(None, None, false, true), AFFECT_CONFIG);
        assert_eq!(default_flags(Some(true), None, true, true), AFFECT_LIVE);
        assert_eq!(default_flags(None, Some(true), true, true), AFFECT_CONFIG);
    }
}
