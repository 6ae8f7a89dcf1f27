//! `diskxml._native`: the facade for Python. Every function takes and returns plain values
//! (strings, numbers, tuples); the package's Python side (`python/diskxml/__init__.py`) turns
//! them into its documented API, and every error into an exception of `diskxml._errors`, with
//! the line and column, the JSON field, or the rules libvirt would refuse on.
//!
//! Work on the input runs with the GIL released ([`Python::detach`]): nova-compute's other
//! threads go on while a disk is parsed, checked or written.

use std::collections::BTreeMap;
use std::time::Duration;

use diskxml::connector::{self, HostSettings};
use diskxml::{ConnectionInfo, Disk, Error, ProbeOptions, Registry, ToXml};
use pyo3::prelude::*;

/// One problem: rule id, message, and where (line and column, 1-based, when it has a place).
type ProblemTuple = (String, String, Option<u32>, Option<u32>);

/// One finding of `check`: rule id, message, line, column, and the index of its disk.
type FindingTuple = (String, String, u32, u32, usize);

/// What `render` hands back: XML, the disk's model as JSON, and the warnings as
/// `(kind, field, rule, message)`.
type RenderedTuple = (String, String, Vec<(String, Option<String>, Option<String>, String)>);

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
        Error::Refused(problems) => {
            let problems: Vec<ProblemTuple> =
                problems.iter().map(|p| (p.rule.code().to_owned(), p.message.clone(), None, None)).collect();
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
fn registry(rbd_user: Option<String>, rbd_secret_uuid: Option<String>, secrets: BTreeMap<String, String>) -> Registry {
    let mut host = HostSettings::default();
    host.rbd_user = rbd_user;
    host.rbd_secret_uuid = rbd_secret_uuid;
    host.volume_secrets = secrets.into_iter().collect();
    Registry::with_host_settings(host)
}

/// Connection info JSON to checked disk XML (`diskxml::render_info`).
#[pyfunction]
#[pyo3(signature = (connection_info, dev, bus, device, unit, serial, rbd_user, rbd_secret_uuid, volume_secrets))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one for one.
fn render(
    py: Python<'_>,
    connection_info: &str,
    dev: &str,
    bus: Option<&str>,
    device: &str,
    unit: Option<u32>,
    serial: Option<String>,
    rbd_user: Option<String>,
    rbd_secret_uuid: Option<String>,
    volume_secrets: BTreeMap<String, String>,
) -> PyResult<RenderedTuple> {
    let done = py.detach(|| {
        let disk_info = diskxml::disk_info(dev, bus, device, unit)?;
        let mut info = ConnectionInfo::from_json(connection_info)?;
        if serial.is_some() {
            info.set_serial(serial);
        }
        let registry = registry(rbd_user, rbd_secret_uuid, volume_secrets);
        diskxml::render_info(&registry, &info, &disk_info)
    });
    let rendered = done.map_err(|e| error(py, e))?;
    let json = to_json(py, &rendered.disk)?;
    let warnings = rendered
        .warnings
        .iter()
        .map(|w| match w {
            diskxml::Warning::Ignored(i) => ("ignored".to_owned(), Some(i.field.clone()), None, i.message.clone()),
            diskxml::Warning::HostDependent(p) => {
                ("host-dependent".to_owned(), None, Some(p.rule.code().to_owned()), w.to_string())
            }
            other => ("other".to_owned(), None, None, other.to_string()),
        })
        .collect();
    Ok((rendered.xml, json, warnings))
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
    connection_info: &str,
    probe: bool,
    timeout: f64,
) -> PyResult<(String, String, Option<u64>)> {
    let timeout = Duration::try_from_secs_f64(timeout)
        .map_err(|_| raise(py, "ArgumentError", (format!("timeout: {timeout} is not a duration"), "timeout")))?;
    let options = if probe { ProbeOptions::probing(timeout) } else { ProbeOptions::default() };
    let device = py
        .detach(|| {
            let info = ConnectionInfo::from_json(connection_info)?;
            Registry::with_builtins().connect(&info, &options).map_err(Error::from)
        })
        .map_err(|e| error(py, e))?;
    Ok((device.kind, device.path, device.size))
}

/// Disconnects a volume with the built-in drivers.
#[pyfunction]
fn disconnect(py: Python<'_>, connection_info: &str) -> PyResult<()> {
    py.detach(|| {
        let info = ConnectionInfo::from_json(connection_info)?;
        Registry::with_builtins().disconnect(&info, None).map_err(Error::from)
    })
    .map_err(|e| error(py, e))
}

/// The volume types the built-in registry knows, sorted.
#[pyfunction]
fn drivers() -> Vec<String> {
    let mut names: Vec<String> = Registry::with_builtins().names().map(str::to_owned).collect();
    names.sort();
    names
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
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
