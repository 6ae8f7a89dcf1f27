//! Connection info to disk XML, checked against libvirt's QEMU driver before anything is
//! handed back.

use std::fmt;

use crate::{ConnectionInfo, Disk, DiskInfo, Error, Problem, Registry, ToXml, connector, rules};

/// What [`render`] made: the disk, its XML, and what its caller should hear about.
///
/// `Display` writes the XML, so `print!("{rendered}")` prints the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rendered {
    /// The disk.
    pub disk: Disk,
    /// Its XML, in libvirt's style, ending with a newline.
    pub xml: String,
    /// What was ignored in the connection info, and the rules whose verdict depends on the
    /// host's QEMU build; neither stopped the disk.
    pub warnings: Vec<Warning>,
}

/// A warning that came with a rendered disk.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// Something in the connection info that was ignored (a QoS key libvirt does not
    /// know, `data.unit`, ...).
    Ignored(connector::Ignored),
    /// A rule of the qemu profile that depends on the host's QEMU build
    /// ([`rules::Rule::host_dependent`]): libvirt may refuse the disk on this host.
    HostDependent(Problem),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ignored(w) => write!(f, "{w}"),
            Self::HostDependent(p) => write!(f, "[{}] {p} (this depends on the host's QEMU)", p.rule),
        }
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.xml)
    }
}

impl Rendered {
    /// Checks `disk` with the qemu profile and writes it: the rules libvirt always enforces
    /// are an [`Error::Refused`], the host-dependent ones [`Warning::HostDependent`].
    ///
    /// ```
    /// use diskxml::{Bus, Disk, Rendered};
    ///
    /// let disk = Disk::openvstorage_edge("vol").target("vdb", Bus::Virtio).serial("s!").build()?;
    /// let err = Rendered::from_disk(disk).unwrap_err();
    /// assert!(err.to_string().starts_with("libvirt would refuse this disk: [serial.pattern]"), "{err}");
    /// # Ok::<(), diskxml::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Refused`] with every problem; [`Error::Write`].
    pub fn from_disk(disk: Disk) -> Result<Self, Error> {
        let host = rules::libvirt_accepts(&disk).map_err(Error::Refused)?;
        let xml = disk.to_xml()?;
        Ok(Self { disk, xml, warnings: host.into_iter().map(Warning::HostDependent).collect() })
    }
}

/// Connection info JSON to a disk, with the built-in volume drivers: what nova 34 writes,
/// checked against libvirt's QEMU driver (the qemu profile) and written. What was ignored
/// in the connection info comes back as warnings, never dropped in silence.
///
/// ```
/// use diskxml::{Bus, DiskInfo};
///
/// let rendered = diskxml::render(
///     r#"{"driver_volume_type": "openvstorage_edge", "serial": "8d5e2a5c",
///         "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c",
///                  "qos_specs": {"total_bytes_sec": 1000, "consumer": "front-end"}}}"#,
///     &DiskInfo::new("vdb", Bus::Virtio),
/// )?;
/// assert!(rendered.xml.contains("<total_bytes_sec>1000</total_bytes_sec>"));
/// assert_eq!(rendered.warnings[0].to_string(), "data.qos_specs.consumer: not a QoS limit libvirt knows; ignored");
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Connector`] naming the JSON field at fault, [`Error::Refused`] when libvirt
/// would refuse the disk, or [`Error::Write`].
pub fn render(connection_info: &str, disk_info: &DiskInfo) -> Result<Rendered, Error> {
    render_info(&Registry::with_builtins(), &ConnectionInfo::from_json(connection_info)?, disk_info)
}

/// [`render`] with a registry of your own (host settings, your drivers) and parsed
/// connection info.
///
/// # Errors
/// As [`render`].
pub fn render_info(registry: &Registry, info: &ConnectionInfo, disk_info: &DiskInfo) -> Result<Rendered, Error> {
    let disk = registry.disk(info, disk_info)?;
    let mut rendered = Rendered::from_disk(disk)?;
    let ignored = connector::warnings(info).into_iter().map(Warning::Ignored);
    rendered.warnings.splice(0..0, ignored);
    Ok(rendered)
}
