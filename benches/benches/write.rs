//! Smoke benchmarks: writing and parsing one Edge disk, plain and escape-heavy.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use diskxml::ToXml;
use diskxml_benches::{edge_disk, escape_heavy_disk};

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("write_disk");
    for (name, disk) in [("plain", edge_disk()), ("escape_heavy", escape_heavy_disk())] {
        let len = disk.to_xml().map(|x| x.len()).unwrap_or_default();
        group.throughput(Throughput::Bytes(len as u64));
        let mut out = String::with_capacity(len);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                diskxml::writer::write_disk(black_box(&disk), &mut out).map(|()| out.len())
            });
        });
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_disk");
    for (name, disk) in [("plain", edge_disk()), ("escape_heavy", escape_heavy_disk())] {
        let xml = disk.to_xml().unwrap_or_default();
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_function(name, |b| b.iter(|| diskxml::parse_disk(black_box(&xml))));
    }
    group.finish();
}

criterion_group!(benches, write, parse);
criterion_main!(benches);
