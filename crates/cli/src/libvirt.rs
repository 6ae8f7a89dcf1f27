//! `attach`, `detach` and `audit`: libvirt's running guests (the `libvirt` feature).

use std::time::Duration;

use clap::Args;
use diskxml::Bus;

use crate::args::{bus_values, device_values, flag_failure, parse_duration, parse_wait};
use crate::input::{Failure, connection_failure, read_input};

#[derive(Debug, Args)]
pub(crate) struct AttachArgs {
    /// The domain's name.
    #[arg(long)]
    domain: String,
    /// Connection info JSON, from a file or '-' for stdin.
    #[arg(long, value_name = "FILE|-")]
    connection_info: String,
    /// The target dev; the first free one for the bus when left out.
    #[arg(long)]
    dev: Option<String>,
    /// The target bus; by default the one libvirt infers from the device and dev (a floppy
    /// fdc, vd virtio, sd scsi, hd ide, ...), as for render; virtio when no dev is given.
    #[arg(long, value_parser = bus_values())]
    bus: Option<Bus>,
    /// How the guest sees the volume (as for render).
    #[arg(long, default_value = "disk", value_parser = device_values())]
    device: diskxml::DeviceKind,
    /// The <serial> of the disk; it overrides the connection info's (as for render).
    #[arg(long)]
    serial: Option<String>,
    /// The host's [libvirt] rbd_user, which nova falls back to for rbd volumes (a host
    /// setting: other volumes do not use it, as in nova).
    #[arg(long, value_name = "USER")]
    rbd_user: Option<String>,
    /// The host's [libvirt] rbd_secret_uuid, which nova falls back to for rbd volumes (a host
    /// setting: other volumes do not use it, as in nova).
    #[arg(long, value_name = "UUID")]
    rbd_secret_uuid: Option<String>,
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
#[derive(Debug, Args)]
pub(crate) struct LibvirtArgs {
    /// The libvirt URI; by default libvirt's own LIBVIRT_DEFAULT_URI, as for virsh.
    #[arg(long, env = "LIBVIRT_DEFAULT_URI", default_value = "qemu:///system")]
    uri: String,
    /// The directory of the per-domain lock files (default /run/lock/diskxml); every
    /// process attaching to the same domains must use the same one.
    #[arg(long, value_name = "DIR")]
    lock_dir: Option<std::path::PathBuf>,
    /// How long to wait for another attach or detach on the same domain (0s: not at all).
    #[arg(long, default_value = "60s", value_parser = parse_wait)]
    lock_timeout: Duration,
}

#[derive(Debug, Args)]
pub(crate) struct DetachArgs {
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
fn live_config(live: bool, config: bool) -> (Option<bool>, Option<bool>) {
    if live || config { (Some(live), Some(config)) } else { (None, None) }
}

/// Opens libvirt with the lock settings, and SIGINT / SIGTERM as an interrupt: an attach or
/// detach stops at its next safe point and undoes what it did.
fn open_libvirt(
    args: &LibvirtArgs,
    registry: Option<diskxml::Registry>,
) -> Result<(diskxml::libvirt::Libvirt, diskxml::libvirt::Interrupt), Failure> {
    let interrupt = diskxml::libvirt::Interrupt::new();
    for (signal, number) in [(signal_hook::consts::SIGINT, 2), (signal_hook::consts::SIGTERM, 15)] {
        signal_hook::flag::register_usize(signal, interrupt.flag(), number)
            .map_err(|e| Failure::Io(format!("installing the signal handler: {e}")))?;
    }
    let opened = match registry {
        Some(registry) => diskxml::libvirt::Libvirt::with_registry(&args.uri, registry),
        None => diskxml::libvirt::Libvirt::open(&args.uri),
    };
    let mut libvirt = opened
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
fn libvirt_failure(e: diskxml::libvirt::Error, interrupt: &diskxml::libvirt::Interrupt) -> Failure {
    match (&e, interrupt.raised()) {
        (diskxml::libvirt::Error::Interrupted { .. }, Some(n)) => Failure::Signal(e.to_string(), n),
        _ => Failure::Invalid(e.to_string()),
    }
}

/// After a completed operation: a signal that arrived meanwhile still ends the command
/// with 128 + its number, saying that the operation completed.
fn completed_despite(interrupt: &diskxml::libvirt::Interrupt, what: &str) -> Result<(), Failure> {
    match interrupt.raised() {
        None => Ok(()),
        Some(n) => {
            let signal = diskxml::libvirt::signal_name(n);
            Err(Failure::Signal(format!("{signal} arrived after the {what} had completed; it stays done"), n))
        }
    }
}

fn where_(live: bool, config: bool) -> &'static str {
    match (live, config) {
        (true, true) => "live and config",
        (true, false) => "live",
        _ => "config",
    }
}

/// The bus `--bus` names, else the one libvirt infers from `--device` and `--dev` (the
/// facade's reading, as `render`'s), else virtio. A dev libvirt does not accept is a usage error.
fn attach_bus(args: &AttachArgs) -> Result<Bus, Failure> {
    match (&args.bus, &args.dev) {
        (Some(bus), _) => Ok(bus.clone()),
        (None, Some(dev)) => {
            diskxml::disk_info(dev, None, args.device.as_str(), None).map(|info| info.bus).map_err(flag_failure)
        }
        (None, None) => Ok(Bus::Virtio),
    }
}

pub(crate) fn attach(args: &AttachArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    use diskxml::libvirt::AttachOptions;
    let file = &args.connection_info;
    let text = read_input(file)?;
    let mut info = diskxml::ConnectionInfo::from_json(&text).map_err(|e| connection_failure(file, &text, &e))?;
    if args.serial.is_some() {
        info.set_serial(args.serial.clone());
    }
    // The host's rbd settings, as render takes them: a registry of the built-in drivers with them.
    let registry = (args.rbd_user.is_some() || args.rbd_secret_uuid.is_some()).then(|| {
        let mut settings = diskxml::connector::HostSettings::default();
        settings.rbd_user.clone_from(&args.rbd_user);
        settings.rbd_secret_uuid.clone_from(&args.rbd_secret_uuid);
        diskxml::Registry::with_host_settings(settings)
    });
    let (libvirt, interrupt) = open_libvirt(&args.conn, registry)?;
    let mut options = AttachOptions::default();
    options.dev.clone_from(&args.dev);
    options.device = args.device.clone();
    options.bus = attach_bus(args)?;
    (options.live, options.config) = live_config(args.live, args.config);
    if args.probe {
        options.probe = diskxml::ProbeOptions::probing(args.timeout);
    }
    let attached = libvirt.attach(&args.domain, &info, &options).map_err(|e| libvirt_failure(e, &interrupt))?;
    let serial = info.serial().map_or_else(String::new, |s| format!(" (serial {s})"));
    let encrypted = attached
        .encryption_secret
        .as_ref()
        .map_or_else(String::new, |uuid| format!("; encrypted (LUKS), its passphrase libvirt secret {uuid}"));
    let said = format!(
        "attached {}{serial} to {}, {}{encrypted}\n",
        attached.dev,
        args.domain,
        where_(attached.live, attached.config)
    );
    out.extend_from_slice(said.as_bytes());
    out.extend_from_slice(attached.xml.as_bytes());
    completed_despite(&interrupt, "attach")
}

pub(crate) fn detach(args: &DetachArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
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
            Some(diskxml::ConnectionInfo::from_json(&text).map_err(|e| connection_failure(file, &text, &e))?)
        }
        None => None,
    };
    let (libvirt, interrupt) = open_libvirt(&args.conn, None)?;
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

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// The libvirt URI; by default libvirt's own LIBVIRT_DEFAULT_URI, as for virsh.
    #[arg(long, env = "LIBVIRT_DEFAULT_URI", default_value = "qemu:///system")]
    uri: String,
    /// Whose rules: qemu (what a KVM host enforces at start and migration) or generic.
    #[arg(long, default_value = "qemu", value_parser = crate::args::profile_values())]
    profile: diskxml::Profile,
    /// Print a JSON array of {domain, definition, dev, line, column, rule, message}.
    #[arg(long)]
    json: bool,
}

/// A problem, as `audit --json` prints it.
#[derive(serde::Serialize)]
struct AuditJson<'a> {
    domain: &'a str,
    definition: &'static str,
    dev: Option<&'a str>,
    #[serde(flatten)]
    finding: crate::inspect::FindingJson<'a>,
}

/// Every disk of every domain on the host against the profile: one table of problems.
pub(crate) fn audit(args: &AuditArgs, out: &mut Vec<u8>) -> Result<(), Failure> {
    let libvirt = diskxml::libvirt::Libvirt::open(&args.uri).map_err(|e| Failure::Invalid(e.to_string()))?;
    let found = diskxml::audit(&libvirt, args.profile).map_err(|e| Failure::Invalid(e.to_string()))?;
    let definition = |live: bool| if live { "live" } else { "config" };
    if args.json {
        let rows: Vec<AuditJson<'_>> = found
            .iter()
            .map(|f| AuditJson {
                domain: &f.domain,
                definition: definition(f.live),
                dev: f.dev.as_deref(),
                finding: crate::inspect::FindingJson::from(&f.finding),
            })
            .collect();
        crate::write_json(&rows, out);
    } else if !found.is_empty() {
        let mut table = vec![["DOMAIN", "DEFINITION", "DEV", "RULE", "MESSAGE"].map(str::to_owned).to_vec()];
        for f in &found {
            table.push(vec![
                f.domain.clone(),
                definition(f.live).to_owned(),
                f.dev.clone().unwrap_or_else(|| "-".to_owned()),
                f.finding.problem.rule.code().to_owned(),
                f.finding.problem.message.clone(),
            ]);
        }
        out.extend_from_slice(crate::inspect::aligned(&table).as_bytes());
    }
    if found.is_empty() { Ok(()) } else { Err(Failure::Problems(found.len())) }
}
