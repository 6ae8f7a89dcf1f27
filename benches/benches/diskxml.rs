//! diskxml against its peers: writing, parsing, domain documents, escaping, connection info.
//! `cargo bench -p diskxml-benches`; the interleaved ratio report is the `ratios` binary.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use diskxml::{DiskInfo, DiskSelector, ToXml};
use diskxml_benches::{domain, domain_dev, edge_disk, edge_disk_at, escape_heavy_disk, inputs, peers};

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("write");
    let disk = edge_disk();
    let ours = disk.to_xml().unwrap_or_default();
    // The peers write the same document (quick-xml with double quotes).
    assert_eq!(peers::xmlwriter(&disk, 512), ours);
    assert_eq!(String::from_utf8(peers::quick_xml(&disk, 512)).unwrap_or_default(), ours.replace('\'', "\""));
    group.throughput(Throughput::Bytes(ours.len() as u64));
    group.bench_function("diskxml", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(512);
            diskxml::writer::write_disk(black_box(&disk), &mut out).map(|()| out)
        });
    });
    group.bench_function("xmlwriter", |b| b.iter(|| peers::xmlwriter(black_box(&disk), 512)));
    group.bench_function("quick_xml", |b| b.iter(|| peers::quick_xml(black_box(&disk), 512)));
    group.bench_function("copy_floor", |b| b.iter(|| black_box(ours.as_str()).to_owned()));
    for (name, disk) in inputs() {
        let mut out = String::with_capacity(4096);
        group.bench_with_input(BenchmarkId::new("diskxml_input", name), &disk, |b, disk| {
            b.iter(|| {
                out.clear();
                diskxml::writer::write_disk(black_box(disk), &mut out).map(|()| out.len())
            });
        });
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, disk) in inputs() {
        let xml = disk.to_xml().unwrap_or_default();
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_with_input(BenchmarkId::new("diskxml", name), &xml, |b, xml| {
            b.iter(|| diskxml::parser::parse_disk(black_box(xml)));
        });
        group.bench_with_input(BenchmarkId::new("roxmltree", name), &xml, |b, xml| {
            b.iter(|| roxmltree::Document::parse(black_box(xml)).map(|d| d.descendants().count()));
        });
        group.bench_with_input(BenchmarkId::new("quick_xml_reader", name), &xml, |b, xml| {
            b.iter(|| peers::quick_xml_read(black_box(xml)));
        });
    }
    group.finish();
}

fn domains(c: &mut Criterion) {
    let mut group = c.benchmark_group("domain");
    group.sample_size(10);
    for n in [1, 10, 100, 1_000, 10_000] {
        let text = domain(n);
        let middle = DiskSelector::TargetDev(domain_dev(n / 2));
        let disk = edge_disk_at(&domain_dev(n / 2));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("read_all", n), &text, |b, t| {
            b.iter(|| diskxml::parser::parse_domain_disks(black_box(t)));
        });
        group.bench_with_input(BenchmarkId::new("find_one", n), &text, |b, t| {
            b.iter(|| diskxml::find_disk(black_box(t), &middle));
        });
        group.bench_with_input(BenchmarkId::new("replace_one", n), &text, |b, t| {
            b.iter(|| diskxml::replace_disk(black_box(t), &middle, &disk));
        });
        group.bench_with_input(BenchmarkId::new("roxmltree", n), &text, |b, t| {
            b.iter(|| roxmltree::Document::parse(black_box(t)).map(|d| d.descendants().count()));
        });
    }
    group.finish();
}

fn escape(c: &mut Criterion) {
    let mut group = c.benchmark_group("escape");
    for (name, disk) in [("nothing_to_escape", edge_disk()), ("escape_heavy", escape_heavy_disk())] {
        let mut out = String::with_capacity(4096);
        group.bench_with_input(BenchmarkId::from_parameter(name), &disk, |b, disk| {
            b.iter(|| {
                out.clear();
                diskxml::writer::write_disk(black_box(disk), &mut out).map(|()| out.len())
            });
        });
    }
    group.finish();
}

fn connector(c: &mut Criterion) {
    let json = include_str!("../../examples/openvstorage-edge.json");
    let disk_info = DiskInfo::default();
    c.bench_function("connector/render_edge_example", |b| b.iter(|| diskxml::render(black_box(json), &disk_info)));
}

criterion_group!(benches, write, parse, domains, escape, connector);
criterion_main!(benches);
