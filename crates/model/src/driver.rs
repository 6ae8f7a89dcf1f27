//! `<driver>`: the hypervisor's driver, its virtio options and a qcow2 metadata cache.

use crate::{Cache, DetectZeroes, Discard, ErrorPolicy, Format, Io, OnOff, ReadErrorPolicy, Text, Unknown};

/// `<driver>`: the hypervisor's driver and how it treats the image. Every attribute is
/// optional and absent by default.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Driver {
    /// `name` (`qemu` for QEMU/KVM).
    pub name: Option<Text>,
    /// `type`: the image format.
    pub format: Option<Format>,
    /// `cache`.
    pub cache: Option<Cache>,
    /// `error_policy`.
    pub error_policy: Option<ErrorPolicy>,
    /// `rerror_policy`.
    pub rerror_policy: Option<ReadErrorPolicy>,
    /// `io`.
    pub io: Option<Io>,
    /// `discard`.
    pub discard: Option<Discard>,
    /// `iothread`: the IOThread the disk runs in.
    pub iothread: Option<u32>,
    /// `detect_zeroes`.
    pub detect_zeroes: Option<DetectZeroes>,
    /// `ioeventfd`.
    pub ioeventfd: Option<OnOff>,
    /// `event_idx`.
    pub event_idx: Option<OnOff>,
    /// `copy_on_read`.
    pub copy_on_read: Option<OnOff>,
    /// `queues`: the number of virtio queues.
    pub queues: Option<u32>,
    /// `queue_size`.
    pub queue_size: Option<u32>,
    /// The virtio options `iommu`, `ats`, `packed` and `page_per_vq`, boxed: few drivers
    /// set any (none is `None`, never an empty box).
    pub virtio: Option<alloc::boxed::Box<VirtioOptions>>,
    /// `<metadata_cache>` (qcow2), in its plain form; richer content stays in `unknown`.
    /// Boxed: few drivers have one.
    pub metadata_cache: Option<alloc::boxed::Box<MetadataCache>>,
    /// Attributes and children of `<driver>` the model does not know (a `<metadata_cache>`
    /// richer than its plain form among them).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// The virtio device options of a `<driver>` (libvirt's "virtio-specific options").
///
/// ```
/// use diskxml_model::{Driver, OnOff, VirtioOptions};
///
/// let driver = Driver::qemu_raw().virtio(VirtioOptions { iommu: Some(OnOff::On), ..VirtioOptions::default() });
/// assert_eq!(driver.virtio.and_then(|v| v.iommu), Some(OnOff::On));
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct VirtioOptions {
    /// `iommu`.
    pub iommu: Option<OnOff>,
    /// `ats`.
    pub ats: Option<OnOff>,
    /// `packed`.
    pub packed: Option<OnOff>,
    /// `page_per_vq`.
    pub page_per_vq: Option<OnOff>,
}

impl VirtioOptions {
    /// Whether no option is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Chainable setters of optional fields, one line each: `name: Type` sets `self.name`.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),+ $(,)?) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = Some($name);
                self
            }
        )+
    };
}

/// Building a `<driver>` without struct literals or field labels: start with
/// [`Driver::qemu`] (or [`Driver::named`] for another hypervisor's) and chain the setters.
///
/// ```
/// use diskxml_model::{Cache, Discard, Driver, Format, Io};
///
/// let driver = Driver::qemu(Format::Qcow2).cache(Cache::None).io(Io::Native).discard(Discard::Unmap);
/// assert_eq!((driver.format, driver.cache, driver.io), (Some(Format::Qcow2), Some(Cache::None), Some(Io::Native)));
/// assert_eq!(Driver::qemu(Format::Raw), Driver::qemu_raw());
/// let tap = Driver::named("tap")?.iothread(2);
/// assert_eq!((tap.name.as_deref(), tap.iothread), (Some("tap"), Some(2)));
/// assert_eq!(Driver::named("a\u{1}").unwrap_err().to_string(), "driver.name: character 1 is U+0001, which XML 1.0 cannot carry; remove it");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
impl Driver {
    /// `<driver name='qemu' type='raw'/>`, what nova and libvirt's QEMU driver use for
    /// block and network volumes.
    #[must_use]
    pub fn qemu_raw() -> Self {
        Self::qemu(Format::Raw)
    }

    /// `<driver name='qemu' type=FORMAT/>`: QEMU's driver for an image of `format`.
    #[must_use]
    pub fn qemu(format: Format) -> Self {
        Self {
            name: Some(Text::new("driver.name", "qemu").expect("'qemu' holds only XML characters")),
            format: Some(format),
            ..Self::default()
        }
    }

    /// A driver named `name` (another hypervisor's, e.g. Xen's `tap`), with no format.
    ///
    /// # Errors
    /// [`Error::InvalidChar`](crate::Error::InvalidChar) for `driver.name` when `name` holds
    /// a character XML cannot carry.
    pub fn named(name: impl AsRef<str>) -> Result<Self, crate::Error> {
        Ok(Self { name: Some(Text::new("driver.name", name)?), ..Self::default() })
    }

    setters! {
        /// Sets `type`, the image format.
        format: Format,
        /// Sets `cache`.
        cache: Cache,
        /// Sets `io`.
        io: Io,
        /// Sets `discard`.
        discard: Discard,
        /// Sets `detect_zeroes`.
        detect_zeroes: DetectZeroes,
        /// Sets `iothread`, the IOThread the disk runs in.
        iothread: u32,
        /// Sets `queues`, the number of virtio queues.
        queues: u32,
    }

    /// Sets the virtio options; an empty set leaves none.
    #[must_use]
    pub fn virtio(mut self, options: VirtioOptions) -> Self {
        self.virtio = (!options.is_empty()).then(|| alloc::boxed::Box::new(options));
        self
    }

    /// Sets `error_policy` (on write errors) and, when given, `rerror_policy` (on read errors).
    #[must_use]
    pub fn error_policy(mut self, error_policy: ErrorPolicy, rerror_policy: Option<ReadErrorPolicy>) -> Self {
        (self.error_policy, self.rerror_policy) = (Some(error_policy), rerror_policy);
        self
    }
}

/// `<metadata_cache><max_size unit=...>N</max_size></metadata_cache>` of a qcow2 driver.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MetadataCache {
    /// `max_size`, in `unit`s.
    pub max_size: Option<u64>,
    /// `max_size@unit` (`bytes`, `KiB`, ...); none means bytes. Written only with `max_size`.
    pub unit: Option<Text>,
}
