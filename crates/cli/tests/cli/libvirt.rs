//! `diskxml attach` and `diskxml detach` against a real libvirtd (`--features libvirt`).

use std::process::Command;

use crate::qemu_nbd::qemu_nbd;
use crate::run;

/// A guest defined (and maybe started) with virsh; gone when dropped. `None` (loudly) without
/// a libvirtd, unless DISKXML_REQUIRE_TOOLS=1.
struct Guest(String);

impl Guest {
    fn new(tag: &str, start: bool) -> Option<Self> {
        if !std::path::Path::new("/run/libvirt/libvirt-sock").exists() {
            diskxml_testkit::tools::skip("no libvirtd answers (.ci/libvirtd start)");
            return None;
        }
        let name = format!("diskxml-cli-{tag}-{}", std::process::id());
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices/></domain>"
        );
        let file = std::env::temp_dir().join(format!("{name}.xml"));
        std::fs::write(&file, xml).unwrap();
        assert!(virsh(&["define", file.to_str().unwrap()]));
        if start {
            assert!(virsh(&["start", &name]));
        }
        Some(Self(name))
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        virsh(&["destroy", &self.0]);
        virsh(&["undefine", &self.0]);
    }
}

fn virsh(args: &[&str]) -> bool {
    Command::new("virsh").arg("-c").arg("qemu:///system").args(args).output().is_ok_and(|o| o.status.success())
}

#[test]
fn attach_live_prints_the_disk_as_libvirt_reports_it() {
    let Some(guest) = Guest::new("live", true) else { return };
    let Some(server) = qemu_nbd("cli-attach", 1024 * 1024) else { return };
    let json = format!(
        r#"{{"driver_volume_type": "nbd", "serial": "cli-vol", "data": {{"name": "cli-attach", "hosts": ["127.0.0.1"], "ports": [{}]}}}}"#,
        server.port
    );
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--probe"], Some(json.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.starts_with("<disk type='network' device='disk'>"), "{}", r.stdout);
    assert!(r.stdout.contains("<target dev='vda' bus='virtio'/>") && r.stdout.contains("<alias name="), "{}", r.stdout);
    let again = run(&["attach", "--domain", &guest.0, "--connection-info", "-"], Some(json.as_bytes()));
    assert_eq!(again.code, 1);
    assert_eq!(
        again.stderr,
        "diskxml: the volume with serial 'cli-vol' is attached already, as vda; nothing was done\n"
    );
}

#[test]
fn attach_and_detach_on_a_shut_off_domain() {
    let Some(guest) = Guest::new("config", false) else { return };
    let json =
        br#"{"driver_volume_type": "file", "serial": "cfg-vol", "data": {"device_path": "/var/lib/images/cfg.img"}}"#;
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--dev", "vdc"], Some(json));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("<source file='/var/lib/images/cfg.img'/>"), "{}", r.stdout);
    let r = run(&["detach", "--domain", &guest.0, "--serial", "cfg-vol"], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("<target dev='vdc' bus='virtio'/>"), "{}", r.stdout);
    let r = run(&["detach", "--domain", &guest.0, "--dev", "vdc"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, format!("diskxml: domain '{}' has no disk with target dev 'vdc'\n", guest.0));
}

#[test]
fn an_edge_volume_on_stock_libvirt_exits_1_saying_the_fork_is_needed() {
    let Some(guest) = Guest::new("edge", true) else { return };
    let json = br#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage+tcp:127.0.0.1:26203/v"}}"#;
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-"], Some(json));
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("Open vStorage fork of libvirt"), "{}", r.stderr);
    assert!(r.stderr.trim_end().ends_with("the volume's connection was undone"), "{}", r.stderr);
}
