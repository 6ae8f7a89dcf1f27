//! libvirt's semantic rules for a disk: every problem, not just the first, each with a
//! stable rule id.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use diskxml_model::{DeviceKind, Disk, Format, Iotune, NetworkSource, Node, Protocol, Secret, Source};

use crate::facts::{host_count, is_target_dev};
use crate::{Profile, Rule};

/// One step from `<disk>` towards the offending part.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The `index`-th (0-based) child element called `name`.
    Element {
        /// The element's name.
        name: &'static str,
        /// Which one of that name, from 0.
        index: usize,
    },
    /// An attribute of the element reached so far.
    Attribute(&'static str),
}

/// Where a problem is, as a path from `<disk>`: `source/host[2]/@port` (indexes from 1,
/// as in XPath, and only where there can be several).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Locator(pub Vec<Step>);

impl Locator {
    fn at(steps: &[Step]) -> Self {
        Self(steps.to_vec())
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("disk")?;
        for step in &self.0 {
            match step {
                Step::Element { name, index: 0 } => write!(f, "/{name}")?,
                Step::Element { name, index } => write!(f, "/{name}[{}]", index + 1)?,
                Step::Attribute(name) => write!(f, "/@{name}")?,
            }
        }
        Ok(())
    }
}

/// A rule of libvirt's that a disk breaks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// Which rule.
    pub rule: Rule,
    /// Where.
    pub at: Locator,
    /// What is wrong, in words that say what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

pub(crate) const fn el(name: &'static str) -> Step {
    Step::Element { name, index: 0 }
}

/// Collects problems for one disk.
#[derive(Default)]
pub(crate) struct Report(Vec<Problem>);

impl Report {
    pub(crate) fn add(&mut self, rule: Rule, steps: &[Step], message: String) {
        self.0.push(Problem { rule, at: Locator::at(steps), message });
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.0
    }
}

/// One rule set's check: looks at the disk and reports what breaks it.
type Check = fn(&Disk, &mut Report);

/// libvirt's hypervisor-independent rules, in the order their problems are reported.
const GENERIC: &[Check] = &[
    crate::validate_more::vocabularies,
    disk_auth,
    network,
    lun,
    crate::validate_more::target_required,
    target,
    iotune,
    identifiers,
    crate::validate_more::address_for_bus,
    crate::validate_more::floppy,
];

/// What libvirt's QEMU driver adds (`qemuValidateDomainDeviceDefDisk` and the storage
/// source checks it calls), after the generic rules.
const QEMU: &[Check] = &[
    host_counts,
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
    let mut report = Report(Vec::new());
    for check in profile.checks() {
        check(disk, &mut report);
    }
    report.0
}

fn disk_auth(disk: &Disk, report: &mut Report) {
    if let Some(secret) = disk.auth.as_ref().and_then(|a| a.secret.as_ref()) {
        check_secret(secret, &[el("auth"), el("secret")], report);
    }
}

/// The number of hosts each protocol takes: the QEMU driver's rule (libvirt's parser takes
/// any number; `qemuDomainValidateStorageSource`).
fn host_counts(disk: &Disk, report: &mut Report) {
    let Source::Network(net) = &disk.source else { return };
    let count = net.hosts().len();
    let rule = host_count(net.protocol());
    if !rule.allows(count) {
        let at = if count > 1 { Step::Element { name: "host", index: 1 } } else { el("host") };
        let message = format!("protocol '{}' takes {}, found {count}", net.protocol(), rule.describe());
        report.add(Rule::HostCount, &[el("source"), at], message);
    }
}

fn network(disk: &Disk, report: &mut Report) {
    let Source::Network(net) = &disk.source else { return };
    source_name(net, report);
    if let Some(secret) = net.auth.as_ref().and_then(|a| a.secret.as_ref()) {
        check_secret(secret, &[el("source"), el("auth"), el("secret")], report);
    }
    if net.auth.is_some() && disk.auth.is_some() {
        let message = "<auth> may be at disk level or inside <source>, not both".to_string();
        report.add(Rule::AuthTwice, &[el("source"), el("auth")], message);
    }
}

fn source_name(net: &NetworkSource, report: &mut Report) {
    let at = [el("source"), Step::Attribute("name")];
    match (&net.name, net.protocol()) {
        (None, Protocol::Nbd) => {}
        (None, protocol) => report.add(Rule::SourceName, &at, format!("protocol '{protocol}' needs a source name")),
        (Some(name), protocol @ (Protocol::Rbd | Protocol::Gluster)) if !is_split_name(name) => {
            let form = if *protocol == Protocol::Rbd { "pool/image" } else { "volume/path" };
            report.add(
                Rule::SourceNameSplit,
                &at,
                format!("{protocol} source name {:?} must be '{form}'", name.as_str()),
            );
        }
        _ => {}
    }
}

fn lun(disk: &Disk, report: &mut Report) {
    if disk.device != Some(DeviceKind::Lun) {
        return;
    }
    let allowed = match &disk.source {
        Source::Block(_) | Source::Volume(_) => true,
        Source::Network(net) => *net.protocol() == Protocol::Iscsi,
        _ => false,
    };
    if !allowed {
        let message = format!("device='lun' needs a block, iscsi or volume source, not type '{}'", disk.disk_type());
        report.add(Rule::LunSource, &[Step::Attribute("device")], message);
    }
    // `virDomainDiskDefValidate`: "disk device 'lun' must use 'raw' format".
    if let Some(format) = disk.driver.as_ref().and_then(|d| d.format.as_ref()).filter(|f| **f != Format::Raw) {
        let message = format!("device='lun' passes the device through: its format must be 'raw', not '{format}'");
        report.add(Rule::LunFormat, &[el("driver"), Step::Attribute("type")], message);
    }
}

fn target(disk: &Disk, report: &mut Report) {
    // libvirt 9 has no nvme bus, so no nvme dev either (`nvme0n1` is refused like any other).
    if let Some(target) = &disk.target
        && !is_target_dev(&target.dev)
    {
        let message = format!(
            "target dev {:?} must be fd, hd, sd, vd, xvd or ubd followed by letters, digits or _",
            target.dev.as_str()
        );
        report.add(Rule::TargetDev, &[el("target"), Step::Attribute("dev")], message);
    }
}

fn iotune(disk: &Disk, report: &mut Report) {
    let Some(iotune) = effective_iotune(disk, report) else { return };
    for suffix in Iotune::LIMITS.iter().filter_map(|l| l.strip_prefix("total_")) {
        // `{prefix}_{suffix}`, when set (compared in place: this runs for every rendered disk).
        let set = |prefix: &str| {
            iotune
                .limits()
                .map(|(n, _)| n)
                .find(|n| n.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) == Some(suffix))
        };
        if let Some(total) = set("total") {
            for pair in [set("read"), set("write")].into_iter().flatten() {
                let message = format!("{pair} cannot be set together with {total}");
                report.add(Rule::IotuneTotalWithPair, &[el("iotune"), el(pair)], message);
            }
        }
    }
}

/// The iotune limits as libvirt reads them: each from its first element in document order
/// (`string(./iotune/NAME)`), across the model's `<iotune>`, what it kept, and any duplicate
/// `<iotune>` kept after it; a limit found only in a kept element and not an integer is a
/// problem, as libvirt refuses it. Borrows the model's when nothing is kept.
fn effective_iotune<'d>(disk: &'d Disk, report: &mut Report) -> Option<Cow<'d, Iotune>> {
    let mut iotune = disk.iotune.as_deref().map(Cow::Borrowed);
    let kept = disk.iotune.as_deref().map(|t| (0, t.unknown.children())).into_iter();
    let duplicates = disk.unknown.children().iter().filter_map(|n| match n {
        Node::Element(e) if e.name.as_str() == "iotune" => Some(e.children.as_slice()),
        _ => None,
    });
    let first = usize::from(disk.iotune.is_none());
    for (index, children) in kept.chain(duplicates.enumerate().map(|(k, c)| (k + 1 - first, c))) {
        for child in children.iter().filter_map(|n| if let Node::Element(e) = n { Some(e) } else { None }) {
            let Some(&name) = Iotune::LIMITS.iter().find(|l| **l == child.name.as_str()) else { continue };
            if iotune.as_ref().is_some_and(|t| t.limits().any(|(n, _)| n == name)) {
                continue;
            }
            let text: String = child
                .children
                .iter()
                .filter_map(|n| if let Node::Text(t) = n { Some(t.as_str()) } else { None })
                .collect();
            match crate::shape::decimal(text.trim()) {
                Ok(value) => {
                    let owned = iotune.get_or_insert_with(|| Cow::Owned(Iotune::default())).to_mut();
                    if let Some(slot) = owned.limit_mut(name) {
                        *slot = Some(value);
                    }
                }
                Err(_) => {
                    let message = format!("iotune {name} {:?} is not a non-negative integer", text.trim());
                    report.add(Rule::IotuneValue, &[Step::Element { name: "iotune", index }, el(name)], message);
                }
            }
        }
    }
    iotune
}

/// wwn, vendor and product: what `virDomainDiskDefValidate` accepts (the serial is the QEMU
/// driver's: [`crate::qemu::serial`]).
fn identifiers(disk: &Disk, report: &mut Report) {
    if let Some(wwn) = &disk.wwn {
        let digits = wwn.strip_prefix("0x").unwrap_or(wwn);
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            let message = format!("wwn {:?} must be 16 hexadecimal digits, optionally after 0x", wwn.as_str());
            report.add(Rule::Wwn, &[el("wwn")], message);
        }
    }
    for (rule, name, value, max) in
        [(Rule::Vendor, "vendor", &disk.vendor, 8), (Rule::Product, "product", &disk.product, 16)]
    {
        if let Some(value) = value {
            let printable = value.chars().all(|c| c.is_ascii_graphic() || c == ' ');
            if value.is_empty() || value.chars().count() > max || !printable {
                let message = format!("{name} {:?} must be 1 to {max} printable ASCII characters", value.as_str());
                report.add(rule, &[el(name)], message);
            }
        }
    }
}

fn check_secret(secret: &Secret, at: &[Step], report: &mut Report) {
    match (&secret.uuid, &secret.usage) {
        (Some(_), Some(_)) => report.add(Rule::Secret, at, "a secret takes a uuid or a usage, not both".to_string()),
        (None, None) => report.add(Rule::Secret, at, "a secret needs a uuid or a usage".to_string()),
        (Some(uuid), None) if !is_uuid(uuid) => {
            let mut steps = at.to_vec();
            steps.push(Step::Attribute("uuid"));
            let message =
                format!("{:?} is not a uuid (32 hexadecimal digits, dashes allowed as 8-4-4-4-12)", uuid.as_str());
            report.add(Rule::SecretUuid, &steps, message);
        }
        _ => {}
    }
}

/// An rbd or gluster name libvirt can split in two at its first `/`: one that is there and
/// not first (`virDomainDiskSourceNetworkParse`: "can't split path ... into pool name and
/// image name"). What follows is the image (or namespace/image, image@snapshot), unchecked.
fn is_split_name(name: &str) -> bool {
    name.find('/').is_some_and(|at| at > 0)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let hex = |g: &str| g.bytes().all(|b| b.is_ascii_hexdigit());
    match groups.as_slice() {
        [one] => one.len() == 32 && hex(one),
        [a, b, c, d, e] => {
            [a.len(), b.len(), c.len(), d.len(), e.len()] == [8, 4, 4, 4, 12] && groups.iter().all(|g| hex(g))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(is_uuid("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"));
        assert!(is_uuid("3b6f6c2a1f4f4b2a9d7e0c1f2e3d4c5b"));
        assert!(!is_uuid("3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5"));
        assert!(!is_uuid("zb6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b"));
        // As libvirt splits them (virsh define agrees on each of these).
        assert!(is_split_name("pool/image") && is_split_name("pool/ns/image") && is_split_name("pool/"));
        assert!(!is_split_name("image") && !is_split_name("/image") && !is_split_name(""));
    }
}
