//! libvirt's normalisation: what libvirt prints back for a disk it was given.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use diskxml_model::{
    Address, AddressKind, BackingStore, Bus, Cache, DeviceKind, Disk, DriveAddress, Driver, Element, FileSource,
    Format, Host, MetadataCache, Name, NetworkSource, Node, Port, Protocol, Source, Text, Transport, Tray, Unknown,
    VolumeSource,
};

use crate::Profile;
use crate::facts::{default_port, dev_index, implied_bus, is_user_alias};

fn name(s: &str) -> Name {
    Name::new("attribute name", s).expect("a fixed, valid name")
}

fn text(s: &str) -> Text {
    Text::new("value", s).expect("a fixed, valid value")
}

fn has_attribute(unknown: &Unknown, attribute: &str) -> bool {
    unknown.attributes().iter().any(|a| a.name.as_str() == attribute)
}

fn remove_attribute(unknown: &mut Unknown, attribute: &str, value: Option<&str>) {
    let keep: Vec<_> = unknown
        .attributes()
        .iter()
        .filter(|a| !(a.name.as_str() == attribute && value.is_none_or(|v| a.value == v)))
        .cloned()
        .collect();
    if keep.len() != unknown.attributes().len() {
        let children = unknown.take_children();
        *unknown = Unknown::default();
        *unknown.children_mut() = children;
        for a in keep {
            unknown.set_attribute(a.name, a.value);
        }
    }
}

/// What libvirt prints back for `disk` under `profile`; each rule, with where it comes
/// from, is in `docs/normalization.md`.
///
/// ```
/// use diskxml_model::{Bus, DeviceKind, Disk, Host, Source};
/// use diskxml_rules::{Profile, normalize};
///
/// let disk = Disk::openvstorage_edge("vol").host(Host::tcp("h", 26203)).target("vdb", Bus::Virtio).build()?;
/// let n = normalize(&disk, Profile::Qemu);
/// assert_eq!(n.device, Some(DeviceKind::Disk));
/// let Source::Network(net) = &n.source else { unreachable!() };
/// assert_eq!(net.hosts()[0].transport(), None, "transport='tcp' is libvirt's default");
/// assert!(n.driver.is_some(), "the QEMU driver adds <driver name='qemu' type='raw'/>");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn normalize(disk: &Disk, profile: Profile) -> Disk {
    let mut d = disk.clone();
    // First: whether a source is empty must not depend on an index that goes anyway.
    drop_indexes(&mut d);
    // Qemu: a volume disk without a source is a file disk (libvirt's post-parse).
    if profile == Profile::Qemu && matches!(&d.source, Source::Volume(v) if **v == VolumeSource::default()) {
        d.source = Source::File(FileSource::default());
    }
    generic(&mut d);
    if profile == Profile::Qemu {
        qemu(&mut d);
    }
    d
}

/// libvirt's hypervisor-independent defaults.
fn generic(d: &mut Disk) {
    d.device.get_or_insert(DeviceKind::Disk);
    d.implicit_type = false;
    if let Some(target) = &mut d.target {
        if target.bus.is_none() {
            target.bus = Some(implied_bus(d.device.as_ref(), target.dev()));
        }
        // libvirt prints the tray only when it is open.
        if target.tray == Some(Tray::Closed) {
            target.tray = None;
        }
    }
    if d.device == Some(DeviceKind::Cdrom) {
        d.readonly = true;
    }
    if let Some(driver) = &mut d.driver {
        if driver.cache == Some(Cache::Default) {
            driver.cache = None;
        }
        if **driver == Driver::default() {
            d.driver = None;
        }
    }
    if let Source::Network(net) = &mut d.source {
        default_hosts(net);
    }
    if d.alias.as_ref().is_some_and(|a| !is_user_alias(&a.name)) {
        d.alias = None;
    }
    if d.address.is_none() {
        d.address = drive_address(d)
            .map(|drive| Box::new(Address { kind: AddressKind::Drive(drive), unknown: Unknown::default() }));
    }
}

/// libvirt reads `index` of a source or backing layer only from live (status) XML: a defined
/// domain's comes back without it.
fn drop_indexes(d: &mut Disk) {
    if let Some(index) = d.source.index_mut() {
        *index = None;
    }
    let mut layer = d.backing_store.as_mut();
    while let Some(BackingStore::Layer(l)) = layer {
        l.index = None;
        if let Some(index) = l.source.index_mut() {
            *index = None;
        }
        layer = l.backing.as_mut();
    }
}

/// Hosts as libvirt prints them: `transport='tcp'` dropped, the protocol's default port in.
fn default_hosts(net: &mut NetworkSource) {
    let port = default_port(net.protocol()).and_then(|p| Port::new("port", p.into()).ok());
    let hosts: Vec<_> = net
        .hosts()
        .iter()
        .map(|h| {
            if h.is_unix() {
                return h.clone();
            }
            let transport = h.transport().filter(|t| **t != Transport::Tcp).cloned();
            // The protocol's default port is a tcp one: an rdma host gets none.
            let port = if transport.is_none() { h.port().or(port) } else { h.port() };
            let mut new = Host::new(h.name().map(Text::as_str).unwrap_or_default(), port, transport)
                .unwrap_or_else(|_| h.clone());
            new.unknown = h.unknown.clone();
            new
        })
        .collect();
    net.clear_hosts();
    for h in hosts {
        // The hosts were accepted once; the same hosts again are accepted too.
        let _ = net.push_host(h);
    }
}

/// The drive address libvirt assigns from the target dev, for the buses that have one.
fn drive_address(d: &Disk) -> Option<DriveAddress> {
    let target = d.target.as_ref()?;
    // libvirt 10's nvme bus (libvirt 9 refuses it, `value.unknown`), as libvirt's own test
    // outputs in the corpus address it.
    if target.bus.as_ref().is_some_and(|b| b.as_str() == "nvme") {
        return nvme_address(target.dev());
    }
    let n = dev_index(target.dev())?;
    let drive = |controller, bus, unit| DriveAddress {
        controller: Some(controller),
        bus: Some(bus),
        target: Some(0),
        unit: Some(unit),
    };
    match target.bus {
        Some(Bus::Scsi) => Some(drive(n / 7, 0, n % 7)),
        Some(Bus::Sata) => Some(drive(n / 6, 0, n % 6)),
        Some(Bus::Ide) => Some(drive(0, n / 2, n % 2)),
        Some(Bus::Fdc) => Some(drive(0, 0, n)),
        _ => None,
    }
}

/// An NVMe namespace dev `nvme<controller>n<namespace>` as libvirt addresses it (the one
/// place that reads that grammar).
fn nvme_address(dev: &str) -> Option<DriveAddress> {
    let (controller, namespace) = dev.strip_prefix("nvme")?.split_once('n')?;
    let controller: u32 = controller.parse().ok()?;
    let namespace: u32 = namespace.parse().ok()?;
    Some(DriveAddress {
        controller: Some(controller),
        bus: Some(0),
        target: Some(0),
        unit: Some(namespace.checked_sub(1)?),
    })
}

/// What libvirt's QEMU driver adds on top of the generic rules.
fn qemu(d: &mut Disk) {
    qemu_driver(d);
    if let Source::Network(net) = &mut d.source
        && *net.protocol() == Protocol::Iscsi
        && let Some(name) = &net.name
        && !name.contains('/')
    {
        // The QEMU driver names the LUN of an iSCSI target, 0 when none is given.
        net.name = Some(text(&format!("{name}/0")));
    }
    qemu_metadata_caches(d);
    if let Some(target) = &d.target {
        let usb_disk = target.bus == Some(Bus::Usb) && d.device == Some(DeviceKind::Disk);
        if usb_disk && !has_attribute(&d.unknown, "model") {
            d.unknown.set_attribute(name("model"), text("usb-storage"));
        }
    }
    if d.device == Some(DeviceKind::Cdrom) && d.readonly {
        remove_attribute(&mut d.unknown, "snapshot", Some("no"));
    }
    if d.disk_type() == "vhostuser" && !has_attribute(&d.unknown, "snapshot") {
        d.unknown.set_attribute(name("snapshot"), text("no"));
    }
    // <mirror> is state of a running job: the inactive XML leaves it out.
    d.mirror = None;
    d.unknown
        .children_mut()
        .retain(|c| !matches!(c, Node::Element(e) if e.name.as_str() == diskxml_schema::MIRROR.element));
    qemu_encryption_engines(d);
}

/// `<driver name='qemu' type='raw'/>` where the QEMU driver fills it in.
fn qemu_driver(d: &mut Disk) {
    let has_source = match &d.source {
        Source::File(f) => f.path.is_some(),
        Source::Block(b) => b.dev.is_some(),
        Source::Network(_) => true,
        Source::Volume(v) => v.pool.is_some() || v.volume.is_some(),
        _ => false,
    };
    let storage = matches!(d.source, Source::File(_) | Source::Block(_) | Source::Network(_));
    if d.driver.is_none() && has_source && storage {
        d.driver = Some(Box::new(Driver::qemu_raw()));
    }
    if let Some(driver) = &mut d.driver
        && storage
    {
        driver.name.get_or_insert_with(|| text("qemu"));
        if has_source {
            driver.format.get_or_insert(Format::Raw);
        }
    }
    // A volume disk with a source gets the driver's name; its format comes from the pool.
    if d.disk_type() == "volume" && has_source {
        d.driver.get_or_insert_with(Box::default).name.get_or_insert_with(|| text("qemu"));
    }
}

/// Every `<metadata_cache>` size in bytes, typed or kept.
fn qemu_metadata_caches(d: &mut Disk) {
    if let Some(driver) = &mut d.driver {
        if let Some(cache) = &mut driver.metadata_cache {
            metadata_cache_in_bytes(cache);
        }
        convert_metadata_cache(driver.unknown.children_mut());
    }
    convert_metadata_cache(d.unknown.children_mut());
    let mut layer = d.backing_store.as_mut();
    while let Some(BackingStore::Layer(l)) = layer {
        if let Some(format) = &mut l.format {
            convert_metadata_cache(format.unknown.children_mut());
        }
        layer = l.backing.as_mut();
    }
}

/// `engine='qemu'` on every encryption, typed or kept.
fn qemu_encryption_engines(d: &mut Disk) {
    let typed = d.source.encryption_mut();
    for encryption in typed.into_iter().chain(d.encryption.as_deref_mut()) {
        encryption.engine.get_or_insert_with(|| text("qemu"));
    }
    let source_children = d.source.unknown_children_mut().map(|c| c.iter_mut()).into_iter().flatten();
    for child in d.unknown.children_mut().iter_mut().chain(source_children) {
        if let Node::Element(e) = child
            && e.name.as_str() == diskxml_schema::ENCRYPTION.element
            && !e.attributes().iter().any(|a| a.name.as_str() == "engine")
        {
            e.set_attribute(name("engine"), text("qemu"));
        }
    }
}

/// `<metadata_cache><max_size unit='…'>N</max_size>` anywhere below `nodes`, in bytes, as
/// libvirt's QEMU driver prints it.
fn convert_metadata_cache(nodes: &mut [Node]) {
    for node in nodes {
        let Node::Element(e) = node else { continue };
        if e.name.as_str() == diskxml_schema::METADATA_CACHE.element {
            for child in &mut e.children {
                if let Node::Element(max) = child
                    && max.name.as_str() == diskxml_schema::MAX_SIZE
                {
                    to_bytes(max);
                }
            }
        } else {
            convert_metadata_cache(&mut e.children);
        }
    }
}

/// The typed `<metadata_cache>`, in bytes.
fn metadata_cache_in_bytes(cache: &mut MetadataCache) {
    let Some(size) = cache.max_size else { return };
    let Some(scale) = unit_scale(cache.unit.as_deref().unwrap_or("bytes")) else { return };
    if let Some(bytes) = size.checked_mul(scale) {
        cache.max_size = Some(bytes);
        cache.unit = Some(text("bytes"));
    }
}

/// Bytes in one `unit`, as libvirt's scaled integers read them.
fn unit_scale(unit: &str) -> Option<u64> {
    Some(match unit {
        "b" | "bytes" => 1,
        "KB" => 1_000,
        "k" | "K" | "KiB" | "kiB" => 1 << 10,
        "MB" => 1_000_000,
        "M" | "MiB" => 1 << 20,
        "GB" => 1_000_000_000,
        "G" | "GiB" => 1 << 30,
        "TB" => 1_000_000_000_000,
        "T" | "TiB" => 1 << 40,
        _ => return None,
    })
}

fn to_bytes(max: &mut Element) {
    let unit = max.attributes().iter().find(|a| a.name.as_str() == "unit").map(|a| a.value.clone().into_string());
    let Some(scale) = unit_scale(unit.as_deref().unwrap_or("bytes")) else { return };
    let [Node::Text(value)] = max.children.as_slice() else { return };
    let Some(bytes) = value.trim().parse::<u64>().ok().and_then(|v| v.checked_mul(scale)) else { return };
    max.children = alloc::vec![Node::Text(text(&format!("{bytes}")))];
    max.set_attribute(name("unit"), text("bytes"));
}

#[cfg(test)]
mod tests {
    use diskxml_model::{Disk, Source, SourceCommon, VolumeSource};

    use super::*;

    /// Found by the idempotence property: a volume source holding only an index became a
    /// file disk on the second pass, once the first had dropped the index.
    #[test]
    fn a_volume_source_with_only_an_index_normalizes_once() {
        let common = SourceCommon { index: Some(3), ..SourceCommon::default() };
        let disk = Disk::new(Source::Volume(Box::new(VolumeSource { common, ..VolumeSource::default() })));
        let once = normalize(&disk, Profile::Qemu);
        assert_eq!(normalize(&once, Profile::Qemu), once);
        assert_eq!(once.disk_type(), "file");
    }
}
