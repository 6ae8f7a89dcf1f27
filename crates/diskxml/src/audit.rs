//! An operator's audit: every disk of every domain on a host, against libvirt's rules.

use crate::check::checked;
use crate::{Disk, Error, Finding, Problem, Profile, Rule, libvirt::Libvirt, rules};

/// A broken rule in one disk of one domain's definition.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditFinding {
    /// The domain.
    pub domain: String,
    /// In the live XML (`true`) or the persistent configuration (`false`).
    pub live: bool,
    /// The disk's target dev, if it has one.
    pub dev: Option<String>,
    /// The problem, located in that definition's XML.
    pub finding: Finding,
}

/// Checks every disk of every domain `libvirt` holds (the live XML of running ones, the
/// persistent configuration of defined ones) under `profile`, and every secret a disk names
/// against the secrets libvirt holds (`secret.missing`): which guests have a disk libvirt
/// will refuse at their next start or migration. libvirt loads the configurations
/// it finds on disk without validating them, so such guests exist after upgrades and hand
/// edits.
///
/// ```no_run
/// let libvirt = diskxml::libvirt::Libvirt::open("qemu:///system")?;
/// for f in diskxml::audit(&libvirt, diskxml::Profile::Qemu)? {
///     println!("{} {}: [{}] {}", f.domain, f.dev.as_deref().unwrap_or("-"), f.finding.problem.rule, f.finding.problem.message);
/// }
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Libvirt`] when the definitions cannot be read; [`Error::Parse`] when one of
/// them cannot be read as XML.
pub fn audit(libvirt: &Libvirt, profile: Profile) -> Result<Vec<AuditFinding>, Error> {
    let mut found = Vec::new();
    for definition in libvirt.definitions()? {
        let (findings, disks) = checked(&definition.xml, profile, &mut |disk| missing_secrets(libvirt, disk))?;
        for finding in findings {
            let dev = disks
                .get(finding.disk)
                .and_then(Option::as_ref)
                .and_then(|d| d.target.as_ref())
                .map(|t| t.dev().to_string());
            found.push(AuditFinding { domain: definition.domain.clone(), live: definition.live, dev, finding });
        }
    }
    Ok(found)
}

/// A problem for each secret `disk` names that the host's libvirt does not hold.
fn missing_secrets(libvirt: &Libvirt, disk: &Disk) -> Result<Vec<Problem>, Error> {
    let mut problems = Vec::new();
    for secret in rules::secret_refs(disk) {
        if libvirt.has_secret(secret.name)? == Some(false) {
            let named = match secret.name {
                rules::SecretName::Uuid(uuid) => format!("secret {uuid}"),
                rules::SecretName::Usage { kind, id } => format!("the {kind} secret of usage '{id}'"),
            };
            let message =
                format!("libvirt holds no {named}: the guest will not start (define it with virsh secret-define)");
            problems.push(Problem { rule: Rule::SecretMissing, at: secret.at, message });
        }
    }
    Ok(problems)
}
