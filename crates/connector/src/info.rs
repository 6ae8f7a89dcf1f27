//! What the volume service hands over, and what the caller says about the guest's view.

use diskxml_model::{Bus, DeviceKind};
use serde_json::{Map, Value};

use crate::Error;

/// A volume's connection info, as Cinder's `initialize_connection` returns it and nova
/// completes it (`serial`).
///
/// ```
/// use diskxml_connector::ConnectionInfo;
///
/// let info = ConnectionInfo::from_json(r#"{
///     "driver_volume_type": "openvstorage_edge",
///     "serial": "8d5e2a5c",
///     "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"}
/// }"#)?;
/// assert_eq!(info.driver_volume_type(), "openvstorage_edge");
/// assert_eq!(info.data_str("device_path")?, Some("openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"));
///
/// let err = ConnectionInfo::from_json(r#"{"driver_volume_type": 5, "data": {}}"#).unwrap_err();
/// assert_eq!(err.to_string(), "driver_volume_type: expected a string, found a number");
/// # Ok::<(), diskxml_connector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionInfo {
    driver_volume_type: String,
    serial: Option<String>,
    multiattach: bool,
    data: Map<String, Value>,
}

impl ConnectionInfo {
    /// Reads connection info from JSON text.
    ///
    /// # Errors
    /// [`Error::Json`] with line and column for text that is not JSON;
    /// [`Error::Field`] naming the field for a missing or mistyped one. A UTF-8 byte order
    /// mark is skipped, as in XML.
    ///
    /// ```
    /// use diskxml_connector::{ConnectionInfo, Error};
    ///
    /// let err = ConnectionInfo::from_json("").unwrap_err();
    /// assert!(matches!(err, Error::Json { line: 1, column: 1, .. }), "1-based: {err}");
    /// assert!(ConnectionInfo::from_json("\u{feff}{\"driver_volume_type\": \"nbd\", \"data\": {}}").is_ok());
    /// ```
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Json {
            line: e.line().max(1),
            // serde_json counts 0 before a line's first character (an empty input, say).
            column: e.column().max(1),
            message: json_message(&e),
        })?;
        Self::from_value(value)
    }

    /// Reads connection info from a parsed JSON value.
    ///
    /// # Errors
    /// [`Error::Field`] naming the field for a missing or mistyped one.
    pub fn from_value(value: Value) -> Result<Self, Error> {
        let Value::Object(mut top) = value else {
            return Err(Error::wrong_type("(top level)", "an object", &value));
        };
        let driver_volume_type = match top.remove("driver_volume_type") {
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(Error::wrong_type("driver_volume_type", "a string", &other));
            }
            None => return Err(Error::missing("driver_volume_type", None)),
        };
        let serial = match top.remove("serial") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(other) => return Err(Error::wrong_type("serial", "a string", &other)),
        };
        let multiattach = match top.remove("multiattach") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(other) => return Err(Error::wrong_type("multiattach", "true or false", &other)),
        };
        let data = match top.remove("data") {
            Some(Value::Object(map)) => map,
            Some(other) => return Err(Error::wrong_type("data", "an object", &other)),
            None => return Err(Error::missing("data", None)),
        };
        Ok(Self { driver_volume_type, serial, multiattach, data })
    }

    /// `driver_volume_type`: which volume driver handles the volume.
    #[must_use]
    pub fn driver_volume_type(&self) -> &str {
        &self.driver_volume_type
    }

    /// `serial`: nova sets it to the volume id.
    #[must_use]
    pub fn serial(&self) -> Option<&str> {
        self.serial.as_deref()
    }

    /// Replaces `serial` (the CLI's `--serial` does).
    pub fn set_serial(&mut self, serial: Option<String>) {
        self.serial = serial;
    }

    /// `data`: the driver-specific part.
    #[must_use]
    pub const fn data(&self) -> &Map<String, Value> {
        &self.data
    }

    /// `data.<key>` as a string; `None` when absent or null.
    ///
    /// # Errors
    /// [`Error::Field`] when present with another type.
    pub fn data_str(&self, key: &str) -> Result<Option<&str>, Error> {
        match self.data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Error::wrong_type(format!("data.{key}"), "a string", other)),
        }
    }

    /// `data.<key>` as a string that must be there.
    ///
    /// # Errors
    /// [`Error::Field`] when absent, null, or of another type.
    pub fn require_data_str(&self, key: &str) -> Result<&str, Error> {
        self.data_str(key)?.ok_or_else(|| Error::missing(format!("data.{key}"), None))
    }
}

impl ConnectionInfo {
    /// `data.<key>` as a boolean; `None` when absent or null.
    ///
    /// # Errors
    /// [`Error::Field`] when present with another type.
    pub fn data_bool(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(Error::wrong_type(format!("data.{key}"), "true or false", other)),
        }
    }

    /// `data.<key>` as a non-negative integer, given as a JSON number or a numeric string
    /// (nova sends both); `None` when absent or null.
    ///
    /// # Errors
    /// [`Error::Field`] for anything else (a negative or fractional number, `1e3`, text).
    pub fn data_u64(&self, key: &str) -> Result<Option<u64>, Error> {
        match self.data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => integer(|| format!("data.{key}"), value).map(Some),
        }
    }

    /// `data.<key>` as a list; `None` when absent or null.
    ///
    /// # Errors
    /// [`Error::Field`] when present with another type.
    pub fn data_list(&self, key: &str) -> Result<Option<&[Value]>, Error> {
        match self.data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(Error::wrong_type(format!("data.{key}"), "a list", other)),
        }
    }

    /// The volume id: `data.volume_id`, if given.
    ///
    /// # Errors
    /// [`Error::Field`] when it is not a string.
    pub fn volume_id(&self) -> Result<Option<&str>, Error> {
        self.data_str("volume_id")
    }

    /// The top-level `multiattach` flag (nova reads it there, not in `data`).
    #[must_use]
    pub const fn multiattach(&self) -> bool {
        self.multiattach
    }

    /// The volume id, as nova finds it: `data.volume_id`, or the top-level `serial` when that
    /// is absent.
    ///
    /// # Errors
    /// [`Error::Field`] when `data.volume_id` is not a string.
    pub fn volume_id_or_serial(&self) -> Result<Option<&str>, Error> {
        Ok(self.volume_id()?.filter(|id| !id.is_empty()).or(self.serial()))
    }
}

/// A non-negative integer from a JSON number or a numeric string; `field` names it in errors.
///
/// # Errors
/// [`Error::Field`] for a negative, fractional or exponent number, non-numeric text, or another type.
pub(crate) fn integer(field: impl FnOnce() -> String, value: &Value) -> Result<u64, Error> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let found = match value {
            Value::Number(n) => format!("{n}"),
            Value::String(s) => format!("{s:?}"),
            other => kind(other).to_owned(),
        };
        Error::field(
            field(),
            format!("expected a non-negative integer (a JSON number or a numeric string), found {found}"),
        )
    })
}

/// serde_json's message without its own " at line L column C" suffix: its error type offers the
/// line and column but no message without them, and the position is ours to print, once.
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    message.strip_suffix(&suffix).map_or_else(|| message.clone(), str::to_owned)
}

/// How a JSON value's type reads in an error message.
pub(crate) const fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// nova's `disk_info` for one volume: how the guest sees it, as nova's block-device mapping
/// gives it.
///
/// The default is the original Edge driver's target, `vda` on `virtio`, as a disk, with no
/// SCSI unit.
///
/// ```
/// use diskxml_connector::DiskInfo;
/// use diskxml_model::{Bus, DeviceKind};
///
/// let info = DiskInfo::new("vdb", Bus::Virtio);
/// assert_eq!(info.device, DeviceKind::Disk);
/// assert_eq!(DiskInfo::default().dev, "vda");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskInfo {
    /// The target device name, e.g. `vdb`.
    pub dev: String,
    /// The bus.
    pub bus: Bus,
    /// How the guest sees the volume.
    pub device: DeviceKind,
    /// The SCSI unit: on a `scsi` bus, nova writes `<address type='drive' controller='0'
    /// unit='N'/>` with it; without it, no address (libvirt assigns one).
    pub unit: Option<u32>,
}

impl DiskInfo {
    /// A disk on `bus` named `dev`.
    pub fn new(dev: impl Into<String>, bus: Bus) -> Self {
        Self { dev: dev.into(), bus, device: DeviceKind::Disk, unit: None }
    }
}

impl Default for DiskInfo {
    fn default() -> Self {
        Self::new("vda", Bus::Virtio)
    }
}
