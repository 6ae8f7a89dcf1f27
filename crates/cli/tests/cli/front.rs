//! The command as operators use it: domains as well as disks, several files, one error
//! form, JSON everywhere, completions and a man page.

use serde_json::Value;

use crate::{ROOT, run, testdata};

const DOMAIN: &str = "testdata/domains/edge_guest.xml";

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// A file in a fresh temporary directory, removed with it.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("diskxml-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn parse_and_normalize_take_a_domain_whole_or_one_disk() {
    let all = run(&["parse", DOMAIN], None);
    assert_eq!((all.code, all.stderr.as_str()), (0, ""));
    assert_eq!(all.stdout.matches("<disk ").count(), 4, "{}", all.stdout);
    // One document: the domain, each disk as diskxml writes it, which parse reads back (a
    // fixed point), and normalize too.
    assert!(all.stdout.starts_with("<domain") && all.stdout.trim_end().ends_with("</domain>"), "{}", all.stdout);
    let again = run(&["parse", "-"], Some(all.stdout.as_bytes()));
    assert_eq!((again.code, again.stderr.as_str(), again.stdout.as_str()), (0, "", all.stdout.as_str()));
    let normalized = run(&["normalize", DOMAIN], None);
    assert_eq!((normalized.code, normalized.stderr.as_str()), (0, ""));
    assert!(normalized.stdout.starts_with("<domain"), "{}", normalized.stdout);
    let twice = run(&["normalize", "-"], Some(normalized.stdout.as_bytes()));
    assert_eq!((twice.code, twice.stdout.as_str()), (0, normalized.stdout.as_str()));
    let json = run(&["parse", "--json", "-"], Some(normalized.stdout.as_bytes()));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&json.stdout).unwrap().as_array().unwrap().len(), 4);
    for (flag, value, what) in [("--dev", "vdb", ""), ("--alias", "none", "alias"), ("--serial", "none", "serial")] {
        let r = run(&["parse", flag, value, DOMAIN], None);
        if value == "none" {
            assert_eq!(r.code, 1);
            assert_eq!(r.stderr, format!("diskxml: {DOMAIN}: no disk with {what} 'none'\n"));
            continue;
        }
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        assert!(r.stdout.starts_with("<disk type='network'") && r.stdout.contains("<target dev='vdb'"), "{}", r.stdout);
        assert_eq!(r.stdout.matches("<disk ").count(), 1);
    }
    let r = run(&["normalize", "--dev", "vdc", DOMAIN], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // The qemu profile's normalisation: the driver QEMU prints back.
    assert!(r.stdout.contains("<driver name='qemu' type='raw'/>") && r.stdout.contains("'shm-vol'"), "{}", r.stdout);
    // A serial picks too.
    let with_serial = testdata("domains/edge_guest.xml")
        .replace("<target dev='vdc' bus='virtio'/>", "<target dev='vdc' bus='virtio'/>\n      <serial>s-1</serial>");
    let r = run(&["parse", "--serial", "s-1", "-"], Some(with_serial.as_bytes()));
    assert!(r.stdout.contains("<target dev='vdc'"), "{}", r.stdout);
}

#[test]
fn check_picks_one_disk_of_a_domain() {
    let domain = testdata("domains/edge_guest.xml")
        .replace("<target dev='vdb' bus='virtio'/>", "<target dev='vdb' bus='virtio'/>\n      <serial>a!b</serial>")
        .replace("<target dev='vdc' bus='virtio'/>", "<target dev='vdc' bus='virtio'/>\n      <serial>c!d</serial>");
    let all = run(&["check", "-"], Some(domain.as_bytes()));
    assert_eq!(all.code, 1);
    assert_eq!(all.stdout.lines().count(), 2, "{}", all.stdout);
    let r = run(&["check", "--dev", "vdc", "-"], Some(domain.as_bytes()));
    assert_eq!(r.code, 1);
    let second = all.stdout.lines().nth(1).unwrap();
    assert!(second.starts_with(&format!("-:{}: [serial.pattern] serial \"c!d\"", pos_of(&domain, "c!d"))), "{second}");
    assert_eq!(r.stdout, format!("{second}\n"));
    let r = run(&["check", "--dev", "vda", "-"], Some(domain.as_bytes()));
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

/// line:column of the element holding `needle` (the `<serial>` before it).
fn pos_of(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap() - "<serial>".len();
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{column}")
}

#[test]
fn check_takes_several_files_and_names_only_the_bad_one() {
    let scratch = Scratch::new("several");
    let good = scratch.file("good.xml", testdata("check/valid_edge.xml").as_bytes());
    let bad = scratch.file("bad.xml", testdata("check/check_err_lun.xml").as_bytes());
    let also_good = scratch.file("domain.xml", testdata("domains/edge_guest.xml").as_bytes());
    let r = run(&["check", &good, &bad, &also_good], None);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.is_empty());
    assert!(r.stdout.lines().all(|l| l.starts_with(&format!("{bad}:"))), "{}", r.stdout);
    let r = run(&["check", &good, &also_good], None);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    // An unreadable file among good ones: named on stderr, the others still checked.
    let broken = scratch.file("broken.xml", b"<disk type='file'>");
    let r = run(&["check", &bad, &broken, &good], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.lines().all(|l| l.starts_with(&format!("{bad}:"))), "{}", r.stdout);
    assert!(r.stderr.starts_with(&format!("diskxml: {broken}:1:1: malformed XML")), "{}", r.stderr);
    // Output in input order, whatever order the cores finish in.
    let many: Vec<String> = (0..40)
        .map(|i| scratch.file(&format!("f{i:02}.xml"), testdata("check/check_err_lun.xml").as_bytes()))
        .collect();
    let args: Vec<&str> = std::iter::once("check").chain(many.iter().map(String::as_str)).collect();
    let r = run(&args, None);
    let files: Vec<&str> = r.stdout.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, many.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn check_json_carries_what_the_text_says() {
    let file = "testdata/check/check_err_patterns.xml";
    let text = run(&["check", file], None);
    let r = run(&["check", "--json", file], None);
    assert_eq!((r.code, text.code), (1, 1));
    let problems = json(&r.stdout);
    let from_json: Vec<String> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}: [{}] {}",
                p["file"].as_str().unwrap(),
                p["line"],
                p["column"],
                p["rule"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(from_json, text.stdout.lines().collect::<Vec<_>>());
    let r = run(&["check", "--json", "testdata/check/valid_edge.xml"], None);
    assert_eq!((r.code, json(&r.stdout)), (0, Value::Array(Vec::new())));
}

/// The rules of `testdata/check/check_err_construction.xml`'s findings, in order.
const CONSTRUCTION_RULES: [&str; 8] = [
    "source.host-port",
    "source.host-count",
    "xml.required",
    "target.dev-pattern",
    "xml.value",
    "xml.character",
    "source.host-socket",
    "source.host-transport",
];

#[test]
fn check_counts_a_disk_it_could_not_read_as_a_problem_with_its_rule() {
    let scratch = Scratch::new("construction");
    let file = "testdata/check/check_err_construction.xml";
    let broken = scratch.file("broken.xml", b"<disk type='file'>");
    let r = run(&["check", file, &broken], None);
    assert_eq!(r.code, 1);
    let rules: Vec<&str> = r.stdout.lines().map(|l| l.split(['[', ']']).nth(1).unwrap_or("none")).collect();
    assert_eq!(rules, CONSTRUCTION_RULES, "{}", r.stdout);
    assert!(r.stdout.starts_with(&format!("{file}:6:40: [source.host-port] ")), "{}", r.stdout);
    assert!(
        r.stderr.ends_with("diskxml: 8 problem(s) found; 1 file(s) could not be checked\n"),
        "the summary counts both: {}",
        r.stderr
    );
    let r = run(&["check", "--json", file], None);
    let entries = json(&r.stdout);
    let rules: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, CONSTRUCTION_RULES);
    assert_eq!((r.code, r.stderr.as_str()), (1, "diskxml: 8 problem(s) found\n"));
}

#[test]
fn check_json_names_the_files_it_could_not_check_in_input_order() {
    let dir = std::env::temp_dir().join(format!("diskxml-cli-unchecked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.xml");
    std::fs::write(&broken, "<disk type='file'>\n  <target dev='vda'>\n</disk>\n").unwrap();
    let missing = dir.join("missing.xml");
    let (broken, missing) = (broken.to_str().unwrap(), missing.to_str().unwrap());
    let bad = "testdata/check/check_err_patterns.xml";
    let text = run(&["check", broken, bad, missing], None);
    let r = run(&["check", "--json", broken, bad, missing], None);
    assert_eq!((r.code, text.code), (2, 2), "a file that cannot be read is the worst");
    assert_eq!(r.stderr, text.stderr, "stderr says the same either way");
    let entries = json(&r.stdout);
    let entries = entries.as_array().unwrap();
    let first = &entries[0];
    assert_eq!((first["file"].as_str(), &first["rule"]), (Some(broken), &Value::Null), "{first}");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(3), Some(1)), "{first}");
    let said = format!("diskxml: {broken}:3:1: {}\n", first["message"].as_str().unwrap());
    assert!(text.stderr.starts_with(&said), "{}", text.stderr);
    let last = entries.last().unwrap();
    assert_eq!((last["file"].as_str(), &last["line"], &last["rule"]), (Some(missing), &Value::Null, &Value::Null));
    assert!(last["message"].as_str().unwrap().contains("No such file"), "{last}");
    let middle: Vec<&str> = entries[1..entries.len() - 1].iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert!(!middle.is_empty() && middle.iter().all(|f| *f == bad), "{middle:?}");
    assert_eq!(middle.len(), text.stdout.lines().count(), "every problem the text shows");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn disks_is_a_table_and_json_with_the_same_facts() {
    let r = run(&["disks", DOMAIN], None);
    // Cells are two or more spaces apart ("(no media)" holds one).
    let rows: Vec<Vec<&str>> =
        r.stdout.lines().map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()).collect();
    assert_eq!(rows[0], ["DEV", "BUS", "DEVICE", "TYPE", "SOURCE", "SERIAL", "FLAGS"]);
    // Aligned: every column starts where its header does.
    let header = r.stdout.lines().next().unwrap();
    let source_at = header.find("SOURCE").unwrap();
    for line in r.stdout.lines().skip(1) {
        assert_ne!(line.as_bytes()[source_at], b' ', "{line}");
        assert_eq!(line.as_bytes()[source_at - 1], b' ', "{line}");
    }
    let j = run(&["disks", "--json", DOMAIN], None);
    let disks = json(&j.stdout);
    let disks = disks.as_array().unwrap();
    assert_eq!(disks.len(), rows.len() - 1);
    for (row, disk) in rows[1..].iter().zip(disks) {
        let or_dash = |v: &Value| v.as_str().unwrap_or("-").to_owned();
        assert_eq!(row[0], or_dash(&disk["dev"]));
        assert_eq!(row[1], or_dash(&disk["bus"]));
        assert_eq!(row[2], disk["device"].as_str().unwrap());
        assert_eq!(row[3], disk["type"].as_str().unwrap());
        assert_eq!(row[5], or_dash(&disk["serial"]));
        assert_eq!(row[6] == "readonly", disk["readonly"].as_bool().unwrap());
    }
    assert_eq!(disks[2]["source"], "(no media)");
    // Several files: a FILE column.
    let r = run(&["disks", DOMAIN, DOMAIN], None);
    assert!(r.stdout.starts_with("FILE "), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 9);
}

#[test]
fn disks_names_nvme_and_vhostuser_sources() {
    let domain = "<domain><devices>\
        <disk type='nvme' device='disk'><source type='pci' managed='yes' namespace='1'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><target dev='vde' bus='virtio'/></disk>\
        <disk type='vhostuser' device='disk'><source type='unix' path='/run/vhost.sock'/><target dev='vdf' bus='virtio'/></disk>\
        </devices></domain>";
    let r = run(&["disks", "-"], Some(domain.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains("nvme namespace 1 at 0000:01:00.0"), "{}", r.stdout);
    assert!(r.stdout.contains("vhost-user /run/vhost.sock"), "{}", r.stdout);
    assert!(!r.stdout.contains("kept as written"), "{}", r.stdout);
}

#[test]
fn json_output_is_json_everywhere() {
    let r = run(&["parse", "--json", "testdata/disks/seed_example.xml"], None);
    let disk: diskxml::Disk = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(disk, diskxml::parse_disk(&testdata("disks/seed_example.xml")).unwrap());
    let r = run(&["parse", "--json", DOMAIN], None);
    let disks: Vec<diskxml::Disk> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(disks, diskxml::parse_domain_disks(&testdata("domains/edge_guest.xml")).unwrap());
    let r = run(&["normalize", "--json", "--dev", "vdc", DOMAIN], None);
    let normalized: diskxml::Disk = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(normalized, diskxml::normalize(&disks[3], diskxml::Profile::Qemu));
    let r = run(&["render", "--json", "--connection-info", "testdata/connection_info/edge_common_settings.json"], None);
    let value = json(&r.stdout);
    let xml = run(&["render", "--connection-info", "testdata/connection_info/edge_common_settings.json"], None).stdout;
    assert_eq!(value["xml"], xml.as_str());
    let disk: diskxml::Disk = serde_json::from_value(value["disk"].clone()).unwrap();
    assert_eq!(diskxml::parse_disk(&xml).unwrap(), disk);
    assert_eq!(value["warnings"][0]["kind"], "ignored");
    assert_eq!(value["warnings"][0]["field"], "data.qos_specs.consumer");
}

#[test]
fn every_error_has_one_form_file_line_column() {
    let scratch = Scratch::new("forms");
    let empty = scratch.file("empty.json", b"");
    let r = run(&["render", "--connection-info", &empty], None);
    assert_eq!(r.stderr, format!("diskxml: {empty}:1:1: not JSON: EOF while parsing a value\n"));
    let bom = scratch.file(
        "bom.json",
        "\u{feff}{\"driver_volume_type\": \"openvstorage_edge\", \"data\": {\"device_path\": \"openvstorage:h/v\"}}"
            .as_bytes(),
    );
    let r = run(&["render", "--connection-info", &bom], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let doctype = scratch.file("doctype.xml", b"<?xml version='1.0'?>\n<!DOCTYPE disk>\n<disk type='file'/>\n");
    let r = run(&["parse", &doctype], None);
    assert_eq!(r.stderr, format!("diskxml: {doctype}:2:1: malformed XML: XML with DTD detected\n"));
    let field = scratch.file(
        "field.json",
        b"{\n  \"driver_volume_type\": \"openvstorage_edge\",\n  \"data\": {\"device_path\": 7}\n}",
    );
    let r = run(&["render", "--connection-info", &field], None);
    assert_eq!(r.stderr, format!("diskxml: {field}:3:12: data.device_path: expected a string, found a number\n"));
    let unknown = scratch.file("unknown.json", b"{\"driver_volume_type\": \"floppy\", \"data\": {}}");
    let r = run(&["render", "--connection-info", &unknown], None);
    assert!(
        r.stderr.starts_with(&format!("diskxml: {unknown}:1:2: driver_volume_type: no volume driver")),
        "{}",
        r.stderr
    );
}

#[test]
fn utf16_input_is_decoded() {
    let scratch = Scratch::new("utf16");
    let xml = testdata("disks/seed_example.xml");
    let mut le = vec![0xFF, 0xFE];
    le.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(xml.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    for (name, bytes) in [("le.xml", le), ("be.xml", be)] {
        let file = scratch.file(name, &bytes);
        let r = run(&["parse", &file], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{name}");
        assert_eq!(r.stdout, xml, "{name}");
    }
    let odd = scratch.file("odd.xml", &[0xFF, 0xFE, b'<']);
    let r = run(&["parse", &odd], None);
    assert_eq!(r.stderr, format!("diskxml: {odd}: UTF-16LE text with an odd number of bytes (1)\n"));
}

#[test]
fn completions_man_help_and_version() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef diskxml"), ("fish", "complete -c diskxml")] {
        let r = run(&["completions", shell], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{shell}");
        assert!(r.stdout.contains(marker), "{shell}: {}", &r.stdout[..200.min(r.stdout.len())]);
        for command in ["render", "check", "disks", "normalize"] {
            assert!(r.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let r = run(&["man"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(".TH diskxml 1") && r.stdout.contains("completions"), "{}", r.stdout);
    let r = run(&["help", "check"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Usage: diskxml check") && r.stdout.contains("--serial"), "{}", r.stdout);
    let r = run(&["--version"], None);
    assert_eq!(r.stdout, format!("diskxml {}\n", env!("CARGO_PKG_VERSION")));
    let _ = ROOT;
}

/// A progress bar on a terminal when there are many files, and never in a pipe. The
/// terminal is util-linux's `script`, which runs the command on a pseudo-terminal.
#[test]
fn many_files_show_a_progress_bar_on_a_terminal_only() {
    if !diskxml_testkit::tools::command("script", "bsdutils (util-linux)") {
        return;
    }
    let scratch = Scratch::new("bar");
    let files: Vec<String> =
        (0..20).map(|i| scratch.file(&format!("f{i:02}.xml"), testdata("check/valid_edge.xml").as_bytes())).collect();
    let command = format!("{} check {}", env!("CARGO_BIN_EXE_diskxml"), files.join(" "));
    let out = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).output().unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{terminal}");
    assert!(terminal.contains("/20 files"), "no progress bar on a terminal: {terminal:?}");
    let piped = run(&std::iter::once("check").chain(files.iter().map(String::as_str)).collect::<Vec<_>>(), None);
    assert_eq!((piped.code, piped.stdout.as_str(), piped.stderr.as_str()), (0, "", ""));
    // A few files: no bar even on a terminal.
    let few = format!("{} check {}", env!("CARGO_BIN_EXE_diskxml"), files[..3].join(" "));
    let out = std::process::Command::new("script").args(["-qec", &few, "/dev/null"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}

/// Every enumerated flag offers its values to the shell, and `--help` names them: the
/// profiles, libvirt 9's buses and device kinds.
#[test]
fn completions_offer_the_values_of_enumerated_flags() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(&["completions", shell], None);
        assert_eq!(r.code, 0);
        for words in [&["qemu", "generic"][..], &["ide", "virtio", "sata", "uml"], &["cdrom", "floppy", "lun"]] {
            for word in words {
                assert!(r.stdout.contains(word), "{shell}: no {word}");
            }
        }
    }
    let help = run(&["render", "--help"], None);
    assert!(help.stdout.contains("[possible values: disk, cdrom, floppy, lun]"), "{}", help.stdout);
    let help = run(&["check", "--help"], None);
    assert!(help.stdout.contains("[possible values: qemu, generic]"), "{}", help.stdout);
}

/// A man page per subcommand, which the command's own page points to (diskxml-render(1) ...):
/// its options, exit status and examples.
#[test]
fn a_man_page_per_subcommand() {
    let main = run(&["man"], None);
    let mut pages = 0;
    for sub in ["render", "parse", "normalize", "disks", "check", "probe", "completions", "man"] {
        assert!(main.stdout.contains(&format!("diskxml\\-{sub}(1)")), "{sub}: not listed");
        let r = run(&["man", sub], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{sub}");
        for section in [
            format!(".TH diskxml-{sub} 1"),
            ".SH NAME".into(),
            ".SH SYNOPSIS".into(),
            ".SH \"EXIT STATUS\"".into(),
            ".SH EXAMPLES".into(),
        ] {
            assert!(r.stdout.contains(&section), "{sub}: no {section}\n{}", r.stdout);
        }
        pages += 1;
    }
    assert_eq!(pages, 8);
    let r = run(&["man", "render"], None);
    assert!(r.stdout.contains(".SH OPTIONS") && r.stdout.contains("\\-\\-connection\\-info"), "{}", r.stdout);
    let r = run(&["man", "nope"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("diskxml: man: no subcommand \"nope\"; known: render, parse"), "{}", r.stderr);
}
