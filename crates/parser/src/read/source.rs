//! Sources of every kind, encryption, and backing chains (backing stores and mirrors).

use diskxml_model::{
    BackingFormat, BackingLayer, BackingStore, BlockSource, DirSource, Encryption, EncryptionSecret, FileSource,
    Format, Mirror, NvmeSource, OtherSource, Source, SourceCommon, VhostUserSource, VolumeSource,
};
use diskxml_schema::{self as shape, Shape};
use roxmltree::{Attribute, Node};

use super::disk::is_host_side;
use super::{Reader, depth_of, element_name, is_empty, is_named};
use crate::{Error, ErrorKind};

impl<'i> Reader<'_, 'i> {
    /// The source of a disk or backing layer of type `disk_type`, from its `<source>`.
    pub(crate) fn source(
        &self,
        disk_type: Option<&Attribute<'_, '_>>,
        node: Option<Node<'_, 'i>>,
        owner: Node<'_, '_>,
        element: &'static str,
    ) -> Result<Source, Error> {
        Ok(match disk_type.map(Attribute::value) {
            None | Some("file") => {
                Source::File(self.host_side(node, &shape::FILE_SOURCE, FileSource::default(), |f| &mut f.common)?)
            }
            Some("block") => {
                Source::Block(self.host_side(node, &shape::BLOCK_SOURCE, BlockSource::default(), |b| &mut b.common)?)
            }
            Some("dir") => {
                Source::Dir(self.host_side(node, &shape::DIR_SOURCE, DirSource::default(), |d| &mut d.common)?)
            }
            Some("volume") => {
                let volume = VolumeSource::default();
                Source::Volume(Box::new(self.host_side(node, &shape::VOLUME_SOURCE, volume, |v| &mut v.common)?))
            }
            Some("nvme") => {
                Source::Nvme(Box::new(node.map_or_else(|| Ok(NvmeSource::default()), |n| self.nvme_source(n))?))
            }
            Some("vhostuser") => Source::VhostUser(node.map_or_else(
                || Ok(VhostUserSource::default()),
                |n| self.plain(n, &shape::VHOSTUSER_SOURCE, VhostUserSource::default(), |v| &mut v.unknown),
            )?),
            Some("network") => {
                let node = node.ok_or_else(|| {
                    let why = "a network disk names its protocol there";
                    self.err(
                        owner.range().start,
                        ErrorKind::MissingElement { element, child: shape::SOURCE_COMMON.element, why },
                    )
                })?;
                Source::Network(Box::new(self.network_source(node)?))
            }
            Some(_) => {
                let disk_type = disk_type.map(|a| self.text(a, "disk.type")).transpose()?.unwrap_or_default();
                let source = node.map(|s| self.element(s)).transpose()?;
                Source::Other(Box::new(OtherSource { disk_type, source }))
            }
        })
    }

    /// A host-side `<source>`: its own attributes (`own`), then the common part: startup
    /// policy, index, an `<encryption>`, and the rest kept.
    fn host_side<T>(
        &self,
        node: Option<Node<'_, 'i>>,
        own: &Shape<T>,
        mut source: T,
        common: impl FnOnce(&mut T) -> &mut SourceCommon,
    ) -> Result<T, Error> {
        let Some(node) = node else { return Ok(source) };
        let mut attrs = self.attrs(node)?;
        self.fill(own, &mut source, &mut attrs)?;
        let common = common(&mut source);
        self.fill(&shape::SOURCE_COMMON, common, &mut attrs)?;
        self.rest(attrs, &mut common.unknown)?;
        for child in node.children() {
            if is_named(child, shape::ENCRYPTION.element) && common.encryption.is_none() {
                common.encryption = Some(Box::new(self.encryption(child)?));
            } else {
                self.check_element_name(child)?;
                self.keep(child, &mut common.unknown)?;
            }
        }
        Ok(source)
    }

    fn nvme_source(&self, node: Node<'_, 'i>) -> Result<NvmeSource, Error> {
        let mut attrs = self.attrs(node)?;
        let mut nvme = NvmeSource::default();
        self.fill(&shape::NVME_SOURCE, &mut nvme, &mut attrs)?;
        self.rest(attrs, &mut nvme.unknown)?;
        for child in node.children() {
            // The controller's address, typed in its plain form: PCI attributes only, no children.
            let plain = is_named(child, shape::ADDRESS.element)
                && nvme.address.is_none()
                && child.attributes().all(|a| a.namespace().is_none() && shape::PCI_ADDRESS.knows(a.name()))
                && !child.children().any(|c| c.is_element());
            if plain {
                let mut attrs = self.attrs(child)?;
                nvme.address = Some(self.filled(&shape::PCI_ADDRESS, &mut attrs)?);
            } else {
                self.check_element_name(child)?;
                self.keep(child, &mut nvme.unknown)?;
            }
        }
        Ok(nvme)
    }

    pub(crate) fn encryption(&self, node: Node<'_, 'i>) -> Result<Encryption, Error> {
        let mut attrs = self.attrs(node)?;
        let mut encryption = Encryption::default();
        self.fill(&shape::ENCRYPTION, &mut encryption, &mut attrs)?;
        self.rest(attrs, &mut encryption.unknown)?;
        for child in node.children() {
            if is_named(child, shape::ENCRYPTION_SECRET.element) {
                let secret = EncryptionSecret {
                    secret_type: None,
                    uuid: None,
                    usage: None,
                    unknown: diskxml_model::Unknown::default(),
                };
                encryption.secrets.push(self.plain(child, &shape::ENCRYPTION_SECRET, secret, |s| &mut s.unknown)?);
            } else {
                self.check_element_name(child)?;
                self.keep(child, &mut encryption.unknown)?;
            }
        }
        Ok(encryption)
    }

    /// A `<backingStore>`: the chain's end when empty, else a layer and what lies below it.
    pub(crate) fn backing_store(&self, node: Node<'_, 'i>) -> Result<BackingStore, Error> {
        let depth = depth_of(node);
        self.check_depth(node, depth)?;
        if is_empty(node) {
            return Ok(BackingStore::End);
        }
        let mut attrs = self.attrs(node)?;
        let disk_type = attrs.take("type");
        let mut layer = BackingLayer::new(Source::File(FileSource::default()));
        self.fill(&shape::BACKING_STORE, &mut layer, &mut attrs)?;
        self.rest(attrs, &mut layer.unknown)?;
        self.layer_children(node, depth, disk_type.as_ref(), &mut layer, shape::BACKING_STORE.element)?;
        Ok(BackingStore::Layer(Box::new(layer)))
    }

    /// `<mirror>`: a layer with `job` and `ready`.
    pub(crate) fn mirror(&self, node: Node<'_, 'i>) -> Result<Mirror, Error> {
        let mut attrs = self.attrs(node)?;
        let disk_type = attrs.take("type");
        let layer = BackingLayer::new(Source::File(FileSource::default()));
        let mut mirror = Mirror { job: None, ready: None, layer };
        self.fill(&shape::MIRROR, &mut mirror, &mut attrs)?;
        self.rest(attrs, &mut mirror.layer.unknown)?;
        self.layer_children(node, depth_of(node), disk_type.as_ref(), &mut mirror.layer, shape::MIRROR.element)?;
        Ok(mirror)
    }

    /// The children of a backing layer or mirror (at `depth`): format, source and the next
    /// backing store; the rest kept. Chains nest known elements, so their depth is checked here.
    fn layer_children(
        &self,
        node: Node<'_, 'i>,
        depth: usize,
        disk_type: Option<&Attribute<'_, '_>>,
        layer: &mut BackingLayer,
        element: &'static str,
    ) -> Result<(), Error> {
        let simple = is_host_side(disk_type.map(Attribute::value));
        let mut source_node = None;
        for child in node.children() {
            self.check_element_name(child)?;
            if child.is_element() {
                self.check_depth(child, depth + 1)?;
            }
            match element_name(child) {
                n if n == shape::SOURCE_COMMON.element && source_node.is_none() && !(simple && is_empty(child)) => {
                    source_node = Some(child);
                }
                n if n == shape::BACKING_FORMAT.element
                    && layer.format.is_none()
                    && child.attribute("type").is_some() =>
                {
                    let mut attrs = self.attrs(child)?;
                    let kind = attrs
                        .take("type")
                        .map(|a| Format::parse(a.value()).map_err(|e| self.model_err(a.range_value().start, e)));
                    let kind = kind.transpose()?.unwrap_or(Format::Raw);
                    let mut format = BackingFormat { format: kind, unknown: diskxml_model::Unknown::default() };
                    self.rest(attrs, &mut format.unknown)?;
                    self.leaf_children(child, &mut format.unknown)?;
                    layer.format = Some(format);
                }
                n if n == shape::BACKING_STORE.element && layer.backing.is_none() => {
                    layer.backing = Some(self.backing_store(child)?);
                }
                _ => self.keep(child, &mut layer.unknown)?,
            }
        }
        layer.source = self.source(disk_type, source_node, node, element)?;
        Ok(())
    }
}
