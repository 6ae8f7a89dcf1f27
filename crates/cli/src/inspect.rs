//! `parse`, `normalize`, `check` and `disks`: reading documents, a `<disk>` or a `<domain>`.

use std::io::IsTerminal;

use clap::Args;
use diskxml::{Disk, DiskSelector, DomainDisk, Source, ToXml};
use rayon::prelude::*;
use serde::Serialize;

use crate::args::{Pick, profile_values};
use crate::input::{Failure, positioned, read_input};

#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    #[command(flatten)]
    pick: Pick,
    /// Print the disk as JSON (the model; an array for a <domain>'s disks).
    #[arg(long)]
    json: bool,
    /// The file to read, or '-' for standard input.
    file: String,
}

#[derive(Debug, Args)]
pub(crate) struct NormalizeArgs {
    /// Whose normalisation: qemu (what KVM hosts print) or generic (libvirt's own).
    #[arg(long, default_value = "qemu", value_parser = profile_values())]
    profile: diskxml::Profile,
    #[command(flatten)]
    parse: ParseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Whose rules: qemu (libvirt's parser and its QEMU driver, what KVM hosts enforce) or
    /// generic (libvirt's parser alone).
    #[arg(long, default_value = "qemu", value_parser = profile_values())]
    profile: diskxml::Profile,
    #[command(flatten)]
    pick: Pick,
    /// Print the problems as a JSON array of {file, line, column, rule, message}; a file that
    /// cannot be read or parsed is an entry with rule null.
    #[arg(long)]
    json: bool,
    /// The files to read ('-' for standard input), checked in parallel; reported in this order.
    #[arg(required = true)]
    files: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DisksArgs {
    /// Print a JSON array of {file, dev, bus, device, type, source, serial, readonly, shareable}.
    #[arg(long)]
    json: bool,
    /// The <domain> files to read ('-' for standard input); with several, a FILE column.
    #[arg(required = true)]
    files: Vec<String>,
}

/// The disks of `text` that `pick` selects: the `<disk>` itself, or a `<domain>`'s disks.
/// Also whether the root was a `<domain>`.
fn picked(file: &str, text: &str, pick: &Pick) -> Result<(Vec<Disk>, bool), Failure> {
    let selector = pick.selector();
    let (disks, domain) = match diskxml::read(text, &diskxml::Options::default()).map_err(|e| positioned(file, e))? {
        diskxml::Document::Disk(disk) => (vec![*disk], false),
        diskxml::Document::Domain(disks) => (disks.into_iter().map(|d| d.disk).collect(), true),
    };
    let Some(selector) = selector else { return Ok((disks, domain)) };
    let found: Vec<Disk> = disks.into_iter().filter(|d| selector.matches(d)).take(1).collect();
    if found.is_empty() {
        return Err(Failure::Invalid(format!("{file}: no disk with {selector}")));
    }
    Ok((found, false))
}

fn emit(disks: &[Disk], many: bool, json: bool, out: &mut Vec<u8>) -> Result<(), Failure> {
    if json {
        if many {
            crate::write_json(&disks, out);
        } else if let Some(disk) = disks.first() {
            crate::write_json(disk, out);
        }
        return Ok(());
    }
    for disk in disks {
        let xml = disk.to_xml().map_err(|e| Failure::Invalid(e.to_string()))?;
        out.extend_from_slice(xml.as_bytes());
    }
    Ok(())
}

/// `parse` and `normalize` print one document that `parse` reads back: a disk, or, for a
/// whole `<domain>`, the domain itself with each disk replaced by `disks` (as diskxml writes
/// them), every other byte as it was.
fn emit_document(
    file: &str,
    text: &str,
    disks: &[Disk],
    many: bool,
    json: bool,
    out: &mut Vec<u8>,
) -> Result<(), Failure> {
    if !many || json {
        return emit(disks, many, json, out);
    }
    let found = diskxml::domain_disks(text).map_err(|e| positioned(file, e))?;
    let written: Vec<String> =
        disks.iter().map(|d| d.to_xml().map_err(|e| Failure::Invalid(e.to_string()))).collect::<Result<_, _>>()?;
    let edits: Vec<(std::ops::Range<usize>, &str)> =
        found.iter().zip(&written).map(|(f, xml)| (f.range.clone(), xml.as_str())).collect();
    let domain = diskxml::parser::splice_disks(text, &edits).map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
    out.extend_from_slice(domain.as_bytes());
    Ok(())
}

pub(crate) fn parse(args: &ParseArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(&args.file)?;
    let (disks, many) = picked(&args.file, &text, &args.pick)?;
    emit_document(&args.file, &text, &disks, many, args.json, out)
}

pub(crate) fn normalize(args: &NormalizeArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(&args.parse.file)?;
    let (disks, many) = picked(&args.parse.file, &text, &args.parse.pick)?;
    let disks: Vec<Disk> = disks.iter().map(|d| diskxml::normalize(d, args.profile)).collect();
    emit_document(&args.parse.file, &text, &disks, many, args.parse.json, out)
}

/// What one file of several gave: its lines of output, or the failure that stopped it.
type Report<T> = Result<Vec<T>, Failure>;

/// Runs `f` on every file on all cores, with a progress bar on a terminal when there are
/// many; the reports come back in input order.
fn each_file<T: Send>(files: &[String], f: impl Fn(&str) -> Report<T> + Sync) -> Vec<Report<T>> {
    let bar = (files.len() >= 16 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let reports = files
        .par_iter()
        .map(|file| {
            let report = f(file);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            report
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    reports
}

/// Prints every file's failure on stderr, in order: the exit status is the worst of them
/// (2 for I/O, else 1).
fn failures<T>(reports: &[Report<T>]) -> Option<Failure> {
    let mut worst = None;
    for failure in reports.iter().filter_map(|r| r.as_ref().err()) {
        let Some(message) = failure.said() else { continue };
        let code = if matches!(failure, Failure::Io(_)) { 2 } else { 1 };
        eprintln!("diskxml: {message}");
        worst = worst.max(Some(code));
    }
    worst.map(Failure::Reported)
}

/// A finding as JSON prints it: where, which rule, what.
#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    line: u32,
    column: u32,
    rule: &'static str,
    message: &'a str,
}

impl<'a> From<&'a diskxml::Finding> for FindingJson<'a> {
    fn from(f: &'a diskxml::Finding) -> Self {
        Self { line: f.pos.line, column: f.pos.column, rule: f.problem.rule.code(), message: &f.problem.message }
    }
}

/// A problem, as `check --json` prints it.
#[derive(Serialize)]
struct ProblemJson<'a> {
    file: &'a str,
    #[serde(flatten)]
    finding: FindingJson<'a>,
}

/// A file `check` could not judge, as `check --json` prints it: no rule; the line and
/// column when the failure has a place (a parse error), else null.
#[derive(Serialize)]
struct UncheckedJson<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    rule: Option<&'static str>,
    message: &'a str,
}

/// One entry of `check --json`.
#[derive(Serialize)]
#[serde(untagged)]
enum CheckJson<'a> {
    Problem(ProblemJson<'a>),
    Unchecked(UncheckedJson<'a>),
}

/// Every file's problems, and every file that could not be checked, in input order.
fn check_json<'a>(files: &'a [String], reports: &'a [Report<Found>]) -> Vec<CheckJson<'a>> {
    let mut entries = Vec::new();
    for (file, report) in files.iter().zip(reports) {
        match report {
            Ok(found) => entries.extend(
                found
                    .iter()
                    .map(|f| CheckJson::Problem(ProblemJson { file: &f.file, finding: FindingJson::from(&f.finding) })),
            ),
            Err(failure) => {
                if let Some(said) = failure.said() {
                    let (pos, message) = crate::input::split_place(file, said);
                    let (line, column) = pos.unzip();
                    entries.push(CheckJson::Unchecked(UncheckedJson { file, line, column, rule: None, message }));
                }
            }
        }
    }
    entries
}

/// One problem found by `check`.
struct Found {
    file: String,
    finding: diskxml::Finding,
}

fn check_file(file: &str, args: &CheckArgs) -> Report<Found> {
    let text = read_input(file)?;
    let findings = diskxml::check(&text, args.profile).map_err(|e| positioned(file, e))?;
    let keep = match args.pick.selector() {
        None => None,
        Some(selector) => Some(selected_index(file, &text, &selector)?),
    };
    Ok(findings
        .into_iter()
        .filter(|f| keep.is_none_or(|i| f.disk == i))
        .map(|finding| Found { file: file.to_owned(), finding })
        .collect())
}

/// The index of the disk `selector` picks in `text` (a `<disk>` is disk 0).
fn selected_index(file: &str, text: &str, selector: &DiskSelector) -> Result<usize, Failure> {
    let disks: Vec<DomainDisk> = diskxml::parser::document_disks(text).map_err(|e| positioned(file, e))?;
    disks
        .iter()
        .position(|d| selector.matches(&d.disk))
        .ok_or_else(|| Failure::Invalid(format!("{file}: no disk with {selector}")))
}

pub(crate) fn check(args: &CheckArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let reports = each_file(&args.files, |file| check_file(file, args));
    let failed = failures(&reports);
    let unread = reports.iter().filter(|r| r.is_err()).count();
    if args.json {
        crate::write_json(&check_json(&args.files, &reports), out);
    }
    let found: Vec<Found> = reports.into_iter().filter_map(Result::ok).flatten().collect();
    if !args.json {
        for f in &found {
            let line =
                format!("{}:{}: [{}] {}\n", f.file, f.finding.pos, f.finding.problem.rule, f.finding.problem.message);
            out.extend_from_slice(line.as_bytes());
        }
    }
    match failed {
        Some(failure) => {
            // Both counts (a file that could not be read at all is not a problem found), once
            // there is more than the one failure just said.
            if !found.is_empty() || args.files.len() > 1 {
                eprintln!("diskxml: {} problem(s) found; {unread} file(s) could not be checked", found.len());
            }
            Err(failure)
        }
        // Problems are the command's output, yet they make it fail: print them, then exit 1.
        None if !found.is_empty() => Err(Failure::Problems(found.len())),
        None => Ok(()),
    }
}

/// One row of `disks`; `--json` prints it as is.
#[derive(Serialize)]
struct Row {
    file: String,
    dev: Option<String>,
    bus: Option<String>,
    device: String,
    #[serde(rename = "type")]
    kind: String,
    source: String,
    serial: Option<String>,
    readonly: bool,
    shareable: bool,
}

fn disks_file(file: &str) -> Report<Row> {
    let text = read_input(file)?;
    let disks = diskxml::parse_domain_disks(&text).map_err(|e| positioned(file, e))?;
    Ok(disks
        .iter()
        .map(|disk| Row {
            file: file.to_owned(),
            dev: disk.target.as_ref().map(|t| t.dev().to_string()),
            bus: disk.target.as_ref().and_then(|t| t.bus.as_ref()).map(ToString::to_string),
            // libvirt reads an absent device as disk.
            device: disk.device.as_ref().map_or_else(|| "disk".to_owned(), ToString::to_string),
            kind: disk.disk_type().to_owned(),
            source: summary(disk),
            serial: disk.serial.as_ref().map(ToString::to_string),
            readonly: disk.readonly,
            shareable: disk.shareable,
        })
        .collect())
}

pub(crate) fn disks(args: &DisksArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let reports = each_file(&args.files, disks_file);
    let failed = failures(&reports);
    let rows: Vec<Row> = reports.into_iter().filter_map(Result::ok).flatten().collect();
    if args.json {
        crate::write_json(&rows, out);
    } else if !rows.is_empty() {
        let many = args.files.len() > 1;
        let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
        let header = ["FILE", "DEV", "BUS", "DEVICE", "TYPE", "SOURCE", "SERIAL", "FLAGS"];
        table.push(header.iter().skip(usize::from(!many)).map(|h| (*h).to_owned()).collect());
        for r in rows {
            let flags = match (r.readonly, r.shareable) {
                (true, true) => "readonly,shareable",
                (true, false) => "readonly",
                (false, true) => "shareable",
                (false, false) => "-",
            };
            let mut line = if many { vec![r.file] } else { Vec::new() };
            let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
            line.extend([dash(r.dev), dash(r.bus), r.device, r.kind, r.source, dash(r.serial), flags.to_owned()]);
            table.push(line);
        }
        out.extend_from_slice(aligned(&table).as_bytes());
    }
    failed.map_or(Ok(()), Err)
}

/// Columns padded to their widest cell (in characters), two spaces apart; the last unpadded.
pub(crate) fn aligned(table: &[Vec<String>]) -> String {
    let columns = table.first().map_or(0, Vec::len);
    let widths: Vec<usize> =
        (0..columns).map(|c| table.iter().map(|row| row[c].chars().count()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in table {
        for (c, cell) in row.iter().enumerate() {
            text.push_str(cell);
            if c + 1 < columns {
                text.extend(std::iter::repeat_n(' ', widths[c] - cell.chars().count() + 2));
            }
        }
        text.push('\n');
    }
    text
}

/// One line about where the data is: the path, the device, or protocol:name@hosts.
fn summary(disk: &Disk) -> String {
    match &disk.source {
        Source::File(f) => f.path.as_deref().unwrap_or("(no media)").to_owned(),
        Source::Block(b) => b.dev.as_deref().unwrap_or("(no device)").to_owned(),
        Source::Network(n) => {
            let mut s = format!("{}:{}", n.protocol(), n.name.as_deref().unwrap_or(""));
            for (i, host) in n.hosts().iter().enumerate() {
                s.push(if i == 0 { '@' } else { ',' });
                match (host.socket(), host.name(), host.port()) {
                    (Some(socket), _, _) => s.push_str(&format!("unix:{socket}")),
                    (None, Some(name), Some(port)) => {
                        s.push_str(&format!("{}:{port}", diskxml::model::Bracketed(name)));
                    }
                    (None, Some(name), None) => s.push_str(name),
                    (None, None, _) => {}
                }
            }
            s
        }
        Source::Dir(d) => d.dir.as_deref().unwrap_or("(no directory)").to_owned(),
        Source::Volume(v) => {
            format!("pool {}, volume {}", v.pool.as_deref().unwrap_or("?"), v.volume.as_deref().unwrap_or("?"))
        }
        Source::Nvme(n) => {
            let mut s = format!("nvme namespace {}", n.namespace.map_or_else(|| "?".to_owned(), |x| x.to_string()));
            if let Some(a) = &n.address {
                let hex = |v: Option<u32>| v.unwrap_or(0);
                s.push_str(&format!(
                    " at {:04x}:{:02x}:{:02x}.{:x}",
                    hex(a.domain),
                    hex(a.bus),
                    hex(a.slot),
                    hex(a.function)
                ));
            }
            s
        }
        Source::VhostUser(v) => format!("vhost-user {}", v.path.as_deref().unwrap_or("(no socket)")),
        Source::Other(o) => format!("(type '{}', source kept as written)", o.disk_type),
        _ => "(source kept as written)".to_owned(),
    }
}
