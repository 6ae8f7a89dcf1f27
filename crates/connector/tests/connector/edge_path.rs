//! Every form of the Edge device path (docs/formats.md, "The Edge device path"), its errors, and the round trip.

use diskxml_connector::{EdgePath, EdgeTransport};
use proptest::prelude::*;

fn parse(s: &str) -> EdgePath {
    EdgePath::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn err(s: &str) -> String {
    EdgePath::parse(s).expect_err(s).to_string()
}

#[test]
fn tcp_path_with_port() {
    let p = parse("openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c");
    assert_eq!(p.transport(), Some(EdgeTransport::Tcp));
    assert_eq!((p.host(), p.port(), p.volume()), (Some("10.130.11.202"), Some(26203), "volume-8d5e2a5c"));
    assert_eq!(p.to_string(), "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c");
}

#[test]
fn rdma_path_with_snapshot_timeout() {
    let p = parse("openvstorage+rdma:ovs.include.gr:12329/vol1:snapshot-timeout=120");
    assert_eq!(p.transport(), Some(EdgeTransport::Rdma));
    assert_eq!(p.snapshot_timeout(), Some(120));
    let source = p.to_source().unwrap();
    assert_eq!(source.hosts()[0].transport(), Some(&diskxml_model::Transport::Rdma));
    assert_eq!(source.snapshot_timeout, Some(120));
}

#[test]
fn path_without_transport_is_tcp_with_no_attribute() {
    let p = parse("openvstorage:ovs.example:26203/vol");
    assert_eq!(p.transport(), None);
    assert_eq!(p.to_source().unwrap().hosts()[0].transport(), None);
}

#[test]
fn edge_path_without_port() {
    // The port stays absent, so QEMU's default (21321) applies; 26203 is never invented.
    let p = parse("openvstorage+tcp:ovs.example/vol");
    assert_eq!(p.port(), None);
    assert_eq!(p.to_source().unwrap().hosts()[0].port(), None);
    assert_eq!(p.to_string(), "openvstorage+tcp:ovs.example/vol");
}

#[test]
fn ipv6_edge_path() {
    let p = parse("openvstorage+tcp:[fd00::5]:26203/vol");
    assert_eq!((p.host(), p.port()), (Some("fd00::5"), Some(26203)));
    assert_eq!(p.to_string(), "openvstorage+tcp:[fd00::5]:26203/vol");
    let p = parse("openvstorage:[::1]/vol");
    assert_eq!((p.host(), p.port()), (Some("::1"), None));
    assert_eq!(p.to_source().unwrap().hosts()[0].name().unwrap().as_str(), "::1");
    assert_eq!(
        err("openvstorage+tcp:[fd00::5/vol"),
        "character 18: an IPv6 host opened with '[' is not closed with ']'"
    );
    assert_eq!(err("openvstorage+tcp:[fd00::zz]:1/vol"), "character 19: 'fd00::zz' is not an IPv6 address");
}

#[test]
fn shm_edge_path() {
    let p = parse("openvstorage+shm:vol1");
    assert_eq!((p.transport(), p.host(), p.volume()), (Some(EdgeTransport::Shm), None, "vol1"));
    assert!(p.to_source().unwrap().hosts().is_empty());
    let p = parse("openvstorage:vol1:snapshot-timeout=30");
    assert_eq!((p.transport(), p.host(), p.volume(), p.snapshot_timeout()), (None, None, "vol1", Some(30)));
    // With +shm a '/' is part of the volume, never a host separator.
    let p = parse("openvstorage+shm:pool/vol");
    assert_eq!((p.host(), p.volume()), (None, "pool/vol"));
    assert!(EdgePath::shm("pool/vol", false).is_err());
}

#[test]
fn options_with_colon_or_comma_and_enable_ha() {
    let p = parse("openvstorage+tcp:h:1/vol,snapshot-timeout=0,enable-ha=off");
    assert_eq!((p.snapshot_timeout(), p.enable_ha()), (Some(0), Some(false)));
    assert_eq!(p.to_string(), "openvstorage+tcp:h:1/vol:snapshot-timeout=0:enable-ha=off");
    let p = parse("openvstorage+tcp:h:1/vol:enable-ha=on:snapshot-timeout=7");
    assert_eq!((p.snapshot_timeout(), p.enable_ha()), (Some(7), Some(true)));
}

#[test]
fn slash_and_commas_inside_the_volume_are_kept() {
    let p = parse("openvstorage+tcp:h:1/pool/sub/vol,with,commas:snapshot-timeout=5");
    assert_eq!(p.volume(), "pool/sub/vol,with,commas");
    assert_eq!(p.snapshot_timeout(), Some(5));
}

#[test]
fn errors_point_at_the_character() {
    assert_eq!(
        err("rbd:pool/img"),
        "character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'rbd:pool/img'"
    );
    assert_eq!(err("openvstorage+udp:h/v"), "character 14: unknown transport 'udp'; expected tcp, rdma or shm");
    assert_eq!(err("openvstorage+tcp:h:70000/v"), "character 20: port 70000 is out of range; expected 1-65535");
    assert_eq!(err("openvstorage+tcp:h:0/v"), "character 20: port 0 is out of range; expected 1-65535");
    assert_eq!(err("openvstorage+tcp:h:12a/v"), "character 20: the port must be a decimal number, found '12a'");
    assert_eq!(err("openvstorage+tcp:h:1/"), "character 22: the volume name is empty");
    assert_eq!(err("openvstorage+tcp:vol"), "character 21: expected ':PORT' or '/VOLUME' after the host");
    assert_eq!(
        err("openvstorage+tcp:h:1/v:snapshot-timeout=x"),
        "character 41: snapshot-timeout must be a number of seconds, found 'x'"
    );
    assert_eq!(err("openvstorage+tcp:h:1/v:enable-ha=yes"), "character 34: enable-ha must be on or off, found 'yes'");
    assert_eq!(
        err("openvstorage+tcp:h:1/v:snapshot-timeout=1:snapshot-timeout=2"),
        "character 24: snapshot-timeout is given twice"
    );
    assert_eq!(err("openvstorage+tcp:h o:1/v"), "character 19: ' ' cannot appear in a host name");
    assert_eq!(
        err("openvstorage+tcp:h:1/v\u{1}"),
        "character 23: the volume name holds U+0001, which XML cannot carry"
    );
    assert_eq!(err("openvstorage+shm:"), "character 18: the volume name is empty");
    assert_eq!(err(""), "character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found ''");
    assert_eq!(
        err("openvstorage"),
        "character 1: expected 'openvstorage[+tcp|+rdma|+shm]:HOST[:PORT]/VOLUME', found 'openvstorage'"
    );
}

#[test]
fn a_volume_that_reads_as_an_option_is_refused_when_built() {
    assert!(EdgePath::network(None, "h", None, "vol:snapshot-timeout=5").is_err());
    assert!(EdgePath::network(None, "h", None, "vol,enable-ha=on").is_err());
    assert!(EdgePath::network(None, "h", None, "vol:snapshot").is_ok());
    assert!(EdgePath::network(Some(EdgeTransport::Shm), "h", None, "vol").is_err());
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9][a-z0-9.-]{0,20}",
        any::<[u8; 4]>().prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
        any::<[u16; 8]>().prop_map(|s| std::net::Ipv6Addr::from(s).to_string()),
    ]
}

fn volume() -> impl Strategy<Value = String> {
    // Weighted toward the separators the grammar uses and non-ASCII characters.
    proptest::collection::vec(prop_oneof![4 => "[a-zA-Z0-9_-]", 1 => "[/:,=+.\\[\\] ]", 1 => "[é𝄞&<>'\"]"], 1..30)
        .prop_map(|parts| parts.concat())
}

fn edge_path() -> impl Strategy<Value = EdgePath> {
    let network = (
        prop_oneof![Just(None), Just(Some(EdgeTransport::Tcp)), Just(Some(EdgeTransport::Rdma))],
        host(),
        proptest::option::of(1u16..),
        volume(),
    )
        .prop_filter_map("volume reads as an option", |(t, h, p, v)| EdgePath::network(t, &h, p, &v).ok());
    let shm = (volume(), any::<bool>()).prop_filter_map("not a shm volume", |(v, e)| EdgePath::shm(&v, e).ok());
    (prop_oneof![3 => network, 1 => shm], proptest::option::of(any::<u32>()), proptest::option::of(any::<bool>()))
        .prop_map(|(p, s, h)| p.with_snapshot_timeout(s).with_enable_ha(h))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_of_format_is_identity(path in edge_path()) {
        let text = path.to_string();
        let parsed = EdgePath::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed, &path);
        prop_assert_eq!(parsed.to_string(), text);
    }

    #[test]
    fn any_string_parses_or_fails_without_panicking(s in ".{0,60}") {
        if let Ok(p) = EdgePath::parse(&s) {
            // Whatever parses formats to something that parses back to the same path.
            prop_assert_eq!(EdgePath::parse(&p.to_string()).ok(), Some(p));
        }
    }
}
