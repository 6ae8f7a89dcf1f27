"""The Python API: every function of ``diskxml`` and every exception's fields."""

from __future__ import annotations

import doctest
import json
import socket
import unittest

import diskxml
from diskxml import (
    ArgumentError,
    ConnectError,
    ConnectionInfoError,
    DiskError,
    Error,
    Problem,
    RefusedError,
    RenderWarning,
    XmlError,
)

EDGE = {
    "driver_volume_type": "openvstorage_edge",
    "serial": "8d5e2a5c",
    "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"},
}
RBD = {"driver_volume_type": "rbd", "data": {"name": "pool/vol", "hosts": ["ceph1"], "ports": ["6789"]}}


def load_tests(loader: unittest.TestLoader, tests: unittest.TestSuite, pattern: object) -> unittest.TestSuite:
    # The examples in the package's documentation run as tests.
    tests.addTests(doctest.DocTestSuite(diskxml))
    return tests


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RenderTest(unittest.TestCase):
    def test_edge_disk(self) -> None:
        r = diskxml.render(EDGE, dev="vdb")
        self.assertIn("<source protocol='openvstorage' name='volume-8d5e2a5c'>", r.xml)
        self.assertIn("<host name='10.130.11.202' port='26203' transport='tcp'/>", r.xml)
        self.assertIn("<alias name='ua-8d5e2a5c'/>", r.xml)
        self.assertTrue(r.xml.endswith("</disk>\n"))
        self.assertEqual(str(r), r.xml)
        self.assertEqual(r.warnings, [])
        self.assertEqual(r.disk["source"]["network"]["protocol"], "openvstorage")
        self.assertEqual(r.disk["target"], {"dev": "vdb", "bus": "virtio"})

    def test_json_text_and_dict_agree(self) -> None:
        self.assertEqual(diskxml.render(json.dumps(EDGE)).xml, diskxml.render(EDGE).xml)

    def test_disk_is_what_parse_disk_reads_back(self) -> None:
        r = diskxml.render(RBD, dev="sdc", unit=3, serial="s-1")
        self.assertEqual(r.disk, diskxml.parse_disk(r.xml))
        self.assertIn("<address type='drive' controller='0' unit='3'/>", r.xml)
        self.assertIn("<serial>s-1</serial>", r.xml)
        self.assertIn("bus='scsi'", r.xml)

    def test_bus_and_device(self) -> None:
        r = diskxml.render(RBD, dev="vdb", bus="usb", device="cdrom")
        self.assertEqual(r.disk["device"], "cdrom")
        self.assertEqual(r.disk["target"]["bus"], "usb")

    def test_rbd_host_settings_and_volume_secret(self) -> None:
        # Auth without a secret uuid: nova falls back to the host's [libvirt] rbd settings.
        data = {"auth_enabled": True, "auth_username": "ignored", "secret_uuid": None, "secret_type": "ceph"}
        info = {**RBD, "data": {**RBD["data"], **data, "volume_id": "v-1"}}
        r = diskxml.render(
            info,
            rbd_user="cinder",
            rbd_secret_uuid="11111111-2222-3333-4444-555555555555",
            volume_secrets={"v-1": "66666666-7777-8888-9999-000000000000"},
        )
        self.assertIn("<auth username='cinder'>", r.xml)
        self.assertIn("uuid='11111111-2222-3333-4444-555555555555'", r.xml)
        self.assertIn("<encryption format='luks'>", r.xml)
        self.assertIn("uuid='66666666-7777-8888-9999-000000000000'", r.xml)

    def test_warnings_name_the_ignored_fields(self) -> None:
        info = {**RBD, "data": {**RBD["data"], "qos_specs": {"bogus": 1}, "format": "qcow2"}}
        warnings = diskxml.render(info).warnings
        self.assertEqual([w.field for w in warnings], ["data.qos_specs.bogus", "data.format"])
        self.assertTrue(all(w.kind == "ignored" and w.rule is None for w in warnings))
        self.assertEqual(str(warnings[1]), "data.format: nova writes type='raw' for every volume; ignored")
        self.assertEqual(str(RenderWarning("host-dependent", None, "source.protocol-unsupported", "m")), "m")

    def test_connection_info_errors_name_the_field(self) -> None:
        with self.assertRaises(ConnectionInfoError) as c:
            diskxml.render({"driver_volume_type": "openvstorage_edge", "data": {"device_path": "openvstorage+udp:h:1/v"}})
        e = c.exception
        self.assertEqual((e.field, e.line, e.column), ("data.device_path", None, None))
        self.assertIn("character 14", e.message)
        self.assertEqual(str(e), e.message)
        with self.assertRaises(ConnectionInfoError) as c:
            diskxml.render({"driver_volume_type": "nope", "data": {}})
        self.assertEqual(c.exception.field, "driver_volume_type")
        with self.assertRaises(ConnectionInfoError) as c:
            diskxml.render('{\n  "driver_volume_type": }')
        self.assertEqual((c.exception.field, c.exception.line, c.exception.column), (None, 2, 25))

    def test_python_values_become_json_without_text(self) -> None:
        # Tuples are arrays, bool is not int, and what JSON has no value for is an error
        # naming the field.
        info = {"driver_volume_type": "rbd", "data": {"name": "p/v", "hosts": ("h1", "h2"), "ports": (6789, "6790"), "discard": True}}
        r = diskxml.render(info)
        self.assertIn("<host name='h2' port='6790'/>", r.xml)
        self.assertIn("discard='unmap'", r.xml)
        for data, field in [
            ({"name": "p/v", "hosts": ["h"], "ports": [b"6789"]}, "data.ports[0]"),
            ({"name": "p/v", "hosts": {"h"}}, "data.hosts"),
            ({"name": "p/v", 7: "x"}, "data"),
            ({"name": "p/v", "logical_block_size": 2**70}, "data.logical_block_size"),
            ({"name": "p/v", "qos_specs": {"total_bytes_sec": float("nan")}}, "data.qos_specs.total_bytes_sec"),
        ]:
            with self.subTest(field=field), self.assertRaises(ConnectionInfoError) as c:
                diskxml.render({"driver_volume_type": "rbd", "data": data})
            self.assertEqual(c.exception.field, field)
            self.assertTrue(c.exception.message.startswith(field + ": "), c.exception.message)
        deep: dict = {}
        node = deep
        for _ in range(100):
            node["x"] = {}
            node = node["x"]
        with self.assertRaises(ConnectionInfoError) as c:
            diskxml.render({"driver_volume_type": "rbd", "data": deep})
        self.assertIn("nested deeper than 64 levels", c.exception.message)
        with self.assertRaises(ConnectionInfoError) as c:
            diskxml.render(["not", "an", "object"])  # type: ignore[arg-type]
        self.assertEqual(c.exception.field, "(top level)")

    def test_rendered(self) -> None:
        r = diskxml.render(EDGE)
        self.assertIs(r.disk, r.disk)  # made once
        self.assertEqual(repr(r), f"Rendered(xml={r.xml!r}, warnings=[])")
        self.assertIsInstance(r, diskxml.Rendered)
        with self.assertRaises(AttributeError):
            r.xml = "x"  # type: ignore[misc]

    def test_argument_errors_name_the_argument(self) -> None:
        for kwargs, argument in [
            ({"dev": "xyz"}, "dev"),
            ({"bus": "floppyx"}, "bus"),
            ({"device": "tape"}, "device"),
            ({"bus": "virtio", "unit": 3}, "unit"),
        ]:
            with self.subTest(kwargs=kwargs), self.assertRaises(ArgumentError) as c:
                diskxml.render(EDGE, **kwargs)  # type: ignore[arg-type]
            self.assertEqual(c.exception.argument, argument)
            self.assertTrue(c.exception.message.startswith(argument + ": "))

    def test_refusal_lists_the_rules(self) -> None:
        info = {**RBD, "data": {**RBD["data"], "qos_specs": {"total_bytes_sec": "1", "read_bytes_sec": "2"}}}
        with self.assertRaises(RefusedError) as c:
            diskxml.render(info)
        self.assertEqual([p.rule for p in c.exception.problems], ["iotune.total-with-read-write"])
        self.assertIn("[iotune.total-with-read-write]", c.exception.message)
        self.assertIsInstance(c.exception.problems[0], Problem)

    def test_hierarchy(self) -> None:
        for cls in (XmlError, ConnectionInfoError, RefusedError, ArgumentError, ConnectError, DiskError):
            self.assertTrue(issubclass(cls, Error))
        for cls in (XmlError, ConnectionInfoError, ArgumentError, DiskError):
            self.assertTrue(issubclass(cls, ValueError))


class ReadWriteTest(unittest.TestCase):
    DISK = "<disk type='network' device='disk'>\n  <source protocol='rbd' name='x'/>\n  <target dev='vdb' bus='virtio'/>\n  <foo a='1'/>\n</disk>\n"

    def test_parse_keeps_what_the_model_does_not_know(self) -> None:
        d = diskxml.parse_disk(self.DISK)
        self.assertEqual(d["source"], {"network": {"protocol": "rbd", "name": "x"}})
        self.assertEqual(d["unknown"]["children"][0]["element"]["name"], "foo")
        self.assertEqual(diskxml.write_disk(d, check=False), self.DISK)

    def test_write_checks_by_default(self) -> None:
        d = diskxml.parse_disk(self.DISK)
        with self.assertRaises(RefusedError) as c:
            diskxml.write_disk(d)
        self.assertEqual([p.rule for p in c.exception.problems], ["source.name-split"])
        d["source"]["network"]["name"] = "pool/x"
        self.assertIn("name='pool/x'", diskxml.write_disk(d))

    def test_write_refuses_a_model_that_is_not_one(self) -> None:
        with self.assertRaises(DiskError) as c:
            diskxml.write_disk({"bogus": 1})
        self.assertIn("bogus", c.exception.message)

    def test_xml_errors_carry_line_and_column(self) -> None:
        with self.assertRaises(XmlError) as c:
            diskxml.parse_disk("<disk type='file'>\n<source file='/a'></disk>")
        self.assertEqual((c.exception.line, c.exception.column), (2, 19))
        self.assertTrue(c.exception.message.startswith("2:19: "))
        with self.assertRaises(XmlError):
            diskxml.disks("<domain>")
        with self.assertRaises(XmlError):
            diskxml.check("<disk")
        with self.assertRaises(XmlError):
            diskxml.normalize("<nodisk/>")

    def test_disks_in_document_order(self) -> None:
        dom = "<domain><devices><disk type='file'><source file='/a'/><target dev='vda'/></disk>" \
              "<disk type='file'><source file='/b'/><target dev='vdb'/></disk></devices></domain>"
        self.assertEqual([d["source"]["file"]["path"] for d in diskxml.disks(dom)], ["/a", "/b"])

    def test_check_locates_problems(self) -> None:
        dom = (
            "<domain type='kvm'>\n  <devices>\n"
            "    <disk type='file' device='disk'><source file='/a'/><target dev='vda' bus='virtio'/></disk>\n"
            "    <disk type='network' device='disk'><source protocol='rbd' name='x'/><target dev='vdb' bus='virtio'/></disk>\n"
            "  </devices>\n</domain>"
        )
        (p,) = diskxml.check(dom)
        self.assertEqual((p.rule, p.line, p.column, p.disk), ("source.name-split", 4, 63, 1))
        self.assertEqual(str(p), f"4:63: [source.name-split] {p.message}")
        self.assertEqual(diskxml.check(self.DISK.replace("name='x'", "name='p/x'")), [])
        # A disk the model cannot hold is a problem with its rule; the others are still checked.
        bad_port = dom.replace(
            "<source protocol='rbd' name='x'/>", "<source protocol='rbd' name='x'><host name='m' port='99999'/></source>"
        )
        self.assertEqual([(p.rule, p.disk) for p in diskxml.check(bad_port)], [("source.host-port", 1)])

    def test_check_profiles(self) -> None:
        # io='native' with a writeback cache: QEMU's driver refuses it, libvirt's parser alone not.
        disk = (
            "<disk type='file' device='disk'><driver name='qemu' io='native' cache='writeback'/>"
            "<source file='/a'/><target dev='vda' bus='virtio'/></disk>"
        )
        self.assertEqual([(p.rule, p.line, p.column) for p in diskxml.check(disk)], [("driver.native-io-cache", 1, 53)])
        self.assertEqual(diskxml.check(disk, "generic"), [])
        with self.assertRaises(ArgumentError) as c:
            diskxml.check(disk, "bogus")
        self.assertEqual(c.exception.argument, "profile")

    def test_normalize(self) -> None:
        disk = "<disk type='file'><source file='/a'/><target dev='vda'/></disk>"
        qemu = diskxml.normalize(disk)
        self.assertIn("<driver name='qemu' type='raw'/>", qemu)
        self.assertIn("<target dev='vda' bus='virtio'/>", qemu)
        generic = diskxml.normalize(disk, "generic")
        self.assertNotIn("<driver", generic)
        self.assertIn("device='disk'", generic)
        with self.assertRaises(ArgumentError):
            diskxml.normalize(disk, "xen")


class ConnectTest(unittest.TestCase):
    def test_connect_without_probe_names_the_device(self) -> None:
        device = diskxml.connect(EDGE)
        self.assertEqual(
            (device.kind, device.path, device.size, device.probed), ("openvstorage_edge", EDGE["data"]["device_path"], None, False)
        )
        self.assertIsNone(diskxml.disconnect(EDGE))

    def test_probe_of_a_closed_port_is_a_connect_error(self) -> None:
        info = {**EDGE, "data": {"device_path": f"openvstorage+tcp:127.0.0.1:{closed_port()}/v"}}
        with self.assertRaises(ConnectError) as c:
            diskxml.connect(info, probe=True, timeout=2.0)
        self.assertIn("127.0.0.1", c.exception.message)

    def test_probe_of_a_listening_port(self) -> None:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            port = server.getsockname()[1]
            info = {**EDGE, "data": {"device_path": f"openvstorage+tcp:127.0.0.1:{port}/v"}}
            self.assertEqual(diskxml.connect(info, probe=True).probed, True)

    def test_connect_errors(self) -> None:
        with self.assertRaises(ArgumentError) as c:
            diskxml.connect(EDGE, timeout=-1)
        self.assertEqual(c.exception.argument, "timeout")
        with self.assertRaises(ConnectionInfoError) as e:
            diskxml.connect({"driver_volume_type": "openvstorage_edge", "data": {}})
        self.assertEqual(e.exception.field, "data.device_path")
        with self.assertRaises(ConnectionInfoError):
            diskxml.disconnect({"driver_volume_type": "nope"})

    def test_drivers(self) -> None:
        names = diskxml.drivers()
        self.assertEqual(names, sorted(names))
        self.assertTrue({"openvstorage_edge", "nbd", "rbd", "local"} <= set(names))
        for name in names:
            with self.assertRaises(Error):  # every driver reads its own fields: none given
                diskxml.render({"driver_volume_type": name, "data": {"bogus_only": 1}})


if __name__ == "__main__":
    unittest.main()
