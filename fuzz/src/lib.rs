//! Shared pieces of the fuzz targets: the stability check and an arbitrary model.

use arbitrary::{Arbitrary, Unstructured};
use diskxml::ToXml;
use diskxml::model::{
    Address, AddressKind, Alias, Auth, BlockSource, Boot, Bus, Cache, DeviceKind, Discard, Disk, DriveAddress, Driver,
    Element, FileSource, Format, Host, Iotune, Name, NetworkSource, Node, OtherSource, PciAddress, Port, Protocol,
    Secret, SecretType, Source, Target, Text, Transport, Unknown,
};

/// A disk that writes, reads back equal, and writes again byte-identical, with well-formed XML.
pub fn assert_stable(disk: &Disk) {
    let Ok(xml) = disk.to_xml() else { return };
    let back = match diskxml::parse_disk(&xml) {
        Ok(back) => back,
        Err(e) => panic!("written XML does not read back: {e}\n{xml}"),
    };
    assert_eq!(&back, disk, "{xml}");
    assert_eq!(back.to_xml().ok().as_deref(), Some(xml.as_str()));
}

/// A [`Disk`] built from fuzzer bytes through the model's checked constructors.
#[derive(Debug)]
pub struct ArbitraryDisk(pub Disk);

fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<Text> {
    let s: String = u.arbitrary()?;
    Ok(Text::new("t", s).unwrap_or_default())
}

fn opt<T>(
    u: &mut Unstructured<'_>,
    f: impl FnOnce(&mut Unstructured<'_>) -> arbitrary::Result<T>,
) -> arbitrary::Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

fn name(u: &mut Unstructured<'_>) -> arbitrary::Result<Name> {
    let n: u16 = u.arbitrary()?;
    Ok(Name::new("name", format!("x{n}")).expect("x followed by digits is a name"))
}

fn element(u: &mut Unstructured<'_>, depth: u8) -> arbitrary::Result<Element> {
    let mut e = Element::new(name(u)?);
    for _ in 0..u.int_in_range(0..=2)? {
        e.set_attribute(name(u)?, text(u)?);
    }
    let mut last_text = false;
    for _ in 0..u.int_in_range(0..=3)? {
        if depth > 0 && (last_text || u.arbitrary()?) {
            e.children.push(Node::Element(element(u, depth - 1)?));
            last_text = false;
        } else if !last_text {
            let t = text(u)?;
            if !t.is_empty() {
                e.children.push(Node::Text(t));
                last_text = true;
            }
        }
    }
    Ok(e)
}

fn unknown(u: &mut Unstructured<'_>) -> arbitrary::Result<Unknown> {
    let mut unknown = Unknown::default();
    if u.ratio(1, 4)? {
        for _ in 0..u.int_in_range(0..=2)? {
            unknown.set_attribute(name(u)?, text(u)?);
        }
        for _ in 0..u.int_in_range(0..=2)? {
            unknown.children.push(Node::Element(element(u, 2)?));
        }
    }
    Ok(unknown)
}

fn vocab<T>(
    u: &mut Unstructured<'_>,
    known: &[&str],
    parse: fn(&str) -> Result<T, diskxml::model::Error>,
) -> arbitrary::Result<Option<T>> {
    if !u.arbitrary::<bool>()? {
        return Ok(None);
    }
    let s = if u.ratio(4, 5)? { (*u.choose(known)?).to_owned() } else { text(u)?.into_string() };
    Ok(parse(&s).ok())
}

fn host(u: &mut Unstructured<'_>, edge: bool) -> arbitrary::Result<Option<Host>> {
    let mut host = if !edge && u.ratio(1, 4)? {
        Host::unix(format!("/{}", text(u)?)).ok()
    } else {
        let port = opt(u, |u| u.int_in_range(1..=65535u64))?.map(|p| Port::new("port", p).expect("in range"));
        let transport = vocab(u, Transport::KNOWN, Transport::parse)?;
        let transport = transport.filter(|t| !edge || matches!(t, Transport::Tcp | Transport::Rdma));
        Host::new(text(u)?.into_string(), port, transport).ok()
    };
    if let Some(h) = &mut host {
        h.unknown = unknown(u)?;
    }
    Ok(host)
}

fn auth(u: &mut Unstructured<'_>) -> arbitrary::Result<Auth> {
    let secret = opt(u, |u| {
        Ok(Secret {
            secret_type: vocab(u, SecretType::KNOWN, SecretType::parse)?,
            uuid: opt(u, text)?,
            usage: opt(u, text)?,
            unknown: unknown(u)?,
        })
    })?;
    Ok(Auth { username: text(u)?, secret, unknown: unknown(u)? })
}

fn encryption(u: &mut Unstructured<'_>) -> arbitrary::Result<Box<diskxml::model::Encryption>> {
    let mut e = diskxml::model::Encryption {
        format: opt(u, text)?,
        engine: opt(u, text)?,
        unknown: unknown(u)?,
        ..Default::default()
    };
    for _ in 0..u.int_in_range(0..=2)? {
        e.secrets.push(diskxml::model::EncryptionSecret {
            secret_type: opt(u, text)?,
            uuid: opt(u, text)?,
            usage: opt(u, text)?,
            unknown: unknown(u)?,
        });
    }
    Ok(Box::new(e))
}

fn backing(u: &mut Unstructured<'_>, depth: u8) -> arbitrary::Result<diskxml::model::BackingStore> {
    if depth == 0 || u.ratio(1, 3)? {
        return Ok(diskxml::model::BackingStore::End);
    }
    let mut source = source(u)?;
    if let Source::File(f) = &mut source {
        f.implicit_type = false;
    }
    let mut layer = diskxml::model::BackingLayer::new(source);
    layer.index = u.arbitrary()?;
    layer.format = opt(u, |u| {
        let format = vocab(u, Format::KNOWN, Format::parse)?.unwrap_or(Format::Raw);
        Ok(diskxml::model::BackingFormat { format, unknown: unknown(u)? })
    })?;
    layer.backing = opt(u, |u| backing(u, depth - 1))?;
    layer.unknown = unknown(u)?;
    Ok(diskxml::model::BackingStore::Layer(Box::new(layer)))
}

fn source(u: &mut Unstructured<'_>) -> arbitrary::Result<Source> {
    if u.ratio(1, 5)? {
        return Ok(match u.int_in_range(0..=3)? {
            0 => Source::Dir(diskxml::model::DirSource {
                dir: opt(u, text)?,
                index: u.arbitrary()?,
                unknown: unknown(u)?,
                ..Default::default()
            }),
            1 => Source::Volume(diskxml::model::VolumeSource {
                pool: opt(u, text)?,
                volume: opt(u, text)?,
                encryption: opt(u, encryption)?,
                unknown: unknown(u)?,
                ..Default::default()
            }),
            2 => Source::Nvme(diskxml::model::NvmeSource {
                source_type: opt(u, text)?,
                namespace: u.arbitrary()?,
                address: opt(u, |u| {
                    Ok(PciAddress {
                        domain: u.arbitrary()?,
                        bus: u.arbitrary()?,
                        slot: u.arbitrary()?,
                        function: u.arbitrary()?,
                    })
                })?,
                unknown: unknown(u)?,
                ..Default::default()
            }),
            _ => Source::VhostUser(diskxml::model::VhostUserSource {
                source_type: opt(u, text)?,
                path: opt(u, text)?,
                index: u.arbitrary()?,
                unknown: unknown(u)?,
            }),
        });
    }
    Ok(match u.int_in_range(0..=3)? {
        0 => Source::File(FileSource {
            path: opt(u, text)?,
            index: u.arbitrary()?,
            unknown: unknown(u)?,
            implicit_type: u.arbitrary()?,
            ..FileSource::default()
        }),
        1 => Source::Block(BlockSource {
            dev: opt(u, text)?,
            index: u.arbitrary()?,
            unknown: unknown(u)?,
            ..BlockSource::default()
        }),
        2 => {
            let protocol = vocab(u, Protocol::KNOWN, Protocol::parse)?.unwrap_or(Protocol::Nbd);
            let edge = protocol == Protocol::Openvstorage;
            let mut net = NetworkSource::new(protocol, opt(u, text)?);
            for _ in 0..u.int_in_range(0..=3)? {
                if let Some(h) = host(u, edge)? {
                    let _ = net.push_host(h);
                }
            }
            net.snapshot_timeout = u.arbitrary()?;
            net.auth = opt(u, auth)?;
            net.encryption = opt(u, encryption)?;
            net.tls_hostname = opt(u, text)?;
            net.unknown = unknown(u)?;
            Source::Network(net)
        }
        _ => {
            let disk_type = Text::new("t", *u.choose(&["lvm", "future-kind"])?).expect("plain");
            let source = opt(u, |u| {
                let mut e = element(u, 2)?;
                e.name = Name::new("name", "source").expect("a name");
                Ok(e)
            })?;
            Source::Other(OtherSource { disk_type, source })
        }
    })
}

impl<'a> Arbitrary<'a> for ArbitraryDisk {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut d = Disk::new(source(u)?);
        d.device = vocab(u, DeviceKind::KNOWN, DeviceKind::parse)?;
        d.driver = opt(u, |u| {
            Ok(Driver {
                name: opt(u, text)?,
                format: vocab(u, Format::KNOWN, Format::parse)?,
                cache: vocab(u, Cache::KNOWN, Cache::parse)?,
                discard: vocab(u, Discard::KNOWN, Discard::parse)?,
                iothread: u.arbitrary()?,
                unknown: unknown(u)?,
                ..Driver::default()
            })
        })?;
        d.auth = opt(u, auth)?;
        d.target = opt(u, |u| {
            let bus = vocab(u, Bus::KNOWN, Bus::parse)?;
            Ok(Target::new(format!("vd{}", text(u)?), bus).ok())
        })?
        .flatten();
        d.iotune = opt(u, |u| {
            let mut iotune = Iotune { group_name: opt(u, text)?, unknown: unknown(u)?, ..Iotune::default() };
            for limit in Iotune::LIMITS {
                if let Some(slot) = iotune.limit_mut(limit) {
                    *slot = u.arbitrary()?;
                }
            }
            Ok(Box::new(iotune))
        })?;
        d.readonly = u.arbitrary()?;
        d.shareable = u.arbitrary()?;
        d.serial = opt(u, text)?;
        d.wwn = opt(u, text)?;
        d.boot = opt(u, |u| Ok(std::num::NonZeroU32::new(u.arbitrary()?).map(Boot::new)))?.flatten();
        d.alias = opt(u, |u| Ok(Alias::new(text(u)?.into_string()).ok()))?.flatten();
        d.address = opt(u, |u| {
            let kind = match u.int_in_range(0..=2)? {
                0 => AddressKind::Drive(DriveAddress {
                    controller: u.arbitrary()?,
                    bus: u.arbitrary()?,
                    target: u.arbitrary()?,
                    unit: u.arbitrary()?,
                }),
                1 => AddressKind::Pci(PciAddress {
                    domain: u.arbitrary()?,
                    bus: u.arbitrary()?,
                    slot: u.arbitrary()?,
                    function: u.arbitrary()?,
                }),
                _ => AddressKind::Other(Text::new("t", "spapr-vio").expect("plain")),
            };
            Ok(Address { kind, unknown: unknown(u)? })
        })?;
        d.encryption = opt(u, encryption)?;
        d.backing_store = opt(u, |u| backing(u, 3))?;
        d.unknown = unknown(u)?;
        Ok(Self(d))
    }
}
