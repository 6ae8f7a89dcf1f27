//! Sources, hosts, credentials, encryption and backing chains.

use core::fmt::{self, Write};

use diskxml_model::{
    Auth, BackingLayer, BackingStore, Encryption, Host, NetworkExtras, NetworkSource, NvmeSource, Source, SourceCommon,
};
use diskxml_schema::{self as shape, ChildKind, Part, Shape, Value};

use crate::escape::escape;
use crate::write::{Writer, unrolled};

/// Whether `source` writes a `<source>` element at all: one rule for disks, backing layers
/// and mirrors.
fn writes_source(source: &Source) -> bool {
    match source {
        Source::File(f) => f.path.is_some() || !f.common.is_empty(),
        Source::Block(b) => b.dev.is_some() || !b.common.is_empty(),
        Source::Dir(d) => d.dir.is_some() || !d.common.is_empty(),
        Source::Volume(v) => v.pool.is_some() || v.volume.is_some() || v.mode.is_some() || !v.common.is_empty(),
        Source::Network(_) => true,
        Source::Nvme(n) => **n != NvmeSource::default(),
        Source::VhostUser(v) => *v != diskxml_model::VhostUserSource::default(),
        Source::Other(o) => o.source.is_some(),
        _ => false,
    }
}

impl<W: Write + ?Sized, const DRY: bool> Writer<'_, W, DRY> {
    pub(crate) fn source(&mut self, source: &Source) -> fmt::Result {
        if !writes_source(source) {
            return Ok(());
        }
        match source {
            Source::File(f) => self.host_side(&shape::FILE_SOURCE, f, &f.common),
            Source::Block(b) => self.host_side(&shape::BLOCK_SOURCE, b, &b.common),
            Source::Dir(d) => self.host_side(&shape::DIR_SOURCE, d, &d.common),
            Source::Volume(v) => self.host_side(&shape::VOLUME_SOURCE, v, &v.common),
            Source::Nvme(n) => self.nvme_source(n),
            Source::VhostUser(v) => self.leaf(&shape::VHOSTUSER_SOURCE, v, &v.unknown),
            Source::Network(net) => self.network_source(net),
            Source::Other(other) => match &other.source {
                Some(element) => {
                    self.indent()?;
                    self.element(element)?;
                    self.out.write_char('\n')
                }
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// A host-side `<source>`: its own attributes, then the common ones and encryption.
    fn host_side<T>(&mut self, own: &Shape<T>, source: &T, common: &SourceCommon) -> fmt::Result {
        let start = |w: &mut Self| {
            w.attrs(own, source)?;
            w.attrs(&shape::SOURCE_COMMON, common)
        };
        let encryption = common.encryption.as_deref();
        self.element_with(&[own, &shape::SOURCE_COMMON], start, &common.unknown, encryption.is_some(), |w| {
            encryption.map_or(Ok(()), |e| w.encryption(e))
        })
    }

    fn network_source(&mut self, net: &NetworkSource) -> fmt::Result {
        let children = !net.hosts().is_empty()
            || net.auth.is_some()
            || net.encryption.is_some()
            || net.extras.as_ref().is_some_and(|e| e.has_children());
        let start = |w: &mut Self| w.attrs(&shape::NETWORK_SOURCE, net);
        self.element_with(&[&shape::NETWORK_SOURCE], start, &net.unknown, children, |w| {
            unrolled!(shape::NETWORK_SOURCE.children, |child| {
                if let ChildKind::Part(part) = &child.kind {
                    w.network_part(*part, net)?;
                }
            });
            Ok(())
        })
    }

    /// One of a network source's parts, in its table's order (every [`Part`], without a
    /// wildcard; a disk's own parts are none of a source's).
    #[inline(always)]
    fn network_part(&mut self, part: Part, net: &NetworkSource) -> fmt::Result {
        let extras = net.extras.as_deref().filter(|_| !DRY);
        match part {
            Part::Host => net.hosts().iter().try_for_each(|h| self.host(h)),
            Part::Auth => net.auth.as_ref().map_or(Ok(()), |a| self.auth(a)),
            Part::Encryption => net.encryption.as_deref().map_or(Ok(()), |e| self.encryption(e)),
            // The extras keep no unknown attributes: a dry run passes them by.
            Part::Extra(i) => extras.map_or(Ok(()), |x| self.single_extra(usize::from(i), x)),
            Part::Identity => extras.map_or(Ok(()), |x| self.identity(x)),
            Part::Cookies => extras.map_or(Ok(()), |x| self.cookies(x)),
            Part::Initiator => extras.map_or(Ok(()), |x| self.initiator(x)),
            Part::Driver
            | Part::Source
            | Part::BackingStore
            | Part::Mirror
            | Part::Geometry
            | Part::Blockio
            | Part::Target
            | Part::Iotune
            | Part::Transient
            | Part::Boot
            | Part::Alias
            | Part::Address
            | Part::MetadataCache => Ok(()),
        }
    }

    fn host(&mut self, host: &Host) -> fmt::Result {
        self.leaf(&shape::HOST, host, &host.unknown)
    }

    fn nvme_source(&mut self, n: &NvmeSource) -> fmt::Result {
        let start = |w: &mut Self| w.attrs(&shape::NVME_SOURCE, n);
        self.element_with(&[&shape::NVME_SOURCE], start, &n.unknown, n.address.is_some(), |w| {
            n.address.as_ref().map_or(Ok(()), |p| w.attributes_only(shape::ADDRESS.element, &shape::PCI_ADDRESS, p))
        })
    }

    /// A backing chain, nested as libvirt writes it.
    pub(crate) fn backing_store(&mut self, backing: &BackingStore) -> fmt::Result {
        match backing {
            BackingStore::Layer(layer) => {
                self.layer(layer, |w| w.attrs(&shape::BACKING_STORE, layer), &shape::BACKING_STORE)
            }
            BackingStore::End => {
                self.open(shape::BACKING_STORE.element)?;
                self.out.write_str("/>\n")
            }
        }
    }

    /// A backing layer or a mirror (the element of `table`, whose attributes `start`
    /// writes): format, source and the next backing store.
    pub(crate) fn layer<T>(
        &mut self,
        layer: &BackingLayer,
        start: impl FnOnce(&mut Self) -> fmt::Result,
        table: &Shape<T>,
    ) -> fmt::Result {
        let has_children = layer.format.is_some() || layer.backing.is_some() || writes_source(&layer.source);
        self.element_with(&[table], start, &layer.unknown, has_children, |w| {
            if let Some(format) = &layer.format {
                w.leaf(&shape::BACKING_FORMAT, format, &format.unknown)?;
            }
            w.source(&layer.source)?;
            layer.backing.as_ref().map_or(Ok(()), |next| w.backing_store(next))
        })
    }

    /// `<name ATTRIBUTES/>`: an element with `shape`'s attributes of `item` and nothing else
    /// (no unknown parts to keep).
    fn attributes_only<T>(&mut self, name: &str, shape: &Shape<T>, item: &T) -> fmt::Result {
        self.open(name)?;
        self.attrs(shape, item)?;
        self.out.write_str("/>\n")
    }

    /// The one-attribute extra `shape::NETWORK_EXTRAS[i]`, when set.
    fn single_extra(&mut self, i: usize, x: &NetworkExtras) -> fmt::Result {
        match shape::NETWORK_EXTRAS.get(i) {
            Some(shape) if shape.attrs.iter().any(|a| (a.get)(x).is_some()) => {
                self.attributes_only(shape.element, shape, x)
            }
            _ => Ok(()),
        }
    }

    fn identity(&mut self, x: &NetworkExtras) -> fmt::Result {
        x.identity.as_ref().map_or(Ok(()), |id| self.attributes_only(shape::IDENTITY.element, &shape::IDENTITY, id))
    }

    /// An element of `table` with no attributes of its own and nothing unknown: only the
    /// known children `children` writes.
    fn wrapper<T>(&mut self, table: &Shape<T>, children: impl FnOnce(&mut Self) -> fmt::Result) -> fmt::Result {
        self.element_with(&[table], |_| Ok(()), &diskxml_model::Unknown::default(), true, children)
    }

    fn cookies(&mut self, x: &NetworkExtras) -> fmt::Result {
        if x.cookies.is_empty() {
            return Ok(());
        }
        self.wrapper(&shape::COOKIES, |w| {
            for (name, value) in &x.cookies {
                w.open(shape::COOKIE)?;
                w.value("name", Value::Text(name))?;
                w.out.write_char('>')?;
                escape(w.out, value, false)?;
                w.end_tag(shape::COOKIE)?;
            }
            Ok(())
        })
    }

    fn initiator(&mut self, x: &NetworkExtras) -> fmt::Result {
        let Some(iqn) = &x.initiator_iqn else { return Ok(()) };
        self.wrapper(&shape::INITIATOR, |w| {
            w.open(shape::INITIATOR_IQN)?;
            w.value("name", Value::Text(iqn))?;
            w.out.write_str("/>\n")
        })
    }

    pub(crate) fn encryption(&mut self, e: &Encryption) -> fmt::Result {
        let start = |w: &mut Self| w.attrs(&shape::ENCRYPTION, e);
        self.element_with(&[&shape::ENCRYPTION], start, &e.unknown, !e.secrets.is_empty(), |w| {
            e.secrets.iter().try_for_each(|s| w.leaf(&shape::ENCRYPTION_SECRET, s, &s.unknown))
        })
    }

    pub(crate) fn auth(&mut self, auth: &Auth) -> fmt::Result {
        let start = |w: &mut Self| w.attrs(&shape::AUTH, auth);
        self.element_with(&[&shape::AUTH], start, &auth.unknown, auth.secret.is_some(), |w| {
            auth.secret.as_ref().map_or(Ok(()), |s| w.leaf(&shape::AUTH_SECRET, s, &s.unknown))
        })
    }
}
