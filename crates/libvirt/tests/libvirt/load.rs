//! Attach and detach under load: many at once on one guest, the same volume raced, guests
//! that must not wait on each other, and long runs that must not leak.

use std::collections::BTreeSet;
use std::time::Duration;

use diskxml_libvirt::{AttachOptions, DetachOptions, Error, Libvirt};
use diskxml_parser::DiskSelector;

use crate::faults::hold_lock;
use crate::harness::{Guest, counting_registry, exclusive, libvirt_or_skip, libvirtd_answers, nbd_info, open, shared};
use crate::qemu_nbd::qemu_nbd;

/// Runs `f(i)` for `i` in `0..n` on `n` threads at once (released together) and returns the
/// results in order.
fn all_at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn sixteen_concurrent_attaches_without_a_dev_get_sixteen_devs_and_sixteen_detaches_all_succeed() {
    let _shared = shared();
    if !libvirtd_answers() {
        return;
    }
    let Some(server) = qemu_nbd("load-vol", 1024 * 1024) else { return };
    let guest = Guest::new(&open(counting_registry().0), "sixteen", true);
    let (registry, counters) = counting_registry();
    let _keep = registry;
    let results = all_at_once(16, |i| {
        // Each its own connection, as sixteen processes would have.
        let (registry, _) = counting_registry();
        open(registry).attach(
            &guest.name,
            &nbd_info(&format!("vol-{i}"), "load-vol", server.port),
            &AttachOptions::default(),
        )
    });
    let devs: BTreeSet<String> = results.into_iter().map(|r| r.unwrap().dev).collect();
    assert_eq!(devs.len(), 16, "{devs:?}");
    assert_eq!(counters.open(), 0);

    // Detaching: on the config of the domain shut off (a guest without an OS never
    // acknowledges a live unplug).
    guest.destroy();
    let results = all_at_once(16, |i| {
        let (registry, _) = counting_registry();
        let selector = DiskSelector::Serial(format!("vol-{i}"));
        open(registry).detach(&guest.name, &selector, None, &DetachOptions::default())
    });
    for r in results {
        r.unwrap();
    }
    assert!(diskxml_parser::domain_disks(&guest.xml(true)).unwrap().is_empty());
}

#[test]
fn eight_concurrent_attaches_of_one_serial_exactly_one_succeeds_and_nothing_else_is_connected() {
    let _shared = shared();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "race", false);
    let info = nbd_info("vol-race", "race-vol", 1);
    let results = all_at_once(8, |i| {
        let mut options = AttachOptions::default();
        options.dev = Some(format!("vd{}", char::from(b'a' + u8::try_from(i).unwrap())));
        libvirt.attach(&guest.name, &info, &options)
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(r, Error::AlreadyAttached { .. }), "{r}");
    }
    assert_eq!((counters.connects(), counters.open()), (1, 1), "only the one that succeeded connected");
    assert_eq!(diskxml_parser::domain_disks(&guest.xml(true)).unwrap().len(), 1);
}

#[test]
fn guests_do_not_wait_on_each_others_locks() {
    let _shared = shared();
    let (registry, _counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guests: Vec<Guest> = (0..4).map(|i| Guest::new(&libvirt, &format!("parallel{i}"), false)).collect();
    // The first guest's lock is held throughout; the others' attaches must not wait at all.
    let _held = hold_lock(&libvirt, &guests[0].name);
    let results = all_at_once(4, |i| {
        let libvirt = open(counting_registry().0).lock_timeout(Duration::ZERO);
        libvirt.attach(&guests[i].name, &nbd_info(&format!("p{i}"), "p", 1), &AttachOptions::default())
    });
    assert!(matches!(&results[0], Err(Error::LockTimeout { .. })), "{:?}", results[0]);
    for r in &results[1..] {
        assert_eq!(r.as_ref().unwrap().dev, "vda");
    }
}

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Clients libvirtd's main server has (each a connection).
fn libvirtd_clients() -> Option<usize> {
    let out = std::process::Command::new("virt-admin").args(["srv-clients-list", "libvirtd"]).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    // A header, a rule, then one line per client.
    Some(text.lines().skip(2).filter(|l| !l.trim().is_empty()).count())
}

#[test]
fn two_hundred_attach_detach_cycles_leave_the_config_byte_identical_and_leak_nothing() {
    let _exclusive = exclusive();
    let (registry, counters) = counting_registry();
    let Some(libvirt) = libvirt_or_skip(registry) else { return };
    let guest = Guest::new(&libvirt, "cycles", false);
    let start = guest.xml(true);
    let info = nbd_info("vol-cycle", "cycle-vol", 1);
    let cycle = |libvirt: &Libvirt| {
        let attached = libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap();
        libvirt
            .detach(&guest.name, &DiskSelector::TargetDev(attached.dev), Some(&info), &DetachOptions::default())
            .unwrap();
    };
    cycle(&libvirt); // the first opens what stays open (the lock directory, libvirt's threads)
    let (fds, clients) = (open_fds(), libvirtd_clients());
    for _ in 0..199 {
        cycle(&libvirt);
    }
    assert_eq!(guest.xml(true), start, "byte-identical after 200 cycles");
    assert_eq!(open_fds(), fds, "file descriptors");
    assert_eq!(libvirtd_clients(), clients, "libvirt connections");
    assert_eq!((counters.connects(), counters.open()), (200, 0));
}
