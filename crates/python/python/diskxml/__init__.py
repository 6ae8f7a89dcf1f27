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

Every function calls the Rust facade (crate ``diskxml``) and releases the GIL while it works.
A disk as a ``dict`` is the JSON of the Rust model's ``serde`` feature.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _native
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


def _json(connection_info: ConnectionInfo) -> str:
    if isinstance(connection_info, str):
        return connection_info
    return json.dumps(connection_info)


@dataclass(frozen=True)
class RenderWarning:
    """Something :func:`render` wants heard: an ignored field of the connection info
    (``kind`` ``"ignored"``, with ``field``) or a rule whose verdict depends on the host's QEMU
    build (``kind`` ``"host-dependent"``, with ``rule``)."""

    kind: str
    field: Optional[str]
    rule: Optional[str]
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class Rendered:
    """What :func:`render` made: ``xml`` (libvirt's style, ending with a newline),
    ``warnings``, and ``disk``, the model as a ``dict`` (read on first use)."""

    __slots__ = ("xml", "warnings", "_disk_json", "_disk")

    def __init__(self, xml: str, disk_json: str, warnings: List[RenderWarning]) -> None:
        self.xml = xml
        self.warnings = warnings
        self._disk_json = disk_json
        self._disk: Optional[Dict[str, Any]] = None

    @property
    def disk(self) -> Dict[str, Any]:
        """The disk's model, read from its JSON on first access (shared: copy it to change it)."""
        if self._disk is None:
            self._disk = json.loads(self._disk_json)
        return self._disk

    def __str__(self) -> str:
        return self.xml

    def __repr__(self) -> str:
        return f"Rendered(xml={self.xml!r}, warnings={self.warnings!r})"


@dataclass(frozen=True)
class Device:
    """What :func:`connect` reached: the driver's name, the device path or URI, and the
    volume's size in bytes where the probe learnt it (nbd)."""

    kind: str
    path: str
    size: Optional[int]


def render(
    connection_info: ConnectionInfo,
    dev: str = "vda",
    bus: Optional[str] = None,
    device: str = "disk",
    unit: Optional[int] = None,
    serial: Optional[str] = None,
    *,
    rbd_user: Optional[str] = None,
    rbd_secret_uuid: Optional[str] = None,
    volume_secrets: Optional[Mapping[str, str]] = None,
) -> Rendered:
    """Connection info to the disk XML nova 34 writes for it, checked against libvirt's QEMU
    driver: ``Rendered``, or an exception that says why not.

    ``bus`` defaults to the one ``dev``'s prefix names (vd virtio, sd scsi, hd ide, ...);
    ``unit`` is a SCSI unit (scsi bus only); ``serial`` overrides the connection info's.
    ``rbd_user`` and ``rbd_secret_uuid`` are the host's ``[libvirt]`` settings nova falls back
    to for rbd; ``volume_secrets`` maps a volume id to the uuid of its libvirt secret of usage
    ``volume`` (the volume is then LUKS-encrypted, as nova finds it).

    Raises :class:`ConnectionInfoError` (with ``field``), :class:`ArgumentError`,
    :class:`RefusedError` (with ``problems``) or :class:`DiskError`.
    """
    xml, disk_json, warnings = _native.render(
        _json(connection_info),
        dev,
        bus,
        device,
        unit,
        serial,
        rbd_user,
        rbd_secret_uuid,
        dict(volume_secrets or {}),
    )
    return Rendered(xml, disk_json, [RenderWarning(*w) for w in warnings])


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
    empty list means the rules hold. Raises :class:`XmlError` when the text cannot be read."""
    return [Problem(rule, message, line, column, disk) for rule, message, line, column, disk in _native.check(xml, profile)]


def normalize(xml: str, profile: str = "qemu") -> str:
    """A ``<disk>`` as libvirt prints it back after reading it (``qemu``: as KVM hosts show
    it). Raises :class:`XmlError` or :class:`ArgumentError` (an unknown profile)."""
    return _native.normalize(xml, profile)


def connect(connection_info: ConnectionInfo, probe: bool = False, timeout: float = 2.0) -> Device:
    """Connects a volume with diskxml's built-in drivers; with ``probe``, checks that it is
    reachable within ``timeout`` seconds first (the Edge and nbd TCP probes; nbd also learns
    the export's size). Raises :class:`ConnectionInfoError` or :class:`ConnectError`."""
    kind, path, size = _native.connect(_json(connection_info), probe, timeout)
    return Device(kind, path, size)


def disconnect(connection_info: ConnectionInfo) -> None:
    """Disconnects a volume :func:`connect` connected. Raises :class:`ConnectionInfoError`."""
    _native.disconnect(_json(connection_info))


def drivers() -> List[str]:
    """The ``driver_volume_type`` values :func:`render` knows, sorted."""
    return _native.drivers()
