//! The `diskxml` command: render, parse, check and list libvirt `<disk>` XML.
//!
//! Exit status: 0 on success, 1 on invalid input or problems found, 2 on usage or I/O
//! errors, 128 + N after signal N. Errors go to stderr as
//! `diskxml: <file>:<line>:<column>: <message>` where a position exists.
#![forbid(unsafe_code)]

mod args;
mod extra;
mod input;
mod inspect;
#[cfg(feature = "libvirt")]
mod libvirt;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use input::Failure;

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
    Render(render::RenderArgs),
    /// Read a <disk> (or a <domain>'s disks) and write it back in diskxml's canonical form,
    /// losing nothing; a whole <domain> is printed with each disk rewritten in place.
    Parse(inspect::ParseArgs),
    /// Read a <disk> (or a <domain>'s disks) and write it in libvirt's canonical form: what
    /// libvirt prints back; a whole <domain> is printed with each disk normalised in place.
    Normalize(inspect::NormalizeArgs),
    /// List the disks of <domain> documents: an aligned table of dev, bus, device, type,
    /// source, serial and flags.
    Disks(inspect::DisksArgs),
    /// Check <disk> or <domain> documents against libvirt's rules: prints each problem as
    /// FILE:LINE:COLUMN: [RULE] MESSAGE; exit 1 if any, 0 and silent if none.
    Check(inspect::CheckArgs),
    /// Attach a volume to a libvirt domain: connect, build the disk, plug it (undone on failure).
    #[cfg(feature = "libvirt")]
    Attach(libvirt::AttachArgs),
    /// Detach a disk from a libvirt domain, found by serial, target dev or alias.
    #[cfg(feature = "libvirt")]
    Detach(libvirt::DetachArgs),
    /// Check every disk of every domain on a libvirt host (live and persistent definitions):
    /// which guests libvirt will refuse at their next start or migration; exit 1 if any.
    #[cfg(feature = "libvirt")]
    Audit(libvirt::AuditArgs),
    /// (Built without the libvirt feature: says how to get attach, detach and audit.)
    #[cfg(not(feature = "libvirt"))]
    #[command(name = "attach", aliases = ["detach", "audit"], hide = true, disable_help_flag = true)]
    NoLibvirt {
        /// Whatever was given.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List the built-in volume drivers, by driver_volume_type, one a line (what render,
    /// probe and attach take).
    Drivers {
        /// Print them as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Probe a volume and print where it is: an Edge or nbd server answers (nbd: the export
    /// exists, and its size), a local or file path exists; other drivers say "not probed".
    Probe(render::ProbeArgs),
    /// Print a shell completion script: diskxml completions bash > /etc/bash_completion.d/diskxml
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): diskxml man | man -l -; diskxml man render for a subcommand's
    /// own (diskxml-render(1)), with its options, exit status and examples.
    Man {
        /// The subcommand whose page to print; the command's own page when left out.
        subcommand: Option<String>,
    },
}

/// Writes `value` as pretty JSON and a newline, fields in their declared order.
fn write_json(value: &impl serde::Serialize, out: &mut Vec<u8>) {
    // Writing a Value into memory cannot fail: its keys are strings.
    if serde_json::to_writer_pretty(&mut *out, value).is_ok() {
        out.push(b'\n');
    }
}

fn run(command: &Command, stdout: &mut Vec<u8>) -> Result<(), Failure> {
    match command {
        Command::Render(args) => render::render(args, stdout),
        Command::Parse(args) => inspect::parse(args, stdout),
        Command::Normalize(args) => inspect::normalize(args, stdout),
        Command::Disks(args) => inspect::disks(args, stdout),
        Command::Check(args) => inspect::check(args, stdout),
        #[cfg(feature = "libvirt")]
        Command::Attach(args) => libvirt::attach(args, stdout),
        #[cfg(feature = "libvirt")]
        Command::Detach(args) => libvirt::detach(args, stdout),
        #[cfg(feature = "libvirt")]
        Command::Audit(args) => libvirt::audit(args, stdout),
        Command::Probe(args) => render::probe(args, stdout),
        Command::Drivers { json } => {
            let registry = diskxml::Registry::with_builtins();
            let names: Vec<&str> = registry.names().collect();
            if *json {
                write_json(&names, stdout);
            } else {
                names.iter().for_each(|n| stdout.extend_from_slice(format!("{n}\n").as_bytes()));
            }
            Ok(())
        }
        Command::Completions { shell } => {
            extra::completions(*shell, stdout);
            Ok(())
        }
        Command::Man { subcommand } => extra::man(subcommand.as_deref(), stdout),
        #[cfg(not(feature = "libvirt"))]
        Command::NoLibvirt { .. } => Err(Failure::Io(
            "attach, detach and audit need the libvirt feature: cargo install diskxml-cli --features libvirt \
             (or cargo build --release -p diskxml-cli --features libvirt), with Debian's libvirt-dev installed"
                .to_owned(),
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = Vec::new();
    let result = run(&cli.command, &mut stdout);
    // Output is written only once the whole command is done: a failure prints nothing on
    // stdout, except the problems check and audit found (and what several files gave).
    let result = match result {
        Ok(()) | Err(Failure::Problems(_) | Failure::Signal(..)) => write_out(&stdout, result),
        Err(e) if !stdout.is_empty() => write_out(&stdout, Err(e)),
        Err(e) => Some(Err(e)),
    };
    let Some(result) = result else { return ExitCode::SUCCESS };
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
        Err(Failure::Reported(code)) => ExitCode::from(code),
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

/// Writes the output; `None` when the reader stopped reading (`| head`): the command then
/// ends quietly with 0, as coreutils do.
fn write_out(stdout: &[u8], result: Result<(), Failure>) -> Option<Result<(), Failure>> {
    match std::io::stdout().lock().write_all(stdout) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        written => Some(written.map_err(|e| Failure::Io(format!("standard output: {e}"))).and(result)),
    }
}
