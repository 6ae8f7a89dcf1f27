//! `<iotune>`, `<blockio>` and `<auth>`: limits, block sizes and credentials.

use crate::{Error, Text, Unknown};

macro_rules! iotune {
    ($( $field:ident ),+ ; group_name ; $( $tail:ident ),+ $(,)?) => {
        /// `<iotune>`: I/O limits. Every limit is optional; libvirt refuses a `total_*` limit
        /// together with its `read_*`/`write_*` pair (a validation rule, not a construction one).
        ///
        /// ```
        /// use diskxml_model::Iotune;
        ///
        /// let mut iotune = Iotune::default();
        /// *iotune.limit_mut("total_bytes_sec").unwrap() = Some(10_000_000);
        /// assert_eq!(iotune.total_bytes_sec, Some(10_000_000));
        /// assert_eq!(iotune.limits().next(), Some(("total_bytes_sec", 10_000_000)));
        /// ```
        #[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Iotune {
            $( #[doc = concat!("`<", stringify!($field), ">`")] pub $field: Option<u64>, )+
            /// `<group_name>`: disks of one group share their limits.
            pub group_name: Option<Text>,
            $( #[doc = concat!("`<", stringify!($tail), ">`")] pub $tail: Option<u64>, )+
            /// Children of `<iotune>` the model does not know.
            #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
            pub unknown: Unknown,
        }

        impl Iotune {
            /// Every limit's element name, in libvirt's order (`group_name` is written
            /// between `size_iops_sec` and the `_max_length` limits).
            pub const LIMITS: &'static [&'static str] = &[$(stringify!($field),)+ $(stringify!($tail),)+];

            /// How many [`Iotune::LIMITS`] come before `<group_name>` (all but the
            /// `_max_length` ones), counted from the declaration.
            pub const GROUP_NAME_AFTER: usize = [$(stringify!($field)),+].len();

            /// The limits that are set, as (element name, value), in libvirt's order.
            pub fn limits(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
                [$((stringify!($field), self.$field),)+ $((stringify!($tail), self.$tail),)+]
                    .into_iter()
                    .filter_map(|(name, value)| value.map(|v| (name, v)))
            }

            /// The limit with element name `name`, to set or clear it; `None` for a name
            /// that is not a limit.
            pub fn limit_mut(&mut self, name: &str) -> Option<&mut Option<u64>> {
                match name {
                    $( stringify!($field) => Some(&mut self.$field), )+
                    $( stringify!($tail) => Some(&mut self.$tail), )+
                    _ => None,
                }
            }

            /// Whether nothing is set (no limit, no group, nothing unknown).
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.limits().next().is_none() && self.group_name.is_none() && self.unknown.is_empty()
            }
        }
    };
}

iotune! {
    total_bytes_sec, read_bytes_sec, write_bytes_sec, total_iops_sec, read_iops_sec, write_iops_sec,
    total_bytes_sec_max, read_bytes_sec_max, write_bytes_sec_max,
    total_iops_sec_max, read_iops_sec_max, write_iops_sec_max,
    size_iops_sec;
    group_name;
    total_bytes_sec_max_length, read_bytes_sec_max_length, write_bytes_sec_max_length,
    total_iops_sec_max_length, read_iops_sec_max_length, write_iops_sec_max_length,
}

/// `<blockio>`: the block sizes the guest sees.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Blockio {
    /// `logical_block_size`, in bytes.
    pub logical_block_size: Option<u32>,
    /// `physical_block_size`, in bytes.
    pub physical_block_size: Option<u32>,
    /// Attributes and children of `<blockio>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// `<auth username='...'>` with its `<secret>`: credentials for a network source, written
/// at disk level ([`Disk::auth`](crate::Disk::auth)) or inside the source
/// ([`NetworkSource::auth`](crate::NetworkSource::auth)); libvirt keeps the placement.
///
/// ```
/// use diskxml_model::{Auth, Secret, SecretType};
///
/// let auth = Auth::new("admin", Some(Secret::uuid(SecretType::Ceph, "3b6f6c2a-1f4f-4b2a-9d7e-0c1f2e3d4c5b")?))?;
/// assert_eq!(auth.username, "admin");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Auth {
    /// `username`.
    pub username: Text,
    /// `<secret>`.
    pub secret: Option<Secret>,
    /// Attributes and children of `<auth>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Auth {
    /// Credentials for `username`.
    ///
    /// # Errors
    /// A character XML cannot carry.
    pub fn new(username: impl AsRef<str>, secret: Option<Secret>) -> Result<Self, Error> {
        Ok(Self { username: Text::new("auth.username", username)?, secret, unknown: Unknown::default() })
    }
}

/// `<secret>`: a libvirt secret, by uuid or by usage.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Secret {
    /// `type`.
    pub secret_type: Option<crate::SecretType>,
    /// `uuid`.
    pub uuid: Option<Text>,
    /// `usage`.
    pub usage: Option<Text>,
    /// Attributes and children of `<secret>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

impl Secret {
    /// A secret named by its uuid.
    ///
    /// # Errors
    /// A character XML cannot carry.
    pub fn uuid(secret_type: crate::SecretType, uuid: impl AsRef<str>) -> Result<Self, Error> {
        Ok(Self {
            secret_type: Some(secret_type),
            uuid: Some(Text::new("auth.secret.uuid", uuid)?),
            usage: None,
            unknown: Unknown::default(),
        })
    }

    /// A secret named by its usage.
    ///
    /// # Errors
    /// A character XML cannot carry.
    pub fn usage(secret_type: crate::SecretType, usage: impl AsRef<str>) -> Result<Self, Error> {
        Ok(Self {
            secret_type: Some(secret_type),
            uuid: None,
            usage: Some(Text::new("auth.secret.usage", usage)?),
            unknown: Unknown::default(),
        })
    }
}

/// `<encryption>`: how the image is encrypted (LUKS, say), at disk level (older documents)
/// or inside a `<source>`.
///
/// ```
/// use diskxml_model::{Encryption, EncryptionSecret, Text};
///
/// let mut encryption = Encryption::default();
/// encryption.format = Some(Text::new("encryption.format", "luks")?);
/// encryption.secrets.push(EncryptionSecret {
///     uuid: Some(Text::new("encryption.secret.uuid", "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f")?),
///     ..EncryptionSecret::default()
/// });
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Encryption {
    /// `format` (`luks`, `qcow`).
    pub format: Option<Text>,
    /// `engine` (`qemu`, `librbd`).
    pub engine: Option<Text>,
    /// The `<secret>` children, in order.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "<[_]>::is_empty"))]
    pub secrets: alloc::vec::Vec<EncryptionSecret>,
    /// Attributes and children of `<encryption>` the model does not know (`<cipher>`, say).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// A `<secret>` of an `<encryption>`.
#[cfg_attr(feature = "serde", serde_with_macros::skip_serializing_none, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EncryptionSecret {
    /// `type` (`passphrase`).
    pub secret_type: Option<Text>,
    /// `uuid`.
    pub uuid: Option<Text>,
    /// `usage`.
    pub usage: Option<Text>,
    /// Attributes and children of `<secret>` the model does not know.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Unknown::is_empty"))]
    pub unknown: Unknown,
}

/// What [`DiskBuilder::auth`](crate::DiskBuilder::auth) accepts: a [`Secret`], or the result
/// of making one (`Secret::uuid(..)`), whose error then surfaces from `build()`.
pub trait IntoSecret {
    /// The secret, or why it could not be made.
    ///
    /// # Errors
    /// The error of making the secret.
    fn into_secret(self) -> Result<Secret, Error>;
}

impl IntoSecret for Secret {
    fn into_secret(self) -> Result<Secret, Error> {
        Ok(self)
    }
}

impl IntoSecret for Result<Secret, Error> {
    fn into_secret(self) -> Result<Secret, Error> {
        self
    }
}
