//! `diskxml._native`: the facade for Python. Every function takes and returns plain values
//! (strings, numbers, tuples); the package's Python side (`python/diskxml/__init__.py`) turns
//! them into its documented API, and every error into an exception of `diskxml._errors`, with
//! the line and column, the JSON field, or the rules libvirt would refuse on.
//!
//! Work on the input runs with the GIL released ([`Python::detach`]): nova-compute's other
//! threads go on while a disk is parsed, checked or written.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use diskxml::connector::{self, HostSettings};
use diskxml::{ConnectionInfo, Disk, Error, ProbeOptions, Registry, ToXml};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// One problem: rule id, message, and where (line and column, 1-based, when it has a place).
type ProblemTuple = (String, String, Option<u32>, Option<u32>);

/// One finding of `check`: rule id, message, line, column, and the index of its disk.
type FindingTuple = (String, String, u32, u32, usize);

/// What `render` made: the XML, the warnings (`diskxml.RenderWarning`), and the disk's
/// model, kept in Rust until Python asks for it (most callers want the XML only).
#[pyclass(frozen, module = "diskxml", name = "Rendered")]
struct Rendered {
    /// The disk's XML in libvirt's style, ending with a newline.
    #[pyo3(get)]
    xml: Py<PyString>,
    /// What `render` wants heard: ignored fields, host-dependent rules.
    #[pyo3(get)]
    warnings: Py<PyList>,
    model: Disk,
    dict: PyOnceLock<Py<PyAny>>,
}

#[pymethods]
impl Rendered {
    /// The disk's model as a `dict` (the JSON of the Rust model's `serde` feature), made on
    /// first access and shared: copy it to change it.
    #[getter]
    fn disk(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let dict = self.dict.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let json = to_json(py, &self.model)?;
            Ok(py.import("json")?.call_method1("loads", (json,))?.unbind())
        })?;
        Ok(dict.clone_ref(py))
    }

    fn __str__(&self, py: Python<'_>) -> Py<PyString> {
        self.xml.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Rendered(xml={}, warnings={})", self.xml.bind(py).repr()?, self.warnings.bind(py).repr()?))
    }
}

/// `render`'s warnings as `diskxml.RenderWarning`s: `(kind, field, rule, message)`.
fn render_warnings<'py>(py: Python<'py>, warnings: &[diskxml::Warning]) -> PyResult<Bound<'py, PyList>> {
    if warnings.is_empty() {
        return Ok(PyList::empty(py));
    }
    let class = py.import("diskxml._values")?.getattr("RenderWarning")?;
    let made = warnings.iter().map(|w| match w {
        diskxml::Warning::Ignored(i) => {
            class.call1(("ignored", Some(i.field.as_str()), None::<&str>, i.message.as_str()))
        }
        diskxml::Warning::HostDependent(p) => {
            class.call1(("host-dependent", None::<&str>, Some(p.rule.code()), w.to_string()))
        }
        other => class.call1(("other", None::<&str>, None::<&str>, other.to_string())),
    });
    PyList::new(py, made.collect::<PyResult<Vec<_>>>()?)
}

/// The built-in drivers without host settings, made once.
static BUILTINS: LazyLock<Registry> = LazyLock::new(Registry::with_builtins);

/// How deep a connection info given as Python values may nest (nova's is three levels).
const MAX_DEPTH: usize = 64;

/// Where a value is in the connection info: made into a field name (`data.hosts[0]`) only
/// when there is an error to report.
#[derive(Clone, Copy)]
enum Place<'a> {
    Top,
    Key(&'a Place<'a>, &'a str),
    Index(&'a Place<'a>, usize),
}

impl Place<'_> {
    fn field(&self) -> String {
        match self {
            Place::Top => "(top level)".to_owned(),
            Place::Key(Place::Top, key) => (*key).to_owned(),
            Place::Key(parent, key) => format!("{}.{key}", parent.field()),
            Place::Index(parent, i) => format!("{}[{i}]", parent.field()),
        }
    }

    fn depth(&self) -> usize {
        match self {
            Place::Top => 0,
            Place::Key(parent, _) | Place::Index(parent, _) => parent.depth() + 1,
        }
    }
}

/// A connection info given as Python values (`dict`, `list`, `tuple`, `str`, `int`, `float`,
/// `bool`, `None`) to JSON, without a detour through JSON text; anything else is an error
/// naming the field: `(field, message)`.
fn to_value(obj: &Bound<'_, PyAny>, place: Place<'_>) -> Result<Value, (String, String)> {
    let at = |message: String| (place.field(), message);
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str().map(|s| Value::String(s.to_owned())).map_err(|e| at(e.to_string()));
    }
    // bool before int: Python's bool is an int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        return obj
            .extract::<u64>()
            .map(|u| Value::Number(u.into()))
            .map_err(|_| at("an integer beyond 64 bits".to_owned()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| at(format!("{} is not a JSON number", f.value())));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        nest(place)?;
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>().map_err(|_| ()).and_then(|k| k.to_str().map_err(|_| ())) else {
                return Err(at(format!(
                    "a key that is not a string: {}",
                    k.repr().map(|r| r.to_string()).unwrap_or_default()
                )));
            };
            let value = to_value(&v, Place::Key(&place, key))?;
            map.insert(key.to_owned(), value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return array(l.iter(), place);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return array(t.iter(), place);
    }
    let kind = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(at(format!("a {kind}, which JSON has no value for")))
}

/// Refuses a container nested deeper than [`MAX_DEPTH`].
fn nest(place: Place<'_>) -> Result<(), (String, String)> {
    if place.depth() >= MAX_DEPTH {
        return Err((place.field(), format!("nested deeper than {MAX_DEPTH} levels")));
    }
    Ok(())
}

/// A `list`'s or `tuple`'s items as a JSON array.
fn array<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>, place: Place<'_>) -> Result<Value, (String, String)> {
    nest(place)?;
    items.enumerate().map(|(i, v)| to_value(&v, Place::Index(&place, i))).collect::<Result<_, _>>().map(Value::Array)
}

/// The connection info as text (JSON) or as Python values.
fn read_connection_info(py: Python<'_>, given: &Bound<'_, PyAny>) -> PyResult<ConnectionInfo> {
    let parsed = if let Ok(text) = given.cast::<PyString>() {
        ConnectionInfo::from_json(text.to_str()?)
    } else {
        let value = to_value(given, Place::Top).map_err(|(field, message)| {
            raise(py, "ConnectionInfoError", (format!("{field}: {message}"), Some(field), None::<usize>, None::<usize>))
        })?;
        ConnectionInfo::from_value(value)
    };
    parsed.map_err(|e| error(py, Error::from(e)))
}

/// An exception of `diskxml._errors`, built with `args`.
fn raise<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = py
        .import("diskxml._errors")
        .and_then(|module| module.getattr(class))
        .and_then(|class| class.call1(args))
        .map(|instance| PyErr::from_value(instance.into_any()));
    made.unwrap_or_else(|e| e)
}

/// The exception for a facade error: `XmlError` with line and column, `ConnectionInfoError`
/// with the field, `RefusedError` with the problems, `ArgumentError` with the argument's name,
/// `ConnectError` for an unreachable volume, `DiskError` for the rest.
fn error(py: Python<'_>, e: Error) -> PyErr {
    let message = e.to_string();
    match e {
        Error::Parse(p) => {
            let pos = p.pos();
            raise(py, "XmlError", (message, pos.line, pos.column))
        }
        Error::Connector(c) => connector_error(py, message, c),
        Error::Refused(refused) => {
            let problems: Vec<ProblemTuple> =
                refused.problems.iter().map(|p| (p.rule.code().to_owned(), p.message.clone(), None, None)).collect();
            raise(py, "RefusedError", (message, problems))
        }
        Error::Argument { name, .. } => raise(py, "ArgumentError", (message, name)),
        _ => raise(py, "DiskError", (message,)),
    }
}

fn connector_error(py: Python<'_>, message: String, e: connector::Error) -> PyErr {
    match e {
        connector::Error::Json { line, column, .. } => {
            raise(py, "ConnectionInfoError", (message, None::<String>, Some(line), Some(column)))
        }
        connector::Error::Field { field, .. } => {
            raise(py, "ConnectionInfoError", (message, Some(field), None::<usize>, None::<usize>))
        }
        connector::Error::UnknownDriver { .. } => {
            raise(py, "ConnectionInfoError", (message, Some("driver_volume_type"), None::<usize>, None::<usize>))
        }
        _ => raise(py, "ConnectError", (message,)),
    }
}

/// The model as the JSON of diskxml's `serde` feature.
fn to_json(py: Python<'_>, disk: &Disk) -> PyResult<String> {
    serde_json::to_string(disk).map_err(|e| raise(py, "DiskError", (e.to_string(),)))
}

/// The host's settings nova's drivers read: `[libvirt] rbd_user`, `rbd_secret_uuid`, and the
/// libvirt secrets of usage `volume` (volume id to secret uuid).
/// `None` when there are none: [`BUILTINS`] then serves.
fn registry(
    rbd_user: Option<String>,
    rbd_secret_uuid: Option<String>,
    secrets: BTreeMap<String, String>,
) -> Option<Registry> {
    if rbd_user.is_none() && rbd_secret_uuid.is_none() && secrets.is_empty() {
        return None;
    }
    let mut host = HostSettings::default();
    host.rbd_user = rbd_user;
    host.rbd_secret_uuid = rbd_secret_uuid;
    host.volume_secrets = secrets.into_iter().collect();
    Some(Registry::with_host_settings(host))
}

/// Connection info to the disk XML nova 34 writes for it, checked against libvirt's QEMU
/// driver: a ``Rendered`` (``xml``, ``warnings``, ``disk``), or an exception that says why not.
///
/// ``connection_info`` is a ``dict`` as nova hands it over, or JSON text. ``bus`` defaults to
/// the one ``dev``'s prefix names (vd virtio, sd scsi, hd ide, ...); ``unit`` is a SCSI unit
/// (scsi bus only); ``serial`` overrides the connection info's. ``rbd_user`` and
/// ``rbd_secret_uuid`` are the host's ``[libvirt]`` settings nova falls back to for rbd;
/// ``volume_secrets`` maps a volume id to the uuid of its libvirt secret of usage ``volume``
/// (the volume is then LUKS-encrypted, as nova finds it).
///
/// Raises ``ConnectionInfoError`` (with ``field``), ``ArgumentError``, ``RefusedError`` (with
/// ``problems``) or ``DiskError``.
#[pyfunction]
#[pyo3(signature = (
    connection_info, dev = "vda", bus = None, device = "disk", unit = None, serial = None,
    *, rbd_user = None, rbd_secret_uuid = None, volume_secrets = None,
))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one for one.
fn render(
    py: Python<'_>,
    connection_info: &Bound<'_, PyAny>,
    dev: &str,
    bus: Option<&str>,
    device: &str,
    unit: Option<u32>,
    serial: Option<String>,
    rbd_user: Option<String>,
    rbd_secret_uuid: Option<String>,
    volume_secrets: Option<BTreeMap<String, String>>,
) -> PyResult<Rendered> {
    let mut info = read_connection_info(py, connection_info)?;
    let done = py.detach(|| {
        let disk_info = diskxml::disk_info(dev, bus, device, unit)?;
        if serial.is_some() {
            info.set_serial(serial);
        }
        match registry(rbd_user, rbd_secret_uuid, volume_secrets.unwrap_or_default()) {
            Some(own) => diskxml::render_info(&own, &info, &disk_info),
            None => diskxml::render_info(&BUILTINS, &info, &disk_info),
        }
    });
    let rendered = done.map_err(|e| error(py, e))?;
    Ok(Rendered {
        xml: PyString::new(py, &rendered.xml).unbind(),
        warnings: render_warnings(py, &rendered.warnings)?.unbind(),
        model: rendered.disk,
        dict: PyOnceLock::new(),
    })
}

/// A `<disk>` document to the model's JSON.
#[pyfunction]
fn parse_disk(py: Python<'_>, xml: &str) -> PyResult<String> {
    let disk = py.detach(|| diskxml::parse_disk(xml)).map_err(|e| error(py, e))?;
    to_json(py, &disk)
}

/// Every disk of a `<domain>` document, each as the model's JSON.
#[pyfunction]
fn disks(py: Python<'_>, xml: &str) -> PyResult<Vec<String>> {
    let disks = py.detach(|| diskxml::parse_domain_disks(xml)).map_err(|e| error(py, e))?;
    disks.iter().map(|d| to_json(py, d)).collect()
}

/// The model's JSON to XML: with `check`, refused as `render` refuses what libvirt would.
#[pyfunction]
fn write_disk(py: Python<'_>, disk: &str, check: bool) -> PyResult<String> {
    let disk: Disk = serde_json::from_str(disk).map_err(|e| raise(py, "DiskError", (e.to_string(),)))?;
    let written = py.detach(|| if check { diskxml::Rendered::from_disk(disk).map(|r| r.xml) } else { disk.to_xml() });
    written.map_err(|e| error(py, e))
}

/// `<disk>` or `<domain>` XML checked under a profile: every problem, located, with the
/// index of its disk.
#[pyfunction]
fn check(py: Python<'_>, xml: &str, profile: &str) -> PyResult<Vec<FindingTuple>> {
    let findings = py.detach(|| diskxml::check(xml, diskxml::profile(profile)?)).map_err(|e| error(py, e))?;
    Ok(findings
        .into_iter()
        .map(|f| (f.problem.rule.code().to_owned(), f.problem.message, f.pos.line, f.pos.column, f.disk))
        .collect())
}

/// A `<disk>` as libvirt prints it back under a profile.
#[pyfunction]
fn normalize(py: Python<'_>, xml: &str, profile: &str) -> PyResult<String> {
    py.detach(|| {
        let profile = diskxml::profile(profile)?;
        diskxml::normalize(&diskxml::parse_disk(xml)?, profile).to_xml()
    })
    .map_err(|e| error(py, e))
}

/// Connects a volume with the built-in drivers, probing it when asked: `(kind, path, size)`.
#[pyfunction]
fn connect(
    py: Python<'_>,
    connection_info: &Bound<'_, PyAny>,
    probe: bool,
    timeout: f64,
) -> PyResult<(String, String, Option<u64>, bool)> {
    let timeout = Duration::try_from_secs_f64(timeout)
        .map_err(|_| raise(py, "ArgumentError", (format!("timeout: {timeout} is not a duration"), "timeout")))?;
    let options = if probe { ProbeOptions::probing(timeout) } else { ProbeOptions::default() };
    let info = read_connection_info(py, connection_info)?;
    let device = py.detach(|| BUILTINS.connect(&info, &options)).map_err(|e| error(py, e.into()))?;
    Ok((device.kind, device.path, device.size, device.probed))
}

/// Disconnects a volume with the built-in drivers.
#[pyfunction]
fn disconnect(py: Python<'_>, connection_info: &Bound<'_, PyAny>) -> PyResult<()> {
    let info = read_connection_info(py, connection_info)?;
    py.detach(|| BUILTINS.disconnect(&info, None)).map_err(|e| error(py, e.into()))
}

/// The volume types the built-in registry knows, sorted.
#[pyfunction]
fn drivers() -> Vec<String> {
    let mut names: Vec<String> = BUILTINS.names().map(str::to_owned).collect();
    names.sort();
    names
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Rendered>()?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(parse_disk, m)?)?;
    m.add_function(wrap_pyfunction!(disks, m)?)?;
    m.add_function(wrap_pyfunction!(write_disk, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(connect, m)?)?;
    m.add_function(wrap_pyfunction!(disconnect, m)?)?;
    m.add_function(wrap_pyfunction!(drivers, m)?)?;
    Ok(())
}
