//! Every domain's definitions, for audits: what libvirt holds, live and persistent.

use crate::{Dom, Error, Libvirt, libvirt, read_xml};

/// One definition of a domain, as libvirt holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Definition {
    /// The domain's name.
    pub domain: String,
    /// `true`: the running guest's live XML; `false`: the persistent configuration (what
    /// its next start uses).
    pub live: bool,
    /// The domain XML.
    pub xml: String,
}

impl Libvirt {
    /// Every domain's definitions, by name: the live XML of each running domain, then the
    /// persistent configuration of each defined one. A domain that disappears meanwhile is
    /// skipped.
    ///
    /// ```no_run
    /// let libvirt = diskxml_libvirt::Libvirt::open("qemu:///system")?;
    /// for definition in libvirt.definitions()? {
    ///     println!("{} ({}): {} bytes", definition.domain, if definition.live { "live" } else { "config" }, definition.xml.len());
    /// }
    /// # Ok::<(), diskxml_libvirt::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Libvirt`] when the domains cannot be listed or a definition cannot be read.
    pub fn definitions(&self) -> Result<Vec<Definition>, Error> {
        let domains = self.conn.list_all_domains(0).map_err(libvirt("listing the domains"))?;
        let mut found = Vec::new();
        for dom in domains {
            let Ok(name) = dom.name() else { continue };
            let (Ok(active), Ok(persistent)) = (dom.is_active(), dom.is_persistent()) else { continue };
            let dom = Dom { dom, name, active, persistent };
            for (wanted, live) in [(dom.active, true), (dom.persistent, false)] {
                if wanted {
                    found.push(Definition { domain: dom.name.clone(), live, xml: read_xml(&dom, !live)? });
                }
            }
        }
        found.sort_by(|a, b| (&a.domain, !a.live).cmp(&(&b.domain, !b.live)));
        Ok(found)
    }
}
