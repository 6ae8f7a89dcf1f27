"""A differential against nova 34 itself, on random connection infos (seed printed;
``DISKXML_NOVA_SEED`` repeats a run):

- rbd and local (the testkit's one generator, ``diskxml-testkit nova-requests``): nova's own
  driver, diskxml's drop-in and ``diskxml render`` give semantically equal XML; or all three
  refuse; or nova writes a disk diskxml refuses, and then the real libvirtd
  (``DISKXML_LIBVIRT_URI``) refuses nova's disk too.
- Open vStorage Edge: through nova's ``LibvirtDriver._get_volume_config`` (nova's
  ``_set_cache_mode`` changes the object after ``get_config``), the XML nova serialises is
  diskxml's Edge disk with nova's cache mode.

The one difference from nova, documented in docs/nova.md: with neither ``data.volume_id`` nor
``serial`` nova writes ``<alias name='ua-None'/>``; diskxml writes no alias.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import unittest
import uuid
from typing import Any, Dict, List, Optional, Tuple

import support

support.require_nova()

import nova.conf  # noqa: E402
from nova.virt.libvirt.volume import net as nova_net  # noqa: E402
from nova.virt.libvirt.volume import volume as nova_volume  # noqa: E402

import diskxml  # noqa: E402
import diskxml.nova  # noqa: E402

CONF = nova.conf.CONF
CASES = int(os.environ.get("DISKXML_NOVA_CASES", "600"))
PREFIX = f"diskxml-pytest-{os.getpid()}-"


class Secret:
    def __init__(self, uuid: str) -> None:
        self.uuid = uuid

    def UUIDString(self) -> str:  # noqa: N802 (libvirt's name)
        return self.uuid


class Host:
    """nova's host as its volume drivers use it: ``find_secret`` answers from the request's
    secrets of usage ``volume``."""

    def __init__(self, secrets: Dict[str, str]) -> None:
        self.secrets = secrets

    def find_secret(self, usage_type: str, usage_id: str) -> Optional[Secret]:
        found = self.secrets.get(usage_id) if usage_type == "volume" else None
        return Secret(found) if found else None


def with_conf(request: Dict[str, Any]) -> None:
    CONF.set_override("rbd_user", request.get("rbd_user"), group="libvirt")
    CONF.set_override("rbd_secret_uuid", request.get("rbd_secret_uuid"), group="libvirt")


def by(driver_classes: Tuple[type, type], request: Dict[str, Any]) -> Tuple[Optional[str], Optional[BaseException]]:
    """The XML a driver (nova's or the drop-in) serialises for the request, or what it raised."""
    info = request["connection_info"]
    local, net = driver_classes
    cls = local if info["driver_volume_type"] == "local" else net
    try:
        with_conf(request)
        conf = cls(Host(request["volume_secrets"])).get_config(info, request["disk_info"])
        return conf.to_xml(), None
    except Exception as e:  # an answer too
        return None, e


def cli(request: Dict[str, Any]) -> Tuple[Optional[str], str]:
    """``diskxml render`` for the request: its XML, or None and what it said."""
    d = request["disk_info"]
    args = [support.diskxml_cli(), "render", "--connection-info", "-", "--dev", d["dev"], "--bus", d["bus"], "--device", d["type"]]
    if d["bus"] == "scsi" and d.get("unit") is not None:
        args += ["--unit", str(d["unit"])]
    if request.get("rbd_user"):
        args += ["--rbd-user", request["rbd_user"]]
    if request.get("rbd_secret_uuid"):
        args += ["--rbd-secret-uuid", request["rbd_secret_uuid"]]
    for volume, secret in request["volume_secrets"].items():
        args += ["--volume-secret", f"{volume}={secret}"]
    out = subprocess.run(args, input=json.dumps(request["connection_info"]), capture_output=True, text=True)
    return (out.stdout if out.returncode == 0 else None), out.stderr


class Libvirt:
    """The real libvirtd's QEMU driver as the judge of a disk: defines a domain around it."""

    def __init__(self) -> None:
        import libvirt

        self.libvirt = libvirt
        libvirt.registerErrorHandler(lambda *_: None, None)
        self.conn = libvirt.open(support.libvirt_uri())

    def refuses(self, disk_xml: str) -> Optional[str]:
        """libvirt's message when it refuses a domain with this disk; None when it defines it."""
        name = PREFIX + uuid.uuid4().hex[:8]
        domain = (
            f"<domain type='qemu'><name>{name}</name><memory>65536</memory>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
            f"<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>{disk_xml}</devices></domain>"
        )
        try:
            dom = self.conn.defineXML(domain)
        except self.libvirt.libvirtError as e:
            return str(e)
        dom.undefine()
        return None


class DifferentialTest(unittest.TestCase):
    def setUp(self) -> None:
        logging.disable(logging.CRITICAL)  # nova's and diskxml's warnings are not answers
        self.addCleanup(logging.disable, logging.NOTSET)
        self.addCleanup(CONF.clear_override, "rbd_user", group="libvirt")
        self.addCleanup(CONF.clear_override, "rbd_secret_uuid", group="libvirt")

    def test_rbd_and_local_agree_with_nova(self) -> None:
        seed = support.seed("nova")
        lines = subprocess.run([support.testkit(), "nova-requests", str(seed), str(CASES)], capture_output=True, text=True, check=True)
        requests = [json.loads(line) for line in lines.stdout.splitlines()]
        self.assertEqual(len(requests), CASES)
        comparer = support.SemanticEq()
        self.addCleanup(comparer.close)
        judge: Optional[Libvirt] = None
        counts = {"equal": 0, "refused by all": 0, "refused like libvirt": 0}
        failures: List[str] = []
        for n, request in enumerate(requests):
            theirs, nova_error = by((nova_volume.LibvirtVolumeDriver, nova_net.LibvirtNetVolumeDriver), request)
            ours, our_error = by((diskxml.nova.LibvirtVolumeDriver, diskxml.nova.LibvirtNetVolumeDriver), request)
            rendered, said = cli(request)
            case = f"case {n} (DISKXML_NOVA_SEED={seed}): {json.dumps(request)}"
            if theirs is not None and ours is not None and rendered is not None:
                # The documented difference: nova's alias for a volume without an id.
                theirs = theirs.replace('  <alias name="ua-None"/>\n', "")
                why = comparer.diff(theirs, ours) or comparer.diff(ours, rendered)
                if why:
                    failures.append(f"{case}\n{why}\nnova:\n{theirs}\ndrop-in:\n{ours}\ndiskxml render:\n{rendered}")
                else:
                    counts["equal"] += 1
            elif theirs is None and ours is None and rendered is None:
                # nova refuses (a KeyError of a missing field, a TypeError of its writer, ...): the
                # drop-in raises nova's own error (it runs nova's driver first) or says why in
                # diskxml's words, and diskxml render refuses too.
                if type(our_error) is not type(nova_error) and not isinstance(our_error, diskxml.Error):
                    failures.append(f"{case}\nnova raised {nova_error!r}, the drop-in {our_error!r}")
                else:
                    counts["refused by all"] += 1
            elif theirs is not None and isinstance(our_error, diskxml.RefusedError) and rendered is None:
                rules = sorted({p.rule for p in our_error.problems})
                missing_rules = [r for r in rules if f"[{r}]" not in said]
                judge = judge or Libvirt()
                libvirt_says = judge.refuses(theirs)
                if missing_rules:
                    failures.append(f"{case}\ndiskxml render did not name {missing_rules}: {said}")
                elif libvirt_says is None:
                    failures.append(f"{case}\ndiskxml refused ({rules}) but libvirt defines nova's disk:\n{theirs}")
                else:
                    counts["refused like libvirt"] += 1
            else:
                failures.append(
                    f"{case}\nnova: {theirs or nova_error!r}\ndrop-in: {ours or our_error!r}\ndiskxml render: {rendered or said}"
                )
        print(f"\nnova differential (Python): {CASES} cases, seed {seed}: {counts}", file=sys.stderr)
        self.assertEqual(failures[:3], [], f"{len(failures)} of {CASES} disagree")
        self.assertGreater(counts["equal"], CASES // 3)
        self.assertGreater(counts["refused like libvirt"], 0)


if __name__ == "__main__":
    unittest.main()
