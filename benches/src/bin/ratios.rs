//! The ratio report: diskxml against its peers, interleaved in one process (A B A B ...,
//! medians of 21 rounds), with allocation counts and peak heap from a counting allocator.
//!
//! `cargo run -q -p diskxml-benches --release --bin ratios [-- --write-docs]`
#![allow(unsafe_code, reason = "GlobalAlloc is an unsafe trait; this impl only counts and forwards to System")]
#![allow(clippy::cast_precision_loss, reason = "nanoseconds and byte counts far below 2^52")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use diskxml::{Disk, DiskSelector, ToXml};
use diskxml_benches::{domain, domain_dev, edge_disk, edge_disk_at, peers};

thread_local! {
    // Per thread: the report runs on one thread, and no other thread can disturb it.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

fn grew(by: usize) {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + by);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

fn shrank(by: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(by)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        shrank(layout.size());
        grew(new_size);
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations made by `f`.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// The most heap `f` held at once beyond what was live before it, in bytes.
fn peak_heap(f: impl FnOnce()) -> usize {
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
    f();
    PEAK.with(Cell::get) - live
}

const ROUNDS: usize = 21;

/// Times each of `ops`, interleaved over [`ROUNDS`] rounds (a batch of each per round, in
/// turn), and returns each one's median nanoseconds per call.
fn interleaved(ops: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    // Batches of about 2 ms, sized from one warm-up call of each.
    let batch: Vec<u32> = ops
        .iter_mut()
        .map(|op| {
            let start = Instant::now();
            op();
            let once = start.elapsed().as_nanos().max(1);
            u32::try_from((2_000_000 / once).clamp(1, 100_000)).unwrap_or(1)
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(ROUNDS); ops.len()];
    for _ in 0..ROUNDS {
        for (i, op) in ops.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..batch[i] {
                op();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / f64::from(batch[i]));
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}

struct Report {
    lines: Vec<(&'static str, String, &'static str)>,
}

impl Report {
    fn add(&mut self, name: &'static str, value: String, goal: &'static str) {
        println!("{name}: {value}");
        self.lines.push((name, value, goal));
    }
}

fn write_figures(report: &mut Report, disk: &Disk) -> f64 {
    let ours = disk.to_xml().expect("a valid disk");
    let capacity = 512;
    assert_eq!(peers::xmlwriter(disk, capacity), ours, "xmlwriter writes the same bytes");
    let quick = String::from_utf8(peers::quick_xml(disk, capacity)).expect("UTF-8");
    assert_eq!(quick, ours.replace('\'', "\""), "quick-xml writes the same document");
    // The String fast path (`write_disk_to_string`, what `to_xml` takes); the generic
    // `fmt::Write` path's time is printed beside it.
    let mut diskxml_write = || {
        let mut out = String::with_capacity(capacity);
        diskxml::writer::write_disk_to_string(black_box(disk), &mut out).expect("a valid disk");
        black_box(out);
    };
    let mut generic_write = || {
        let mut out = String::with_capacity(capacity);
        diskxml::writer::write_disk(black_box(disk), &mut out).expect("a valid disk");
        black_box(out);
    };
    let mut xmlwriter = || drop(black_box(peers::xmlwriter(black_box(disk), capacity)));
    let mut quick_xml = || drop(black_box(peers::quick_xml(black_box(disk), capacity)));
    let mut floor = || drop(black_box(black_box(ours.as_str()).to_owned()));
    let t = interleaved(&mut [&mut diskxml_write, &mut xmlwriter, &mut quick_xml, &mut floor, &mut generic_write]);
    report.add("write_speedup_vs_xmlwriter", format!("{:.2}", t[1] / t[0]), ">= 3");
    report.add("write_speedup_vs_quick_xml", format!("{:.2}", t[2] / t[0]), ">= 6");
    let mut out = String::with_capacity(capacity);
    let n = allocations(|| diskxml::writer::write_disk_to_string(disk, &mut out).expect("a valid disk"));
    out.clear();
    let n = n + allocations(|| diskxml::writer::write_disk(disk, &mut out).expect("a valid disk"));
    report.add("write_allocations", n.to_string(), "0");
    eprintln!(
        "  (write: diskxml {:.0} ns (any fmt::Write, with its dry run: {:.0} ns), xmlwriter {:.0} ns, quick-xml {:.0} ns, copy of the bytes {:.0} ns)",
        t[0], t[4], t[1], t[2], t[3]
    );
    t[0]
}

fn parse_figures(report: &mut Report, text: &str) -> f64 {
    let mut ours = || drop(black_box(diskxml::parser::parse_disk(black_box(text)).expect("valid")));
    let mut roxml = || drop(black_box(roxmltree::Document::parse(black_box(text)).expect("valid")));
    let mut quick = || {
        black_box(peers::quick_xml_read(black_box(text)));
    };
    let t = interleaved(&mut [&mut ours, &mut roxml, &mut quick]);
    report.add("parse_time_vs_roxmltree", format!("{:.2}", t[0] / t[1]), "<= 1.3");
    // diskxml's own: what the parse allocates beyond roxmltree's tree of the same text.
    let n = allocations(|| drop(diskxml::parser::parse_disk(text).expect("valid")));
    let bare = allocations(|| drop(roxmltree::Document::parse(text).expect("valid")));
    report.add("parse_allocations", n.saturating_sub(bare).to_string(), "<= 4 (beyond roxmltree's)");
    let before = LIVE.with(Cell::get);
    let held = diskxml::parser::parse_disk(text).expect("valid");
    let heap = LIVE.with(Cell::get) - before;
    drop(held);
    eprintln!("  (parse: {n} allocations in all, {bare} of them roxmltree's tree; the disk holds {heap} heap bytes)");
    eprintln!("  (parse: diskxml {:.0} ns, roxmltree {:.0} ns, quick-xml reader {:.0} ns)", t[0], t[1], t[2]);
    t[0]
}

fn domain_figures(report: &mut Report) {
    let (small, big) = (domain(10), domain(10_000));
    let mut read_small = || drop(black_box(diskxml::parser::parse_domain_disks(black_box(&small)).expect("valid")));
    let mut read_big = || drop(black_box(diskxml::parser::parse_domain_disks(black_box(&big)).expect("valid")));
    let mut bare_small = || drop(black_box(roxmltree::Document::parse(black_box(&small)).expect("valid")));
    let mut bare_big = || drop(black_box(roxmltree::Document::parse(black_box(&big)).expect("valid")));
    let t = interleaved(&mut [&mut read_small, &mut read_big, &mut bare_small, &mut bare_big]);
    // The per-disk time at 10,000 disks over that at 10: diskxml's, over bare roxmltree's in
    // the same run (which moves by itself on this machine: memory, not work).
    let (ours, theirs) = ((t[1] / 10_000.0) / (t[0] / 10.0), (t[3] / 10_000.0) / (t[2] / 10.0));
    report.add("domain_parse_scaling_vs_roxmltree", format!("{:.2}", ours / theirs), "<= 1.05");
    eprintln!("  (per-disk time at 10,000 disks over 10: diskxml {ours:.2}, bare roxmltree {theirs:.2})");

    let mut check_small =
        || drop(black_box(diskxml::check(black_box(&small), diskxml::Profile::Qemu).expect("readable")));
    let mut check_big = || drop(black_box(diskxml::check(black_box(&big), diskxml::Profile::Qemu).expect("readable")));
    let t = interleaved(&mut [&mut check_small, &mut check_big]);
    report.add("check_domain_scaling", format!("{:.2}", (t[1] / 10_000.0) / (t[0] / 10.0)), "<= 1.3");

    let disk = edge_disk_at(&domain_dev(5_000));
    let selector = DiskSelector::TargetDev(domain_dev(5_000));
    let mut replace = || drop(black_box(diskxml::replace_disk(black_box(&big), &selector, &disk).expect("found")));
    let mut roxml = || drop(black_box(roxmltree::Document::parse(black_box(&big)).expect("valid")));
    let t = interleaved(&mut [&mut replace, &mut roxml]);
    report.add("domain_rewrite_vs_roxmltree", format!("{:.2}", t[0] / t[1]), "<= 1.3");

    let peak = peak_heap(|| drop(diskxml::parser::parse_domain_disks(&big).expect("valid")));
    let bare = peak_heap(|| drop(roxmltree::Document::parse(&big).expect("valid")));
    report.add("parse_peak_memory_vs_input", format!("{:.2}", peak as f64 / big.len() as f64), "<= 8");
    let before = LIVE.with(Cell::get);
    let disks = diskxml::parser::parse_domain_disks(&big).expect("valid");
    let models = LIVE.with(Cell::get) - before;
    drop(disks);
    eprintln!(
        "  (10,000-disk domain: {} bytes; bare roxmltree's peak {:.2}x its size; the models it reads hold {:.2}x)",
        big.len(),
        bare as f64 / big.len() as f64,
        models as f64 / big.len() as f64
    );
}

/// `write_instructions`, `parse_instructions` (and bare roxmltree's, for the ratio):
/// instructions per call, counted by callgrind on the `callgrind` example, which repeat
/// between runs where times move by ±20 %. Each is the difference of two runs (N and 2N
/// calls) over N, so that start-up cancels out. Skipped, and said, without valgrind.
fn instruction_figures(report: &mut Report) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let example = format!("{root}/target/release/examples/callgrind");
    let build = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "-q", "--profile", "bench", "-p", "diskxml-benches", "--example", "callgrind"])
        .current_dir(root)
        .status();
    if !matches!(build, Ok(s) if s.success()) {
        eprintln!("  (instruction counts not measured: the callgrind example did not build)");
        return;
    }
    let count = |mode: &str, n: u32| -> Option<u64> {
        let out = std::process::Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null", &example, mode, &n.to_string()])
            .output()
            .ok()?;
        let log = String::from_utf8_lossy(&out.stderr);
        let line = log.lines().find(|l| l.contains("Collected :"))?;
        line.rsplit(':').next()?.trim().replace(',', "").parse().ok()
    };
    let per_call = |mode: &str| -> Option<u64> {
        const N: u32 = 500;
        Some(count(mode, 2 * N)?.saturating_sub(count(mode, N)?) / u64::from(N))
    };
    let (Some(write), Some(parse), Some(bare)) = (per_call("write"), per_call("parse"), per_call("roxmltree")) else {
        eprintln!("  (instruction counts not measured: valgrind is not installed)");
        return;
    };
    report.add("write_instructions", write.to_string(), "(callgrind, the Edge example)");
    report.add("parse_instructions", parse.to_string(), "(callgrind, the Edge example)");
    eprintln!(
        "  (instructions per parse: diskxml {parse}, bare roxmltree {bare}: {:.2}x)",
        parse as f64 / bare.max(1) as f64
    );
}

/// `python_render_speedup_vs_nova`: `benches/python_render.py` in nova 34's environment
/// (`target/nova34`, with the Python package installed: `.ci/run` builds both).
fn python_figures(report: &mut Report) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let python = format!("{root}/target/nova34/bin/python");
    let out = std::process::Command::new(&python)
        .args(["-W", "ignore", &format!("{root}/benches/python_render.py")])
        .output();
    let figures = match &out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => {
            eprintln!(
                "  (python_render_speedup_vs_nova not measured: {}",
                String::from_utf8_lossy(&o.stderr).trim_end()
            );
            return;
        }
        Err(e) => {
            eprintln!(
                "  (python_render_speedup_vs_nova not measured: {python}: {e}; .ci/run builds nova 34's environment)"
            );
            return;
        }
    };
    let mut parts = figures.split_whitespace();
    let (Some(ratio), Some(ours), Some(nova)) = (parts.next(), parts.next(), parts.next()) else {
        eprintln!("  (python_render_speedup_vs_nova: unexpected output {figures:?})");
        return;
    };
    report.add("python_render_speedup_vs_nova", ratio.to_owned(), ">= 10");
    eprintln!("  (Python render: diskxml {ours} ns, nova's get_config().to_xml() {nova} ns)");
}

fn main() {
    let started = Instant::now();
    let mut report = Report { lines: Vec::new() };
    let disk = edge_disk();
    let text = disk.to_xml().expect("a valid disk");
    let write_ns = write_figures(&mut report, &disk);
    let parse_ns = parse_figures(&mut report, &text);
    domain_figures(&mut report);
    python_figures(&mut report);
    report.add("disk_size_bytes", size_of::<Disk>().to_string(), "<= 320");
    instruction_figures(&mut report);
    report.add("write_ns", format!("{write_ns:.0}"), "(the Edge example)");
    report.add("parse_ns", format!("{parse_ns:.0}"), "(the Edge example)");
    eprintln!("  (the Edge example: {} bytes; report took {:.0?})", text.len(), started.elapsed());
    if std::env::args().any(|a| a == "--write-docs") {
        write_docs(&report);
    }
}

/// Rewrites the table between the markers in `docs/performance.md`.
fn write_docs(report: &Report) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/performance.md");
    let doc = std::fs::read_to_string(path).expect("docs/performance.md");
    let (begin, end) = ("<!-- ratios:begin -->\n", "<!-- ratios:end -->");
    let (Some(a), Some(b)) = (doc.find(begin), doc.find(end)) else {
        panic!("docs/performance.md has no {begin:?} ... {end:?} markers")
    };
    let mut table = String::from("| figure | measured | goal |\n|---|---|---|\n");
    for (name, value, goal) in &report.lines {
        let _ = writeln!(table, "| `{name}` | {value} | {goal} |");
    }
    let new = format!("{}{begin}{table}{}", &doc[..a], &doc[b..]);
    std::fs::write(path, new).expect("docs/performance.md is writable");
    eprintln!("  (docs/performance.md: table rewritten)");
}
