//! `diskxml attach` and `diskxml detach` against a real libvirtd (`--features libvirt`):
//! what they say, many at once, and signals in the middle.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::qemu_nbd::qemu_nbd;
use crate::{ROOT, Run, assert_one_voice};

/// Tests use libvirtd as it is (shared), but the audit test restarts it (exclusive).
static LIBVIRTD: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Whether a libvirtd answers; says loudly that the test is skipped when not (a failure
/// with DISKXML_REQUIRE_TOOLS=1).
fn libvirtd_up() -> bool {
    // Only the libvirtd DISKXML_LIBVIRT_URI names (.ci/libvirtd's); unset, the tests skip.
    let Some(uri) = diskxml_testkit::tools::libvirt_uri() else { return false };
    let up = Command::new("virsh").args(["-c", &uri, "version"]).output().is_ok_and(|o| o.status.success());
    if !up {
        diskxml_testkit::tools::skip(&format!("no libvirtd answers on {uri} (.ci/libvirtd start)"));
    }
    up
}

/// The libvirtd the tests were pointed at (DISKXML_LIBVIRT_URI; checked by [`libvirtd_up`]).
fn uri() -> String {
    std::env::var(diskxml_testkit::tools::LIBVIRT_URI_VAR).unwrap_or_default()
}

/// The command, pointed at that libvirtd through libvirt's own LIBVIRT_DEFAULT_URI (its
/// `--uri` default).
fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    crate::run_env(args, stdin, &[("LIBVIRT_DEFAULT_URI", &uri())])
}

/// A guest defined (and maybe started) with virsh; gone when dropped. `None` (loudly) without
/// a libvirtd, unless DISKXML_REQUIRE_TOOLS=1.
struct Guest(String, #[allow(dead_code, reason = "held for the guest's life")] std::sync::RwLockReadGuard<'static, ()>);

impl Guest {
    fn new(tag: &str, start: bool) -> Option<Self> {
        let shared = LIBVIRTD.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !libvirtd_up() {
            return None;
        }
        let name = unused_domain(tag);
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices/></domain>"
        );
        let file = std::env::temp_dir().join(format!("{name}.xml"));
        std::fs::write(&file, xml).unwrap();
        assert!(virsh(&["define", file.to_str().unwrap()]).is_some());
        if start {
            assert!(virsh(&["start", &name]).is_some());
        }
        Some(Self(name, shared))
    }

    fn xml(&self, inactive: bool) -> String {
        let args: &[&str] = if inactive { &["dumpxml", "--inactive", &self.0] } else { &["dumpxml", &self.0] };
        virsh(args).unwrap()
    }

    /// The lock file diskxml takes for this guest in `dir`.
    fn lock_file(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let uuid = virsh(&["domuuid", &self.0]).unwrap();
        dir.join(format!("domain-{}.lock", uuid.trim()))
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        virsh(&["destroy", &self.0]);
        virsh(&["undefine", &self.0]);
    }
}

/// `diskxml-test-cli-TAG-PID`, the name of a domain the test is about to define: none may
/// have it yet (a domain of that name is not this test's, and defining would replace it).
fn unused_domain(tag: &str) -> String {
    let name = format!("diskxml-test-cli-{tag}-{}", std::process::id());
    assert!(
        virsh(&["domstate", &name]).is_none(),
        "a domain named {name} exists, which this test did not create; refusing to touch it"
    );
    name
}

/// A libvirt secret uuid the test is about to define: none may have it yet.
fn unused_secret(uuid: &str) -> &str {
    assert!(
        virsh(&["secret-dumpxml", uuid]).is_none(),
        "a secret {uuid} exists, which this test did not create; refusing to touch it"
    );
    uuid
}

/// virsh's stdout, when it succeeds.
fn virsh(args: &[&str]) -> Option<String> {
    let out = Command::new("virsh").arg("-c").arg(uri()).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8(out.stdout).unwrap())
}

fn nbd_json(serial: &str, export: &str, port: u16) -> String {
    format!(
        r#"{{"driver_volume_type": "nbd", "serial": "{serial}", "data": {{"name": "{export}", "hosts": ["127.0.0.1"], "ports": [{port}]}}}}"#
    )
}

/// A directory of lock files for one test.
fn lock_dir(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("diskxml-cli-locks-{tag}-{}", std::process::id()))
}

/// The command, started with `json` as its connection info file.
fn spawn(args: &[&str], json: &str, tag: &str) -> Child {
    let file = std::env::temp_dir().join(format!("diskxml-cli-{tag}-{}.json", std::process::id()));
    std::fs::write(&file, json).unwrap();
    Command::new(env!("CARGO_BIN_EXE_diskxml"))
        .args(args)
        .args(["--connection-info", file.to_str().unwrap()])
        .env("LIBVIRT_DEFAULT_URI", uri())
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> Run {
    let out = child.wait_with_output().unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert_one_voice(&r.stderr);
    r
}

fn kill(signal: &str, pid: u32) {
    assert!(Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().unwrap().success());
}

/// Waits until someone holds the lock on `file` (the command under test has reached it);
/// fails if the command ends first, never on time.
fn wait_until_locked(file: &std::path::Path, child: &mut Child) {
    loop {
        if let Ok(f) = std::fs::File::open(file)
            && matches!(fs4::FileExt::try_lock(&f), Err(fs4::TryLockError::WouldBlock))
        {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the command ended ({status}) before it took {}", file.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn attach_live_says_what_it_did_then_prints_the_disk_as_libvirt_reports_it() {
    let Some(guest) = Guest::new("live", true) else { return };
    let Some(server) = qemu_nbd("cli-attach", 1024 * 1024) else { return };
    let json = nbd_json("cli-vol", "cli-attach", server.port);
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--probe"], Some(json.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let (said, disk) = r.stdout.split_once('\n').unwrap();
    assert_eq!(said, format!("attached vda (serial cli-vol) to {}, live and config", guest.0));
    assert!(disk.starts_with("<disk type='network' device='disk'>\n  <driver"), "{disk}");
    assert!(disk.ends_with("\n</disk>\n"), "indented as a document of its own:\n{disk}");
    assert!(disk.contains("\n  <target dev='vda' bus='virtio'/>") && disk.contains("<alias name="), "{disk}");
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
    assert!(r.stdout.starts_with(&format!("attached vdc (serial cfg-vol) to {}, config\n<disk", guest.0)));
    assert!(r.stdout.contains("\n  <source file='/var/lib/images/cfg.img'/>"), "{}", r.stdout);
    let r = run(&["detach", "--domain", &guest.0, "--serial", "cfg-vol"], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.starts_with(&format!("detached vdc from {}, config\n<disk", guest.0)), "{}", r.stdout);
    assert!(r.stdout.contains("\n  <target dev='vdc' bus='virtio'/>"), "{}", r.stdout);
    let r = run(&["detach", "--domain", &guest.0, "--dev", "vdc"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(
        r.stderr,
        format!("diskxml: domain '{}' has no disk with target dev 'vdc'; nothing was done\n", guest.0)
    );
}

/// attach takes the bus from the dev's prefix, as render does (it was virtio whatever the dev);
/// a dev libvirt does not accept is a usage error.
#[test]
fn attach_takes_the_bus_from_the_dev_prefix() {
    let Some(guest) = Guest::new("bus", false) else { return };
    let json =
        br#"{"driver_volume_type": "file", "serial": "bus-vol", "data": {"device_path": "/var/lib/images/bus.img"}}"#;
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--dev", "sdc"], Some(json));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("\n  <target dev='sdc' bus='scsi'/>"), "{}", r.stdout);
    assert!(guest.xml(true).contains("<target dev='sdc' bus='scsi'/>"));
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--dev", "eth0"], Some(json));
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.starts_with("diskxml: --dev: \"eth0\" is not a target dev libvirt accepts"), "{}", r.stderr);
}

/// attach has render's volume flags: --device, --serial, --rbd-user, --rbd-secret-uuid.
#[test]
fn attach_takes_renders_volume_flags() {
    let Some(guest) = Guest::new("flags", false) else { return };
    let json =
        br#"{"driver_volume_type": "file", "serial": "given", "data": {"device_path": "/var/lib/images/flags.iso"}}"#;
    let args = ["attach", "--domain", &guest.0, "--connection-info", "-", "--dev", "sdd", "--device", "cdrom"];
    let r = run(&[&args[..], &["--serial", "override"]].concat(), Some(json));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let xml = guest.xml(true);
    assert!(xml.contains("<disk type='file' device='cdrom'>"), "{xml}");
    assert!(xml.contains("<serial>override</serial>") && !xml.contains("<serial>given</serial>"), "{xml}");
    let rbd = br#"{"driver_volume_type": "rbd", "serial": "rbd-vol", "data": {"name": "pool/img", "hosts": ["127.0.0.1"], "ports": ["6789"], "secret_type": "ceph"}}"#;
    let uuid = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d";
    let r = run(
        &[
            "attach",
            "--domain",
            &guest.0,
            "--connection-info",
            "-",
            "--dev",
            "vdf",
            "--rbd-user",
            "nova",
            "--rbd-secret-uuid",
            uuid,
        ],
        Some(rbd),
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let xml = guest.xml(true);
    assert!(xml.contains("<auth username='nova'>"), "{xml}");
    assert!(xml.contains(&format!("<secret type='ceph' uuid='{uuid}'/>")), "{xml}");
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-", "--device", "tape"], Some(json));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected one of disk, cdrom, floppy, lun"), "{}", r.stderr);
}

#[test]
fn attach_says_when_a_volume_is_encrypted_with_the_hosts_libvirt_secret() {
    let Some(guest) = Guest::new("luks", false) else { return };
    let volume = format!("diskxml-test-cli-luks-{}", std::process::id());
    let uuid = unused_secret("5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d");
    let file = std::env::temp_dir().join(format!("{volume}.xml"));
    let secret = format!(
        "<secret ephemeral='no' private='yes'><uuid>{uuid}</uuid><usage type='volume'><volume>{volume}</volume></usage></secret>"
    );
    std::fs::write(&file, secret).unwrap();
    assert!(virsh(&["secret-define", file.to_str().unwrap()]).is_some());
    let json = format!(
        r#"{{"driver_volume_type": "file", "serial": "luks-vol", "data": {{"device_path": "/var/lib/images/luks.img", "volume_id": "{volume}"}}}}"#
    );
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-"], Some(json.as_bytes()));
    virsh(&["secret-undefine", uuid]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let (said, disk) = r.stdout.split_once('\n').unwrap();
    assert_eq!(
        said,
        format!(
            "attached vda (serial luks-vol) to {}, config; encrypted (LUKS), its passphrase libvirt secret {uuid}",
            guest.0
        )
    );
    assert!(disk.contains(&format!("<secret type='passphrase' uuid='{uuid}'/>")), "{disk}");
}

#[test]
fn an_edge_volume_on_stock_libvirt_exits_1_saying_the_fork_is_needed() {
    let Some(guest) = Guest::new("edge", true) else { return };
    let json = br#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage+tcp:127.0.0.1:26203/v"}}"#;
    let r = run(&["attach", "--domain", &guest.0, "--connection-info", "-"], Some(json));
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("Open vStorage fork of libvirt"), "{}", r.stderr);
    assert!(r.stderr.ends_with("the volume's connection was undone and nothing was plugged\n"), "{}", r.stderr);
}

#[test]
fn sixteen_concurrent_processes_attach_to_one_running_guest_each_to_its_own_dev() {
    let Some(guest) = Guest::new("sixteen", true) else { return };
    let Some(server) = qemu_nbd("cli-sixteen", 1024 * 1024) else { return };
    let dir = lock_dir("sixteen");
    let children: Vec<Child> = (0..16)
        .map(|i| {
            let json = nbd_json(&format!("s-{i}"), "cli-sixteen", server.port);
            let args = ["attach", "--domain", &guest.0, "--lock-dir", dir.to_str().unwrap()];
            spawn(&args, &json, &format!("sixteen-{i}"))
        })
        .collect();
    let mut devs = std::collections::BTreeSet::new();
    for child in children {
        let r = finish(child);
        assert_eq!(r.code, 0, "{}", r.stderr);
        devs.insert(r.stdout.split_whitespace().nth(1).unwrap().to_owned());
    }
    assert_eq!(devs.len(), 16, "{devs:?}");
}

#[test]
fn eight_concurrent_processes_attaching_one_serial_exactly_one_succeeds() {
    let Some(guest) = Guest::new("same", false) else { return };
    let dir = lock_dir("same");
    let json = nbd_json("same-vol", "same", 1);
    let children: Vec<Child> = (0..8)
        .map(|i| {
            let dev = format!("vd{}", char::from(b'a' + i));
            let args = ["attach", "--domain", &guest.0, "--dev", &dev, "--lock-dir", dir.to_str().unwrap()];
            spawn(&args, &json, &format!("same-{i}"))
        })
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    assert_eq!(
        runs.iter().filter(|r| r.code == 0).count(),
        1,
        "{:?}",
        runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
    );
    for r in runs.iter().filter(|r| r.code != 0) {
        assert!(r.stderr.contains("is attached already") && r.stderr.ends_with("nothing was done\n"), "{}", r.stderr);
    }
    assert_eq!(guest.xml(true).matches("<serial>same-vol</serial>").count(), 1);
}

#[test]
fn sigterm_while_waiting_for_the_lock_exits_143_having_done_nothing() {
    let Some(guest) = Guest::new("sigterm", false) else { return };
    let dir = lock_dir("sigterm");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = guest.lock_file(&dir);
    let held = std::fs::File::create(&lock).unwrap();
    fs4::FileExt::try_lock(&held).unwrap();
    let before = (guest.xml(false), guest.xml(true));
    let child =
        spawn(&["attach", "--domain", &guest.0, "--lock-dir", dir.to_str().unwrap()], &nbd_json("t", "t", 1), "term");
    // It says what it waits for, then waits: the signal reaches a process that handles it.
    let mut child = child;
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    assert_eq!(
        first,
        format!(
            "diskxml: waiting for the lock on domain '{}' ({}), held by another attach or detach\n",
            guest.0,
            lock.display()
        )
    );
    kill("TERM", child.id());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    assert_eq!(rest, "diskxml: interrupted by SIGTERM while waiting for the lock; nothing was done\n");
    assert_eq!((guest.xml(false), guest.xml(true)), before);
}

#[test]
fn sigint_while_the_volume_is_being_probed_undoes_the_connection_and_exits_130() {
    let Some(guest) = Guest::new("sigint", true) else { return };
    let Some(server) = qemu_nbd("cli-sigint", 1024 * 1024) else { return };
    let dir = lock_dir("sigint");
    let before = (guest.xml(false), guest.xml(true));
    // The server stops answering: the probe hangs after the TCP handshake.
    kill("STOP", server.pid());
    let args = ["attach", "--domain", &guest.0, "--probe", "--timeout", "600s", "--lock-dir", dir.to_str().unwrap()];
    let mut child = spawn(&args, &nbd_json("i", "cli-sigint", server.port), "int");
    std::fs::create_dir_all(&dir).unwrap();
    wait_until_locked(&guest.lock_file(&dir), &mut child);
    kill("INT", child.id());
    kill("CONT", server.pid());
    let r = finish(child);
    assert_eq!(r.code, 130, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("diskxml: interrupted by SIGINT before "), "{}", r.stderr);
    assert!(r.stderr.ends_with("nothing was plugged\n") || r.stderr.ends_with("nothing was done\n"), "{}", r.stderr);
    assert_eq!((guest.xml(false), guest.xml(true)), before, "nothing plugged");
}

#[test]
fn sigterm_while_a_live_detach_waits_for_the_guest_exits_143_saying_the_volume_stays() {
    let Some(guest) = Guest::new("detachterm", true) else { return };
    let Some(server) = qemu_nbd("cli-detachterm", 1024 * 1024) else { return };
    let dir = lock_dir("detachterm");
    let json = nbd_json("d", "cli-detachterm", server.port);
    let r = run(
        &["attach", "--domain", &guest.0, "--connection-info", "-", "--lock-dir", dir.to_str().unwrap()],
        Some(json.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let args = [
        "detach",
        "--domain",
        &guest.0,
        "--serial",
        "d",
        "--live",
        "--timeout",
        "600s",
        "--lock-dir",
        dir.to_str().unwrap(),
    ];
    let mut child = spawn(&args, &json, "detachterm");
    wait_until_locked(&guest.lock_file(&dir), &mut child);
    // A guest without an OS never releases the disk: the detach waits until the signal.
    std::thread::sleep(Duration::from_millis(300));
    kill("TERM", child.id());
    let r = finish(child);
    assert_eq!(r.code, 143, "{}", r.stderr);
    assert!(r.stderr.starts_with("diskxml: interrupted by SIGTERM "), "{}", r.stderr);
    assert!(
        r.stderr.ends_with("the volume stays connected\n") || r.stderr.ends_with("nothing was done\n"),
        "{}",
        r.stderr
    );
    // The lock is released: the next command on the domain does not wait.
    let r = run(
        &[
            "detach",
            "--domain",
            &guest.0,
            "--serial",
            "d",
            "--config",
            "--lock-timeout",
            "0s",
            "--lock-dir",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `diskxml audit` finds a guest whose persistent definition holds a disk the QEMU driver
/// refuses. libvirt refuses to define one, but loads what it finds in its configuration
/// directory without validating (after an upgrade, a hand edit): the case audit exists for.
#[test]
fn audit_finds_the_guest_libvirt_will_refuse_to_start() {
    let _exclusive = LIBVIRTD.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !libvirtd_up() {
        return;
    }
    let name = unused_domain("audit");
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>\
         <disk type='file' device='disk'><source file='/dev/null'/><target dev='vdq' bus='virtio'/>\
         <serial>audit-ok</serial></disk></devices></domain>"
    );
    let file = std::env::temp_dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    assert!(virsh(&["define", file.to_str().unwrap()]).is_some());
    let clean = run(&["audit", "--json"], None);
    let rows: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert!(!rows.as_array().unwrap().iter().any(|r| r["domain"] == name.as_str()), "{}", clean.stdout);

    // Edit the definition behind libvirt's back, then restart it: it loads the file as is.
    let config = format!("/etc/libvirt/qemu/{name}.xml");
    let text = std::fs::read_to_string(&config).unwrap();
    let restart = |what: &str| {
        let ok = Command::new(format!("{ROOT}/.ci/libvirtd")).arg(what).status().unwrap().success();
        assert!(ok, ".ci/libvirtd {what}");
    };
    restart("stop");
    std::fs::write(&config, text.replace("<serial>audit-ok</serial>", "<serial>audit!bad</serial>")).unwrap();
    restart("start");
    let refused = Command::new("virsh").args(["-c", &uri(), "start", &name]).output().unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && said.contains("unsafe characters"), "libvirt started it: {said}");

    let text_run = run(&["audit"], None);
    let json_run = run(&["audit", "--json", "--uri", &uri()], None);
    virsh(&["undefine", &name]);
    assert_eq!((text_run.code, json_run.code), (1, 1), "{}", text_run.stderr);
    let row = text_run.stdout.lines().find(|l| l.starts_with(&name)).unwrap_or_else(|| panic!("{}", text_run.stdout));
    let cells: Vec<&str> = row.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(cells[..4], [name.as_str(), "config", "vdq", "serial.pattern"], "{row}");
    assert!(text_run.stdout.starts_with("DOMAIN "), "{}", text_run.stdout);
    let rows: serde_json::Value = serde_json::from_str(&json_run.stdout).unwrap();
    let ours: Vec<&serde_json::Value> =
        rows.as_array().unwrap().iter().filter(|r| r["domain"] == name.as_str()).collect();
    assert_eq!(ours.len(), 1, "{}", json_run.stdout);
    assert_eq!(
        (ours[0]["definition"].as_str(), ours[0]["dev"].as_str(), ours[0]["rule"].as_str()),
        (Some("config"), Some("vdq"), Some("serial.pattern"))
    );
    assert!(ours[0]["message"].as_str().unwrap().contains("audit!bad"));
}

#[test]
fn audit_finds_a_disk_whose_secret_libvirt_does_not_hold() {
    let _shared = LIBVIRTD.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !libvirtd_up() {
        return;
    }
    let name = unused_domain("audit-secret");
    let uuid = unused_secret("7c6b5a49-3827-4165-9f0e-1d2c3b4a5968");
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>\n\
         <disk type='network' device='disk'><source protocol='nbd' name='x'><host name='127.0.0.1' port='1'/>\n\
         <encryption format='luks'>\n<secret type='passphrase' uuid='{uuid}'/></encryption></source>\
         <target dev='vdr' bus='virtio'/></disk></devices></domain>"
    );
    let file = std::env::temp_dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    assert!(virsh(&["define", file.to_str().unwrap()]).is_some(), "libvirt defines it: it checks secrets at start");
    let refused = Command::new("virsh").args(["-c", &uri(), "start", &name]).output().unwrap();
    let said = String::from_utf8_lossy(&refused.stderr).to_string();

    let missing = run(&["audit", "--json"], None);
    let secret = std::env::temp_dir().join(format!("{name}-secret.xml"));
    std::fs::write(&secret, format!("<secret ephemeral='no' private='yes'><uuid>{uuid}</uuid></secret>")).unwrap();
    assert!(virsh(&["secret-define", secret.to_str().unwrap()]).is_some());
    let held = run(&["audit", "--json"], None);
    virsh(&["secret-undefine", uuid]);
    virsh(&["undefine", &name]);

    assert!(!refused.status.success() && said.contains(uuid), "libvirt started it: {said}");
    let ours = |r: &Run| -> Vec<serde_json::Value> {
        let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        rows.as_array().unwrap().iter().filter(|r| r["domain"] == name.as_str()).cloned().collect()
    };
    let rows = ours(&missing);
    assert_eq!(rows.len(), 1, "{}", missing.stdout);
    assert_eq!((rows[0]["dev"].as_str(), rows[0]["rule"].as_str()), (Some("vdr"), Some("secret.missing")));
    assert!(rows[0]["message"].as_str().unwrap().contains(uuid), "{}", rows[0]);
    // The <secret> element, on the 3rd line of the definition libvirt prints back.
    assert!(rows[0]["line"].as_u64().is_some_and(|l| l > 1), "{}", rows[0]);
    assert!(ours(&held).is_empty(), "a held secret is no problem: {}", held.stdout);
}
