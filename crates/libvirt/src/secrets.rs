//! The host's secrets: a volume's (what nova's `host.find_secret('volume', volume_id)`
//! finds), and whether a secret a disk names is held.

use diskxml_connector::{ConnectionInfo, HostSecret};
use diskxml_rules::SecretName;
use virt::error::ErrorNumber;

use crate::{Error, Libvirt, libvirt};

/// A `<usage type='…'>` spelling's `virSecretUsageType`, as `virSecretLookupByUsage` takes
/// it, and the `<usage>` child that holds its id in a secret's XML (none for the kinds
/// diskxml never creates).
fn usage(kind: &str) -> Option<(u32, Option<&'static str>)> {
    use virt::sys::{
        VIR_SECRET_USAGE_TYPE_CEPH, VIR_SECRET_USAGE_TYPE_ISCSI, VIR_SECRET_USAGE_TYPE_TLS,
        VIR_SECRET_USAGE_TYPE_VOLUME, VIR_SECRET_USAGE_TYPE_VTPM,
    };
    match kind {
        "volume" => Some((VIR_SECRET_USAGE_TYPE_VOLUME, Some("volume"))),
        "ceph" => Some((VIR_SECRET_USAGE_TYPE_CEPH, Some("name"))),
        "iscsi" => Some((VIR_SECRET_USAGE_TYPE_ISCSI, Some("target"))),
        "tls" => Some((VIR_SECRET_USAGE_TYPE_TLS, None)),
        "vtpm" => Some((VIR_SECRET_USAGE_TYPE_VTPM, None)),
        _ => None,
    }
}

impl Libvirt {
    /// The UUID of the host's libvirt secret of usage `volume` whose usage id is `volume`
    /// (`<usage type='volume'><volume>…</volume></usage>`), as nova's
    /// `host.find_secret('volume', volume_id)`; `None` when the host has none, or its
    /// libvirt keeps no secrets at all.
    ///
    /// [`Libvirt::attach`] asks it for the volume's id (`data.volume_id`, else the serial):
    /// a volume with a secret is attached encrypted ([`diskxml_connector::luks_encryption`]).
    ///
    /// ```no_run
    /// let libvirt = diskxml_libvirt::Libvirt::open("qemu:///system")?;
    /// if let Some(uuid) = libvirt.volume_secret("2f1e5c8a-volume-id")? {
    ///     println!("the volume's passphrase is libvirt secret {uuid}");
    /// }
    /// # Ok::<(), diskxml_libvirt::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot answer.
    pub fn volume_secret(&self, volume: &str) -> Result<Option<String>, Error> {
        let action = || format!("looking up the libvirt secret of volume '{volume}'");
        match self.by_usage("volume", volume)? {
            Some(secret) => secret.uuid_string().map(Some).map_err(libvirt(action())),
            None => Ok(None),
        }
    }

    /// Whether the host's libvirt holds the secret `name` names (by uuid, or by usage kind
    /// and id): a guest whose disk names a secret libvirt does not hold does not start.
    /// `None` for a usage kind libvirt has no secrets of. A libvirt without a secret driver
    /// holds none.
    ///
    /// ```no_run
    /// use diskxml_rules::SecretName;
    ///
    /// let libvirt = diskxml_libvirt::Libvirt::open("qemu:///system")?;
    /// let held = libvirt.has_secret(SecretName::Usage { kind: "ceph", id: "client.cinder" })?;
    /// println!("the ceph secret of client.cinder: {}", if held == Some(true) { "held" } else { "missing" });
    /// # Ok::<(), diskxml_libvirt::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Libvirt`] when libvirt cannot answer.
    pub fn has_secret(&self, name: SecretName<'_>) -> Result<Option<bool>, Error> {
        match name {
            SecretName::Uuid(uuid) => {
                let found = self.conn.lookup_secret_by_uuid_string(uuid);
                Ok(Some(absent_is_none(found, || format!("looking up secret {uuid}"))?.is_some()))
            }
            SecretName::Usage { kind, id } if usage(kind).is_some() => Ok(Some(self.by_usage(kind, id)?.is_some())),
            SecretName::Usage { .. } => Ok(None),
        }
    }

    /// The host's secret of usage `kind` and `id`; `None` when there is none, or `kind` is no
    /// usage kind libvirt knows.
    fn by_usage(&self, kind: &str, id: &str) -> Result<Option<virt::secret::Secret>, Error> {
        let Some((usage, _)) = usage(kind) else { return Ok(None) };
        let Ok(usage) = i32::try_from(usage) else { return Ok(None) };
        absent_is_none(self.conn.lookup_secret_by_usage(usage, id), || {
            format!("looking up the {kind} secret of '{id}'")
        })
    }

    /// The secret of `info`'s volume, looked up by its id, when the volume has an id.
    pub(crate) fn secret_of(&self, info: &ConnectionInfo) -> Result<Option<String>, Error> {
        match info.volume_id_or_serial()? {
            Some(id) if !id.is_empty() => self.volume_secret(id),
            _ => Ok(None),
        }
    }
}

/// A lookup's secret; `None` when libvirt has no such secret, or keeps no secrets at all
/// (libvirt's test driver).
fn absent_is_none(
    found: Result<virt::secret::Secret, virt::error::Error>,
    action: impl FnOnce() -> String,
) -> Result<Option<virt::secret::Secret>, Error> {
    match found {
        Ok(secret) => Ok(Some(secret)),
        Err(e) if e.code().is(ErrorNumber::NoSecret) || e.code().is(ErrorNumber::NoSupport) => Ok(None),
        Err(e) => Err(libvirt(action())(e)),
    }
}

/// A secret an attach created: removed again when the attach fails (dropped before
/// [`CreatedSecret::keep`]), best effort.
pub(crate) struct CreatedSecret(Option<virt::secret::Secret>);

impl CreatedSecret {
    /// Nothing was created.
    pub(crate) const fn none() -> Self {
        Self(None)
    }

    /// The attach succeeded: the secret stays.
    pub(crate) fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for CreatedSecret {
    fn drop(&mut self) {
        if let Some(secret) = self.0.take() {
            // Best effort: the attach's own error is what the caller hears of.
            let _ = secret.undefine();
        }
    }
}

impl Libvirt {
    /// nova's `_get_secret_uuid`: the host's secret of `secret`'s usage, created from its
    /// value when it is missing. Nothing is created when the secret is there, or when there
    /// is no value to create it from (libvirt then refuses the plug, naming the secret).
    /// Like nova's, the secret is not private: its value can be read back through libvirt.
    pub(crate) fn ensure_secret(&self, secret: &HostSecret) -> Result<CreatedSecret, Error> {
        let kind = secret.kind.as_str();
        let (Some(value), Some((_, Some(element)))) = (&secret.value, usage(kind)) else {
            return Ok(CreatedSecret::none());
        };
        if self.by_usage(kind, &secret.usage)?.is_some() {
            return Ok(CreatedSecret::none());
        }
        let mut usage = String::new();
        // Writing into a String cannot fail.
        let _ = diskxml_writer::write_escaped(&mut usage, &secret.usage);
        let xml = format!(
            "<secret ephemeral='no' private='no'><description>diskxml: the {kind} secret of {usage}</description>\
             <usage type='{kind}'><{element}>{usage}</{element}></usage></secret>"
        );
        let action = || format!("creating the {kind} secret of '{}'", secret.usage);
        let created = CreatedSecret(Some(self.conn.define_secret_xml(&xml, 0).map_err(libvirt(action()))?));
        if let Some(defined) = &created.0 {
            defined.set_value(value.as_bytes(), 0).map_err(libvirt(action()))?;
        }
        Ok(created)
    }

    /// nova's `disconnect_volume` for such a volume: deletes the host's secret of `secret`'s
    /// usage, if it is there.
    pub(crate) fn delete_secret(&self, secret: &HostSecret) -> Result<(), Error> {
        let kind = secret.kind.as_str();
        match self.by_usage(kind, &secret.usage)? {
            Some(found) => {
                found.undefine().map_err(libvirt(format!("deleting the {kind} secret of '{}'", secret.usage)))
            }
            None => Ok(()),
        }
    }
}
