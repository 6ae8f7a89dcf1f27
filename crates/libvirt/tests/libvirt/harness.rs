//! What every libvirt test needs: a libvirt (or a loud skip), guests that clean up after
//! themselves, a connector that counts, and a lock that keeps a libvirtd restart away from
//! the tests running beside it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use diskxml_connector::{
    ConnectionInfo, DeviceInfo, DiskInfo, Error as ConnectorError, HostSecret, NetworkVolume, OpenvStorageEdge,
    ProbeOptions, Registry, VolumeDriver,
};
use diskxml_libvirt::Libvirt;
use diskxml_model::{Disk, Protocol};
use serde_json::json;

/// The libvirtd the tests were pointed at (`DISKXML_LIBVIRT_URI`, .ci/libvirtd's; checked by
/// [`libvirtd_answers`] before any test uses it).
pub fn uri() -> String {
    std::env::var(diskxml_testkit::tools::LIBVIRT_URI_VAR).unwrap_or_default()
}

/// Tests share libvirtd; one that stops it holds this for writing, the others for reading.
static LIBVIRTD: RwLock<()> = RwLock::new(());

/// For a test that uses libvirtd as it is.
pub fn shared() -> RwLockReadGuard<'static, ()> {
    LIBVIRTD.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// For a test that stops libvirtd, or counts the process's file descriptors.
pub fn exclusive() -> RwLockWriteGuard<'static, ()> {
    LIBVIRTD.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// This test process's lock directory: no other run's locks get in the way.
pub fn lock_dir() -> PathBuf {
    std::env::temp_dir().join(format!("diskxml-test-locks-{}", std::process::id()))
}

pub fn libvirtd_answers() -> bool {
    // Only the libvirtd DISKXML_LIBVIRT_URI names (.ci/libvirtd's); unset, the tests skip.
    let Some(uri) = diskxml_testkit::tools::libvirt_uri() else { return false };
    if virt::connect::Connect::open(Some(&uri)).is_ok() {
        return true;
    }
    diskxml_testkit::tools::skip(&format!("no libvirtd answers on {uri} (run .ci/libvirtd start as root)"));
    false
}

pub fn open(registry: Registry) -> Libvirt {
    Libvirt::with_registry(&uri(), registry).unwrap().lock_dir(lock_dir())
}

pub fn libvirt_or_skip(registry: Registry) -> Option<Libvirt> {
    libvirtd_answers().then(|| open(registry))
}

/// Runs `.ci/libvirtd start|stop`.
pub fn libvirtd(action: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.ci/libvirtd");
    let status = std::process::Command::new("bash").args([script, action]).status().unwrap();
    assert!(status.success(), ".ci/libvirtd {action} failed");
}

pub type Hook = Arc<dyn Fn() + Send + Sync>;

/// Counts connects and disconnects of the driver it wraps; runs a hook after each connect
/// (the fault tests' window between connecting and plugging).
pub struct Counting<D> {
    inner: D,
    connects: Arc<AtomicUsize>,
    disconnects: Arc<AtomicUsize>,
    after_connect: Option<Hook>,
}

impl<D> std::fmt::Debug for Counting<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Counting")
    }
}

impl<D: VolumeDriver> VolumeDriver for Counting<D> {
    fn disk(&self, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Disk, ConnectorError> {
        self.inner.disk(info, disk_info)
    }

    fn host_secret(&self, info: &ConnectionInfo) -> Result<Option<HostSecret>, ConnectorError> {
        self.inner.host_secret(info)
    }
    fn connect(&self, info: &ConnectionInfo, probe: &ProbeOptions) -> Result<DeviceInfo, ConnectorError> {
        let device = self.inner.connect(info, probe)?;
        self.connects.fetch_add(1, Ordering::SeqCst);
        if let Some(hook) = &self.after_connect {
            hook();
        }
        Ok(device)
    }
    fn disconnect(&self, info: &ConnectionInfo, device: Option<&DeviceInfo>) -> Result<(), ConnectorError> {
        self.disconnects.fetch_add(1, Ordering::SeqCst);
        self.inner.disconnect(info, device)
    }
}

#[derive(Clone, Default)]
pub struct Counters {
    pub connects: Arc<AtomicUsize>,
    pub disconnects: Arc<AtomicUsize>,
}

impl Counters {
    /// Connections made and not undone.
    pub fn open(&self) -> usize {
        self.connects.load(Ordering::SeqCst) - self.disconnects.load(Ordering::SeqCst)
    }

    pub fn connects(&self) -> usize {
        self.connects.load(Ordering::SeqCst)
    }
}

pub fn counting_registry() -> (Registry, Counters) {
    let counters = Counters::default();
    (counting_registry_with(&counters, None), counters)
}

/// A registry whose nbd and Edge drivers count into `counters` and run `hook` after connecting.
pub fn counting_registry_with(counters: &Counters, hook: Option<Hook>) -> Registry {
    let mut registry = Registry::with_builtins();
    let (connects, disconnects) = (counters.connects.clone(), counters.disconnects.clone());
    let inner = NetworkVolume::new(Protocol::Nbd);
    let after_connect = hook.clone();
    registry.register(
        "nbd",
        Counting { inner, connects: connects.clone(), disconnects: disconnects.clone(), after_connect },
    );
    registry.register(
        "openvstorage_edge",
        Counting { inner: OpenvStorageEdge, connects, disconnects, after_connect: hook },
    );
    registry
}

/// A software-emulated guest without disks or OS; destroyed and undefined when dropped.
pub struct Guest {
    pub name: String,
}

impl Guest {
    pub fn new(libvirt: &Libvirt, name: &str, start: bool) -> Self {
        let name = Self::unused_name(libvirt, name);
        libvirt.connect().define_domain_xml(&domain_xml(&name)).unwrap();
        if start {
            libvirt.connect().lookup_domain_by_name(&name).unwrap().create().unwrap();
        }
        Self { name }
    }

    /// A running guest libvirt has no config for (`virsh create`).
    pub fn transient(libvirt: &Libvirt, name: &str) -> Self {
        let name = Self::unused_name(libvirt, name);
        libvirt.connect().create_domain_xml(&domain_xml(&name), 0).unwrap();
        Self { name }
    }

    /// `diskxml-test-NAME-PID`, which no domain may have yet: a domain of that name is not
    /// this test's, and defining over it would replace it (so the test refuses).
    fn unused_name(libvirt: &Libvirt, name: &str) -> String {
        let name = format!("diskxml-test-{name}-{}", std::process::id());
        assert!(
            libvirt.connect().lookup_domain_by_name(&name).is_err(),
            "a domain named {name} exists, which this test did not create; refusing to touch it"
        );
        name
    }

    /// The domain on a connection of its own (the one a test gave the library may be broken).
    fn dom(&self) -> Option<(virt::connect::Connect, virt::domain::Domain)> {
        let conn = virt::connect::Connect::open(Some(&uri())).ok()?;
        let dom = conn.lookup_domain_by_name(&self.name).ok()?;
        Some((conn, dom))
    }

    pub fn xml(&self, inactive: bool) -> String {
        let (_conn, dom) = self.dom().unwrap();
        dom.xml_desc(if inactive { 2 } else { 0 }).unwrap()
    }

    /// Live and persistent XML, as `virsh dumpxml` and `dumpxml --inactive` print them.
    pub fn both(&self) -> (String, String) {
        (self.xml(false), self.xml(true))
    }

    pub fn destroy(&self) {
        let (_conn, dom) = self.dom().unwrap();
        dom.destroy().unwrap();
    }

    pub fn capacity(&self, dev: &str) -> u64 {
        let (_conn, dom) = self.dom().unwrap();
        dom.block_info(dev, 0).unwrap().capacity
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        if let Some((_conn, dom)) = self.dom() {
            let _ = dom.destroy();
            let _ = dom.undefine();
        }
    }
}

fn domain_xml(name: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>\
         <on_poweroff>destroy</on_poweroff><devices/></domain>"
    )
}

pub fn nbd_info(serial: &str, export: &str, port: u16) -> ConnectionInfo {
    ConnectionInfo::from_value(json!({
        "driver_volume_type": "nbd", "serial": serial,
        "data": {"name": export, "hosts": ["127.0.0.1"], "ports": [port]}
    }))
    .unwrap()
}
