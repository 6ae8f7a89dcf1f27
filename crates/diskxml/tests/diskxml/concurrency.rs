//! One registry shared by many threads gives every thread the same disk.

use diskxml::{ConnectionInfo, DiskInfo, Registry, ToXml};

use crate::testdata;

#[test]
fn eight_threads_times_ten_thousand_disks_are_identical() {
    let registry = Registry::with_builtins();
    let cases: Vec<(ConnectionInfo, String)> = ["edge_common_settings", "rbd_auth", "iscsi_chap", "file"]
        .iter()
        .map(|case| {
            let info = ConnectionInfo::from_json(&testdata(&format!("connection_info/{case}.json"))).unwrap();
            (info, testdata(&format!("connection_info/{case}.xml")))
        })
        .collect();
    let disk_info = DiskInfo::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let (registry, cases, disk_info) = (&registry, &cases, &disk_info);
                scope.spawn(move || {
                    for i in 0..10_000 {
                        let (info, expected) = &cases[(i + t) % cases.len()];
                        let xml = registry.disk(info, disk_info).unwrap().to_xml().unwrap();
                        assert_eq!(&xml, expected, "thread {t}, call {i}");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}
