//! Faults in the middle of an attach or detach, each against the real libvirtd: after every
//! failed attach the domain's live and persistent XML are byte-identical to before, and the
//! volume is disconnected (the connector counts).

use std::sync::Arc;
use std::time::Duration;

use diskxml_connector::ProbeOptions;
use diskxml_libvirt::{AttachOptions, DetachOptions, Done, Error, Interrupt};
use diskxml_parser::DiskSelector;

use crate::harness::{
    Counters, Guest, counting_registry, counting_registry_with, exclusive, libvirtd, libvirtd_answers, lock_dir,
    nbd_info, open, shared,
};
use crate::qemu_nbd::qemu_nbd;

#[test]
fn libvirtd_stopped_between_connect_and_plug_undoes_the_connection_and_the_next_attach_works() {
    let _exclusive = exclusive();
    if !libvirtd_answers() {
        return;
    }
    let Some(server) = qemu_nbd("restart-vol", 1024 * 1024) else { return };
    let counters = Counters::default();
    let stop: Arc<dyn Fn() + Send + Sync> = Arc::new(|| libvirtd("stop"));
    let libvirt = open(counting_registry_with(&counters, Some(stop)));
    let guest = Guest::new(&libvirt, "restart", false);
    let before = guest.xml(true);
    let info = nbd_info("vol-r", "restart-vol", server.port);

    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    libvirtd("start");
    assert!(matches!(&err, Error::AttachRefused { done: Done::Undone, .. }), "{err}");
    assert!(err.to_string().contains("the connection to libvirtd broke"), "{err}");
    assert_eq!((counters.connects(), counters.open()), (1, 0), "connected once, then undone");
    assert_eq!(guest.xml(true), before, "nothing was plugged");

    // libvirtd is back: a new connection attaches.
    let (registry, again) = counting_registry();
    let attached = open(registry).attach(&guest.name, &info, &AttachOptions::default()).unwrap();
    assert_eq!((attached.dev.as_str(), again.open()), ("vda", 1));
}

#[test]
fn a_vanished_nbd_server_fails_the_probe_before_the_plug_and_libvirts_refusal_rolls_back() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    if !libvirtd_answers() {
        return;
    }
    let libvirt = open(registry);
    let Some(server) = qemu_nbd("gone-vol", 1024 * 1024) else { return };
    let port = server.port;
    drop(server);
    let guest = Guest::new(&libvirt, "gone", true);
    let before = guest.both();
    let info = nbd_info("vol-g", "gone-vol", port);

    let mut probing = AttachOptions::default();
    probing.probe = ProbeOptions::probing(Duration::from_secs(2));
    let err = libvirt.attach(&guest.name, &info, &probing).unwrap_err();
    assert!(matches!(&err, Error::Connector(_)), "{err}");
    assert!(err.to_string().ends_with("nothing was plugged or left connected"), "{err}");
    assert_eq!(counters.connects(), 0, "the probe failed: nothing connected");
    assert_eq!(guest.both(), before);

    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    assert!(matches!(&err, Error::AttachRefused { done: Done::Undone, .. }), "{err}");
    assert_eq!((counters.connects(), counters.open()), (1, 0), "QEMU could not open it: undone");
    assert_eq!(guest.both(), before, "byte-identical after the refusal");
}

#[test]
fn a_guest_destroyed_between_lookup_and_plug_leaves_nothing_connected() {
    let _shared = shared();
    if !libvirtd_answers() {
        return;
    }
    let Some(server) = qemu_nbd("destroyed-vol", 1024 * 1024) else { return };
    let counters = Counters::default();
    let name = format!("diskxml-test-destroyed-{}", std::process::id());
    let victim = name.clone();
    let destroy: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        let conn = virt::connect::Connect::open(Some(&crate::harness::uri())).unwrap();
        conn.lookup_domain_by_name(&victim).unwrap().destroy().unwrap();
    });
    let libvirt = open(counting_registry_with(&counters, Some(destroy)));
    let guest = Guest::new(&libvirt, "destroyed", true);
    assert_eq!(guest.name, name);
    let config = guest.xml(true);
    let info = nbd_info("vol-x", "destroyed-vol", server.port);
    let mut live = AttachOptions::default();
    live.live = Some(true);

    let err = libvirt.attach(&guest.name, &info, &live).unwrap_err();
    assert!(matches!(&err, Error::AttachRefused { done: Done::Undone, .. }), "{err}");
    assert!(err.to_string().contains("not running"), "{err}");
    assert_eq!((counters.connects(), counters.open()), (1, 0));
    assert_eq!(guest.xml(true), config, "the persistent XML is untouched");
}

#[test]
fn a_guest_destroyed_before_the_unplug_is_a_clear_error() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = crate::harness::libvirt_or_skip(registry) else { return };
    let Some(server) = qemu_nbd("unplug-vol", 1024 * 1024) else { return };
    let guest = Guest::new(&libvirt, "unplug", true);
    let info = nbd_info("vol-u", "unplug-vol", server.port);
    let mut live = AttachOptions::default();
    live.live = Some(true);
    libvirt.attach(&guest.name, &info, &live).unwrap();
    guest.destroy();
    let mut options = DetachOptions::default();
    options.live = Some(true);
    let err = libvirt.detach(&guest.name, &DiskSelector::Serial("vol-u".into()), Some(&info), &options).unwrap_err();
    assert!(matches!(&err, Error::Flag { flag: "--live", .. }), "{err}");
    assert!(err.to_string().contains(&guest.name), "{err}");
    assert_eq!(counters.open(), 1, "a failed detach disconnects nothing");
}

#[test]
fn live_on_a_shut_off_domain_config_on_a_transient_one_and_an_unknown_domain_are_refused_by_name() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = crate::harness::libvirt_or_skip(registry) else { return };
    let info = nbd_info("vol-f", "flags-vol", 1);
    let off = Guest::new(&libvirt, "off", false);
    let mut live = AttachOptions::default();
    live.live = Some(true);
    let err = libvirt.attach(&off.name, &info, &live).unwrap_err();
    assert_eq!(err.to_string(), format!("domain '{}' is shut off: --live cannot apply; nothing was done", off.name));

    let transient = Guest::transient(&libvirt, "transient");
    let mut config = AttachOptions::default();
    config.config = Some(true);
    let err = libvirt.attach(&transient.name, &info, &config).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("domain '{}' is transient (not defined): --config cannot apply; nothing was done", transient.name)
    );

    let err = libvirt.attach("diskxml-no-such-guest", &info, &AttachOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no domain named 'diskxml-no-such-guest' on this libvirt (virsh list --all names them); nothing was done"
    );
    let err = libvirt
        .detach("diskxml-no-such-guest", &DiskSelector::Serial("x".into()), None, &DetachOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoDomain { .. }), "{err}");
    assert_eq!(counters.connects(), 0);
}

#[test]
fn an_interrupt_stops_at_the_next_safe_point_and_undoes_what_was_done() {
    let _shared = shared();
    if !libvirtd_answers() {
        return;
    }
    // Raised while the volume is being connected: undone before the plug.
    let counters = Counters::default();
    let interrupt = Interrupt::new();
    let raise = interrupt.clone();
    let hook: Arc<dyn Fn() + Send + Sync> = Arc::new(move || raise.raise(15));
    let libvirt = open(counting_registry_with(&counters, Some(hook))).interrupt(interrupt);
    let guest = Guest::new(&libvirt, "interrupt", true);
    let before = guest.both();
    let info = nbd_info("vol-i", "interrupt-vol", 1);
    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "interrupted by SIGTERM before the plug; the volume's connection was undone and nothing was plugged"
    );
    assert_eq!((counters.connects(), counters.open()), (1, 0));
    assert_eq!(guest.both(), before);
}

#[test]
fn an_interrupt_while_waiting_for_the_lock_does_nothing_and_the_lock_times_out_saying_what_it_waited_for() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = crate::harness::libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "held", false);
    let held = hold_lock(&libvirt, &guest.name);
    let info = nbd_info("vol-h", "held-vol", 1);

    let notices = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = notices.clone();
    let libvirt =
        libvirt.lock_timeout(Duration::from_millis(300)).on_lock_wait(move |m| seen.lock().unwrap().push(m.to_owned()));
    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    assert!(matches!(&err, Error::LockTimeout { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&format!("for the lock on domain '{}'", guest.name)) && message.ends_with("nothing was done")
    );
    assert_eq!(notices.lock().unwrap().len(), 1, "said once what it waits for");

    let interrupt = Interrupt::new();
    interrupt.raise(2);
    let libvirt = libvirt.lock_timeout(Duration::from_secs(3600)).interrupt(interrupt);
    let err = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "interrupted by SIGINT while waiting for the lock; nothing was done");
    assert_eq!(counters.connects(), 0);
    drop(held);
}

/// Holds `domain`'s lock file as another process would, until dropped.
pub fn hold_lock(libvirt: &diskxml_libvirt::Libvirt, domain: &str) -> std::fs::File {
    let uuid = libvirt.connect().lookup_domain_by_name(domain).unwrap().uuid_string().unwrap();
    std::fs::create_dir_all(lock_dir()).unwrap();
    let path = lock_dir().join(format!("domain-{uuid}.lock"));
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).unwrap();
    fs4::FileExt::try_lock(&file).unwrap();
    file
}

#[test]
fn a_dev_another_tool_took_meanwhile_is_skipped_when_diskxml_picked_it() {
    let _shared = shared();
    if !libvirtd_answers() {
        return;
    }
    let counters = Counters::default();
    let name = format!("diskxml-test-sneaky-{}", std::process::id());
    let target = name.clone();
    // Another tool (not diskxml, so not under its lock) plugs vda into the config meanwhile.
    let sneak: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        let conn = virt::connect::Connect::open(Some(&crate::harness::uri())).unwrap();
        let disk = "<disk type='file' device='disk'><source file='/var/lib/other.img'/><target dev='vda' bus='virtio'/></disk>";
        conn.lookup_domain_by_name(&target).unwrap().attach_device_flags(disk, 2).unwrap();
    });
    let libvirt = open(counting_registry_with(&counters, Some(sneak)));
    let guest = Guest::new(&libvirt, "sneaky", false);
    assert_eq!(guest.name, name);
    let attached = libvirt.attach(&guest.name, &nbd_info("vol-s", "s", 1), &AttachOptions::default()).unwrap();
    assert_eq!(attached.dev, "vdb", "read the domain again and took the next free dev");
    assert_eq!(counters.open(), 1);

    // A dev the caller asked for is not changed behind their back: refused, undone.
    let mut vdc = AttachOptions::default();
    vdc.dev = Some("vda".into());
    let err = libvirt.attach(&guest.name, &nbd_info("vol-t", "t", 1), &vdc).unwrap_err();
    assert!(matches!(&err, Error::DevInUse { .. }), "{err}");
}
