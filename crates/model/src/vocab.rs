//! libvirt's open vocabularies: enums that keep a value they do not know.

use core::fmt;

use crate::{Error, Text};

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal, example = $ex_var:ident / $ex_str:literal {
            $( $(#[$vmeta:meta])* $var:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// A value outside the known set is kept in `Other` and written back unchanged;
        /// [`parse`](Self::parse) never builds `Other` for a known spelling, so build values with it.
        ///
        /// ```
        #[doc = concat!("use diskxml_model::", stringify!($name), ";")]
        ///
        #[doc = concat!("let known = ", stringify!($name), "::parse(\"", $ex_str, "\")?;")]
        #[doc = concat!("assert_eq!(known, ", stringify!($name), "::", stringify!($ex_var), ");")]
        #[doc = concat!("assert_eq!(known.as_str(), \"", $ex_str, "\");")]
        #[doc = concat!("let other = ", stringify!($name), "::parse(\"not-yet-known\")?;")]
        /// assert_eq!(other.as_str(), "not-yet-known");
        /// # Ok::<(), diskxml_model::Error>(())
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $text, "`")] $var, )+
            /// A value this version does not know, kept as written. Boxed: such values are
            /// rare, and every known one then takes 16 bytes instead of 24.
            Other(alloc::boxed::Box<Text>),
        }

        impl $name {
            /// Every spelling this version knows, in libvirt's documentation order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The spelling libvirt uses.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $text, )+
                    Self::Other(text) => text.as_str(),
                }
            }

            /// Reads a spelling (case-sensitive, as libvirt does); an unknown one lands in `Other`.
            ///
            /// # Errors
            /// [`Error::InvalidChar`] when an unknown spelling holds a character XML cannot carry.
            pub fn parse(value: &str) -> Result<Self, Error> {
                match value {
                    $( $text => Ok(Self::$var), )+
                    other => Ok(Self::Other(alloc::boxed::Box::new(Text::new($field, other)?))),
                }
            }

            /// The spelling of a value the model knows, as the `'static` string it is; `None`
            /// for `Other`.
            #[must_use]
            pub const fn spelling(&self) -> Option<&'static str> {
                match self {
                    $( Self::$var => Some($text), )+
                    Self::Other(_) => None,
                }
            }

            /// Whether this is a value the model knows.
            #[must_use]
            pub const fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::serde_impl::vocabulary(deserializer, Self::parse)
            }
        }

        impl core::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::parse(s)
            }
        }
    };
}

vocabulary! {
    /// `disk@device`: how the guest sees the disk.
    DeviceKind, field = "disk.device", example = Cdrom / "cdrom" {
        Disk = "disk",
        Cdrom = "cdrom",
        Floppy = "floppy",
        Lun = "lun",
    }
}

vocabulary! {
    /// `source@protocol` of a network disk.
    Protocol, field = "source.protocol", example = Openvstorage / "openvstorage" {
        Openvstorage = "openvstorage",
        Nbd = "nbd",
        Rbd = "rbd",
        Iscsi = "iscsi",
        Gluster = "gluster",
        Sheepdog = "sheepdog",
        Http = "http",
        Https = "https",
        Ftp = "ftp",
        Ftps = "ftps",
        Tftp = "tftp",
        Vxhs = "vxhs",
        Nfs = "nfs",
        Ssh = "ssh",
    }
}

vocabulary! {
    /// `host@transport` of a host reached over the network; `unix` is
    /// [`Host::unix`](crate::Host::unix), not a value of this type.
    Transport, field = "source.host.transport", example = Rdma / "rdma" {
        Tcp = "tcp",
        Rdma = "rdma",
    }
}

vocabulary! {
    /// `target@bus`: the bus the guest sees the disk on.
    Bus, field = "target.bus", example = Virtio / "virtio" {
        Ide = "ide",
        Fdc = "fdc",
        Scsi = "scsi",
        Virtio = "virtio",
        Xen = "xen",
        Usb = "usb",
        Uml = "uml",
        Sata = "sata",
        Sd = "sd",
    }
}

vocabulary! {
    /// `driver@type`: the image format.
    Format, field = "driver.type", example = Qcow2 / "qcow2" {
        Raw = "raw",
        Qcow2 = "qcow2",
        Qcow = "qcow",
        Qed = "qed",
        Vmdk = "vmdk",
        Vpc = "vpc",
        Vdi = "vdi",
        Vhdx = "vhdx",
        Bochs = "bochs",
        Cloop = "cloop",
        Dmg = "dmg",
        Iso = "iso",
        Cow = "cow",
        Fat = "fat",
        Ploop = "ploop",
        Luks = "luks",
        Dir = "dir",
    }
}

vocabulary! {
    /// `driver@cache`: the host page cache mode.
    Cache, field = "driver.cache", example = Writeback / "writeback" {
        Default = "default",
        None = "none",
        Writethrough = "writethrough",
        Writeback = "writeback",
        Directsync = "directsync",
        Unsafe = "unsafe",
    }
}

vocabulary! {
    /// `driver@io`: the I/O mode.
    Io, field = "driver.io", example = Native / "native" {
        Threads = "threads",
        Native = "native",
        IoUring = "io_uring",
    }
}

vocabulary! {
    /// `driver@discard`: whether discard requests reach the storage.
    Discard, field = "driver.discard", example = Ignore / "ignore" {
        Unmap = "unmap",
        Ignore = "ignore",
    }
}

vocabulary! {
    /// `driver@detect_zeroes`: whether writes of zeroes are detected.
    DetectZeroes, field = "driver.detect_zeroes", example = Unmap / "unmap" {
        Off = "off",
        On = "on",
        Unmap = "unmap",
    }
}

vocabulary! {
    /// `driver@error_policy`: what a write error does.
    ErrorPolicy, field = "driver.error_policy", example = Enospace / "enospace" {
        Stop = "stop",
        Report = "report",
        Ignore = "ignore",
        Enospace = "enospace",
    }
}

vocabulary! {
    /// `driver@rerror_policy`: what a read error does.
    ReadErrorPolicy, field = "driver.rerror_policy", example = Report / "report" {
        Stop = "stop",
        Report = "report",
        Ignore = "ignore",
    }
}

vocabulary! {
    /// `secret@type`: what kind of libvirt secret authenticates a network source.
    SecretType, field = "auth.secret.type", example = Ceph / "ceph" {
        Ceph = "ceph",
        Iscsi = "iscsi",
    }
}

vocabulary! {
    /// An `on` / `off` switch (`driver@ioeventfd`, `target@removable`, ...).
    OnOff, field = "on/off attribute", example = On / "on" {
        On = "on",
        Off = "off",
    }
}

vocabulary! {
    /// `target@tray` of a cdrom or floppy.
    Tray, field = "target.tray", example = Open / "open" {
        Open = "open",
        Closed = "closed",
    }
}

vocabulary! {
    /// `source@startupPolicy`: what happens when the source is missing at start.
    StartupPolicy, field = "source.startupPolicy", example = Optional / "optional" {
        Mandatory = "mandatory",
        Requisite = "requisite",
        Optional = "optional",
    }
}

vocabulary! {
    /// A `yes` / `no` switch (`source@tls`).
    YesNo, field = "yes/no attribute", example = Yes / "yes" {
        Yes = "yes",
        No = "no",
    }
}

vocabulary! {
    /// `source@mode` of a volume disk (iSCSI pools): how the volume is reached.
    VolumeMode, field = "source.mode", example = Direct / "direct" {
        Host = "host",
        Direct = "direct",
    }
}
