"""nova resolves diskxml's drivers: after ``diskxml-nova-compute``'s registration step, nova's
``LibvirtDriver`` (built as nova's own tests build it) gives ``openvstorage_edge`` and ``nbd``
volumes to diskxml's classes, and not one of nova's installed files changed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest
from importlib import metadata
from typing import Any, Dict

import support

support.require_nova()

import diskxml.nova  # noqa: E402
from diskxml import nova_compute  # noqa: E402


def nova_files() -> Dict[str, str]:
    """The sha256 of every file of nova's installed distribution, by its RECORD path."""
    sums = {}
    for f in metadata.distribution("nova").files or []:
        path = f.locate()
        if path.is_file() and "__pycache__" not in f.parts:
            sums[str(f)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


HELPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nova_resolve_helper.py")


def resolve_after_script(*args: str) -> Dict[str, Any]:
    """nova_resolve_helper.py's report: what nova resolves once diskxml-nova-compute's main()
    (with ``args``) has run as far as nova-compute's own main(). In nova's eventlet mode, as
    nova's own unit tests run (their fixtures import eventlet)."""
    env = {**os.environ, "OS_NOVA_DISABLE_EVENTLET_PATCHING": "0"}
    out = subprocess.run([sys.executable, HELPER, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise AssertionError(f"nova_resolve_helper.py {args} failed:\n{out.stderr}")
    report: Dict[str, Any] = json.loads(out.stdout)
    return report


class ResolveTest(unittest.TestCase):
    def test_registration_resolves_edge_and_nbd_and_changes_no_nova_file(self) -> None:
        before = nova_files()
        self.assertGreater(len(before), 1000)
        # Without registration nova has no driver for either type.
        plain = resolve_after_script("--diskxml-volume-drivers", "", "--config-file", "/dev/null")
        self.assertEqual(plain["resolved"]["openvstorage_edge"], "VolumeDriverNotFound")
        self.assertEqual(plain["resolved"]["nbd"], "VolumeDriverNotFound")
        # The default: the [diskxml] section's default, openvstorage_edge and nbd.
        report = resolve_after_script("--config-file", "/dev/null", "--debug")
        self.assertEqual(report["argv"], ["diskxml-nova-compute", "--config-file", "/dev/null", "--debug"])
        self.assertEqual(
            report["resolved"],
            {
                "openvstorage_edge": "diskxml.nova.LibvirtOpenvStorageEdgeVolumeDriver",
                "nbd": "diskxml.nova.LibvirtNbdVolumeDriver",
                "rbd": "nova.virt.libvirt.volume.net.LibvirtNetVolumeDriver",
                "local": "nova.virt.libvirt.volume.volume.LibvirtVolumeDriver",
            },
        )
        self.assertEqual(nova_files(), before)

    def test_config_section_chooses_the_drop_ins(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
            conf.write("[DEFAULT]\ndebug = true\n[diskxml]\nvolume_drivers = rbd, local\n")
            conf.flush()
            report = resolve_after_script("--config-file", conf.name)
        self.assertEqual(
            report["resolved"],
            {
                "openvstorage_edge": "VolumeDriverNotFound",
                "nbd": "VolumeDriverNotFound",
                "rbd": "diskxml.nova.LibvirtNetVolumeDriver",
                "local": "diskxml.nova.LibvirtVolumeDriver",
            },
        )

    def test_flags_win_over_the_config_section(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
            conf.write("[diskxml]\nvolume_drivers = rbd\n")
            conf.flush()
            report = resolve_after_script("--config-file", conf.name, "--diskxml-volume-drivers=nbd")
        self.assertEqual(report["resolved"]["nbd"], "diskxml.nova.LibvirtNbdVolumeDriver")
        self.assertEqual(report["resolved"]["rbd"], "nova.virt.libvirt.volume.net.LibvirtNetVolumeDriver")

    def test_installed_files_match_nova_record(self) -> None:
        # The files are nova's as its wheel installed them (RECORD's hashes), not patched.
        checked = 0
        for f in metadata.distribution("nova").files or []:
            if f.hash is None or f.hash.mode != "sha256" or not str(f).endswith(".py"):
                continue
            digest = base64.urlsafe_b64encode(hashlib.sha256(f.locate().read_bytes()).digest()).rstrip(b"=").decode()
            self.assertEqual(digest, f.hash.value, str(f))
            checked += 1
        self.assertGreater(checked, 1000)


class RegisterTest(unittest.TestCase):
    def setUp(self) -> None:
        from nova.virt.libvirt import driver as libvirt_driver

        self.volume_drivers = libvirt_driver.VOLUME_DRIVERS
        saved = dict(self.volume_drivers)

        def restore() -> None:
            self.volume_drivers.clear()
            self.volume_drivers.update(saved)

        self.addCleanup(restore)

    def test_register_sets_what_it_returns(self) -> None:
        chosen = diskxml.nova.register(["nbd", "local"])
        self.assertEqual(chosen, {"nbd": "diskxml.nova.LibvirtNbdVolumeDriver", "local": "diskxml.nova.LibvirtVolumeDriver"})
        for name, path in chosen.items():
            self.assertEqual(self.volume_drivers[name], path)
        self.assertEqual(self.volume_drivers["rbd"], "nova.virt.libvirt.volume.net.LibvirtNetVolumeDriver")

    def test_unknown_name_is_refused_before_any_is_set(self) -> None:
        with self.assertRaises(diskxml.ArgumentError) as c:
            diskxml.nova.register(["openvstorage_edge", "iscsi2"])
        self.assertEqual(c.exception.argument, "volume_drivers")
        self.assertIn("'iscsi2'", c.exception.message)
        self.assertNotIn("openvstorage_edge", self.volume_drivers)

    def test_split_argv(self) -> None:
        self.assertEqual(
            nova_compute.split_argv(["p", "--config-file", "a", "--diskxml-volume-drivers=nbd", "--diskxml-dry-run"]),
            (["nbd"], True, ["p", "--config-file", "a"]),
        )
        self.assertEqual(nova_compute.split_argv(["p", "--diskxml-volume-drivers", " nbd , rbd"]), (["nbd", "rbd"], False, ["p"]))
        self.assertEqual(nova_compute.split_argv(["p"]), (None, False, ["p"]))
        with self.assertRaises(SystemExit):
            nova_compute.split_argv(["p", "--diskxml-volume-drivers"])


class ConsoleScriptTest(unittest.TestCase):
    def test_console_script_dry_run(self) -> None:
        # The installed command, in a process of its own (nova's monkey patching runs first).
        script = os.path.join(os.path.dirname(sys.executable), "diskxml-nova-compute")
        if not os.path.exists(script):
            support.missing(f"the diskxml-nova-compute command beside {sys.executable}")
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
            conf.write("[diskxml]\nvolume_drivers = nbd\n")
            conf.flush()
            out = subprocess.run(
                [script, "--config-file", conf.name, "--diskxml-dry-run"], capture_output=True, text=True, check=True
            )
        self.assertEqual(out.stdout, "nbd = diskxml.nova.LibvirtNbdVolumeDriver\n")
        bad = subprocess.run([script, "--diskxml-volume-drivers", "xyz", "--diskxml-dry-run"], capture_output=True, text=True)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("diskxml has no driver for 'xyz'", bad.stderr)


if __name__ == "__main__":
    unittest.main()
