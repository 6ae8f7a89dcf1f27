//! The clash pre-pass: a kept unknown attribute named like a known one would make the XML
//! ill-formed, so it is refused before the first byte is written. The known names come
//! from the element tables of `diskxml-schema`, the same tables the writer emits from.

use diskxml_model::{AddressKind, Auth, BackingLayer, BackingStore, Disk, Encryption, Source, Unknown};
use diskxml_schema::{self as shape, Shape};

use crate::Error;

fn no_clash<T>(unknown: &Unknown, shape: &Shape<T>) -> Result<(), Error> {
    no_clash_in(unknown, shape.element, |name| shape.knows(name))
}

fn no_clash_in(unknown: &Unknown, element: &'static str, known: impl Fn(&str) -> bool) -> Result<(), Error> {
    match unknown.attributes().iter().find(|a| known(a.name.as_str())) {
        Some(a) => Err(Error::AttributeClash { element, attribute: a.name.clone() }),
        None => Ok(()),
    }
}

fn encryption(e: Option<&Encryption>) -> Result<(), Error> {
    let Some(e) = e else { return Ok(()) };
    no_clash(&e.unknown, &shape::ENCRYPTION)?;
    e.secrets.iter().try_for_each(|s| no_clash(&s.unknown, &shape::ENCRYPTION_SECRET))
}

fn auth(auth: &Auth) -> Result<(), Error> {
    no_clash(&auth.unknown, &shape::AUTH)?;
    auth.secret.as_ref().map_or(Ok(()), |s| no_clash(&s.unknown, &shape::AUTH_SECRET))
}

/// Refuses a disk whose kept unknown attributes clash with known ones, before any output.
pub(crate) fn disk(disk: &Disk) -> Result<(), Error> {
    no_clash(&disk.unknown, &shape::DISK)?;
    if let Some(driver) = &disk.driver {
        no_clash(&driver.unknown, &shape::DRIVER)?;
    }
    if let Some(a) = &disk.auth {
        auth(a)?;
    }
    if let Some(blockio) = &disk.blockio {
        no_clash(&blockio.unknown, &shape::BLOCKIO)?;
    }
    if let Some(geometry) = &disk.geometry {
        no_clash(&geometry.unknown, &shape::GEOMETRY)?;
    }
    if let Some(transient) = &disk.transient {
        no_clash(&transient.unknown, &shape::TRANSIENT)?;
    }
    if let Some(iotune) = &disk.iotune {
        no_clash_in(&iotune.unknown, "iotune", |_| false)?;
    }
    source(&disk.source)?;
    encryption(disk.encryption.as_deref())?;
    if let Some(b) = &disk.backing_store {
        backing(b)?;
    }
    if let Some(mirror) = &disk.mirror {
        no_clash(&mirror.layer.unknown, &shape::MIRROR)?;
        layer_parts(&mirror.layer)?;
    }
    if let Some(target) = &disk.target {
        no_clash(&target.unknown, &shape::TARGET)?;
    }
    if let Some(boot) = &disk.boot {
        no_clash(&boot.unknown, &shape::BOOT)?;
    }
    if let Some(alias) = &disk.alias {
        no_clash(&alias.unknown, &shape::ALIAS)?;
    }
    if let Some(address) = &disk.address {
        let kind = &address.kind;
        no_clash_in(&address.unknown, "address", |name| shape::ADDRESS.knows(name) || address_knows(kind, name))?;
    }
    Ok(())
}

fn address_knows(kind: &AddressKind, name: &str) -> bool {
    match kind {
        AddressKind::Drive(_) => shape::DRIVE_ADDRESS.knows(name),
        AddressKind::Pci(_) => shape::PCI_ADDRESS.knows(name),
        AddressKind::Ccw(_) => shape::CCW_ADDRESS.knows(name),
        AddressKind::Usb(_) => shape::USB_ADDRESS.knows(name),
        _ => false,
    }
}

/// The clash check of a `<source>` (and its hosts, auth and encryption).
fn source(source: &Source) -> Result<(), Error> {
    encryption(source.encryption())?;
    let common = |own: &dyn Fn(&str) -> bool, unknown: &Unknown| {
        no_clash_in(unknown, "source", |n| own(n) || shape::SOURCE_COMMON.knows(n))
    };
    match source {
        Source::File(f) => common(&|n| shape::FILE_SOURCE.knows(n), &f.common.unknown),
        Source::Block(b) => common(&|n| shape::BLOCK_SOURCE.knows(n), &b.common.unknown),
        Source::Dir(d) => common(&|n| shape::DIR_SOURCE.knows(n), &d.common.unknown),
        Source::Volume(v) => common(&|n| shape::VOLUME_SOURCE.knows(n), &v.common.unknown),
        Source::Nvme(n) => no_clash(&n.unknown, &shape::NVME_SOURCE),
        Source::VhostUser(v) => no_clash(&v.unknown, &shape::VHOSTUSER_SOURCE),
        Source::Network(net) => {
            no_clash(&net.unknown, &shape::NETWORK_SOURCE)?;
            net.hosts().iter().try_for_each(|h| no_clash(&h.unknown, &shape::HOST))?;
            net.auth.as_deref().map_or(Ok(()), auth)
        }
        _ => Ok(()),
    }
}

/// The clash check of a backing chain, layer by layer.
fn backing(backing: &BackingStore) -> Result<(), Error> {
    match backing {
        BackingStore::Layer(layer) => {
            no_clash(&layer.unknown, &shape::BACKING_STORE)?;
            layer_parts(layer)
        }
        BackingStore::End => Ok(()),
    }
}

/// The clash check of a layer's format, source and the chain below it.
fn layer_parts(layer: &BackingLayer) -> Result<(), Error> {
    if let Some(format) = &layer.format {
        no_clash(&format.unknown, &shape::BACKING_FORMAT)?;
    }
    source(&layer.source)?;
    layer.backing.as_ref().map_or(Ok(()), backing)
}
