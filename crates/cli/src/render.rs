//! `render` and `probe`: from connection info (or an Edge device path) to a disk.

use std::time::Duration;

use clap::Args;
use diskxml::DiskInfo;
use diskxml::connector::OpenvStorageEdge;
use serde::Serialize;

use crate::args::{bus_names, device_names, flag_failure, parse_duration, parse_volume_secret};
use crate::input::{Failure, connection_failure, read_input};

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// Connection info JSON (driver_volume_type, serial, data), from a file or '-' for stdin.
    #[arg(long, value_name = "FILE|-", required_unless_present = "device_path", conflicts_with = "device_path")]
    connection_info: Option<String>,
    /// An Open vStorage Edge device path, e.g. 'openvstorage+tcp:HOST:PORT/VOLUME'.
    #[arg(long, value_name = "PATH")]
    device_path: Option<String>,
    /// The <serial> of the disk; with --connection-info it overrides the connection info's.
    #[arg(long)]
    serial: Option<String>,
    /// The target device name the guest sees: fd, hd, sd, vd, xvd or ubd, then letters,
    /// digits or _.
    #[arg(long, default_value = "vda")]
    dev: String,
    /// The target bus; by default the one libvirt infers: fdc for a floppy, else the dev's
    /// prefix's (vd virtio, sd scsi, hd ide, xvd xen, ubd uml); sata has no prefix of its own.
    #[arg(long, value_parser = bus_names())]
    bus: Option<String>,
    /// How the guest sees the volume: disk, cdrom, floppy or lun.
    #[arg(long, default_value = "disk", value_parser = device_names())]
    device: String,
    /// The SCSI unit from the block-device mapping: on a scsi bus, a drive address on
    /// controller 0 with this unit.
    #[arg(long)]
    unit: Option<u32>,
    /// The host's [libvirt] rbd_user, which nova falls back to for rbd volumes (a host
    /// setting: other volumes do not use it, as in nova).
    #[arg(long, value_name = "USER")]
    rbd_user: Option<String>,
    /// The host's [libvirt] rbd_secret_uuid, which nova falls back to for rbd volumes (a host
    /// setting: other volumes do not use it, as in nova).
    #[arg(long, value_name = "UUID")]
    rbd_secret_uuid: Option<String>,
    /// A libvirt secret of usage 'volume' on the host: the volume with this id is encrypted
    /// (LUKS) with it, as nova finds it. Repeatable.
    #[arg(long, value_name = "VOLUME_ID=UUID", value_parser = parse_volume_secret)]
    volume_secret: Vec<(String, String)>,
    /// Print {"disk": the model, "xml": the XML, "warnings": [...]} as JSON instead of the XML.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// Connection info JSON, from a file or '-' for stdin.
    #[arg(long, value_name = "FILE|-")]
    connection_info: String,
    /// How long the whole probe may take: e.g. 2s, 500ms, 1.5s, 1m.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    timeout: Duration,
    /// Print {"kind", "path", "size"} as JSON.
    #[arg(long)]
    json: bool,
}

/// The target as the flags give it, each checked against libvirt's vocabulary and the dev
/// grammar by the facade (as the Python module checks its keywords): an error names the flag.
fn disk_info(args: &RenderArgs) -> Result<DiskInfo, Failure> {
    diskxml::disk_info(&args.dev, args.bus.as_deref(), &args.device, args.unit).map_err(flag_failure)
}

pub(crate) fn render(args: &RenderArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let disk_info = disk_info(args)?;
    let mut settings = diskxml::connector::HostSettings::default();
    settings.rbd_user.clone_from(&args.rbd_user);
    settings.rbd_secret_uuid.clone_from(&args.rbd_secret_uuid);
    settings.volume_secrets = args.volume_secret.iter().cloned().collect();
    let rendered = if let Some(file) = &args.connection_info {
        let text = read_input(file)?;
        let mut info = diskxml::ConnectionInfo::from_json(&text).map_err(|e| connection_failure(file, &text, &e))?;
        if let Some(serial) = &args.serial {
            let was = info.serial().map_or_else(|| "none".to_owned(), |s| format!("{s:?}"));
            eprintln!("diskxml: note: --serial {serial:?} overrides the connection info's serial ({was})");
            info.set_serial(Some(serial.clone()));
        }
        let registry = diskxml::Registry::with_host_settings(settings);
        diskxml::render_info(&registry, &info, &disk_info).map_err(|e| match e {
            diskxml::Error::Connector(e) => connection_failure(file, &text, &e),
            other => refused(other),
        })?
    } else {
        let path = args.device_path.as_deref().unwrap_or_default();
        let disk = OpenvStorageEdge.disk_from_path(path, args.serial.as_deref(), &disk_info).map_err(|e| match e {
            // The field is the flag here.
            diskxml::connector::Error::Field { problem, .. } => Failure::Invalid(format!("--device-path: {problem}")),
            other => Failure::Invalid(other.to_string()),
        })?;
        diskxml::Rendered::from_disk(disk).map_err(refused)?
    };
    for warning in &rendered.warnings {
        match (warning, &args.connection_info) {
            (diskxml::Warning::Ignored(_), Some(file)) => eprintln!("diskxml: warning: {file}: {warning}"),
            _ => eprintln!("diskxml: warning: {warning}"),
        }
    }
    if args.json {
        let warnings: Vec<WarningJson<'_>> = rendered.warnings.iter().map(warning_json).collect();
        crate::write_json(&RenderedJson { disk: &rendered.disk, xml: &rendered.xml, warnings }, out);
    } else {
        out.extend_from_slice(rendered.xml.as_bytes());
    }
    Ok(())
}

/// What `render --json` prints.
#[derive(Serialize)]
struct RenderedJson<'a> {
    disk: &'a diskxml::Disk,
    xml: &'a str,
    warnings: Vec<WarningJson<'a>>,
}

/// A warning: what was ignored (`field`) or a host-dependent rule (`rule`).
#[derive(Serialize)]
struct WarningJson<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'static str>,
    message: std::borrow::Cow<'a, str>,
}

fn warning_json(warning: &diskxml::Warning) -> WarningJson<'_> {
    let (kind, field, rule, message) = match warning {
        diskxml::Warning::Ignored(w) => ("ignored", Some(w.field.as_str()), None, w.message.as_str().into()),
        diskxml::Warning::HostDependent(p) => ("host-dependent", None, Some(p.rule.code()), p.message.as_str().into()),
        other => ("other", None, None, other.to_string().into()),
    };
    WarningJson { kind, field, rule, message }
}

/// What `probe --json` prints.
#[derive(Serialize)]
struct ProbedJson<'a> {
    kind: &'a str,
    path: &'a str,
    size: Option<u64>,
    /// Whether anything was checked: false for drivers with nothing to probe.
    probed: bool,
}

/// Never print what libvirt refuses: the problems, one a line, or the step that failed.
fn refused(e: diskxml::Error) -> Failure {
    match e {
        diskxml::Error::Refused(refused) => {
            let lines: Vec<String> = refused.problems.iter().map(|p| format!("[{}] {}", p.rule, p)).collect();
            Failure::Invalid(format!("libvirt would refuse this disk:\n  {}", lines.join("\n  ")))
        }
        other => Failure::Invalid(other.to_string()),
    }
}

pub(crate) fn probe(args: &ProbeArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let file = &args.connection_info;
    let text = read_input(file)?;
    let info = diskxml::ConnectionInfo::from_json(&text).map_err(|e| connection_failure(file, &text, &e))?;
    let device = diskxml::Registry::with_builtins()
        .connect(&info, &diskxml::ProbeOptions::probing(args.timeout))
        .map_err(|e| connection_failure(file, &text, &e))?;
    if args.json {
        let json = ProbedJson { kind: &device.kind, path: &device.path, size: device.size, probed: device.probed };
        crate::write_json(&json, out);
        return Ok(());
    }
    let mut text = format!("kind: {}\npath: {}\n", device.kind, device.path);
    if let Some(size) = device.size {
        text.push_str(&format!("size: {size}\n"));
    }
    // Never report as checked what was not: rbd, iscsi, sheepdog, gluster and shared-memory
    // Edge volumes have nothing a probe could reach from here.
    if !device.probed {
        text.push_str(&format!("not probed: the {} driver has nothing to probe; nothing was checked\n", device.kind));
    }
    out.extend_from_slice(text.as_bytes());
    Ok(())
}
