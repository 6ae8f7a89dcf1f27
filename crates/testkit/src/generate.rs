//! The one generator of model values: proptest strategies for every part of a disk. The
//! property tests use them directly; the fuzz targets drive the same strategies with the
//! fuzzer's bytes ([`from_bytes`]), so the two can never drift apart.

#![allow(missing_docs, reason = "each strategy is named after the model part it generates")]

use std::num::NonZeroU32;

use diskxml_model::{
    Address, AddressKind, Alias, Auth, BackingFormat, BackingLayer, BackingStore, BlockSource, Blockio, Boot, Bus,
    Cache, CcwAddress, DetectZeroes, DeviceKind, DirSource, Discard, Disk, DriveAddress, Driver, Element, Encryption,
    EncryptionSecret, Error, ErrorPolicy, FileSource, Format, Geometry, Host, Identity, Io, Iotune, MetadataCache,
    Mirror, Name, NetworkExtras, NetworkSource, Node, NvmeSource, OnOff, OtherSource, PciAddress, Port, Protocol,
    ReadErrorPolicy, Secret, SecretType, Source, SourceCommon, StartupPolicy, Target, Text, Transient, Transport, Tray,
    Unknown, UsbAddress, VhostUserSource, VirtioOptions, VolumeMode, VolumeSource, YesNo,
};
use proptest::prelude::*;

/// Strings weighted toward what XML must escape, whitespace that parsers normalise,
/// non-ASCII and astral characters.
pub fn string() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => "[a-zA-Z0-9 ._/-]",
            3 => prop::sample::select(vec!["&", "<", ">", "\"", "'", "]]>", "&amp;", "\t", "\n", "\r", "\r\n"]).prop_map(str::to_owned),
            2 => "[é中ßΩ\u{a0}\u{fffd}]",
            1 => "[\u{10000}-\u{10ffff}]",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// A non-empty [`string`], without a filter: no strategy here rejects values, so every
/// draw gives a disk.
pub fn non_empty() -> impl Strategy<Value = String> {
    (string(), "[a-z]").prop_map(|(s, fallback)| if s.is_empty() { fallback } else { s })
}

pub fn text() -> impl Strategy<Value = Text> {
    string().prop_map(|s| Text::new("t", s).unwrap())
}

/// Unknown names start with `x`, which no element or attribute of the schema's tables does
/// ([`schema_names_like_unknown_ones`] holds it, so a table line starting with `x`
/// fails it rather than making the generator write a clash).
pub fn name() -> impl Strategy<Value = Name> {
    "x[a-zA-Z0-9_.-]{0,6}".prop_map(|s| Name::new("name", s).unwrap())
}

/// The names of the schema (`diskxml_schema::TABLES`'s elements, attributes and children,
/// and its element names without a table) that an unknown name of [`name`] could be: none
/// while the generator's assumption holds.
#[must_use]
pub fn schema_names_like_unknown_ones() -> Vec<&'static str> {
    let mut names: Vec<&'static str> =
        [diskxml_schema::MAX_SIZE, diskxml_schema::COOKIE, diskxml_schema::INITIATOR_IQN].to_vec();
    for table in diskxml_schema::TABLES {
        names.push(table.element());
        names.extend(table.all_names());
    }
    names.retain(|n| n.starts_with('x'));
    names
}

pub fn vocab<T: std::fmt::Debug + Clone + 'static>(
    known: &'static [&'static str],
    parse: fn(&str) -> Result<T, Error>,
) -> impl Strategy<Value = T> {
    prop_oneof![4 => prop::sample::select(known).prop_map(str::to_owned), 1 => string()]
        .prop_map(move |s| parse(&s).unwrap())
}

pub fn element(depth: u32) -> BoxedStrategy<Element> {
    let attrs = proptest::collection::vec((name(), text()), 0..3);
    if depth == 0 {
        return (name(), attrs)
            .prop_map(|(n, attrs)| {
                let mut e = Element::new(n);
                attrs.into_iter().for_each(|(n, v)| e.set_attribute(n, v));
                e
            })
            .boxed();
    }
    // Children alternate element / text so that no two texts touch (a parser would merge them).
    let children = proptest::collection::vec((element(depth - 1), proptest::option::of(non_empty())), 0..3);
    (name(), attrs, proptest::option::of(non_empty()), children)
        .prop_map(|(n, attrs, first, children)| {
            let mut e = Element::new(n);
            attrs.into_iter().for_each(|(n, v)| e.set_attribute(n, v));
            if let Some(t) = first {
                e.children.push(Node::Text(Text::new("t", t).unwrap()));
            }
            for (child, tail) in children {
                e.children.push(Node::Element(child));
                if let Some(t) = tail {
                    e.children.push(Node::Text(Text::new("t", t).unwrap()));
                }
            }
            e
        })
        .boxed()
}

pub fn unknown() -> BoxedStrategy<Unknown> {
    unknown_unboxed().boxed()
}

pub fn unknown_unboxed() -> impl Strategy<Value = Unknown> {
    prop_oneof![
        3 => Just(Unknown::default()),
        1 => (proptest::collection::vec((name(), text()), 0..3), proptest::collection::vec(element(2), 0..3)).prop_map(
            |(attrs, elements)| {
                let mut u = Unknown::default();
                attrs.into_iter().for_each(|(n, v)| u.set_attribute(n, v));
                *u.children_mut() = elements.into_iter().map(Node::Element).collect();
                u
            }
        ),
    ]
}

pub fn port() -> impl Strategy<Value = Port> {
    (1u64..=65535).prop_map(|p| Port::new("port", p).unwrap())
}

pub fn inet_transport() -> impl Strategy<Value = Option<Transport>> {
    // `unix` is a host of its own kind, not a transport value.
    proptest::option::of(
        vocab(Transport::KNOWN, Transport::parse).prop_map(|t| if t.as_str() == "unix" { Transport::Tcp } else { t }),
    )
}

pub fn host(openvstorage: bool) -> impl Strategy<Value = Host> {
    let inet =
        (non_empty(), proptest::option::of(port()), inet_transport(), unknown()).prop_map(move |(n, p, t, u)| {
            // openvstorage takes tcp or rdma only.
            let t = t.filter(|t| !openvstorage || matches!(t, Transport::Tcp | Transport::Rdma));
            let mut h = Host::new(n, p, t).unwrap();
            h.unknown = u;
            h
        });
    let unix = (string(), unknown()).prop_map(|(s, u)| {
        let mut h = Host::unix(format!("/{s}")).unwrap();
        h.unknown = u;
        h
    });
    if openvstorage { inet.boxed() } else { prop_oneof![3 => inet, 1 => unix].boxed() }
}

pub fn auth() -> BoxedStrategy<Auth> {
    auth_unboxed().boxed()
}

pub fn auth_unboxed() -> impl Strategy<Value = Auth> {
    let secret = (
        proptest::option::of(vocab(SecretType::KNOWN, SecretType::parse)),
        proptest::option::of(text()),
        proptest::option::of(text()),
        unknown(),
    )
        .prop_map(|(secret_type, uuid, usage, unknown)| Secret { secret_type, uuid, usage, unknown });
    (text(), proptest::option::of(secret), unknown()).prop_map(|(username, secret, unknown)| Auth {
        username,
        secret,
        unknown,
    })
}

pub fn blockio() -> BoxedStrategy<Blockio> {
    blockio_unboxed().boxed()
}

pub fn blockio_unboxed() -> impl Strategy<Value = Blockio> {
    (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>()), unknown()).prop_map(
        |(logical_block_size, physical_block_size, unknown)| Blockio {
            logical_block_size,
            physical_block_size,
            unknown,
        },
    )
}

pub fn iotune() -> BoxedStrategy<Iotune> {
    iotune_unboxed().boxed()
}

pub fn iotune_unboxed() -> impl Strategy<Value = Iotune> {
    (
        proptest::collection::vec(proptest::option::of(any::<u64>()), Iotune::LIMITS.len()),
        proptest::option::of(text()),
        unknown(),
    )
        .prop_map(|(values, group_name, unknown)| {
            let mut iotune = Iotune { group_name, unknown, ..Iotune::default() };
            for (name, value) in Iotune::LIMITS.iter().zip(values) {
                *iotune.limit_mut(name).unwrap() = value;
            }
            iotune
        })
}

pub fn network_source() -> BoxedStrategy<NetworkSource> {
    network_source_unboxed().boxed()
}

pub fn network_source_unboxed() -> impl Strategy<Value = NetworkSource> {
    vocab(Protocol::KNOWN, Protocol::parse).prop_flat_map(|protocol| {
        let edge = protocol == Protocol::Openvstorage;
        let max = if edge { 2 } else { 4 };
        (
            Just(protocol),
            proptest::collection::vec(host(edge), 0..max),
            proptest::option::of(text()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(auth()),
            unknown(),
            (
                (
                    proptest::option::of(vocab(YesNo::KNOWN, YesNo::parse)),
                    proptest::option::of(text()),
                    proptest::option::of(text()),
                    proptest::option::of(any::<u32>()),
                ),
                // An empty extras reads back as none.
                proptest::option::of(network_extras()).prop_map(|x| x.filter(|x| !x.is_empty())),
            ),
        )
            .prop_map(|(protocol, hosts, name, timeout, auth, unknown, net_extras)| {
                let mut s = NetworkSource::new(protocol, name);
                for h in hosts {
                    s.push_host(h).unwrap();
                }
                s.snapshot_timeout = timeout;
                let ((tls, tls_hostname, query, index), extras) = net_extras;
                s.index = index;
                let extras = NetworkExtras { tls, tls_hostname, query, ..extras.unwrap_or_default() };
                // None when empty, as a read gives it.
                s.extras = Some(Box::new(extras)).filter(|x| !x.is_empty());
                s.auth = auth.map(Box::new);
                s.unknown = unknown;
                s
            })
    })
}

pub fn source() -> BoxedStrategy<Source> {
    source_unboxed().boxed()
}

/// What every host-side source shares, encryption included, for every kind.
pub fn common() -> BoxedStrategy<SourceCommon> {
    (
        proptest::option::of(vocab(StartupPolicy::KNOWN, StartupPolicy::parse)),
        proptest::option::of(any::<u32>()),
        proptest::option::of(encryption()),
        unknown(),
    )
        .prop_map(|(startup_policy, index, encryption, unknown)| SourceCommon {
            startup_policy,
            index,
            encryption: encryption.map(Box::new),
            unknown,
        })
        .boxed()
}

pub fn source_unboxed() -> impl Strategy<Value = Source> {
    prop_oneof![
        1 => (proptest::option::of(text()), common()).prop_map(|(path, common)| Source::File(FileSource { path, common })),
        1 => (proptest::option::of(text()), common()).prop_map(|(dev, common)| Source::Block(BlockSource { dev, common })),
        1 => (proptest::option::of(text()), common()).prop_map(|(dir, common)| Source::Dir(DirSource { dir, common })),
        1 => (
            (proptest::option::of(text()), proptest::option::of(text())),
            proptest::option::of(vocab(VolumeMode::KNOWN, VolumeMode::parse)),
            common(),
        )
            .prop_map(|((pool, volume), mode, common)| Source::Volume(Box::new(VolumeSource { pool, volume, mode, common }))),
        2 => network_source().prop_map(|n| Source::Network(Box::new(n))),
        1 => (
            (proptest::option::of(text()), proptest::option::of(vocab(YesNo::KNOWN, YesNo::parse))),
            (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>())),
            proptest::option::of((any::<Option<u32>>(), any::<Option<u32>>(), any::<Option<u32>>(), any::<Option<u32>>())),
            unknown()
        )
            .prop_map(|((source_type, managed), (namespace, index), address, unknown)| Source::Nvme(Box::new(NvmeSource {
                source_type,
                managed,
                namespace,
                index,
                address: address.map(|(domain, bus, slot, function)| PciAddress { domain, bus, slot, function }),
                unknown
            }))),
        1 => (proptest::option::of(text()), proptest::option::of(text()), proptest::option::of(any::<u32>()), unknown())
            .prop_map(|(source_type, path, index, unknown)| Source::VhostUser(VhostUserSource { source_type, path, index, unknown })),
        1 => (prop::sample::select(vec!["lvm", "future-kind"]), proptest::option::of(element(2))).prop_map(|(t, e)| {
            let source = e.map(|mut e| {
                e.name = Name::new("name", "source").unwrap();
                e
            });
            Source::Other(Box::new(OtherSource { disk_type: Text::new("disk.type", t).unwrap(), source }))
        }),
    ]
}

pub fn driver() -> BoxedStrategy<Driver> {
    driver_unboxed().boxed()
}

pub fn driver_unboxed() -> impl Strategy<Value = Driver> {
    (
        (proptest::option::of(text()), proptest::option::of(vocab(Format::KNOWN, Format::parse))),
        proptest::option::of(vocab(Cache::KNOWN, Cache::parse)),
        proptest::option::of(vocab(ErrorPolicy::KNOWN, ErrorPolicy::parse)),
        proptest::option::of(vocab(ReadErrorPolicy::KNOWN, ReadErrorPolicy::parse)),
        proptest::option::of(vocab(Io::KNOWN, Io::parse)),
        proptest::option::of(vocab(Discard::KNOWN, Discard::parse)),
        proptest::option::of(any::<u32>()),
        proptest::option::of(vocab(DetectZeroes::KNOWN, DetectZeroes::parse)),
        unknown(),
    )
        .prop_map(
            |((name, format), cache, error_policy, rerror_policy, io, discard, iothread, detect_zeroes, unknown)| {
                Driver {
                    name,
                    format,
                    cache,
                    error_policy,
                    rerror_policy,
                    io,
                    discard,
                    iothread,
                    detect_zeroes,
                    unknown,
                    ..Driver::default()
                }
            },
        )
        .prop_flat_map(driver_virtio)
}

/// The rest of a driver: the virtio and queue attributes and `<metadata_cache>`.
fn driver_virtio(driver: Driver) -> impl Strategy<Value = Driver> {
    let on_off = || proptest::option::of(vocab(OnOff::KNOWN, OnOff::parse));
    let cache = (proptest::option::of(any::<u64>()), proptest::option::of(text()))
        .prop_map(|(max_size, unit)| Box::new(MetadataCache { max_size, unit: max_size.and(unit) }));
    (
        Just(driver),
        (on_off(), on_off(), on_off()),
        (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>())),
        (on_off(), on_off(), on_off()),
        (on_off(), proptest::option::of(cache)),
    )
        .prop_map(
            |(mut d, (ioeventfd, event_idx, copy_on_read), (queues, queue_size), (iommu, ats, packed), extra)| {
                let (page_per_vq, metadata_cache) = extra;
                d.metadata_cache = metadata_cache;
                (d.ioeventfd, d.event_idx, d.copy_on_read) = (ioeventfd, event_idx, copy_on_read);
                (d.queues, d.queue_size) = (queues, queue_size);
                // None when empty, as a read gives it.
                d = d.virtio(VirtioOptions { iommu, ats, packed, page_per_vq });
                d
            },
        )
}

pub type Extras = (
    (Option<Tray>, Option<OnOff>, Option<u32>),
    Option<Geometry>,
    Option<Transient>,
    Option<Text>,
    Option<BackingStore>,
    Option<Encryption>,
    Option<Mirror>,
);

pub fn disk_extras() -> BoxedStrategy<Extras> {
    (
        (
            proptest::option::of(vocab(Tray::KNOWN, Tray::parse)),
            proptest::option::of(vocab(OnOff::KNOWN, OnOff::parse)),
            proptest::option::of(any::<u32>()),
        ),
        proptest::option::of(geometry()),
        proptest::option::of(transient()),
        proptest::option::of(text()),
        proptest::option::of(backing(3)),
        proptest::option::of(encryption()),
        proptest::option::of(mirror()),
    )
        .boxed()
}

pub fn backing(depth: u32) -> BoxedStrategy<BackingStore> {
    if depth == 0 {
        return Just(BackingStore::End).boxed();
    }
    let format = (vocab(Format::KNOWN, Format::parse), unknown())
        .prop_map(|(format, unknown)| BackingFormat { format, unknown });
    let layer = (
        source(),
        proptest::option::of(any::<u32>()),
        proptest::option::of(format),
        proptest::option::of(backing(depth - 1)),
        unknown(),
    )
        .prop_map(|(source, index, format, backing, unknown)| {
            BackingStore::Layer(Box::new(BackingLayer { source, index, format, backing, unknown }))
        });
    prop_oneof![1 => Just(BackingStore::End), 2 => layer].boxed()
}

pub fn encryption() -> BoxedStrategy<Encryption> {
    let secret = (proptest::option::of(text()), proptest::option::of(text()), proptest::option::of(text()), unknown())
        .prop_map(|(secret_type, uuid, usage, unknown)| EncryptionSecret { secret_type, uuid, usage, unknown });
    (proptest::option::of(text()), proptest::option::of(text()), proptest::collection::vec(secret, 0..3), unknown())
        .prop_map(|(format, engine, secrets, unknown)| Encryption { format, engine, secrets, unknown })
        .boxed()
}

pub fn network_extras() -> BoxedStrategy<NetworkExtras> {
    let t = || proptest::option::of(text());
    let identity = (t(), t(), t(), t(), t()).prop_map(|(user, group, username, keyfile, agentsock)| Identity {
        user,
        group,
        username,
        keyfile,
        agentsock,
    });
    (
        (t(), t(), t(), proptest::option::of(identity)),
        (proptest::option::of(any::<u32>()), proptest::option::of(vocab(YesNo::KNOWN, YesNo::parse))),
        proptest::collection::vec((text(), text()), 0..3),
        (proptest::option::of(any::<u64>()), proptest::option::of(any::<u64>()), t()),
    )
        .prop_map(
            |(
                (snapshot, config, known_hosts, identity),
                (reconnect_delay, ssl_verify),
                cookies,
                (readahead, timeout, initiator_iqn),
            )| NetworkExtras {
                snapshot,
                config,
                known_hosts,
                identity,
                reconnect_delay,
                ssl_verify,
                cookies,
                readahead,
                timeout,
                initiator_iqn,
                // The attributes: network_source_unboxed draws them.
                ..NetworkExtras::default()
            },
        )
        .boxed()
}

pub fn mirror() -> BoxedStrategy<Mirror> {
    // A mirror is a layer: where the chain strategy gives its end, the mirror has a layer of
    // its own source and nothing below.
    (proptest::option::of(text()), proptest::option::of(text()), backing(2), source())
        .prop_map(|(job, ready, layer, source)| {
            let layer = match layer {
                BackingStore::Layer(layer) => *layer,
                BackingStore::End => BackingLayer::new(source),
            };
            Mirror { job, ready, layer }
        })
        .boxed()
}

pub fn geometry() -> impl Strategy<Value = Geometry> {
    let n = || proptest::option::of(any::<u32>());
    (n(), n(), n(), proptest::option::of(text()), unknown()).prop_map(|(cyls, heads, secs, trans, unknown)| Geometry {
        cyls,
        heads,
        secs,
        trans,
        unknown,
    })
}

pub fn transient() -> impl Strategy<Value = Transient> {
    (proptest::option::of(text()), unknown()).prop_map(|(share_backing, unknown)| Transient { share_backing, unknown })
}

pub fn address() -> BoxedStrategy<Address> {
    address_unboxed().boxed()
}

pub fn address_unboxed() -> impl Strategy<Value = Address> {
    let o = || proptest::option::of(any::<u32>());
    let kind = prop_oneof![
        (o(), o(), o(), o()).prop_map(|(controller, bus, target, unit)| AddressKind::Drive(DriveAddress {
            controller,
            bus,
            target,
            unit
        })),
        (o(), o(), o(), o()).prop_map(|(domain, bus, slot, function)| AddressKind::Pci(PciAddress {
            domain,
            bus,
            slot,
            function
        })),
        (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>()))
            .prop_map(|(cssid, ssid, devno)| AddressKind::Ccw(CcwAddress { cssid, ssid, devno })),
        (proptest::option::of(any::<u32>()), proptest::option::of(text()))
            .prop_map(|(bus, port)| AddressKind::Usb(UsbAddress { bus, port })),
        Just(AddressKind::VirtioMmio),
        prop::sample::select(vec!["spapr-vio", "isa", "dimm"])
            .prop_map(|t| AddressKind::Other(Text::new("address.type", t).unwrap())),
    ];
    (kind, unknown()).prop_map(|(kind, unknown)| Address { kind, unknown })
}

pub fn disk() -> impl Strategy<Value = Disk> {
    (
        (source(), proptest::option::of(vocab(DeviceKind::KNOWN, DeviceKind::parse))),
        proptest::option::of(driver()),
        proptest::option::of((non_empty(), proptest::option::of(vocab(Bus::KNOWN, Bus::parse)), unknown())),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        proptest::option::of(text()),
        proptest::option::of((1u32.., unknown())),
        proptest::option::of((text(), unknown())),
        (proptest::option::of(address()), proptest::option::of(auth())),
        (proptest::option::of(blockio()), proptest::option::of(iotune())),
        (unknown(), disk_extras()),
    )
        .prop_map(
            |(
                (source, device),
                driver,
                target,
                (readonly, shareable, implicit_type),
                serial,
                boot,
                alias,
                (address, auth),
                (blockio, iotune),
                (unknown, extras),
            )| {
                let mut d = Disk::new(source);
                d.device = device;
                d.driver = driver.map(Box::new);
                d.target = target.map(|(dev, bus, unknown)| {
                    let mut t = Target::new(dev, bus).unwrap();
                    t.unknown = unknown;
                    Box::new(t)
                });
                if let Some(t) = &mut d.target {
                    (t.tray, t.removable, t.rotation_rate) = extras.0.clone();
                }
                (d.geometry, d.transient, d.backing_store) =
                    (extras.1.clone().map(Box::new), extras.2.clone().map(Box::new), extras.4.clone());
                d.encryption = extras.5.clone().map(Box::new);
                d.mirror = extras.6.clone().map(Box::new);
                // Only a file disk can leave its type implicit (libvirt reads none as file).
                (d.readonly, d.shareable) = (readonly, shareable);
                d.implicit_type = implicit_type && matches!(d.source, Source::File(_));
                (d.serial, d.wwn, d.vendor, d.product) = (serial.clone(), serial.clone(), serial.clone(), serial);
                d.boot = boot.map(|(n, unknown)| {
                    Box::new(Boot { order: NonZeroU32::new(n).unwrap(), loadparm: extras.3.clone(), unknown })
                });
                d.alias = alias.map(|(name, unknown)| Box::new(Alias { name, unknown }));
                d.address = address.map(Box::new);
                d.auth = auth.map(Box::new);
                d.blockio = blockio.map(Box::new);
                d.iotune = iotune.map(Box::new);
                d.unknown = unknown;
                d
            },
        )
}

/// A disk drawn from [`disk`] with randomness seeded from `bytes`: the fuzz targets'
/// structured input. Every byte counts towards the 32-byte ChaCha seed, so the fuzzer's
/// mutations give other disks, and the same bytes always the same disk. (proptest's
/// pass-through RNG would hand the fuzzer's bytes over directly, but once they run out it
/// yields zeros, on which rand's rejection sampling never ends.) `None` when the strategy
/// gives up.
#[must_use]
pub fn from_bytes(bytes: &[u8]) -> Option<Disk> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut seed = [0u8; 32];
    for (i, b) in bytes.iter().enumerate() {
        seed[i % 32] = seed[i % 32].wrapping_mul(31).wrapping_add(*b);
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    disk().new_tree(&mut runner).ok().map(|tree| tree.current())
}
