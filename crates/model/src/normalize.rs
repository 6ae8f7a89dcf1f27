//! libvirt's normalisation: what libvirt prints back for a disk it was given.

use alloc::format;

use crate::{
    Address, AddressKind, Bus, Cache, DeviceKind, Disk, DriveAddress, Driver, Format, Name, Port, Protocol, Source,
    Text, Transport, Unknown,
};

/// Whose normalisation to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// What libvirt's hypervisor-independent code prints (`virsh -c test:///default dumpxml`).
    Generic,
    /// [`Profile::Generic`] plus what libvirt's QEMU driver adds: what users of KVM hosts see.
    #[default]
    Qemu,
}

/// The port libvirt fills in for `protocol` when a host gives none.
#[must_use]
pub const fn default_port(protocol: &Protocol) -> Option<u16> {
    match protocol {
        Protocol::Nbd => Some(10809),
        Protocol::Iscsi => Some(3260),
        Protocol::Gluster => Some(24007),
        Protocol::Http => Some(80),
        Protocol::Https => Some(443),
        Protocol::Ftp => Some(21),
        Protocol::Ftps => Some(990),
        Protocol::Tftp => Some(69),
        Protocol::Sheepdog => Some(7000),
        Protocol::Vxhs => Some(9999),
        _ => None,
    }
}

/// The bus libvirt infers from a target dev's prefix.
#[must_use]
pub fn bus_for_dev(dev: &str) -> Option<Bus> {
    let table = [
        ("xvd", Bus::Xen),
        ("ubd", Bus::Uml),
        ("vd", Bus::Virtio),
        ("sd", Bus::Scsi),
        ("hd", Bus::Ide),
        ("fd", Bus::Fdc),
    ];
    table.into_iter().find(|(prefix, _)| dev.starts_with(prefix)).map(|(_, bus)| bus)
}

/// The disk index of a target dev (`sda` 0, `sdz` 25, `sdaa` 26), as libvirt computes it.
#[must_use]
pub fn dev_index(dev: &str) -> Option<u32> {
    let prefix = ["xvd", "ubd", "vd", "sd", "hd", "fd"].into_iter().find(|p| dev.starts_with(p))?;
    let letters = &dev[prefix.len()..];
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        n = n.checked_mul(26)?.checked_add(u32::from(b - b'a') + 1)?;
    }
    Some(n - 1)
}

fn is_user_alias(name: &str) -> bool {
    name.strip_prefix("ua-")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
}

fn name(s: &str) -> Name {
    Name::new("attribute name", s).expect("a fixed, valid name")
}

fn text(s: &str) -> Text {
    Text::new("value", s).expect("a fixed, valid value")
}

fn remove_attribute(unknown: &mut Unknown, attribute: &str, value: Option<&str>) {
    let keep: alloc::vec::Vec<_> = unknown
        .attributes()
        .iter()
        .filter(|a| !(a.name.as_str() == attribute && value.is_none_or(|v| a.value == v)))
        .cloned()
        .collect();
    if keep.len() != unknown.attributes().len() {
        let children = core::mem::take(&mut unknown.children);
        *unknown = Unknown::default();
        unknown.children = children;
        for a in keep {
            unknown.set_attribute(a.name, a.value);
        }
    }
}

/// What libvirt prints back for `disk` under `profile`; each rule, with where it comes
/// from, is in `docs/normalization.md`.
///
/// ```
/// use diskxml_model::{normalize, Bus, Disk, Host, Profile, Source};
///
/// let disk = Disk::openvstorage_edge("vol").host(Host::tcp("h", 26203)).target("vdb", Bus::Virtio).build()?;
/// let n = normalize(&disk, Profile::Qemu);
/// assert_eq!(n.device, Some(diskxml_model::DeviceKind::Disk));
/// let Source::Network(net) = &n.source else { unreachable!() };
/// assert_eq!(net.hosts()[0].transport(), None, "transport='tcp' is libvirt's default");
/// assert!(n.driver.is_some(), "the QEMU driver adds <driver name='qemu' type='raw'/>");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn normalize(disk: &Disk, profile: Profile) -> Disk {
    let mut d = disk.clone();

    // Qemu: a volume disk without a source is a file disk (libvirt's post-parse).
    if profile == Profile::Qemu
        && let Source::Volume(volume) = &d.source
        && *volume == crate::VolumeSource::default()
    {
        d.source = Source::File(crate::FileSource::default());
    }

    d.device.get_or_insert(DeviceKind::Disk);
    if let Source::File(file) = &mut d.source {
        file.implicit_type = false;
    }
    if let Some(target) = &mut d.target {
        if target.bus.is_none() {
            target.bus = bus_for_dev(&target.dev);
        }
        // libvirt prints the tray only when it is open.
        if target.tray == Some(crate::Tray::Closed) {
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
        if *driver == Driver::default() {
            d.driver = None;
        }
    }
    if let Source::Network(net) = &mut d.source {
        let port = default_port(net.protocol());
        let hosts: alloc::vec::Vec<_> = net
            .hosts()
            .iter()
            .map(|h| {
                if h.is_unix() {
                    return h.clone();
                }
                let transport = h.transport().filter(|t| **t != Transport::Tcp).cloned();
                let port = h.port().or_else(|| port.and_then(|p| Port::new("port", p.into()).ok()));
                let mut new = crate::Host::new(h.name().map(Text::as_str).unwrap_or_default(), port, transport)
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
        if profile == Profile::Qemu
            && *net.protocol() == Protocol::Iscsi
            && let Some(name) = &net.name
            && !name.contains('/')
        {
            net.name = Some(text(&format!("{name}/0")));
        }
    }
    if d.alias.as_ref().is_some_and(|a| !is_user_alias(&a.name)) {
        d.alias = None;
    }
    if d.address.is_none()
        && let Some(target) = &d.target
        && target.bus.as_ref().is_some_and(|b| b.as_str() == "nvme")
    {
        d.address = nvme_address(&target.dev)
            .map(|drive| Address { kind: AddressKind::Drive(drive), unknown: Unknown::default() });
    }
    if d.address.is_none()
        && let Some(target) = &d.target
        && let Some(n) = dev_index(&target.dev)
    {
        let drive = match target.bus {
            Some(Bus::Scsi) => {
                Some(DriveAddress { controller: Some(n / 7), bus: Some(0), target: Some(0), unit: Some(n % 7) })
            }
            Some(Bus::Sata) => {
                Some(DriveAddress { controller: Some(n / 6), bus: Some(0), target: Some(0), unit: Some(n % 6) })
            }
            Some(Bus::Ide) => {
                Some(DriveAddress { controller: Some(0), bus: Some(n / 2), target: Some(0), unit: Some(n % 2) })
            }
            Some(Bus::Fdc) => Some(DriveAddress { controller: Some(0), bus: Some(0), target: Some(0), unit: Some(n) }),
            _ => None,
        };
        d.address = drive.map(|drive| Address { kind: AddressKind::Drive(drive), unknown: Unknown::default() });
    }

    if profile == Profile::Qemu {
        qemu(&mut d);
    }
    d
}

/// What libvirt's QEMU driver adds on top of the generic rules.
fn qemu(d: &mut Disk) {
    let has_source = match &d.source {
        Source::File(f) => f.path.is_some(),
        Source::Block(b) => b.dev.is_some(),
        Source::Network(_) => true,
        Source::Volume(v) => v.pool.is_some() || v.volume.is_some(),
        Source::Dir(_) | Source::Nvme(_) | Source::VhostUser(_) | Source::Other(_) => false,
    };
    let storage = matches!(d.source, Source::File(_) | Source::Block(_) | Source::Network(_));
    if d.driver.is_none() && has_source && storage {
        d.driver = Some(Driver::qemu_raw());
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
        d.driver.get_or_insert_with(Driver::default).name.get_or_insert_with(|| text("qemu"));
    }
    if let Some(driver) = &mut d.driver {
        if let Some(cache) = &mut driver.metadata_cache {
            metadata_cache_in_bytes(cache);
        }
        convert_metadata_cache(&mut driver.unknown.children);
    }
    convert_metadata_cache(&mut d.unknown.children);
    let mut layer = d.backing_store.as_mut();
    while let Some(crate::BackingStore::Layer(l)) = layer {
        if let Some(format) = &mut l.format {
            convert_metadata_cache(&mut format.unknown.children);
        }
        layer = l.backing.as_mut();
    }
    if let Some(target) = &mut d.target {
        let usb_disk = target.bus == Some(Bus::Usb) && d.device == Some(DeviceKind::Disk);
        if usb_disk && !d.unknown.attributes().iter().any(|a| a.name.as_str() == "model") {
            d.unknown.set_attribute(name("model"), text("usb-storage"));
        }
    }
    if d.device == Some(DeviceKind::Cdrom) && d.readonly {
        remove_attribute(&mut d.unknown, "snapshot", Some("no"));
    }
    if d.disk_type() == "vhostuser" && !d.unknown.attributes().iter().any(|a| a.name.as_str() == "snapshot") {
        d.unknown.set_attribute(name("snapshot"), text("no"));
    }
    // <mirror> is state of a running job: the inactive XML leaves it out.
    d.mirror = None;
    d.unknown.children.retain(|c| !matches!(c, crate::Node::Element(e) if e.name.as_str() == "mirror"));
    let typed = match &mut d.source {
        Source::File(f) => f.encryption.as_deref_mut(),
        Source::Block(b) => b.encryption.as_deref_mut(),
        Source::Dir(s) => s.encryption.as_deref_mut(),
        Source::Volume(v) => v.encryption.as_deref_mut(),
        Source::Network(n) => n.encryption.as_deref_mut(),
        Source::Nvme(_) | Source::VhostUser(_) | Source::Other(_) => None,
    };
    for encryption in typed.into_iter().chain(d.encryption.as_deref_mut()) {
        encryption.engine.get_or_insert_with(|| text("qemu"));
    }
    let source_children = match &mut d.source {
        Source::File(f) => Some(&mut f.unknown.children),
        Source::Block(b) => Some(&mut b.unknown.children),
        Source::Network(n) => Some(&mut n.unknown.children),
        Source::Dir(s) => Some(&mut s.unknown.children),
        Source::Volume(v) => Some(&mut v.unknown.children),
        Source::Nvme(n) => Some(&mut n.unknown.children),
        Source::VhostUser(v) => Some(&mut v.unknown.children),
        Source::Other(o) => o.source.as_mut().map(|e| &mut e.children),
    };
    let source_children = source_children.map(|c| c.iter_mut()).into_iter().flatten();
    for child in d.unknown.children.iter_mut().chain(source_children) {
        if let crate::Node::Element(e) = child
            && e.name.as_str() == "encryption"
            && !e.attributes().iter().any(|a| a.name.as_str() == "engine")
        {
            e.set_attribute(name("engine"), text("qemu"));
        }
    }
}

/// `<metadata_cache><max_size unit='…'>N</max_size>` anywhere below `nodes`, in bytes, as
/// libvirt's QEMU driver prints it.
fn convert_metadata_cache(nodes: &mut [crate::Node]) {
    for node in nodes {
        let crate::Node::Element(e) = node else { continue };
        if e.name.as_str() == "metadata_cache" {
            for child in &mut e.children {
                if let crate::Node::Element(max) = child
                    && max.name.as_str() == "max_size"
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
fn metadata_cache_in_bytes(cache: &mut crate::MetadataCache) {
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

fn to_bytes(max: &mut crate::Element) {
    let unit = max.attributes().iter().find(|a| a.name.as_str() == "unit").map(|a| a.value.clone().into_string());
    let Some(scale) = unit_scale(unit.as_deref().unwrap_or("bytes")) else { return };
    let [crate::Node::Text(value)] = max.children.as_slice() else { return };
    let Some(bytes) = value.trim().parse::<u64>().ok().and_then(|v| v.checked_mul(scale)) else { return };
    max.children = alloc::vec![crate::Node::Text(text(&format!("{bytes}")))];
    max.set_attribute(name("unit"), text("bytes"));
}

/// An NVMe namespace dev `nvme<controller>n<namespace>` as libvirt addresses it.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_indexes() {
        assert_eq!(dev_index("sda"), Some(0));
        assert_eq!(dev_index("sdz"), Some(25));
        assert_eq!(dev_index("sdaa"), Some(26));
        assert_eq!(dev_index("hdc"), Some(2));
        assert_eq!(dev_index("vd1"), None);
        assert!(is_user_alias("ua-disk_1") && !is_user_alias("ua-") && !is_user_alias("virtio-disk0"));
    }
}
