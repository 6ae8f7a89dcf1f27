//! libvirt's semantic rules for a disk: every problem, not just the first.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::{DeviceKind, Disk, Iotune, Protocol, Secret, Source};

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

const fn el(name: &'static str) -> Step {
    Step::Element { name, index: 0 }
}

/// Checks `disk` against libvirt's semantic rules and returns every problem found, in
/// document order; an empty list means libvirt's parser accepts what the model knows.
///
/// The rules: host counts per protocol (nbd, iscsi, vxhs, http(s), ftp(s), tftp, nfs: one;
/// gluster: at least one; sheepdog and openvstorage: at most one); a network source name
/// except for nbd; an rbd name of the form `pool/image`; a `total_*` iotune limit never with
/// its `read_*`/`write_*` pair; `device='lun'` only on block, iscsi or volume sources; the
/// patterns of serial, wwn, vendor (≤ 8), product (≤ 16) and target dev; a secret with
/// exactly one of uuid and usage, and a well-formed uuid; `<auth>` at disk level or in the
/// source, not both. (Ports, unix sockets and XML
/// characters are construction rules: a [`Disk`] cannot break them.)
///
/// ```
/// use diskxml_model::{Disk, Bus, validate};
///
/// let disk = Disk::openvstorage_edge("vol").target("vda", Bus::Virtio).serial("bad/serial").build()?;
/// let problems = validate(&disk);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].to_string(), "disk/serial: serial \"bad/serial\" may hold only letters, digits, space and _ . + -");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn validate(disk: &Disk) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |steps: &[Step], message: String| problems.push(Problem { at: Locator::at(steps), message });

    if let Some(auth) = &disk.auth
        && let Some(secret) = &auth.secret
    {
        check_secret(secret, &[el("auth"), el("secret")], &mut problem);
    }

    match &disk.source {
        Source::Network(net) => {
            let count = net.hosts().len();
            let rule = match net.protocol() {
                Protocol::Nbd
                | Protocol::Iscsi
                | Protocol::Vxhs
                | Protocol::Http
                | Protocol::Https
                | Protocol::Ftp
                | Protocol::Ftps
                | Protocol::Tftp
                | Protocol::Nfs => (count != 1).then_some("exactly one host"),
                Protocol::Gluster => (count == 0).then_some("at least one host"),
                Protocol::Sheepdog | Protocol::Openvstorage => (count > 1).then_some("at most one host"),
                _ => None,
            };
            if let Some(rule) = rule {
                let at = if count > 1 { Step::Element { name: "host", index: 1 } } else { el("host") };
                problem(&[el("source"), at], format!("protocol '{}' takes {rule}, found {count}", net.protocol()));
            }
            match (&net.name, net.protocol()) {
                (None, Protocol::Nbd) => {}
                (None, protocol) => {
                    problem(
                        &[el("source"), Step::Attribute("name")],
                        format!("protocol '{protocol}' needs a source name"),
                    );
                }
                (Some(name), Protocol::Rbd) if !is_rbd_name(name) => problem(
                    &[el("source"), Step::Attribute("name")],
                    format!("rbd source name {:?} must be 'pool/image'", name.as_str()),
                ),
                _ => {}
            }
            if let Some(auth) = &net.auth
                && let Some(secret) = &auth.secret
            {
                check_secret(secret, &[el("source"), el("auth"), el("secret")], &mut problem);
            }
            if net.auth.is_some() && disk.auth.is_some() {
                problem(
                    &[el("source"), el("auth")],
                    "<auth> may be at disk level or inside <source>, not both".to_string(),
                );
            }
        }
        Source::File(_)
        | Source::Block(_)
        | Source::Dir(_)
        | Source::Volume(_)
        | Source::Nvme(_)
        | Source::VhostUser(_)
        | Source::Other(_) => {}
    }

    if disk.device == Some(DeviceKind::Lun) {
        let allowed = match &disk.source {
            Source::Block(_) => true,
            Source::Network(net) => *net.protocol() == Protocol::Iscsi,
            Source::Volume(_) => true,
            _ => false,
        };
        if !allowed {
            problem(
                &[Step::Attribute("device")],
                format!("device='lun' needs a block, iscsi or volume source, not type '{}'", disk.disk_type()),
            );
        }
    }

    if let Some(target) = &disk.target
        && !is_target_dev(&target.dev)
    {
        problem(
            &[el("target"), Step::Attribute("dev")],
            format!(
                "target dev {:?} must be fd, hd, sd, vd, xvd or ubd followed by letters, digits or _",
                target.dev.as_str()
            ),
        );
    }

    if let Some(iotune) = &disk.iotune {
        check_iotune(iotune, &mut problem);
    }

    if let Some(serial) = &disk.serial
        && (serial.is_empty() || !serial.chars().all(|c| c.is_ascii_alphanumeric() || " _.+-".contains(c)))
    {
        problem(
            &[el("serial")],
            format!("serial {:?} may hold only letters, digits, space and _ . + -", serial.as_str()),
        );
    }
    if let Some(wwn) = &disk.wwn {
        let digits = wwn.strip_prefix("0x").unwrap_or(wwn);
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            problem(&[el("wwn")], format!("wwn {:?} must be 16 hexadecimal digits, optionally after 0x", wwn.as_str()));
        }
    }
    for (name, value, max) in [("vendor", &disk.vendor, 8), ("product", &disk.product, 16)] {
        if let Some(value) = value {
            let printable = value.chars().all(|c| c.is_ascii_graphic() || c == ' ');
            if value.is_empty() || value.chars().count() > max || !printable {
                problem(
                    &[el(name)],
                    format!("{name} {:?} must be 1 to {max} printable ASCII characters", value.as_str()),
                );
            }
        }
    }
    problems
}

fn check_secret(secret: &Secret, at: &[Step], problem: &mut impl FnMut(&[Step], String)) {
    match (&secret.uuid, &secret.usage) {
        (Some(_), Some(_)) => problem(at, "a secret takes a uuid or a usage, not both".to_string()),
        (None, None) => problem(at, "a secret needs a uuid or a usage".to_string()),
        (Some(uuid), None) if !is_uuid(uuid) => {
            let mut steps = at.to_vec();
            steps.push(Step::Attribute("uuid"));
            problem(
                &steps,
                format!("{:?} is not a uuid (32 hexadecimal digits, dashes allowed as 8-4-4-4-12)", uuid.as_str()),
            );
        }
        _ => {}
    }
}

fn check_iotune(iotune: &Iotune, problem: &mut impl FnMut(&[Step], String)) {
    for suffix in
        ["bytes_sec", "iops_sec", "bytes_sec_max", "iops_sec_max", "bytes_sec_max_length", "iops_sec_max_length"]
    {
        let value = |prefix: &str| {
            let name = format!("{prefix}_{suffix}");
            iotune.limits().find(|(n, _)| *n == name).map(|(n, _)| n)
        };
        if let Some(total) = value("total") {
            for pair in [value("read"), value("write")].into_iter().flatten() {
                problem(&[el("iotune"), el(pair)], format!("{pair} cannot be set together with {total}"));
            }
        }
    }
}

fn is_rbd_name(name: &str) -> bool {
    // pool/image or pool/namespace/image, optionally @snapshot; no empty part.
    let parts: Vec<&str> = name.split('/').collect();
    (2..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty())
}

fn is_target_dev(dev: &str) -> bool {
    let rest = ["xvd", "ubd", "fd", "hd", "sd", "vd"].iter().find_map(|p| dev.strip_prefix(p));
    rest.is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
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
        for good in ["vda", "sdaa", "xvdb", "hdc", "fda", "ubda", "vd_1"] {
            assert!(is_target_dev(good), "{good}");
        }
        for bad in ["vd", "nvme0n1", "vda!", "", "da"] {
            assert!(!is_target_dev(bad), "{bad}");
        }
        assert!(is_rbd_name("pool/image") && is_rbd_name("pool/ns/image"));
        assert!(!is_rbd_name("image") && !is_rbd_name("pool/") && !is_rbd_name("/image"));
    }
}
