//! The `diskxml` command: render, parse and list libvirt `<disk>` XML.
//!
//! Exit status: 0 on success, 1 on invalid input, 2 on usage or I/O errors. Errors go to
//! stderr as `diskxml: <source>:<line>:<column>: <message>` where a position exists.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use diskxml::connector::OpenvStorageEdge;
use diskxml::{Bus, DeviceKind, Disk, DiskInfo, Source, ToXml};

/// Write, read and connect libvirt <disk> devices.
#[derive(Debug, Parser)]
#[command(name = "diskxml", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the <disk> XML for a volume, from its connection info or an Edge device path.
    Render(RenderArgs),
    /// Read one <disk> document and write it back in diskxml's canonical form, losing nothing.
    Parse {
        /// The file to read, or '-' for standard input.
        file: String,
    },
    /// Read one <disk> and write it in libvirt's canonical form: what libvirt prints back.
    Normalize {
        /// Whose normalisation: qemu (what KVM hosts print) or generic (libvirt's own).
        #[arg(long, default_value = "qemu", value_parser = parse_profile)]
        profile: diskxml::Profile,
        /// The file to read, or '-' for standard input.
        file: String,
    },
    /// List the disks of a <domain> document: target dev, disk type, source.
    Disks {
        /// The file to read, or '-' for standard input.
        file: String,
    },
    /// Check a <disk>, or every disk of a <domain>, against libvirt's rules: prints each
    /// problem as FILE:LINE:COLUMN: MESSAGE; exit 1 if any, 0 and silent if none.
    Check {
        /// Whose rules: qemu (libvirt's parser and its QEMU driver, what KVM hosts enforce) or
        /// generic (libvirt's parser alone).
        #[arg(long, default_value = "qemu", value_parser = parse_profile)]
        profile: diskxml::Profile,
        /// The file to read, or '-' for standard input.
        file: String,
    },
    /// Attach a volume to a libvirt domain: connect, build the disk, plug it (undone on failure).
    #[cfg(feature = "libvirt")]
    Attach(AttachArgs),
    /// Detach a disk from a libvirt domain, found by serial, target dev or alias.
    #[cfg(feature = "libvirt")]
    Detach(DetachArgs),
    /// (Built without the libvirt feature: says how to get attach and detach.)
    #[cfg(not(feature = "libvirt"))]
    #[command(name = "attach", alias = "detach", hide = true, disable_help_flag = true)]
    NoLibvirt {
        /// Whatever was given.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Connect a volume with probing on and print where it is (for nbd, the export's size).
    Probe {
        /// Connection info JSON, from a file or '-' for stdin.
        #[arg(long, value_name = "FILE|-")]
        connection_info: String,
        /// How long the whole probe may take: e.g. 2s, 500ms, 1.5s.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        timeout: Duration,
    },
}

#[cfg(feature = "libvirt")]
#[derive(Debug, Args)]
struct AttachArgs {
    /// The domain's name.
    #[arg(long)]
    domain: String,
    /// Connection info JSON, from a file or '-' for stdin.
    #[arg(long, value_name = "FILE|-")]
    connection_info: String,
    /// The target dev; the first free one for the bus when left out.
    #[arg(long)]
    dev: Option<String>,
    /// The target bus.
    #[arg(long, default_value = "virtio", value_parser = parse_bus)]
    bus: Bus,
    /// Plug into the running guest (default: live and config when running, config when shut off).
    #[arg(long)]
    live: bool,
    /// Add to the persistent configuration.
    #[arg(long)]
    config: bool,
    /// Check that the volume is reachable before attaching.
    #[arg(long)]
    probe: bool,
    /// How long the probe may take.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    timeout: Duration,
    #[command(flatten)]
    conn: LibvirtArgs,
}

/// Where libvirt is and how diskxml serialises operations on one domain.
#[cfg(feature = "libvirt")]
#[derive(Debug, Args)]
struct LibvirtArgs {
    /// The libvirt URI.
    #[arg(long, default_value = "qemu:///system")]
    uri: String,
    /// The directory of the per-domain lock files (default /run/lock/diskxml); every
    /// process attaching to the same domains must use the same one.
    #[arg(long, value_name = "DIR")]
    lock_dir: Option<std::path::PathBuf>,
    /// How long to wait for another attach or detach on the same domain (0s: not at all).
    #[arg(long, default_value = "60s", value_parser = parse_wait)]
    lock_timeout: Duration,
}

#[cfg(feature = "libvirt")]
#[derive(Debug, Args)]
struct DetachArgs {
    /// The domain's name.
    #[arg(long)]
    domain: String,
    /// The disk's serial.
    #[arg(long, required_unless_present_any = ["dev", "alias"], conflicts_with_all = ["dev", "alias"])]
    serial: Option<String>,
    /// The disk's target dev.
    #[arg(long, conflicts_with = "alias")]
    dev: Option<String>,
    /// The disk's alias.
    #[arg(long)]
    alias: Option<String>,
    /// Connection info JSON: when given, its driver disconnects the volume after the detach.
    #[arg(long, value_name = "FILE|-")]
    connection_info: Option<String>,
    /// Unplug from the running guest (default: live and config when running, config when shut off).
    #[arg(long)]
    live: bool,
    /// Remove from the persistent configuration.
    #[arg(long)]
    config: bool,
    /// How long a live detach waits for the guest to release the device.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
    #[command(flatten)]
    conn: LibvirtArgs,
}

/// `--live` / `--config` as libvirt flags: neither means "the default for the domain's state".
#[cfg(feature = "libvirt")]
fn live_config(live: bool, config: bool) -> (Option<bool>, Option<bool>) {
    if live || config { (Some(live), Some(config)) } else { (None, None) }
}

/// Opens libvirt with the lock settings, and SIGINT / SIGTERM as an interrupt: an attach or
/// detach stops at its next safe point and undoes what it did.
#[cfg(feature = "libvirt")]
fn open_libvirt(args: &LibvirtArgs) -> Result<(diskxml::libvirt::Libvirt, diskxml::libvirt::Interrupt), Failure> {
    let interrupt = diskxml::libvirt::Interrupt::new();
    for (signal, number) in [(signal_hook::consts::SIGINT, 2), (signal_hook::consts::SIGTERM, 15)] {
        signal_hook::flag::register_usize(signal, interrupt.flag(), number)
            .map_err(|e| Failure::Io(format!("installing the signal handler: {e}")))?;
    }
    let mut libvirt = diskxml::libvirt::Libvirt::open(&args.uri)
        .map_err(|e| Failure::Invalid(e.to_string()))?
        .lock_timeout(args.lock_timeout)
        .interrupt(interrupt.clone())
        .on_lock_wait(|what| eprintln!("diskxml: {what}"));
    if let Some(dir) = &args.lock_dir {
        libvirt = libvirt.lock_dir(dir);
    }
    Ok((libvirt, interrupt))
}

/// A libvirt error as a failure: an interrupt exits 128 + the signal's number.
#[cfg(feature = "libvirt")]
fn libvirt_failure(e: diskxml::libvirt::Error, interrupt: &diskxml::libvirt::Interrupt) -> Failure {
    match (&e, interrupt.raised()) {
        (diskxml::libvirt::Error::Interrupted { .. }, Some(n)) => Failure::Signal(e.to_string(), n),
        _ => Failure::Invalid(e.to_string()),
    }
}

/// After a completed operation: a signal that arrived meanwhile still ends the command
/// with 128 + its number, saying that the operation completed.
#[cfg(feature = "libvirt")]
fn completed_despite(interrupt: &diskxml::libvirt::Interrupt, what: &str) -> Result<(), Failure> {
    match interrupt.raised() {
        None => Ok(()),
        Some(n) => {
            let signal = diskxml::libvirt::signal_name(n);
            Err(Failure::Signal(format!("{signal} arrived after the {what} had completed; it stays done"), n))
        }
    }
}

#[cfg(feature = "libvirt")]
fn where_(live: bool, config: bool) -> &'static str {
    match (live, config) {
        (true, true) => "live and config",
        (true, false) => "live",
        _ => "config",
    }
}

#[cfg(feature = "libvirt")]
fn attach(args: &AttachArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    use diskxml::libvirt::AttachOptions;
    let file = &args.connection_info;
    let text = read_input(file)?;
    let info = diskxml::ConnectionInfo::from_json(&text).map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
    let (libvirt, interrupt) = open_libvirt(&args.conn)?;
    let mut options = AttachOptions::default();
    options.dev.clone_from(&args.dev);
    options.bus = args.bus.clone();
    (options.live, options.config) = live_config(args.live, args.config);
    if args.probe {
        options.probe = diskxml::ProbeOptions::probing(args.timeout);
    }
    let attached = libvirt.attach(&args.domain, &info, &options).map_err(|e| libvirt_failure(e, &interrupt))?;
    let serial = info.serial().map_or_else(String::new, |s| format!(" (serial {s})"));
    let said =
        format!("attached {}{serial} to {}, {}\n", attached.dev, args.domain, where_(attached.live, attached.config));
    out.extend_from_slice(said.as_bytes());
    out.extend_from_slice(attached.xml.as_bytes());
    completed_despite(&interrupt, "attach")
}

#[cfg(feature = "libvirt")]
fn detach(args: &DetachArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    use diskxml::libvirt::DetachOptions;
    let selector = match (&args.serial, &args.dev, &args.alias) {
        (Some(s), _, _) => diskxml::DiskSelector::Serial(s.clone()),
        (_, Some(d), _) => diskxml::DiskSelector::TargetDev(d.clone()),
        (_, _, Some(a)) => diskxml::DiskSelector::Alias(a.clone()),
        (None, None, None) => return Err(Failure::Io("one of --serial, --dev, --alias is required".into())),
    };
    let info = match &args.connection_info {
        Some(file) => {
            let text = read_input(file)?;
            Some(diskxml::ConnectionInfo::from_json(&text).map_err(|e| Failure::Invalid(format!("{file}: {e}")))?)
        }
        None => None,
    };
    let (libvirt, interrupt) = open_libvirt(&args.conn)?;
    let mut options = DetachOptions::default();
    (options.live, options.config) = live_config(args.live, args.config);
    options.timeout = args.timeout;
    let detached =
        libvirt.detach(&args.domain, &selector, info.as_ref(), &options).map_err(|e| libvirt_failure(e, &interrupt))?;
    let disconnected = if detached.disconnected { "; the volume was disconnected" } else { "" };
    let said = format!(
        "detached {} from {}, {}{disconnected}\n",
        detached.dev,
        args.domain,
        where_(detached.live, detached.config)
    );
    out.extend_from_slice(said.as_bytes());
    out.extend_from_slice(detached.xml.as_bytes());
    completed_despite(&interrupt, "detach")
}

/// `2s`, `500ms`, `1.5s`, or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_wait(s)?;
    parse_wait(s).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("expected a positive duration, found {s:?}"))
}

/// As [`parse_duration`], zero included (do not wait).
fn parse_wait(s: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(ms) = s.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(secs) = s.strip_suffix('s') {
        (secs, 1.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number.parse().map_err(|_| format!("expected a duration such as 2s or 500ms, found {s:?}"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| format!("expected a positive duration, found {s:?}"))
}

#[derive(Debug, Args)]
struct RenderArgs {
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
    /// The target bus; by default the one the dev's prefix names (vd virtio, sd scsi, hd ide,
    /// fd fdc, xvd xen, ubd uml); sata has no prefix of its own.
    #[arg(long)]
    bus: Option<String>,
    /// How the guest sees the volume: disk, cdrom, floppy or lun.
    #[arg(long, default_value = "disk")]
    device: String,
    /// The SCSI unit from the block-device mapping: on a scsi bus, a drive address on
    /// controller 0 with this unit.
    #[arg(long)]
    unit: Option<u32>,
    /// The host's [libvirt] rbd_user, which nova falls back to for rbd volumes.
    #[arg(long, value_name = "USER")]
    rbd_user: Option<String>,
    /// The host's [libvirt] rbd_secret_uuid, which nova falls back to for rbd volumes.
    #[arg(long, value_name = "UUID")]
    rbd_secret_uuid: Option<String>,
    /// A libvirt secret of usage 'volume' on the host: the volume with this id is encrypted
    /// (LUKS) with it, as nova finds it. Repeatable.
    #[arg(long, value_name = "VOLUME_ID=UUID", value_parser = parse_volume_secret)]
    volume_secret: Vec<(String, String)>,
}

fn parse_volume_secret(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(id, uuid)| !id.is_empty() && !uuid.is_empty())
        .map(|(id, uuid)| (id.to_owned(), uuid.to_owned()))
        .ok_or_else(|| format!("expected VOLUME_ID=UUID, found {s:?}"))
}

/// A value of libvirt 9's vocabulary `known`, or a message that lists it.
fn known<T>(s: &str, known: &[&str], parse: fn(&str) -> Result<T, diskxml::model::Error>) -> Result<T, String> {
    if known.contains(&s) {
        parse(s).map_err(|e| e.to_string())
    } else {
        Err(format!("{s:?} is not one libvirt accepts; expected one of {}", known.join(", ")))
    }
}

fn parse_bus(s: &str) -> Result<Bus, String> {
    known(s, diskxml::rules::LIBVIRT9_BUSES, Bus::parse)
}

fn parse_dev(s: &str) -> Result<String, String> {
    if diskxml::rules::is_target_dev(s) {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} is not a target dev libvirt accepts: fd, hd, sd, vd, xvd or ubd, then letters, digits or _"))
    }
}

fn parse_profile(s: &str) -> Result<diskxml::Profile, String> {
    match s {
        "qemu" => Ok(diskxml::Profile::Qemu),
        "generic" => Ok(diskxml::Profile::Generic),
        other => Err(format!("expected qemu or generic, found {other:?}")),
    }
}

fn parse_device(s: &str) -> Result<DeviceKind, String> {
    known(s, diskxml::rules::LIBVIRT9_DEVICES, DeviceKind::parse)
}

/// A failure, with the exit status it maps to.
enum Failure {
    /// Invalid input: exit 1.
    Invalid(String),
    /// I/O: exit 2.
    Io(String),
    /// `check` found this many problems, already in the output: exit 1.
    Problems(usize),
    /// A signal stopped (or followed) the operation: exit 128 + its number.
    #[cfg_attr(not(feature = "libvirt"), allow(dead_code, reason = "only attach and detach are interrupted"))]
    Signal(String, usize),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = Vec::new();
    let result = match cli.command {
        Command::Render(args) => render(&args, &mut stdout),
        Command::Parse { file } => parse(&file, &mut stdout),
        Command::Disks { file } => disks(&file, &mut stdout),
        Command::Check { profile, file } => check(&file, profile, &mut stdout),
        Command::Normalize { profile, file } => normalize(&file, profile, &mut stdout),
        #[cfg(feature = "libvirt")]
        Command::Attach(args) => attach(&args, &mut stdout),
        #[cfg(feature = "libvirt")]
        Command::Detach(args) => detach(&args, &mut stdout),
        Command::Probe { connection_info, timeout } => probe(&connection_info, timeout, &mut stdout),
        #[cfg(not(feature = "libvirt"))]
        Command::NoLibvirt { .. } => Err(Failure::Io(
            "attach and detach need the libvirt feature: cargo install diskxml-cli --features libvirt \
             (or cargo build --release -p diskxml-cli --features libvirt), with Debian's libvirt-dev installed"
                .to_owned(),
        )),
    };
    // Output is written only once the whole command is done: a failure prints nothing on
    // stdout, except check's report of the problems it found.
    let result = match result {
        Ok(()) | Err(Failure::Problems(_) | Failure::Signal(..)) => {
            let written = std::io::stdout().lock().write_all(&stdout);
            match written {
                // A reader that stopped reading (`| head`): end quietly, as coreutils do.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
                written => written.map_err(|e| Failure::Io(format!("standard output: {e}"))).and(result),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(message)) => {
            eprintln!("diskxml: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Io(message)) => {
            eprintln!("diskxml: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(count)) => {
            eprintln!("diskxml: {count} problem(s) found");
            ExitCode::from(1)
        }
        Err(Failure::Signal(message, number)) => {
            eprintln!("diskxml: {message}");
            ExitCode::from(u8::try_from(128 + number).unwrap_or(u8::MAX))
        }
    }
}

/// Reads a file, or stdin for `-`, as UTF-8 text.
fn read_input(file: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(drop)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes)).map(drop)
    };
    read.map_err(|e| Failure::Io(format!("{file}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Failure::Invalid(format!("{file}: not UTF-8 text: invalid byte at offset {at}"))
    })
}

fn write_xml(disk: &Disk, out: &mut Vec<u8>) -> Result<(), Failure> {
    let xml = disk.to_xml().map_err(|e| Failure::Invalid(e.to_string()))?;
    out.extend_from_slice(xml.as_bytes());
    Ok(())
}

/// The target as the flags give it, each checked against libvirt's vocabulary and the dev
/// grammar: an error names the flag and what libvirt accepts.
fn render_disk_info(args: &RenderArgs) -> Result<DiskInfo, String> {
    let dev = parse_dev(&args.dev).map_err(|e| format!("--dev: {e}"))?;
    let bus = match &args.bus {
        Some(bus) => parse_bus(bus).map_err(|e| format!("--bus: {e}"))?,
        None => diskxml::rules::bus_for_dev(&dev)
            .ok_or_else(|| format!("--dev {dev}: no bus follows from its prefix; give --bus"))?,
    };
    let mut disk_info = DiskInfo::new(dev, bus);
    disk_info.device = parse_device(&args.device).map_err(|e| format!("--device: {e}"))?;
    Ok(disk_info)
}

fn render(args: &RenderArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let mut disk_info = render_disk_info(args).map_err(Failure::Invalid)?;
    disk_info.unit = args.unit;
    let mut settings = diskxml::connector::HostSettings::default();
    settings.rbd_user.clone_from(&args.rbd_user);
    settings.rbd_secret_uuid.clone_from(&args.rbd_secret_uuid);
    settings.volume_secrets = args.volume_secret.iter().cloned().collect();
    let rendered = if let Some(file) = &args.connection_info {
        let text = read_input(file)?;
        let mut info =
            diskxml::ConnectionInfo::from_json(&text).map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
        if let Some(serial) = &args.serial {
            let was = info.serial().map_or_else(|| "none".to_owned(), |s| format!("{s:?}"));
            eprintln!("diskxml: note: --serial {serial:?} overrides the connection info's serial ({was})");
            info.set_serial(Some(serial.clone()));
        }
        let registry = diskxml::Registry::with_host_settings(settings);
        diskxml::render_info(&registry, &info, &disk_info).map_err(|e| rendering_failure(Some(file), e))?
    } else {
        let path = args.device_path.as_deref().unwrap_or_default();
        let disk = OpenvStorageEdge.disk_from_path(path, args.serial.as_deref(), &disk_info).map_err(|e| match e {
            // The field is the flag here.
            diskxml::connector::Error::Field { problem, .. } => Failure::Invalid(format!("--device-path: {problem}")),
            other => Failure::Invalid(other.to_string()),
        })?;
        diskxml::Rendered::from_disk(disk).map_err(|e| rendering_failure(None, e))?
    };
    for warning in &rendered.warnings {
        match (warning, &args.connection_info) {
            (diskxml::Warning::Ignored(_), Some(file)) => eprintln!("diskxml: warning: {file}: {warning}"),
            _ => eprintln!("diskxml: warning: {warning}"),
        }
    }
    out.extend_from_slice(rendered.xml.as_bytes());
    Ok(())
}

/// Never print what libvirt refuses: the problems, one a line, or the step that failed.
fn rendering_failure(file: Option<&str>, e: diskxml::Error) -> Failure {
    match e {
        diskxml::Error::Refused(problems) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("[{}] {}", p.rule, p)).collect();
            Failure::Invalid(format!("libvirt would refuse this disk:\n  {}", lines.join("\n  ")))
        }
        other => Failure::Invalid(file.map_or_else(|| other.to_string(), |f| format!("{f}: {other}"))),
    }
}

fn check(file: &str, profile: diskxml::Profile, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(file)?;
    let findings = diskxml::check(&text, profile).map_err(|e| Failure::Invalid(format!("{file}:{e}")))?;
    if findings.is_empty() {
        return Ok(());
    }
    let report: String = findings.iter().map(|f| format!("{file}:{f}\n")).collect();
    // Problems are the command's output, yet they make it fail: print them, then exit 1.
    out.extend_from_slice(report.as_bytes());
    Err(Failure::Problems(findings.len()))
}

fn probe(file: &str, timeout: Duration, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(file)?;
    let info = diskxml::ConnectionInfo::from_json(&text).map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
    let device = diskxml::Registry::with_builtins()
        .connect(&info, &diskxml::ProbeOptions::probing(timeout))
        .map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
    let mut text = format!("kind: {}\npath: {}\n", device.kind, device.path);
    if let Some(size) = device.size {
        text.push_str(&format!("size: {size}\n"));
    }
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

fn parse(file: &str, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(file)?;
    let disk = diskxml::parse_disk(&text).map_err(|e| Failure::Invalid(format!("{file}:{e}")))?;
    write_xml(&disk, out)
}

fn normalize(file: &str, profile: diskxml::Profile, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(file)?;
    let disk = diskxml::parse_disk(&text).map_err(|e| Failure::Invalid(format!("{file}:{e}")))?;
    write_xml(&diskxml::normalize(&disk, profile), out)
}

fn disks(file: &str, out: &mut Vec<u8>) -> Result<(), Failure> {
    let text = read_input(file)?;
    let disks = diskxml::parse_domain_disks(&text).map_err(|e| Failure::Invalid(format!("{file}:{e}")))?;
    for disk in &disks {
        let dev = disk.target.as_ref().map_or("-", |t| t.dev.as_str());
        let line = format!("{dev}\t{}\t{}\n", disk.disk_type(), summary(disk));
        out.extend_from_slice(line.as_bytes());
    }
    Ok(())
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
                    (None, Some(name), Some(port)) if name.contains(':') => s.push_str(&format!("[{name}]:{port}")),
                    (None, Some(name), Some(port)) => s.push_str(&format!("{name}:{port}")),
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
        Source::Other(_) | _ => "(source kept as written)".to_owned(),
    }
}
