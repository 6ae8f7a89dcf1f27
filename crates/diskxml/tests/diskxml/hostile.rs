//! Hostile input: every string that arrives from outside either round-trips exactly (the XML
//! reads back to the same value and the same structure) or is refused with a typed error;
//! never a panic, never ill-formed output.

use diskxml::model::{Alias, Auth, Disk, FileSource, Host, Secret, SecretType, Source, Text};
use diskxml::parser::ErrorKind;
use diskxml::{Bus, ConnectionInfo, DiskInfo, Registry, ToXml};
use serde_json::json;

const INJECTIONS: &[&str] = &[
    "vol'/><source file='/etc/shadow'/><x a='",
    "vol\"/><source file=\"/etc/shadow\"/><x a=\"",
    "]]>",
    "<!--",
    "-->",
    "&xxe;",
    "&amp;",
    "<![CDATA[x]]>",
    "<?pi x?>",
    "</disk><disk type='block'>",
    "\t\n\r \r\n",
    "é中𝄞\u{fffd}\u{a0}",
    "",
];

const REFUSED: &[char] = &['\u{0}', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{fffe}', '\u{ffff}'];

/// The XML has one `<disk>` whose structure did not change, and it reads back to `disk`.
fn assert_round_trip(disk: &Disk, what: &str) {
    let xml = disk.to_xml().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(disk_start_tags(&xml), 1, "{what}: one <disk> element expected in\n{xml}");
    let back = diskxml::parse_disk(&xml).unwrap_or_else(|e| panic!("{what}: {e}\n{xml}"));
    assert_eq!(&back, disk, "{what}");
}

/// Counts `<disk` start tags the way a careless reader would: an injected one would show.
fn disk_start_tags(xml: &str) -> usize {
    xml.matches("<disk").count()
}

fn with_every_string(mut check: impl FnMut(&str, String)) {
    for s in INJECTIONS {
        check(s, (*s).to_owned());
    }
    check("1 MiB", "x&<'\"".repeat(1024 * 1024 / 5));
    for c in REFUSED {
        check("control", format!("vol{c}ume"));
    }
}

fn is_refused(value: &str) -> bool {
    value.chars().any(|c| !diskxml::model::is_xml_char(c))
}

#[test]
fn builder_strings_round_trip_or_are_refused() {
    with_every_string(|what, value| {
        type Build = fn(&str) -> Result<Disk, diskxml::model::Error>;
        let fields: [(&str, Build); 4] = [
            ("source.name", |v| Disk::openvstorage_edge(v).build()),
            ("serial", |v| Disk::openvstorage_edge("vol").serial(v).build()),
            ("source.host.name", |v| Disk::openvstorage_edge("vol").host(Host::tcp(v, 1)).build()),
            ("target.dev", |v| Disk::openvstorage_edge("vol").target(v, Bus::Virtio).build()),
        ];
        for (field, build) in &fields {
            match build(&value) {
                Ok(disk) => {
                    assert!(!is_refused(&value), "{field} accepted {what}");
                    assert_round_trip(&disk, &format!("{field} = {what}"));
                }
                Err(e) => {
                    let expected_refusal = is_refused(&value) || value.is_empty();
                    assert!(expected_refusal, "{field} refused {what}: {e}");
                    assert!(e.to_string().starts_with(field), "{field}: {e}");
                }
            }
        }
    });
}

#[test]
fn model_strings_round_trip_or_are_refused() {
    with_every_string(|what, value| {
        let refused = is_refused(&value);
        // file path, socket path, secret usage, alias name
        let path = Text::new("source.file", value.clone());
        assert_eq!(path.is_err(), refused, "source.file {what}");
        if let Ok(path) = path {
            assert_round_trip(&Disk::new(Source::File(FileSource { path: Some(path), ..FileSource::default() })), what);
        }
        let socket = Host::unix(format!("/{value}"));
        assert_eq!(socket.is_err(), refused, "socket {what}");
        if let Ok(host) = socket {
            let net = diskxml::model::NetworkSource::new(diskxml::Protocol::Nbd, None).with_host(host).unwrap();
            assert_round_trip(&Disk::new(Source::Network(Box::new(net))), what);
        }
        let secret = Secret::usage(SecretType::Ceph, value.clone());
        assert_eq!(secret.is_err(), refused, "usage {what}");
        let alias = Alias::new(value.clone());
        assert_eq!(alias.is_err(), refused, "alias {what}");
        if let (Ok(secret), Ok(alias)) = (secret, alias) {
            let mut disk = Disk::openvstorage_edge("v").build().unwrap();
            disk.auth = Some(Box::new(Auth::new("user", Some(secret)).unwrap()));
            disk.alias = Some(Box::new(alias));
            assert_round_trip(&disk, what);
        }
    });
}

#[test]
fn connection_info_strings_round_trip_or_are_refused() {
    let registry = Registry::with_builtins();
    with_every_string(|what, value| {
        let cases = [
            ("serial", json!({"driver_volume_type": "nbd", "serial": value, "data": {"hosts": ["h"]}})),
            ("data.volume_id", json!({"driver_volume_type": "nbd", "data": {"volume_id": value, "hosts": ["h"]}})),
            ("data.name", json!({"driver_volume_type": "rbd", "data": {"name": format!("p/{value}")}})),
            ("data.hosts[0]", json!({"driver_volume_type": "nbd", "data": {"hosts": [value]}})),
            ("data.device_path", json!({"driver_volume_type": "file", "data": {"device_path": value}})),
            (
                "data.target_iqn",
                json!({"driver_volume_type": "iscsi", "data": {"target_iqn": value, "target_portal": "h", "auth_method": "CHAP", "auth_username": "u"}}),
            ),
            (
                "data.device_path",
                json!({"driver_volume_type": "openvstorage_edge", "data": {"device_path": format!("openvstorage+tcp:h:1/{value}")}}),
            ),
        ];
        for (field, json) in cases {
            let info = ConnectionInfo::from_value(json).unwrap();
            match registry.disk(&info, &DiskInfo::default()) {
                Ok(disk) => {
                    assert!(!is_refused(&value), "{field} accepted {what}");
                    assert_round_trip(&disk, &format!("{field} = {what}"));
                }
                Err(e) => assert!(e.to_string().starts_with(field), "{field} = {what}: {e}"),
            }
        }
    });
}

#[test]
fn json_numbers_out_of_range_or_of_the_wrong_type_are_refused() {
    let registry = Registry::with_builtins();
    for (port, ok) in [
        (json!(70000), false),
        (json!(-1), false),
        (json!(1e3), false),
        (json!(0), false),
        (json!("12329"), true),
        (json!(12329), true),
        (json!("12329 "), false),
        (json!(true), false),
        (json!([1]), false),
        (json!(18446744073709551615u64), false),
    ] {
        let info = ConnectionInfo::from_value(
            json!({"driver_volume_type": "nbd", "data": {"name": "e", "hosts": ["h"], "ports": [port.clone()]}}),
        )
        .unwrap();
        let result = registry.disk(&info, &DiskInfo::default());
        assert_eq!(result.is_ok(), ok, "port {port}: {result:?}");
        if let Err(e) = result {
            assert!(e.to_string().starts_with("data.ports[0]: "), "{e}");
        }
    }
}

#[test]
fn deeply_nested_unknown_elements_and_many_hosts() {
    let deep = format!("<disk type='file'>{}{}</disk>", "<x>".repeat(300), "</x>".repeat(300));
    let err = diskxml::parser::parse_disk(&deep).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    let fine = format!("<disk type='file'>\n  {}{}\n</disk>\n", "<x>".repeat(200), "</x>".repeat(200));
    assert_eq!(diskxml::parse_disk(&fine).unwrap().to_xml().unwrap(), fine.replace("<x></x>", "<x/>"));

    let hosts: Vec<String> = (0..100_000).map(|i| format!("mon{i}.example")).collect();
    let info =
        ConnectionInfo::from_value(json!({"driver_volume_type": "rbd", "data": {"name": "p/i", "hosts": hosts}}))
            .unwrap();
    let disk = Registry::with_builtins().disk(&info, &DiskInfo::default()).unwrap();
    assert_round_trip(&disk, "100,000 hosts");
}

/// `text` is refused with the typed error `kind` says: the limit that fired, not the time
/// it took (time belongs to the benchmarks).
fn refused(text: &str, what: &str, kind: impl Fn(&ErrorKind) -> bool) {
    let err = diskxml::parser::parse_disk(text).unwrap_err();
    assert!(kind(err.kind()), "{what}: {err}");
}

#[test]
fn billion_laughs_huge_and_deep_documents_are_refused_by_their_limits() {
    let mut laughs = String::from("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 'lol'>\n");
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        laughs.push_str(&format!(" <!ENTITY lol{i} '{prev}'>\n"));
    }
    laughs.push_str("]>\n<disk type='file'><serial>&lol9;</serial></disk>");
    refused(&laughs, "billion laughs", |k| matches!(k, ErrorKind::Xml(m) if m.contains("DTD")));

    let huge = format!("<disk type='file'><source file='{}'/></disk>", "a".repeat(20 * 1024 * 1024));
    refused(&huge, "20 MiB", |k| matches!(k, ErrorKind::TooLarge { size, limit: 16_777_216 } if *size == huge.len()));

    let deep = format!("<disk type='file'>{}{}</disk>", "<x>".repeat(200_000), "</x>".repeat(200_000));
    refused(&deep, "200,000 deep", |k| matches!(k, ErrorKind::TooDeep { limit: 200 }));
}

#[test]
fn the_depth_limit_is_exact_at_every_level() {
    // An element with max_depth element ancestors is accepted, one with one more refused:
    // inside unknown elements, and inside a backing chain, where the depth was once counted
    // by hand.
    let unknown = |n: usize| format!("<disk type='file'>{}{}</disk>", "<x>".repeat(n), "</x>".repeat(n));
    let chain = |n: usize| {
        let layer = "<backingStore type='file'><format type='raw'/><source file='/b'/>";
        format!("<disk type='file'>{}{}</disk>", layer.repeat(n), "</backingStore>".repeat(n))
    };
    for limit in [1, 2, 7, 40] {
        let mut options = diskxml::parser::Options::default();
        options.max_depth = limit;
        let parse = |text: &str| diskxml::parser::parse_disk_with(text, &options);
        assert!(parse(&unknown(limit)).is_ok(), "{limit}");
        let err = parse(&unknown(limit + 1)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::TooDeep { limit: l } if *l == limit), "{limit}: {err}");
        // A source under n layers has n + 1 ancestors.
        assert!(parse(&chain(limit - 1)).is_ok(), "{limit}");
        let err = parse(&chain(limit)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::TooDeep { limit: l } if *l == limit), "{limit}: {err}");
    }
    // The default: the deepest chain it lets through reads, compares and writes back.
    let deepest = diskxml::parse_disk(&chain(199)).unwrap();
    assert_eq!(diskxml::parse_disk(&deepest.to_xml().unwrap()).unwrap(), deepest);
    refused(&chain(200), "200 layers", |k| matches!(k, ErrorKind::TooDeep { limit: 200 }));
}

/// The depth limit holds in the whole document, as docs/validation.md says: a `<domain>`
/// nested deep outside its disks is refused too, wherever it is read (it was accepted).
#[test]
fn the_depth_limit_holds_outside_the_disks() {
    let domain = |n: usize| {
        format!(
            "<domain type='kvm'><metadata>{}{}</metadata><devices><disk type='file'><target dev='vda'/></disk></devices></domain>",
            "<x>".repeat(n),
            "</x>".repeat(n)
        )
    };
    let deep = domain(100_000);
    for (what, err) in [
        ("parse_domain_disks", diskxml::parse_domain_disks(&deep).unwrap_err()),
        ("check", diskxml::check(&deep, diskxml::Profile::Qemu).unwrap_err()),
        ("find_disk", diskxml::find_disk(&deep, &diskxml::DiskSelector::TargetDev("vda".into())).unwrap_err()),
    ] {
        let diskxml::Error::Parse(err) = err else { panic!("{what}: {err}") };
        assert!(matches!(err.kind(), ErrorKind::TooDeep { limit: 200 }), "{what}: {err}");
    }
    // Exactly: an <x> has 2 element ancestors plus those of its own kind.
    assert!(diskxml::parse_domain_disks(&domain(199)).is_ok());
    assert!(diskxml::parse_domain_disks(&domain(200)).is_err());
}
