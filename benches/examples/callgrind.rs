//! A fixed workload for `valgrind --tool=callgrind`, which counts instructions repeatably on
//! a noisy machine (docs/performance.md):
//!
//! `cargo build --profile bench -p diskxml-benches --example callgrind`
//! `valgrind --tool=callgrind target/release/examples/callgrind write 20000`
//!
//! Modes: `write` (the Edge example into a `String` with capacity, the fast path that
//! `to_xml` takes), `write-generic` (the same through `write_disk`, any `fmt::Write`),
//! `xmlwriter` and `quick-xml` (the peers writing the same bytes, each into a new buffer),
//! `strip:PART,..` (`write` of the Edge disk without the parts named: `driver`, `serial`,
//! `target`, `device`, `source`; the difference to `write` is what those parts cost),
//! `parse` (it, read back), `roxmltree` (a bare roxmltree parse of it), `domain` (`parse_domain_disks` of a domain of N Edge disks, once: compare the
//! count per disk at 10 and 10,000 disks); the count divided by the iterations (or disks)
//! is the cost of one. `domain-repeat` and `roxmltree-repeat` read 100,000 disks in domains
//! of N, for `/usr/bin/time -f '%e s %R faults'` (page faults, not instructions).
use std::hint::black_box;

use diskxml::ToXml;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "write".to_owned());
    let n: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let disk = diskxml_benches::edge_disk();
    let xml = disk.to_xml().expect("the Edge example writes");
    match mode.as_str() {
        "domain" => {
            let text = diskxml_benches::domain(n);
            black_box(diskxml::parser::parse_domain_disks(black_box(&text)).expect("the domain reads"));
        }
        // Repeated: what a benchmark loop sees (with /usr/bin/time -v: its page faults).
        "domain-repeat" => {
            let text = diskxml_benches::domain(n);
            for _ in 0..100_000 / n.max(1) {
                black_box(diskxml::parser::parse_domain_disks(black_box(&text)).expect("the domain reads"));
            }
        }
        "roxmltree-repeat" => {
            let text = diskxml_benches::domain(n);
            for _ in 0..100_000 / n.max(1) {
                black_box(roxmltree::Document::parse(black_box(&text)).expect("the domain reads"));
            }
        }
        "roxmltree" => {
            for _ in 0..n {
                black_box(roxmltree::Document::parse(black_box(&xml)).expect("the Edge example reads back"));
            }
        }
        "parse" => {
            for _ in 0..n {
                black_box(diskxml::parse_disk(black_box(&xml)).expect("the Edge example reads back"));
            }
        }
        // The peers writing the same bytes: the instruction counts the write figures compare with.
        "xmlwriter" => {
            for _ in 0..n {
                black_box(diskxml_benches::peers::xmlwriter(black_box(&disk), 1024));
            }
        }
        "quick-xml" => {
            for _ in 0..n {
                black_box(diskxml_benches::peers::quick_xml(black_box(&disk), 1024));
            }
        }
        // Any `fmt::Write`, with its dry run.
        "write-generic" => repeat_write(&disk, n, diskxml::writer::write_disk),
        // The Edge disk without some parts: what each costs to write.
        m if m.starts_with("strip:") => {
            let mut disk = disk.clone();
            for part in m["strip:".len()..].split(',') {
                match part {
                    "driver" => disk.driver = None,
                    "serial" => disk.serial = None,
                    "target" => disk.target = None,
                    "device" => disk.device = None,
                    "source" => disk.source = diskxml::model::Source::File(Default::default()),
                    other => panic!("strip: no part {other:?} (driver, serial, target, device, source)"),
                }
            }
            repeat_write(&disk, n, diskxml::writer::write_disk_to_string);
        }
        // The `String` fast path, which `to_xml` takes.
        _ => repeat_write(&disk, n, diskxml::writer::write_disk_to_string),
    }
}

/// Writes `disk` `n` times with `write` into one `String` with room enough.
fn repeat_write<E: std::fmt::Debug>(
    disk: &diskxml::model::Disk,
    n: usize,
    write: impl Fn(&diskxml::model::Disk, &mut String) -> Result<(), E>,
) {
    let mut out = String::with_capacity(1024);
    for _ in 0..n {
        out.clear();
        write(black_box(disk), &mut out).expect("the disk writes");
        black_box(&out);
    }
}
