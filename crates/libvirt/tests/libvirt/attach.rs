//! nova's attach and detach, end to end: connector, disk, libvirt, QEMU, NBD.

use std::sync::atomic::Ordering;
use std::time::Duration;

use diskxml_connector::{ConnectionInfo, ProbeOptions};
use diskxml_libvirt::{AttachOptions, DetachOptions, Done, Error};
use diskxml_parser::DiskSelector;
use serde_json::json;

use crate::harness::{Guest, counting_registry, libvirt_or_skip, nbd_info, shared};
use crate::qemu_nbd::qemu_nbd;

#[test]
fn attach_live_then_refuse_duplicates_and_busy_devs_then_pick_the_next_dev() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let size = 4 * 1024 * 1024;
    let Some(server) = qemu_nbd("attach-vol", size) else { return };
    let guest = Guest::new(&libvirt, "live", true);
    let mut probe = AttachOptions::default();
    probe.probe = ProbeOptions::probing(Duration::from_secs(5));

    let info = nbd_info("vol-1", "attach-vol", server.port);
    let attached = libvirt.attach(&guest.name, &info, &probe).unwrap();
    assert_eq!(attached.dev, "vda", "the first free dev for virtio");
    assert_eq!(attached.device.size, Some(size), "the probe read the export's size");
    assert!(attached.xml.contains("<serial>vol-1</serial>"), "{}", attached.xml);
    let live = guest.xml(false);
    assert!(diskxml_parser::find_disk(&live, &DiskSelector::Serial("vol-1".into())).unwrap().is_some(), "{live}");
    assert_eq!(guest.capacity("vda"), size, "QEMU reads the NBD export");

    let again = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    assert!(matches!(&again, Error::AlreadyAttached { dev, .. } if dev == "vda"), "{again}");

    let other = nbd_info("vol-2", "attach-vol", server.port);
    let mut busy = AttachOptions::default();
    busy.dev = Some("vda".into());
    let err = libvirt.attach(&guest.name, &other, &busy).unwrap_err();
    assert_eq!(err.to_string(), "target dev vda is in use by the disk with serial 'vol-1'; nothing was done");
    assert_eq!(counters.open(), 1, "only the first volume is connected");

    let next = libvirt.attach(&guest.name, &other, &AttachOptions::default()).unwrap();
    assert_eq!(next.dev, "vdb");
    assert_eq!(counters.open(), 2);
}

#[test]
fn live_detach_on_a_guest_without_os_times_out_and_leaves_the_volume_connected() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let Some(server) = qemu_nbd("detach-vol", 1024 * 1024) else { return };
    let guest = Guest::new(&libvirt, "detach", true);
    let info = nbd_info("vol-d", "detach-vol", server.port);
    libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap();
    let mut options = DetachOptions::default();
    options.live = Some(true);
    options.timeout = Duration::from_secs(1);
    let err = libvirt.detach(&guest.name, &DiskSelector::Serial("vol-d".into()), Some(&info), &options).unwrap_err();
    assert!(matches!(&err, Error::DetachTimeout { dev, .. } if dev == "vda"), "{err}");
    assert!(err.to_string().contains("the volume stays connected"), "{err}");
    assert_eq!(counters.open(), 1, "not disconnected");
    assert!(guest.xml(false).contains("<serial>vol-d</serial>"));
}

#[test]
fn detach_from_a_shut_off_domain_config_is_immediate() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "config", false);
    // No probe: the volume need not be reachable to be configured.
    let info = nbd_info("vol-c", "config-vol", 1);
    let attached = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap();
    assert_eq!(attached.dev, "vda");
    assert!(guest.xml(true).contains("<serial>vol-c</serial>"));
    // A wait for the guest would time out at once: a config detach does not wait.
    let mut no_wait = DetachOptions::default();
    no_wait.timeout = Duration::from_millis(1);
    let detached = libvirt.detach(&guest.name, &DiskSelector::TargetDev("vda".into()), Some(&info), &no_wait).unwrap();
    assert!(detached.xml.contains("<serial>vol-c</serial>"));
    assert!(!guest.xml(true).contains("<serial>vol-c</serial>"));
    assert_eq!(counters.open(), 0, "disconnected after the detach");
    let err = libvirt
        .detach(&guest.name, &DiskSelector::Alias("ua-none".into()), None, &DetachOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

#[test]
fn an_edge_volume_on_stock_libvirt_fails_cleanly() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "edge", true);
    let info = ConnectionInfo::from_value(json!({
        "driver_volume_type": "openvstorage_edge", "serial": "vol-e",
        "data": {"device_path": "openvstorage+tcp:127.0.0.1:26203/vol-e"}
    }))
    .unwrap();
    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    let Error::AttachRefused { done, .. } = &err else { panic!("{err}") };
    assert!(matches!(done, Done::Undone));
    let message = err.to_string();
    assert!(message.contains("Open vStorage fork of libvirt"), "{message}");
    assert!(message.ends_with("the volume's connection was undone and nothing was plugged"), "{message}");
    assert_eq!((counters.connects.load(Ordering::SeqCst), counters.open()), (1, 0), "connected, then undone");
    assert!(!guest.xml(false).contains("vol-e"));
}

#[test]
fn what_the_qemu_driver_refuses_is_refused_before_anything_is_connected() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "refuse", true);
    let before = (guest.xml(false), guest.xml(true));
    let info = nbd_info("vol-ide", "nothing-listens", 1);

    // An ide disk cannot be hot-plugged into the running guest.
    let mut ide = AttachOptions::default();
    (ide.bus, ide.live) = (diskxml_model::Bus::Ide, Some(true));
    let err = libvirt.attach(&guest.name, &info, &ide).unwrap_err();
    assert!(matches!(&err, Error::NotHotpluggable { bus } if bus == "ide"), "{err}");

    // A lun with a serial breaks a rule of the QEMU driver's.
    let mut lun = AttachOptions::default();
    lun.device = diskxml_model::DeviceKind::Lun;
    let err = libvirt.attach(&guest.name, &info, &lun).unwrap_err();
    assert!(
        matches!(&err, Error::Refused(r) if r.problems.iter().any(|p| p.rule.code() == "device.lun-source")),
        "{err}"
    );

    assert_eq!(counters.connects.load(Ordering::SeqCst), 0, "nothing was connected");
    assert_eq!((guest.xml(false), guest.xml(true)), before, "the domain is unchanged");
}
