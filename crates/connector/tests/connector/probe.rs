//! Probes against real peers on loopback: a listener, a refused port, a silent listener,
//! and a real `qemu-nbd` (Debian's qemu-utils).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use diskxml_connector::{ConnectionInfo, Error, ProbeOptions, Registry};
use serde_json::json;

fn edge(port: u16) -> ConnectionInfo {
    // A comma option on purpose: connect hands the path back as given, not re-formatted.
    let path = format!("openvstorage+tcp:127.0.0.1:{port}/vol,snapshot-timeout=5");
    ConnectionInfo::from_value(json!({"driver_volume_type": "openvstorage_edge", "data": {"device_path": path}}))
        .unwrap()
}

fn nbd(port: u16, export: &str) -> ConnectionInfo {
    ConnectionInfo::from_value(
        json!({"driver_volume_type": "nbd", "data": {"name": export, "hosts": ["127.0.0.1"], "ports": [port]}}),
    )
    .unwrap()
}

use crate::qemu_nbd::{free_port, qemu_nbd};

const TIMEOUT: Duration = Duration::from_millis(600);

#[test]
fn edge_probe_reaches_a_listener() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let device = Registry::with_builtins().connect(&edge(port), &ProbeOptions::probing(TIMEOUT)).unwrap();
    assert_eq!(device.kind, "openvstorage_edge");
    assert_eq!(device.path, format!("openvstorage+tcp:127.0.0.1:{port}/vol,snapshot-timeout=5"));
}

#[test]
fn edge_probe_reports_a_refused_port_with_address_and_time() {
    let port = free_port();
    let err = Registry::with_builtins().connect(&edge(port), &ProbeOptions::probing(TIMEOUT)).unwrap_err();
    let Error::Unreachable { address, reason, .. } = &err else { panic!("{err}") };
    assert_eq!(address, &format!("127.0.0.1:{port}"));
    // Refused at once, not timed out (no wall-clock bound: the reason says which).
    assert!(reason.starts_with("connection failed: "), "{reason}");
    assert!(err.to_string().starts_with(&format!("127.0.0.1:{port}: unreachable after ")), "{err}");
}

#[test]
fn without_probing_nothing_is_contacted_and_shm_has_nothing_to_probe() {
    let port = free_port();
    assert!(Registry::with_builtins().connect(&edge(port), &ProbeOptions::default()).is_ok());
    let shm = ConnectionInfo::from_value(
        json!({"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage+shm:vol"}}),
    )
    .unwrap();
    assert_eq!(
        Registry::with_builtins().connect(&shm, &ProbeOptions::probing(TIMEOUT)).unwrap().path,
        "openvstorage+shm:vol"
    );
}

#[test]
fn disconnect_is_idempotent_and_knows_no_strangers() {
    let registry = Registry::with_builtins();
    let info = edge(free_port());
    let device = registry.connect(&info, &ProbeOptions::default()).unwrap();
    registry.disconnect(&info, Some(&device)).unwrap();
    registry.disconnect(&info, Some(&device)).unwrap();
    registry.disconnect(&info, None).unwrap();
}

#[test]
fn a_silent_peer_fails_with_a_timeout_and_not_before_it() {
    // The kernel completes the TCP handshake for a listener that never accepts or speaks.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let start = Instant::now();
    let err = Registry::with_builtins().connect(&nbd(port, "e"), &ProbeOptions::probing(TIMEOUT)).unwrap_err();
    let spent = start.elapsed();
    assert!(matches!(&err, Error::Unreachable { reason, .. } if reason.contains("timed out")), "{err}");
    // A lower bound only: an upper one would fail on a loaded machine (how long past the
    // deadline the call returns is the benchmarks' business).
    assert!(spent >= TIMEOUT, "gave up early: {spent:?}");
    drop(listener);
}

#[test]
fn a_peer_that_is_not_nbd_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::Write;
        let (mut s, _) = listener.accept().unwrap();
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    let err = Registry::with_builtins().connect(&nbd(port, "e"), &ProbeOptions::probing(TIMEOUT)).unwrap_err();
    assert!(err.to_string().contains("not an NBD server"), "{err}");
    server.join().unwrap();
}

#[test]
fn nbd_probe_against_qemu_nbd() {
    let size = 3 * 1024 * 1024 + 512;
    let Some(server) = qemu_nbd("volume-1", size) else { return };
    let registry = Registry::with_builtins();
    let device =
        registry.connect(&nbd(server.port, "volume-1"), &ProbeOptions::probing(Duration::from_secs(5))).unwrap();
    assert_eq!(device.size, Some(size));
    assert_eq!(device.kind, "nbd");
    assert_eq!(device.path, format!("nbd://127.0.0.1:{}/volume-1", server.port));

    let err = registry
        .connect(&nbd(server.port, "no-such-volume"), &ProbeOptions::probing(Duration::from_secs(5)))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("127.0.0.1:{}: the NBD server has no export named \"no-such-volume\"", server.port)
    );
    // The server survives our polite abort and serves again.
    assert_eq!(
        registry.connect(&nbd(server.port, "volume-1"), &ProbeOptions::probing(Duration::from_secs(5))).unwrap().size,
        Some(size)
    );
}
