//! The `diskxml` command, driven as a user would: real process, real files, stdin.
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

mod connectors;
mod front;
#[cfg(feature = "libvirt")]
mod libvirt;
use diskxml_testkit::qemu_nbd;

use std::io::Write;
use std::process::{Command, Stdio};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_env(args, stdin, &[])
}

/// [`run`] with these environment variables set for the command.
fn run_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diskxml"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().unwrap();
    // A command that does not read stdin may close it first; that is not a failure here.
    let _ = writer.join().unwrap();
    let r = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert_one_voice(&r.stderr);
    r
}

/// Every error reaches the user once, in diskxml's words: libvirt's C library prints nothing
/// of its own (its `libvirt: ... error : ...` lines).
fn assert_one_voice(stderr: &str) {
    assert!(!stderr.lines().any(|l| l.starts_with("libvirt:")), "libvirt printed on its own:\n{stderr}");
}

fn testdata(name: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/testdata/{name}")).unwrap()
}

/// Exit 1, nothing on stdout, and exactly this on stderr.
fn assert_invalid(r: &Run, stderr: &str) {
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (1, "", stderr));
}

#[test]
fn render_the_shipped_example() {
    let r = run(&["render", "--connection-info", "examples/openvstorage-edge.json"], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, testdata("connection_info/edge_tcp.xml"));
}

#[test]
fn render_connection_info_from_stdin_with_target() {
    let json = testdata("connection_info/edge_rdma_ipv6.json");
    let r = run(&["render", "--connection-info", "-", "--dev", "sdb", "--bus", "scsi"], Some(json.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Without a unit, nova writes no address, not even on scsi (docs/formats.md, "Common settings").
    let expected =
        testdata("connection_info/edge_rdma_ipv6.xml").replace("dev='vda' bus='virtio'", "dev='sdb' bus='scsi'");
    assert_eq!(r.stdout, expected);
    let r = run(
        &["render", "--connection-info", "-", "--dev", "sdb", "--bus", "scsi", "--unit", "4"],
        Some(json.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, expected.replace("</disk>", "  <address type='drive' controller='0' unit='4'/>\n</disk>"));
}

#[test]
fn render_falls_back_to_the_hosts_rbd_settings() {
    let json = br#"{"driver_volume_type": "rbd", "data": {"name": "p/v", "hosts": ["mon"], "ports": ["6789"],
        "auth_enabled": true, "auth_username": "cinder", "secret_uuid": null, "secret_type": "ceph"}}"#;
    let uuid = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";
    let r = run(&["render", "--connection-info", "-", "--rbd-user", "nova", "--rbd-secret-uuid", uuid], Some(json));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("<auth username='nova'>\n    <secret type='ceph' uuid='{uuid}'/>")),
        "{}",
        r.stdout
    );
    let r = run(&["render", "--connection-info", "-"], Some(json));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("diskxml: -:2:58: data.secret_uuid: the connection info names no secret"),
        "{}",
        r.stderr
    );
}

#[test]
fn render_a_device_path() {
    let r = run(
        &[
            "render",
            "--device-path",
            "openvstorage+rdma:ovs.include.gr:12329/vol1:snapshot-timeout=120",
            "--serial",
            "s-1",
            "--dev",
            "vdb",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "<disk type='network' device='disk'>\n  <driver name='qemu' type='raw' cache='none'/>\n  <source protocol='openvstorage' name='vol1' snapshot-timeout='120'>\n    <host name='ovs.include.gr' port='12329' transport='rdma'/>\n  </source>\n  <target dev='vdb' bus='virtio'/>\n  <serial>s-1</serial>\n  <alias name='ua-s-1'/>\n</disk>\n"
    );
}

#[test]
fn parse_writes_golden_files_back_unchanged() {
    for case in ["seed_example", "unknown_kept", "escapes", "gluster_two_hosts"] {
        let file = format!("testdata/disks/{case}.xml");
        let r = run(&["parse", &file], None);
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        assert_eq!(r.stdout, testdata(&format!("disks/{case}.xml")), "{case}");
    }
    let r = run(&["parse", "-"], Some(testdata("disks/reorder.xml").as_bytes()));
    assert_eq!(r.stdout, testdata("disks/reorder.expected"));
}

/// `diskxml disks` on each domain of `testdata/domains` prints its `.disks` table.
mod domains {
    fn disks_table(case: &str) {
        let r = super::run(&["disks", &format!("testdata/domains/{case}.xml")], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{case}");
        assert_eq!(r.stdout, super::testdata(&format!("domains/{case}.disks")), "{case}");
    }

    diskxml_testkit::golden!("domains", disks_table; edge_guest);
}

#[test]
fn wrong_root_exits_1_with_position() {
    let r = run(&["parse", "testdata/disks/err_wrong_root.xml"], None);
    assert_invalid(
        &r,
        "diskxml: testdata/disks/err_wrong_root.xml:1:1: expected a <disk> or <domain> root element, found <foo>\n",
    );
    let r = run(&["disks", "testdata/disks/seed_example.xml"], None);
    assert_invalid(
        &r,
        "diskxml: testdata/disks/seed_example.xml:1:1: expected a <domain> root element, found <disk>\n",
    );
}

#[test]
fn malformed_xml_exits_1_with_position() {
    let r = run(&["parse", "-"], Some(b"<disk type='file'>\n  <source file='/a'>\n</disk>"));
    assert_invalid(&r, "diskxml: -:3:1: malformed XML: expected 'source' tag, not 'disk'\n");
}

#[test]
fn bad_port_exits_1_with_position() {
    let r = run(&["parse", "testdata/disks/err_port_range.xml"], None);
    assert_invalid(
        &r,
        "diskxml: testdata/disks/err_port_range.xml:3:26: source.host.port: port 70000 is out of range; expected 1-65535\n",
    );
}

#[test]
fn bad_device_path_exits_1_naming_the_field() {
    let r = run(&["render", "--device-path", "rbd:pool/img"], None);
    assert_invalid(
        &r,
        "diskxml: --device-path: character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'rbd:pool/img'\n",
    );
    let json = br#"{"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage+tcp:h:99999/v"}}"#;
    let r = run(&["render", "--connection-info", "-"], Some(json));
    assert_invalid(
        &r,
        "diskxml: -:1:54: data.device_path: character 20: port 99999 is out of range; expected 1-65535\n",
    );
}

#[test]
fn connection_info_that_is_not_json_exits_1_with_position() {
    let r = run(&["render", "--connection-info", "-"], Some(b"{\n  \"data\": oops\n}"));
    assert_invalid(&r, "diskxml: -:2:11: not JSON: expected value\n");
}

#[test]
fn connection_info_without_device_path_exits_1_naming_the_field() {
    let r =
        run(&["render", "--connection-info", "-"], Some(br#"{"driver_volume_type": "openvstorage_edge", "data": {}}"#));
    assert_invalid(&r, "diskxml: -:1:45: data.device_path: missing\n");
}

#[test]
fn invalid_utf8_exits_1() {
    let r = run(&["parse", "-"], Some(b"<disk type='file'><serial>\xff</serial></disk>"));
    assert_invalid(&r, "diskxml: -:1:27: not UTF-8 text: byte 0xFF at offset 26\n");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let r = run(&["render"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("--connection-info"), "{}", r.stderr);
    let r = run(&["frobnicate"], None);
    assert_eq!(r.code, 2);
    let r = run(&["parse", "testdata/does-not-exist.xml"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.starts_with("diskxml: testdata/does-not-exist.xml: "), "{}", r.stderr);
}

#[test]
fn help_everywhere() {
    for args in [&["--help"][..], &["render", "--help"], &["parse", "--help"], &["disks", "--help"]] {
        let r = run(args, None);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(r.stdout.contains("Usage: diskxml"), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn check_reports_every_problem_with_position_and_exits_1() {
    for entry in std::fs::read_dir(format!("{ROOT}/testdata/check")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(case) = name.strip_suffix(".xml") else { continue };
        let file = format!("testdata/check/{case}.xml");
        let r = run(&["check", &file], None);
        let expected: String =
            testdata(&format!("check/{case}.expected")).lines().map(|l| format!("{file}:{l}\n")).collect();
        assert_eq!(r.stdout, expected, "{case}");
        if expected.is_empty() {
            assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{case}: a valid disk is silent");
        } else {
            let count = expected.lines().count();
            assert_eq!((r.code, r.stderr), (1, format!("diskxml: {count} problem(s) found\n")), "{case}");
        }
    }
}

#[test]
fn check_profiles_differ_by_the_qemu_drivers_rules() {
    // libvirt's parser takes two hosts for nbd; its QEMU driver refuses them.
    let file = "testdata/check/check_err_host_counts.xml";
    let r = run(&["check", "--profile", "generic", file], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let r = run(&["check", "--profile", "qemu", file], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("protocol 'nbd' takes exactly one host"), "{}", r.stdout);
}

#[test]
fn check_reads_stdin_and_reports_unreadable_input() {
    let r = run(&["check", "-"], Some(testdata("check/check_err_lun.xml").as_bytes()));
    assert_eq!(
        r.stdout,
        "-:1:19: [device.lun-source] device='lun' needs a block, iscsi or volume source, not type 'file'\n"
    );
    assert_eq!(r.code, 1);
    let r = run(&["check", "-"], Some(b"<volume/>"));
    assert_invalid(&r, "diskxml: -:1:1: expected a <disk> or <domain> root element, found <volume>\n");
    let r = run(&["check", "testdata/domains/edge_guest.xml"], None);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

#[test]
fn normalize_prints_what_libvirt_prints_back() {
    for case in ["cdrom_and_network", "iscsi"] {
        let file = format!("testdata/normalize/{case}.xml");
        let r = run(&["normalize", &file], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{case}");
        assert_eq!(r.stdout, testdata(&format!("normalize/{case}.qemu")), "{case}: qemu is the default");
        let r = run(
            &["normalize", "--profile", "generic", "-"],
            Some(testdata(&format!("normalize/{case}.xml")).as_bytes()),
        );
        assert_eq!(r.stdout, testdata(&format!("normalize/{case}.generic")), "{case}");
        // Normalised output is a fixed point.
        let again = run(&["normalize", "-"], Some(testdata(&format!("normalize/{case}.qemu")).as_bytes()));
        assert_eq!(again.stdout, testdata(&format!("normalize/{case}.qemu")), "{case}");
    }
    let r = run(&["normalize", "--profile", "xen", "-"], Some(b"<disk/>"));
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    let r = run(&["normalize", "-"], Some(b"<disk type='network'/>"));
    assert_invalid(
        &r,
        "diskxml: -:1:1: <disk> lacks the required element <source>: a network disk names its protocol there\n",
    );
}

#[test]
fn render_refuses_what_libvirt_refuses_naming_the_flag_and_the_values_as_a_usage_error() {
    let example = ["render", "--connection-info", "examples/openvstorage-edge.json"];
    for (extra, message) in [
        (
            ["--bus", "virtoi"],
            "diskxml: --bus: \"virtoi\" is not one libvirt accepts; expected one of ide, fdc, scsi, virtio, xen, usb, uml, sata, sd\n",
        ),
        (
            ["--device", "tape"],
            "diskxml: --device: \"tape\" is not one libvirt accepts; expected one of disk, cdrom, floppy, lun\n",
        ),
        (
            ["--dev", "eth0"],
            "diskxml: --dev: \"eth0\" is not a target dev libvirt accepts: fd, hd, sd, vd, xvd or ubd, then letters, digits or _\n",
        ),
        (["--unit", "3"], "diskxml: --unit: a SCSI unit applies to a scsi bus only, not virtio\n"),
    ] {
        let args: Vec<&str> = example.iter().chain(extra.iter()).copied().collect();
        // A flag's value is a usage error (README: exit status 2), as clap's own are.
        let r = run(&args, None);
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (2, "", message), "{extra:?}");
    }
}

#[test]
fn render_takes_the_bus_from_the_dev_prefix() {
    for (dev, bus) in [("vdc", "virtio"), ("sdb", "scsi"), ("hdb", "ide"), ("xvdb", "xen"), ("ubda", "uml")] {
        let r = run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--dev", dev], None);
        assert_eq!(r.code, 0, "{dev}: {}", r.stderr);
        assert!(r.stdout.contains(&format!("<target dev='{dev}' bus='{bus}'/>")), "{dev}: {}", r.stdout);
    }
    // As libvirt infers it: a floppy is on fdc whatever its dev, and an fd dev is a floppy's
    // only (a disk on fda would be ide, which libvirt refuses).
    let floppy = ["render", "--connection-info", "examples/openvstorage-edge.json", "--device", "floppy"];
    let r = run(&[&floppy[..], &["--dev", "fda"]].concat(), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("<target dev='fda' bus='fdc'/>"), "{}", r.stdout);
    let r = run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--dev", "fda"], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("[target.floppy-dev]"), "{}", r.stderr);
    let r =
        run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--dev", "sdb", "--bus", "sata"], None);
    assert!(r.stdout.contains("<target dev='sdb' bus='sata'/>"), "{}", r.stdout);
}

#[test]
fn serial_overrides_the_connection_info_and_says_so() {
    let r = run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--serial", "s-9"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("<serial>s-9</serial>"), "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "diskxml: note: --serial \"s-9\" overrides the connection info's serial (\"8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10\")\n"
    );
}

#[test]
fn render_prints_nothing_libvirt_would_refuse() {
    // A serial libvirt refuses, from the connection info: exit 1 with the rule, nothing on stdout.
    let json = br#"{"driver_volume_type": "local", "serial": "bad/serial", "data": {"device_path": "/dev/sdz"}}"#;
    let r = run(&["render", "--connection-info", "-"], Some(json));
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("[serial.pattern] disk/serial: serial \"bad/serial\""), "{}", r.stderr);
}

#[test]
fn render_encrypts_a_volume_the_host_has_a_secret_for() {
    let uuid = "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b";
    let secret = format!("8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10={uuid}");
    let r = run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--volume-secret", &secret], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected =
        format!("  <encryption format='luks'>\n    <secret type='passphrase' uuid='{uuid}'/>\n  </encryption>\n");
    assert!(r.stdout.contains(&expected), "{}", r.stdout);
    let r =
        run(&["render", "--connection-info", "examples/openvstorage-edge.json", "--volume-secret", "other=x"], None);
    assert!(!r.stdout.contains("<encryption"), "another volume's secret is not this one's: {}", r.stdout);
}

/// `diskxml disks big.xml | head -1`: the reader stops early; the command ends quietly.
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    let disk =
        "<disk type='file' device='disk'><source file='/var/lib/images/a.img'/><target dev='vda' bus='virtio'/></disk>";
    let domain = format!("<domain><devices>{}</devices></domain>", disk.repeat(5_000));
    let file = std::env::temp_dir().join(format!("diskxml-pipe-{}.xml", std::process::id()));
    std::fs::write(&file, domain).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_diskxml"))
        .args(["disks", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
    // The reader is gone (dropped with the BufReader) long before the output ends.
    let out = child.wait_with_output().unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(first.starts_with("DEV "), "{first}");
    assert_eq!((out.status.code(), String::from_utf8(out.stderr).unwrap().as_str()), (Some(0), ""));
}

/// A build without the libvirt feature says how to get attach and detach, not "unrecognized".
#[cfg(not(feature = "libvirt"))]
#[test]
fn attach_without_the_libvirt_feature_says_how_to_get_it() {
    for command in ["attach", "detach", "audit"] {
        let r = run(&[command, "--domain", "g", "--serial", "x"], None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""));
        assert!(r.stderr.starts_with("diskxml: attach, detach and audit need the libvirt feature: "), "{}", r.stderr);
        assert!(r.stderr.contains("--features libvirt"), "{}", r.stderr);
    }
}

/// Durations take the usual units (`5m`, `1h`), and a bad one is a usage error naming it.
#[test]
fn durations_take_the_usual_units() {
    // A loopback port nothing listens on: the probe fails fast, whatever the timeout.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let info = format!(
        r#"{{"driver_volume_type": "nbd", "data": {{"name": "e", "hosts": ["127.0.0.1"], "ports": [{port}]}}}}"#
    );
    for timeout in ["5m", "1h", "2min", "500ms"] {
        let r = run(&["probe", "--connection-info", "-", "--timeout", timeout], Some(info.as_bytes()));
        assert_eq!(r.code, 1, "--timeout {timeout}: a failed probe, not a usage error: {}", r.stderr);
    }
    let r = run(&["probe", "--connection-info", "-", "--timeout", "5x"], Some(info.as_bytes()));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("expected a duration such as 2s, 500ms, 5m or 1h, found \"5x\""), "{}", r.stderr);
}
