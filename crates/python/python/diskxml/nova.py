"""Volume drivers that nova 34 loads, whose disks diskxml writes.

- :class:`LibvirtOpenvStorageEdgeVolumeDriver` (``openvstorage_edge``): the Open vStorage Edge
  volume driver of the old nova patch, rebuilt.
- :class:`LibvirtNbdVolumeDriver` (``nbd``): a type nova 34 does not have (an NBD export as a
  network disk), so that a real QEMU can be driven through nova's code.
- :class:`LibvirtNetVolumeDriver` (``rbd``) and :class:`LibvirtVolumeDriver` (``local``):
  optional drop-ins for nova's own drivers of those names.

Each driver's ``get_config`` returns a :class:`DiskxmlGuestDisk`: nova's own
``LibvirtConfigGuestDisk``, with every attribute nova's code reads or changes, whose XML diskxml
writes when nova serialises it (``format_dom`` / ``to_xml``). A change nova makes to the object
after ``get_config`` (``_set_cache_mode``, encryption, live migration's ``_update_volume_xml``)
is carried into the disk diskxml writes; a disk libvirt would refuse raises
:class:`diskxml.RefusedError`, with the rules named, before libvirt sees it.

:func:`register` adds the drivers to nova's ``VOLUME_DRIVERS``; the ``diskxml-nova-compute``
command (:mod:`diskxml.nova_compute`) does it before it runs nova-compute.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Dict, Iterable, List, Mapping, Optional

from lxml import etree
from oslo_config import cfg

import nova.conf
from nova.virt import block_device as driver_block_device
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt.volume import net as nova_net
from nova.virt.libvirt.volume import volume as nova_volume

import diskxml
from diskxml._errors import ArgumentError

__all__ = [
    "DEFAULT_DRIVERS",
    "DRIVERS",
    "DiskxmlGuestDisk",
    "LibvirtNbdVolumeDriver",
    "LibvirtNetVolumeDriver",
    "LibvirtOpenvStorageEdgeVolumeDriver",
    "LibvirtVolumeDriver",
    "register",
]

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

#: nova's configuration options of diskxml, in the section ``[diskxml]`` of nova.conf.
OPTS = [
    cfg.ListOpt(
        "volume_drivers",
        default=["openvstorage_edge", "nbd"],
        help="The volume types diskxml-nova-compute gives to diskxml's drivers: "
        "openvstorage_edge, nbd, and the drop-ins rbd and local.",
    ),
    cfg.BoolOpt(
        "probe",
        default=False,
        help="connect_volume checks that an Edge or nbd volume answers on its host and port "
        "(nbd: that the export exists) before the disk is attached.",
    ),
    cfg.FloatOpt("probe_timeout", default=2.0, min=0.001, help="How long the probe may take, in seconds."),
]
CONF.register_opts(OPTS, group="diskxml")

_PREFIX = "diskxml.nova."

#: Every volume type diskxml has a driver for, and its class as nova's ``VOLUME_DRIVERS``
#: names classes.
DRIVERS: Dict[str, str] = {
    "openvstorage_edge": _PREFIX + "LibvirtOpenvStorageEdgeVolumeDriver",
    "nbd": _PREFIX + "LibvirtNbdVolumeDriver",
    "rbd": _PREFIX + "LibvirtNetVolumeDriver",
    "local": _PREFIX + "LibvirtVolumeDriver",
}

#: What :func:`register` registers when not told: the types nova 34 does not have.
DEFAULT_DRIVERS = ("openvstorage_edge", "nbd")


def register(names: Iterable[str] = DEFAULT_DRIVERS) -> Dict[str, str]:
    """Adds diskxml's drivers for ``names`` to nova's ``VOLUME_DRIVERS`` (replacing nova's own
    for ``rbd`` and ``local`` when named) and returns what it set. nova reads the dict when it
    first attaches a volume of a type, so this runs before nova-compute serves. Raises
    :class:`diskxml.ArgumentError` for a name diskxml has no driver for."""
    from nova.virt.libvirt import driver as libvirt_driver

    chosen = {}
    for name in names:
        if name not in DRIVERS:
            known = ", ".join(sorted(DRIVERS))
            raise ArgumentError(f"volume_drivers: diskxml has no driver for {name!r}; known: {known}", "volume_drivers")
        chosen[name] = DRIVERS[name]
    libvirt_driver.VOLUME_DRIVERS.update(chosen)
    return chosen


_MISSING = object()


def _merge(ours: Any, before: Any, after: Any) -> Any:
    """``ours`` with the changes from ``before`` to ``after``: a three-way merge of models,
    key by key, and item by item in lists of one length (a source's hosts: nova changing a
    host's name keeps diskxml's transport); any other changed value is taken from ``after``."""
    if before == after:
        return ours
    if isinstance(ours, list) and isinstance(before, list) and isinstance(after, list):
        if len(ours) == len(before) == len(after):
            return [_merge(o, b, a) for o, b, a in zip(ours, before, after)]
        return copy.deepcopy(after)
    if not (isinstance(ours, dict) and isinstance(before, dict) and isinstance(after, dict)):
        return copy.deepcopy(after)
    merged = dict(ours)
    for key in set(before) | set(after):
        was, now = before.get(key, _MISSING), after.get(key, _MISSING)
        if was == now:
            continue
        if now is _MISSING:
            merged.pop(key, None)
        elif was is _MISSING:
            merged[key] = copy.deepcopy(now)
        else:
            merged[key] = _merge(ours.get(key, was), was, now)
    return merged


class DiskxmlGuestDisk(vconfig.LibvirtConfigGuestDisk):
    """nova's disk config whose XML diskxml writes.

    It keeps the disk diskxml rendered (``diskxml_disk``, the model as a ``dict``) and nova's
    own XML of its attributes as ``get_config`` left them. When nova serialises it, what nova
    changed since (its own XML then against its own XML now, as models) is merged into
    diskxml's disk, and diskxml writes the result, checked against libvirt's rules.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.diskxml_disk: Optional[Dict[str, Any]] = None
        self._diskxml_base: Optional[bytes] = None

    def _nova_xml(self) -> Optional[bytes]:
        """nova's own XML of the attributes now; ``None`` where nova's writer cannot write
        them (it raises on an unset host name, for one)."""
        try:
            return etree.tostring(super().format_dom())
        except (TypeError, ValueError):
            return None

    @classmethod
    def adopt(cls, conf: vconfig.LibvirtConfigGuestDisk, disk: Dict[str, Any]) -> "DiskxmlGuestDisk":
        """``conf``'s attributes, with ``disk`` as the disk to write."""
        adopted = cls()
        adopted.__dict__.update(conf.__dict__)
        adopted.diskxml_disk = disk
        adopted._diskxml_base = adopted._nova_xml()
        return adopted

    def diskxml_model(self) -> Dict[str, Any]:
        """The disk diskxml writes now: its own, with nova's later changes merged in."""
        if self.diskxml_disk is None:
            # Not made by get_config (nova built or parsed it): nova's attributes are all there is.
            now = self._nova_xml()
            if now is None:
                raise diskxml.DiskError("nova's disk config cannot be written: an attribute it needs is unset")
            return diskxml.parse_disk(now.decode())
        now = self._nova_xml()
        if self._diskxml_base is None or now is None or now == self._diskxml_base:
            return self.diskxml_disk
        before = diskxml.parse_disk(self._diskxml_base.decode())
        after = diskxml.parse_disk(now.decode())
        merged: Dict[str, Any] = _merge(self.diskxml_disk, before, after)
        return merged

    def format_dom(self) -> Any:
        xml = diskxml.write_disk(self.diskxml_model(), check=True)
        return etree.fromstring(xml)


def _disk_info(disk_info: Mapping[str, Any]) -> Dict[str, Any]:
    """nova's disk_info as :func:`diskxml.render` takes it: a unit on a scsi bus only, as nova
    writes an address only there."""
    bus = disk_info["bus"]
    return {
        "dev": disk_info["dev"],
        "bus": bus,
        "device": disk_info.get("type") or "disk",
        "unit": disk_info.get("unit") if bus == "scsi" else None,
    }


def _volume_secrets(conf: vconfig.LibvirtConfigGuestDisk, connection_info: Mapping[str, Any]) -> Dict[str, str]:
    """The volume's LUKS secret as nova's base driver found it (``host.find_secret('volume',
    id)``), for diskxml to write the same ``<encryption>``."""
    encryption = getattr(conf, "volume_encryption", None)
    volume_id = driver_block_device.get_volume_id(connection_info)
    if encryption is None or encryption.secret is None or not volume_id:
        return {}
    return {volume_id: encryption.secret.uuid}


def _rendered(
    conf: vconfig.LibvirtConfigGuestDisk,
    connection_info: Mapping[str, Any],
    disk_info: Mapping[str, Any],
    driver_volume_type: Optional[str] = None,
) -> diskxml.Rendered:
    """diskxml's disk for the connection info, with the host's settings nova reads and the
    secret nova's base driver found for ``conf``; what it ignored is logged."""
    info = dict(connection_info)
    if driver_volume_type is not None:
        info["driver_volume_type"] = driver_volume_type
    rendered = diskxml.render(
        info,
        rbd_user=CONF.libvirt.rbd_user,
        rbd_secret_uuid=CONF.libvirt.rbd_secret_uuid,
        volume_secrets=_volume_secrets(conf, connection_info),
        **_disk_info(disk_info),
    )
    for warning in rendered.warnings:
        LOG.warning("diskxml: %s", warning)
    return rendered


def _network_source(conf: vconfig.LibvirtConfigGuestDisk, disk: Mapping[str, Any]) -> None:
    """nova's source attributes from diskxml's network source, so that nova's code sees the
    disk it will get (``source_type``, ``source_protocol``, ``source_name``, hosts, ports)."""
    network = disk["source"]["network"]
    conf.source_type = "network"
    conf.source_protocol = network["protocol"]
    conf.source_name = network.get("name")
    hosts = network.get("hosts", [])
    conf.source_hosts = [h.get("name") for h in hosts]
    conf.source_ports = [None if h.get("port") is None else str(h["port"]) for h in hosts]


class _DiskxmlNetworkDriver(nova_volume.LibvirtBaseVolumeDriver):
    """A network volume whose disk diskxml makes from the connection info, with nova's common
    settings from nova's base driver; connect probes when ``[diskxml] probe`` is set."""

    #: The connection info's type this driver renders.
    volume_type = ""

    def __init__(self, host):  # type: ignore[no-untyped-def]  # nova's signature, unannotated
        super().__init__(host, is_block_dev=False)

    def get_config(self, connection_info, disk_info):  # type: ignore[no-untyped-def]  # nova's signature, unannotated
        # nova's common settings first (it finds the volume's LUKS secret, as for any volume).
        conf = super().get_config(connection_info, disk_info)
        rendered = _rendered(conf, connection_info, disk_info, self.volume_type)
        _network_source(conf, rendered.disk)
        return DiskxmlGuestDisk.adopt(conf, rendered.disk)

    def connect_volume(self, connection_info, instance):  # type: ignore[no-untyped-def]
        device = diskxml.connect(connection_info, probe=CONF.diskxml.probe, timeout=CONF.diskxml.probe_timeout)
        LOG.debug("diskxml: connected %s (%s)", device.path, device.kind)

    def disconnect_volume(self, connection_info, instance, force=False):  # type: ignore[no-untyped-def]
        diskxml.disconnect(connection_info)

    def extend_volume(self, connection_info, instance, requested_size):  # type: ignore[no-untyped-def]
        # As for nova's network volumes: the backend grew the volume, QEMU opens it directly,
        # and no host device needs a rescan. Where the probe learns the size (nbd), it is
        # the size QEMU will see.
        if CONF.diskxml.probe:
            device = diskxml.connect(connection_info, probe=True, timeout=CONF.diskxml.probe_timeout)
            if device.size is not None:
                return device.size
        return requested_size


class LibvirtOpenvStorageEdgeVolumeDriver(_DiskxmlNetworkDriver):
    """The Open vStorage Edge volume driver (``openvstorage_edge``): the disk is
    ``<source protocol='openvstorage'>`` with the one host of ``data.device_path``, and nova's
    common settings (serial, QoS, read-only, discard, multi-attach, alias, encryption).

    Stock libvirt refuses ``protocol='openvstorage'``: the host needs Open vStorage's libvirt and
    QEMU builds (docs/nova.md). Connecting needs nothing on the host (QEMU's Edge client opens
    the volume); with ``[diskxml] probe`` set, connect checks that the Edge port answers."""

    volume_type = "openvstorage_edge"


class LibvirtNbdVolumeDriver(_DiskxmlNetworkDriver):
    """An NBD export as a network disk (``nbd``; ``data.name`` the export, ``data.hosts`` and
    ``data.ports`` its one server). With ``[diskxml] probe`` set, connect performs the NBD
    handshake and checks that the export exists."""

    volume_type = "nbd"


class LibvirtNetVolumeDriver(nova_net.LibvirtNetVolumeDriver):
    """A drop-in for nova's ``rbd`` driver: nova's own driver sets the attributes, diskxml
    writes the disk (or refuses what libvirt would)."""

    def get_config(self, connection_info, disk_info):  # type: ignore[no-untyped-def]  # nova's signature, unannotated
        conf = super().get_config(connection_info, disk_info)
        return DiskxmlGuestDisk.adopt(conf, _rendered(conf, connection_info, disk_info).disk)


class LibvirtVolumeDriver(nova_volume.LibvirtVolumeDriver):
    """A drop-in for nova's ``local`` driver (a host block device): nova's own driver sets the
    attributes, diskxml writes the disk (or refuses what libvirt would)."""

    def get_config(self, connection_info, disk_info):  # type: ignore[no-untyped-def]  # nova's signature, unannotated
        conf = super().get_config(connection_info, disk_info)
        # nova's driver writes a block disk whatever the type says (its tests say 'fake').
        return DiskxmlGuestDisk.adopt(conf, _rendered(conf, connection_info, disk_info, "local").disk)

