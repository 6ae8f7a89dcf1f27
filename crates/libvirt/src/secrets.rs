//! The host's volume secrets: what nova's `host.find_secret('volume', volume_id)` finds.

use diskxml_connector::ConnectionInfo;
use virt::error::ErrorNumber;

use crate::{Error, Libvirt, libvirt};

/// `VIR_SECRET_USAGE_TYPE_VOLUME`, as `virSecretLookupByUsage` takes it.
const USAGE_VOLUME: i32 = virt::sys::VIR_SECRET_USAGE_TYPE_VOLUME as i32;

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
    /// [`Error::Libvirt`] when libvirt cannot answer (it has no secret driver, say).
    pub fn volume_secret(&self, volume: &str) -> Result<Option<String>, Error> {
        let action = || format!("looking up the libvirt secret of volume '{volume}'");
        match self.conn.lookup_secret_by_usage(USAGE_VOLUME, volume) {
            Ok(secret) => secret.uuid_string().map(Some).map_err(libvirt(action())),
            // No such secret, or a driver that holds no secrets (libvirt's test driver).
            Err(e) if e.code().is(ErrorNumber::NoSecret) || e.code().is(ErrorNumber::NoSupport) => Ok(None),
            Err(e) => Err(libvirt(action())(e)),
        }
    }

    /// The secret of `info`'s volume, looked up by its id, when the volume has an id.
    pub(crate) fn secret_of(&self, info: &ConnectionInfo) -> Result<Option<String>, Error> {
        match info.volume_id_or_serial()? {
            Some(id) if !id.is_empty() => self.volume_secret(id),
            _ => Ok(None),
        }
    }
}
