//! Why an attach or detach failed, and what diskxml did about it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use diskxml_parser::DiskSelector;

/// Why an attach or detach failed. Every message says what diskxml did about it: nothing,
/// the volume's connection undone, or what was left behind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// libvirt refused a step other than the plug itself.
    #[error("libvirt: {action}: {message}; {done}")]
    Libvirt {
        /// What diskxml was doing.
        action: String,
        /// libvirt's message.
        message: String,
        /// What diskxml did about it.
        done: Done,
    },
    /// No domain has this name.
    #[error("no domain named '{domain}' on this libvirt (virsh list --all names them); nothing was done")]
    NoDomain {
        /// The name asked for.
        domain: String,
    },
    /// `live` or `config` asked for what the domain's state does not allow.
    #[error("domain '{domain}' {why}: {flag} cannot apply; nothing was done")]
    Flag {
        /// The domain.
        domain: String,
        /// The option, as the command spells it (`--live`, `--config`).
        flag: &'static str,
        /// Why not (`is shut off`, `is transient (not defined)`).
        why: &'static str,
    },
    /// The connection info or the connector failed.
    #[error("{0}; nothing was plugged or left connected")]
    Connector(#[from] diskxml_connector::Error),
    /// A domain's XML could not be read.
    #[error("the domain's XML: {0}; nothing was done")]
    Parse(#[from] diskxml_parser::Error),
    /// The volume is attached already.
    #[error("the volume with serial '{serial}' is attached already, as {dev}; nothing was done")]
    AlreadyAttached {
        /// Its serial.
        serial: String,
        /// The target dev it holds.
        dev: String,
    },
    /// The target dev asked for is taken.
    #[error("target dev {dev} is in use by the disk {holder}; nothing was done")]
    DevInUse {
        /// The dev asked for.
        dev: String,
        /// The disk that has it.
        holder: String,
    },
    /// The disk breaks a rule of libvirt's QEMU driver.
    #[error("libvirt's QEMU driver would refuse this disk, so nothing was connected or plugged: {0}")]
    Refused(diskxml_rules::Refused),
    /// A live attach on a bus that cannot be hot-plugged.
    #[error(
        "a disk on bus '{bus}' cannot be plugged into a running guest (virtio, scsi and usb can); use --config alone, or another bus; nothing was done"
    )]
    NotHotpluggable {
        /// The bus.
        bus: String,
    },
    /// No free target dev for the bus.
    #[error("no free target dev with prefix '{prefix}'; nothing was done")]
    NoFreeDev {
        /// The prefix of the bus.
        prefix: &'static str,
    },
    /// libvirt refused the plug.
    #[error("libvirt refused to attach the disk: {message}{hint}; {done}")]
    AttachRefused {
        /// libvirt's message.
        message: String,
        /// What the message means, where diskxml knows (with a leading "; ").
        hint: String,
        /// What happened to the volume's connection.
        done: Done,
    },
    /// No disk matches the selector.
    #[error("domain '{domain}' has no disk with {selector}; nothing was done")]
    NotFound {
        /// The domain.
        domain: String,
        /// What was looked for.
        selector: DiskSelector,
    },
    /// The guest did not release the device in time; the volume stays connected.
    #[error(
        "the guest has not released {dev} after {waited:.1?}; the volume stays connected (retry, or detach from the config and restart the guest)"
    )]
    DetachTimeout {
        /// The target dev.
        dev: String,
        /// How long diskxml waited.
        waited: Duration,
    },
    /// Another attach or detach held the domain's lock for longer than the lock timeout.
    #[error(
        "waited {waited:.1?} for the lock on domain '{domain}' ({}), held by another attach or detach; nothing was done",
        path.display()
    )]
    LockTimeout {
        /// The domain.
        domain: String,
        /// The lock file.
        path: PathBuf,
        /// How long diskxml waited.
        waited: Duration,
    },
    /// The lock file could not be created or locked.
    #[error("the lock file {}: {message}; nothing was done", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// A signal arrived ([`crate::Interrupt`]); the operation stopped at a safe point.
    #[error("interrupted by {signal} {step}; {done}")]
    Interrupted {
        /// The signal's name (`SIGINT`, `SIGTERM`).
        signal: &'static str,
        /// Where (`while waiting for the lock`, `before the plug`, ...).
        step: &'static str,
        /// What diskxml did about it.
        done: Done,
    },
}

/// What diskxml did about a failure: always said, so that an operator knows what is left.
#[derive(Debug)]
#[non_exhaustive]
pub enum Done {
    /// Nothing had been done yet.
    Nothing,
    /// The volume had been connected; `disconnect` ran and succeeded; nothing was plugged.
    Undone,
    /// `disconnect` failed too: the volume may still be connected.
    UndoFailed(Box<diskxml_connector::Error>),
    /// The disk was plugged (only reading it back failed).
    Plugged,
    /// A detach was asked of libvirt and the volume stays connected.
    LeftConnected,
}

impl fmt::Display for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nothing => f.write_str("nothing was done"),
            Self::Undone => f.write_str("the volume's connection was undone and nothing was plugged"),
            Self::UndoFailed(e) => {
                write!(f, "undoing the volume's connection failed too, it may still be connected: {e}")
            }
            Self::Plugged => f.write_str("the disk was plugged"),
            Self::LeftConnected => f.write_str("the volume stays connected"),
        }
    }
}
