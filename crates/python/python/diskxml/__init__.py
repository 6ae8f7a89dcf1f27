"""diskxml for Python: libvirt ``<disk>`` XML from connection info, read losslessly, checked
against libvirt's rules; and, in :mod:`diskxml.nova`, volume drivers that nova 34 loads.

>>> import diskxml
>>> info = {"driver_volume_type": "openvstorage_edge", "serial": "8d5e2a5c",
...         "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"}}
>>> print(diskxml.render(info, dev="vdb").xml, end="")
<disk type='network' device='disk'>
  <driver name='qemu' type='raw' cache='none'/>
  <source protocol='openvstorage' name='volume-8d5e2a5c'>
    <host name='10.130.11.202' port='26203' transport='tcp'/>
  </source>
  <target dev='vdb' bus='virtio'/>
  <serial>8d5e2a5c</serial>
  <alias name='ua-8d5e2a5c'/>
</disk>

Every function calls the Rust facade (crate ``diskxml``) and releases the GIL while it works;
:func:`render` and :class:`Rendered` are the native module's own (no Python in between).
A disk as a ``dict`` is the JSON of the Rust model's ``serde`` feature.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _native
from ._native import Rendered, render
from ._values import RenderWarning
from ._errors import (
    ArgumentError,
    ConnectError,
    ConnectionInfoError,
    DiskError,
    Error,
    Problem,
    RefusedError,
    XmlError,
)

__all__ = [
    "ArgumentError",
    "ConnectError",
    "ConnectionInfo",
    "ConnectionInfoError",
    "Device",
    "DiskError",
    "Error",
    "Problem",
    "RefusedError",
    "RenderWarning",
    "Rendered",
    "XmlError",
    "check",
    "connect",
    "disconnect",
    "disks",
    "drivers",
    "normalize",
    "parse_disk",
    "render",
    "write_disk",
]

__version__: str = _native.__version__

#: Connection info as nova hands it over (a ``dict``) or as JSON text.
ConnectionInfo = Union[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Device:
    """What :func:`connect` reached: the driver's name, the device path or URI, the volume's
    size in bytes where the probe learnt it (nbd), and whether a probe checked anything
    (false without ``probe``, and for drivers with nothing to probe: rbd, iscsi, ...)."""

    kind: str
    path: str
    size: Optional[int]
    probed: bool = False


def parse_disk(xml: str) -> Dict[str, Any]:
    """A ``<disk>`` document to its model (a ``dict``), losing nothing: what the model does not
    know is kept under ``extras``. Raises :class:`XmlError` with ``line`` and ``column``."""
    result: Dict[str, Any] = json.loads(_native.parse_disk(xml))
    return result


def disks(domain_xml: str) -> List[Dict[str, Any]]:
    """Every ``<disk>`` of a ``<domain>`` document, in document order, as models.
    Raises :class:`XmlError`."""
    return [json.loads(d) for d in _native.disks(domain_xml)]


def write_disk(disk: Mapping[str, Any], check: bool = True) -> str:
    """A model (as :func:`parse_disk` returns it) to XML in libvirt's style. With ``check``
    (the default) a disk libvirt would refuse raises :class:`RefusedError` instead; a model the
    Rust model refuses raises :class:`DiskError`."""
    return _native.write_disk(json.dumps(disk), check)


def check(xml: str, profile: str = "qemu") -> List[Problem]:
    """A ``<disk>`` or every disk of a ``<domain>`` against libvirt's rules: ``qemu`` (its
    parser and its QEMU driver) or ``generic`` (its parser alone). Every problem, located; an
    empty list means the rules hold. A disk the model cannot hold (a port out of range, a
    ``<target>`` without ``dev``) is a problem under its construction rule (``source.host-port``,
    ``xml.required``, ...). Raises :class:`XmlError` when the document cannot be read at all."""
    return [Problem(rule, message, line, column, disk) for rule, message, line, column, disk in _native.check(xml, profile)]


def normalize(xml: str, profile: str = "qemu") -> str:
    """A ``<disk>`` as libvirt prints it back after reading it (``qemu``: as KVM hosts show
    it). Raises :class:`XmlError` or :class:`ArgumentError` (an unknown profile)."""
    return _native.normalize(xml, profile)


def connect(connection_info: ConnectionInfo, probe: bool = False, timeout: float = 2.0) -> Device:
    """Connects a volume with diskxml's built-in drivers; with ``probe``, checks that it is
    reachable within ``timeout`` seconds first (the Edge and nbd TCP probes; nbd also learns
    the export's size). Raises :class:`ConnectionInfoError` or :class:`ConnectError`."""
    kind, path, size, probed = _native.connect(connection_info, probe, timeout)
    return Device(kind, path, size, probed)


def disconnect(connection_info: ConnectionInfo) -> None:
    """Disconnects a volume :func:`connect` connected. Raises :class:`ConnectionInfoError`."""
    _native.disconnect(connection_info)


def drivers() -> List[str]:
    """The ``driver_volume_type`` values :func:`render` knows, sorted."""
    return _native.drivers()
