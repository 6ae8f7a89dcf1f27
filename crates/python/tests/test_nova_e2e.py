"""End to end on the real libvirtd (``DISKXML_LIBVIRT_URI``, the one .ci/libvirtd started),
through nova's code from ``LibvirtDriver`` down, as far as it runs without a database:
``attach_volume`` (connect with the NBD probe, ``_get_volume_config``, ``Guest.attach_device``)
and ``detach_volume`` (nova's alias lookup, ``_detach_with_retry``, disconnect).

- An ``nbd`` volume served by a real qemu-nbd on loopback, attached to a running guest (a
  TCG guest with a virtio-scsi controller: SCSI unplug completes without a guest OS) and to a
  shut-off one (config only). The guest's XML holds the disk nova's alias lookup finds; after
  detach the domain's persistent XML is byte-identical to before.
- An Open vStorage Edge volume: stock libvirt refuses the disk with its own message.

nova-compute 34's native-threading mode, as ``nova.cmd.compute`` starts it (so in a process
of its own, without nova's unit-test fixtures, which import eventlet). Every domain is named
``diskxml-pytest-<pid>-<random>`` and is removed again, also when a test fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import unittest
import uuid
from typing import Any, Dict, List

import support

try:
    from nova import monkey_patch
except ImportError as e:
    support.missing(f"nova 34 in this Python: {e}")
monkey_patch.patch(backend="threading")  # nova-compute's own start-up, first

import libvirt  # noqa: E402
import nova.conf  # noqa: E402
from nova import context as nova_context  # noqa: E402
from nova import objects  # noqa: E402

import diskxml.nova  # noqa: E402

CONF = nova.conf.CONF
PREFIX = f"diskxml-pytest-{os.getpid()}-"
STOCK_REFUSAL = "Invalid value for attribute 'protocol' in element 'source'"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class QemuNbd:
    """A real qemu-nbd serving a 16 MiB raw image as export ``name`` on 127.0.0.1."""

    SIZE = 16 * 1024 * 1024

    def __init__(self, name: str) -> None:
        qemu_nbd, qemu_img = support.tool("qemu-nbd"), support.tool("qemu-img")
        self.dir = tempfile.TemporaryDirectory(prefix="diskxml-nbd-")
        image = os.path.join(self.dir.name, "volume.raw")
        subprocess.run([qemu_img, "create", "-f", "raw", image, str(self.SIZE)], check=True, capture_output=True)
        self.name, self.port = name, free_port()
        self.proc = subprocess.Popen(
            [qemu_nbd, "--persistent", "--shared=8", "-x", name, "-b", "127.0.0.1", "-p", str(self.port), "-f", "raw", image]
        )
        for _ in range(200):  # until it listens (no bound on how long: a loaded machine is slow)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(f"qemu-nbd exited with {self.proc.returncode}") from None
                time.sleep(0.05)
        raise AssertionError("qemu-nbd does not listen")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.dir.cleanup()


class NovaAttachTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        uri = support.libvirt_uri()
        objects.register_all()
        CONF([], project="nova", default_config_files=[])
        CONF.set_override("virt_type", "qemu", group="libvirt")
        CONF.set_override("connection_uri", uri, group="libvirt")
        # nova's default; the detach completes on libvirt's event long before.
        CONF.set_override("device_detach_timeout", 20, group="libvirt")
        CONF.set_override("probe", True, group="diskxml")
        from nova.virt import fake
        from nova.virt.libvirt import driver as libvirt_driver

        cls.registered = diskxml.nova.register()
        cls.drvr = libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), False)
        # Without a database: nova's service record and the instance's device metadata are
        # what cannot run here.
        cls.drvr._set_host_enabled = lambda *args, **kwargs: None
        cls.drvr._build_device_metadata = lambda context, instance: None
        cls.drvr._host.initialize()  # libvirt's event loop: the detach waits for its event
        cls.conn = libvirt.open(uri)
        cls.context = nova_context.RequestContext("diskxml", "diskxml")

    def guest(self, running: bool) -> Any:
        """A new domain with a virtio-scsi controller, running or shut off, and its instance."""
        instance_uuid = str(uuid.uuid4())
        name = PREFIX + instance_uuid[:8]
        dom = self.conn.defineXML(
            f"<domain type='qemu'><name>{name}</name><uuid>{instance_uuid}</uuid><memory>65536</memory>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
            "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
            "<controller type='scsi' index='0' model='virtio-scsi'/></devices></domain>"
        )

        def remove() -> None:
            if dom.isActive():
                dom.destroy()
            dom.undefine()

        self.addCleanup(remove)
        if running:
            dom.create()
        instance = objects.Instance(uuid=instance_uuid, id=1, system_metadata={}, image_ref="")
        instance.save = lambda: None
        return dom, instance

    def nbd_volume(self) -> Dict[str, Any]:
        server = QemuNbd("volume-" + uuid.uuid4().hex[:8])
        self.addCleanup(server.close)
        volume_id = str(uuid.uuid4())
        return {
            "driver_volume_type": "nbd",
            "serial": volume_id,
            "data": {"name": server.name, "hosts": ["127.0.0.1"], "ports": [str(server.port)], "volume_id": volume_id},
        }

    def disk_sources(self, xml: str) -> List[str]:
        from lxml import etree

        return [etree.tostring(d).decode() for d in etree.fromstring(xml).findall("./devices/disk")]

    def attach_and_detach(self, running: bool) -> None:
        dom, instance = self.guest(running)
        info = self.nbd_volume()
        volume_id = info["serial"]
        persistent_before = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        self.assertEqual(self.disk_sources(persistent_before), [])

        self.drvr.attach_volume(self.context, info, instance, "/dev/sdb", disk_bus="scsi", device_type="disk", encryption={})

        # Where the disk is: the live XML of a running guest, the persistent XML of both.
        for flags in ([0, libvirt.VIR_DOMAIN_XML_INACTIVE] if running else [libvirt.VIR_DOMAIN_XML_INACTIVE]):
            (disk,) = self.disk_sources(dom.XMLDesc(flags))
            self.assertIn('protocol="nbd"', disk.replace("'", '"'))
            self.assertIn(f'name="{info["data"]["name"]}"', disk.replace("'", '"'))
            self.assertIn(f'<alias name="ua-{volume_id}"/>', disk.replace("'", '"'))
            self.assertIn('<target dev="sdb" bus="scsi"/>', disk.replace("'", '"'))
        self.assertEqual(dom.isActive(), int(running))
        # nova's alias lookup finds it, and nova's parser reads it back.
        guest = self.drvr._host.get_guest(instance)
        found = self.drvr._get_guest_disk_device(guest, "sdb", volume_uuid=volume_id)
        self.assertEqual((found.alias, found.target_dev, found.source_protocol), (f"ua-{volume_id}", "sdb", "nbd"))
        self.assertEqual(found.source_name, info["data"]["name"])
        # extend_volume: with the probe, the size the NBD server announces.
        self.assertEqual(self.drvr._extend_volume(info, instance, 1), QemuNbd.SIZE)

        self.drvr.detach_volume(self.context, info, instance, "/dev/sdb", encryption={})

        self.assertEqual(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), persistent_before)
        if running:
            self.assertEqual(self.disk_sources(dom.XMLDesc(0)), [])
        self.assertIsNone(self.drvr._get_guest_disk_device(guest, "sdb", volume_uuid=volume_id))

    def test_nbd_volume_on_a_running_guest(self) -> None:
        self.attach_and_detach(running=True)

    def test_nbd_volume_on_a_shut_off_guest(self) -> None:
        self.attach_and_detach(running=False)

    def test_probe_refuses_an_export_that_is_not_there(self) -> None:
        dom, instance = self.guest(running=False)
        info = self.nbd_volume()
        info["data"]["name"] = "no-such-export"
        before = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        with self.assertRaises(diskxml.ConnectError):
            self.drvr.attach_volume(self.context, info, instance, "/dev/sdb", disk_bus="scsi", device_type="disk", encryption={})
        self.assertEqual(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), before)

    def test_stock_libvirt_refuses_the_edge_disk(self) -> None:
        dom, instance = self.guest(running=True)
        CONF.set_override("probe", False, group="diskxml")  # nothing serves Edge here
        self.addCleanup(CONF.set_override, "probe", True, group="diskxml")
        before = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        info = {
            "driver_volume_type": "openvstorage_edge",
            "serial": "edge-1",
            "data": {"device_path": "openvstorage+tcp:127.0.0.1:26203/volume-edge-1"},
        }
        conf = self.drvr._get_volume_config(info, {"bus": "scsi", "dev": "sdb", "type": "disk"})
        self.assertIn("protocol=\"openvstorage\"", conf.to_xml())
        with self.assertRaises(libvirt.libvirtError) as c:
            self.drvr.attach_volume(self.context, info, instance, "/dev/sdb", disk_bus="scsi", device_type="disk", encryption={})
        self.assertIn(STOCK_REFUSAL, str(c.exception))
        self.assertEqual(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), before)


def tearDownModule() -> None:  # noqa: N802 (unittest's name)
    # nova's connection-event thread loops for the life of nova-compute, in a worker the
    # interpreter joins at exit: a last "handler" ends it (it lets BaseException through).
    def stop() -> None:
        raise SystemExit

    drvr = getattr(NovaAttachTest, "drvr", None)
    if drvr is not None:
        drvr._host._conn_event_handler_queue.put(stop)

if __name__ == "__main__":
    unittest.main()
