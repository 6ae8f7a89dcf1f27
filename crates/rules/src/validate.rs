//! `validate`: every problem of a disk, not just the first, under a profile's rules (the
//! generic ones of libvirt's parser, `crate::generic`, then the QEMU driver's, `crate::qemu`).

use alloc::vec::Vec;

use diskxml_model::Disk;

use crate::report::Report;
use crate::{Problem, Profile};

/// One rule set's check: looks at the disk and reports what breaks it.
type Check = fn(&Disk, &mut Report);

/// libvirt's hypervisor-independent rules, in the order their problems are reported.
const GENERIC: &[Check] = &[
    crate::generic::vocabularies,
    crate::generic::disk_auth,
    crate::generic::network,
    crate::generic::lun,
    crate::generic::target_required,
    crate::generic::target,
    crate::generic::iotune,
    crate::generic::identifiers,
    crate::generic::address_for_bus,
    crate::generic::floppy,
];

/// What libvirt's QEMU driver adds (`qemuValidateDomainDeviceDefDisk` and the storage
/// source checks it calls), after the generic rules.
const QEMU: &[Check] = &[
    crate::qemu::host_counts,
    crate::qemu::native_io,
    crate::qemu::serial,
    crate::qemu::frontend,
    crate::qemu::address_for_frontend,
    crate::qemu::shareable_format,
    crate::qemu::protocols,
];

impl Profile {
    /// The checks of this profile, in report order: the generic ones, then the QEMU
    /// driver's.
    fn checks(self) -> impl Iterator<Item = &'static Check> {
        let qemu: &[Check] = if self == Self::Qemu { QEMU } else { &[] };
        GENERIC.iter().chain(qemu)
    }
}

/// Checks `disk` against libvirt's rules under `profile` and returns every problem found,
/// in document order; an empty list means libvirt accepts what the model knows. Each rule,
/// with its id and where it comes from, is in `docs/validation.md`. (Ports, unix sockets and
/// XML characters are construction rules: a [`Disk`] cannot break them.)
///
/// ```
/// use diskxml_model::{Bus, Disk};
/// use diskxml_rules::{Profile, Rule, validate};
///
/// let disk = Disk::openvstorage_edge("vol").target("vda", Bus::Virtio).serial("bad/serial").build()?;
/// // libvirt's parser takes any serial; its QEMU driver refuses this one.
/// assert!(validate(&disk, Profile::Generic).is_empty());
/// let problems = validate(&disk, Profile::Qemu);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].rule, Rule::Serial);
/// assert_eq!(problems[0].rule.code(), "serial.pattern");
/// assert_eq!(problems[0].to_string(), "disk/serial: serial \"bad/serial\" may hold only letters, digits, space and _ . + -");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn validate(disk: &Disk, profile: Profile) -> Vec<Problem> {
    let mut report = Report::default();
    for check in profile.checks() {
        check(disk, &mut report);
    }
    report.into_problems()
}

/// The problems that make libvirt refuse a disk on a KVM host: the qemu profile's, but the
/// host-dependent ones ([`Rule::host_dependent`](crate::Rule::host_dependent)).
/// `Display` lists them as `[rule] where: what; …`, one formatter for every caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// Each problem, in report order.
    pub problems: Vec<Problem>,
}

impl core::fmt::Display for Refused {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "[{}] {p}", p.rule)?;
        }
        Ok(())
    }
}

/// Whether libvirt's QEMU driver takes `disk`: the one answer `render` and `attach` both
/// give. `Ok` holds the host-dependent problems (libvirt may refuse the disk on a host whose
/// QEMU lacks a feature: warnings); `Err` every problem libvirt always refuses it for.
///
/// ```
/// use diskxml_model::{Bus, Disk};
///
/// let disk = Disk::openvstorage_edge("vol").target("vdb", Bus::Virtio).build()?;
/// assert_eq!(diskxml_rules::libvirt_accepts(&disk), Ok(Vec::new()));
/// let bad = Disk::openvstorage_edge("vol").target("vdb", Bus::Virtio).serial("a!b").build()?;
/// let refused = diskxml_rules::libvirt_accepts(&bad).unwrap_err();
/// assert_eq!(refused.to_string(), "[serial.pattern] disk/serial: serial \"a!b\" may hold only letters, digits, space and _ . + -");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
///
/// # Errors
/// [`Refused`] with every problem libvirt refuses the disk for.
pub fn libvirt_accepts(disk: &Disk) -> Result<Vec<Problem>, Refused> {
    let (host, refused): (Vec<Problem>, Vec<Problem>) =
        validate(disk, Profile::Qemu).into_iter().partition(|p| p.rule.host_dependent());
    if refused.is_empty() { Ok(host) } else { Err(Refused { problems: refused }) }
}
