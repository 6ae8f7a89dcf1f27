//! The secrets a disk names: a fact `validate` cannot judge (it needs the host), listed
//! once here for those that can (`diskxml::audit` asks libvirt).

use alloc::vec::Vec;

use diskxml_model::{Auth, Disk, Encryption, Source};

use crate::report::{Locator, Step, el};

/// How a disk names a secret: by uuid, or by its usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretName<'a> {
    /// `uuid='…'`.
    Uuid(&'a str),
    /// `usage='…'`, of a kind of libvirt secret usage: `ceph` or `iscsi` for an `<auth>`
    /// (its `type`), `volume` for an `<encryption>`.
    Usage {
        /// The usage kind, as libvirt's `<usage type='…'>` spells it.
        kind: &'a str,
        /// The usage id.
        id: &'a str,
    },
}

/// A secret a disk names, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef<'a> {
    /// The `<secret>` element.
    pub at: Locator,
    /// The secret.
    pub name: SecretName<'a>,
}

/// Every secret `disk` names, in document order: the `<auth>` and `<encryption>` at disk
/// level and inside the source. A `<secret>` with neither uuid nor usage names none (the
/// `secret.uuid-or-usage` rule reports it); one with both is named by its uuid.
///
/// ```
/// use diskxml_model::{Bus, Disk, Host, Protocol, Secret, SecretType};
/// use diskxml_rules::SecretName;
///
/// let disk = Disk::network(Protocol::Rbd, "pool/image")
///     .host(Host::tcp("mon1", 6789))
///     .auth("cinder", Secret::usage(SecretType::Ceph, "client.cinder"))
///     .target("vdb", Bus::Virtio)
///     .build()?;
/// let refs = diskxml_rules::secret_refs(&disk);
/// assert_eq!(refs[0].name, SecretName::Usage { kind: "ceph", id: "client.cinder" });
/// assert_eq!(refs[0].at.to_string(), "disk/source/auth/secret"); // the builder puts it in the source
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn secret_refs(disk: &Disk) -> Vec<SecretRef<'_>> {
    let mut refs = Vec::new();
    auth(disk.auth.as_deref(), &[], &mut refs);
    let (source_auth, source_encryption) = match &disk.source {
        Source::Network(n) => (n.auth.as_deref(), n.encryption.as_deref()),
        other => (None, other.common().and_then(|c| c.encryption.as_deref())),
    };
    auth(source_auth, &[el("source")], &mut refs);
    encryption(source_encryption, &[el("source")], &mut refs);
    encryption(disk.encryption.as_deref(), &[], &mut refs);
    refs
}

fn auth<'a>(auth: Option<&'a Auth>, within: &[Step], refs: &mut Vec<SecretRef<'a>>) {
    let Some(secret) = auth.and_then(|a| a.secret.as_ref()) else { return };
    let kind = secret.secret_type.as_ref().map_or("", |t| t.as_str());
    if let Some(name) = named(secret.uuid.as_deref(), secret.usage.as_deref(), kind) {
        refs.push(SecretRef { at: at(within, &[el("auth"), el("secret")]), name });
    }
}

fn encryption<'a>(encryption: Option<&'a Encryption>, within: &[Step], refs: &mut Vec<SecretRef<'a>>) {
    let Some(encryption) = encryption else { return };
    for (index, secret) in encryption.secrets.iter().enumerate() {
        if let Some(name) = named(secret.uuid.as_deref(), secret.usage.as_deref(), "volume") {
            refs.push(SecretRef { at: at(within, &[el("encryption"), Step::Element { name: "secret", index }]), name });
        }
    }
}

fn named<'a>(uuid: Option<&'a str>, usage: Option<&'a str>, kind: &'a str) -> Option<SecretName<'a>> {
    match (uuid, usage) {
        (Some(uuid), _) => Some(SecretName::Uuid(uuid)),
        (None, Some(id)) => Some(SecretName::Usage { kind, id }),
        (None, None) => None,
    }
}

fn at(within: &[Step], steps: &[Step]) -> Locator {
    Locator(within.iter().chain(steps).cloned().collect())
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;
    use alloc::string::{String, ToString};

    use diskxml_model::{Auth, Bus, EncryptionSecret, Secret, SecretType, Text};

    use super::*;

    fn encryption(secrets: &[(Option<&str>, Option<&str>)]) -> Box<Encryption> {
        let text = |v: &str| Text::new("encryption.secret", v).unwrap();
        let secrets = secrets
            .iter()
            .map(|(uuid, usage)| EncryptionSecret {
                uuid: uuid.map(text),
                usage: usage.map(text),
                ..EncryptionSecret::default()
            })
            .collect();
        Box::new(Encryption { secrets, ..Encryption::default() })
    }

    #[test]
    fn every_secret_is_listed_in_document_order_where_it_is() {
        let mut disk = Disk::file("/var/lib/images/a.qcow2").target("vda", Bus::Virtio).build().unwrap();
        let u1 = "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f";
        disk.auth = Some(Box::new(Auth::new("admin", Some(Secret::uuid(SecretType::Iscsi, u1).unwrap())).unwrap()));
        disk.source.common_mut().unwrap().encryption = Some(encryption(&[(None, Some("/var/lib/images/a.qcow2"))]));
        // Neither uuid nor usage: no name (a rule reports it); both: the uuid.
        disk.encryption = Some(encryption(&[(None, None), (Some("u2"), Some("ignored"))]));
        let refs: Vec<(String, SecretName<'_>)> =
            secret_refs(&disk).into_iter().map(|r| (r.at.to_string(), r.name)).collect();
        assert_eq!(
            refs,
            [
                ("disk/auth/secret".to_string(), SecretName::Uuid(u1)),
                (
                    "disk/source/encryption/secret".to_string(),
                    SecretName::Usage { kind: "volume", id: "/var/lib/images/a.qcow2" }
                ),
                ("disk/encryption/secret[2]".to_string(), SecretName::Uuid("u2")),
            ]
        );
    }

    #[test]
    fn a_disk_without_credentials_names_no_secret() {
        let disk = Disk::block("/dev/sdb").target("vdb", Bus::Virtio).build().unwrap();
        assert!(secret_refs(&disk).is_empty());
    }
}
