"""Open vStorage Edge volumes through nova's own code: ``LibvirtDriver._get_volume_config``
(diskxml's driver resolved from ``VOLUME_DRIVERS``, then nova's ``_set_cache_mode`` changing
the object) serialises diskxml's Edge disk with nova's cache mode, on random Edge connection
infos (seed printed; ``DISKXML_EDGE_SEED`` repeats a run). In a process of its own: nova's
test fixtures monkey-patch with eventlet on import."""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import unittest
from typing import Any, Dict, Optional, Tuple

import support

support.require_nova()

from nova import test  # noqa: E402
from nova.tests import fixtures as nova_fixtures  # noqa: E402
from nova.virt import fake  # noqa: E402
from nova.virt.libvirt import driver as libvirt_driver  # noqa: E402

import diskxml  # noqa: E402
import diskxml.nova  # noqa: E402

CASES = int(os.environ.get("DISKXML_EDGE_CASES", "500"))
BUSES = {"virtio": "vd", "scsi": "sd", "sata": "sd", "ide": "hd", "usb": "sd"}
CACHE_MODES = [None, "writeback", "writethrough", "unsafe", "directsync", "none"]


def edge_info(rng: random.Random) -> Dict[str, Any]:
    """A random Edge connection info: the device path of FORMATS.md §3 and nova's common
    settings."""
    host = rng.choice([f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}", f"ovs{rng.randrange(9)}.example", "[fd00::5]"])
    transport = rng.choice(["tcp", "rdma"])
    port = rng.choice(["", f":{rng.randrange(26200, 26300)}", ":21321"])
    volume = f"volume-{rng.getrandbits(32):08x}"
    options = rng.choice(["", ":snapshot-timeout=120", f":snapshot-timeout={rng.randrange(0, 600)}"])
    data: Dict[str, Any] = {"device_path": f"openvstorage+{transport}:{host}{port}/{volume}{options}"}
    if rng.random() < 0.7:
        data["volume_id"] = volume
    if rng.random() < 0.3:
        data["access_mode"] = rng.choice(["ro", "rw"])
    if rng.random() < 0.3:
        data["discard"] = rng.choice([True, False])
    if rng.random() < 0.3:
        limits = rng.sample(["total_bytes_sec", "read_iops_sec", "write_iops_sec", "total_iops_sec_max", "size_iops_sec"], 2)
        data["qos_specs"] = {k: str(rng.randrange(1, 10**7)) for k in limits}
    if rng.random() < 0.2:
        data["logical_block_size"] = rng.choice(["512", "4096"])
    info: Dict[str, Any] = {"driver_volume_type": "openvstorage_edge", "data": data}
    if rng.random() < 0.8:
        info["serial"] = volume
    if rng.random() < 0.2:
        info["multiattach"] = rng.choice([True, False])
    return info


def disk_info(rng: random.Random) -> Dict[str, Any]:
    bus = rng.choice(sorted(BUSES))
    info = {"bus": bus, "dev": BUSES[bus] + rng.choice("bcdefgh"), "type": rng.choice(["disk", "disk", "cdrom"])}
    if bus == "scsi" and rng.random() < 0.5:
        info["unit"] = rng.randrange(0, 8)
    return info


class EdgeThroughNovaTest(test.NoDBTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(nova_fixtures.LibvirtFixture())
        logging.disable(logging.CRITICAL)
        self.addCleanup(logging.disable, logging.NOTSET)
        saved = dict(libvirt_driver.VOLUME_DRIVERS)
        self.addCleanup(lambda: (libvirt_driver.VOLUME_DRIVERS.clear(), libvirt_driver.VOLUME_DRIVERS.update(saved)))
        diskxml.nova.register()
        self.comparer = support.SemanticEq()
        self.addCleanup(self.comparer.close)

    def expected(self, info: Dict[str, Any], d: Dict[str, Any], cache: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
        """diskxml's Edge disk with the cache mode nova's _set_cache_mode sets: the XML, or the
        rules libvirt would refuse it on."""
        try:
            disk = diskxml.render(info, dev=d["dev"], bus=d["bus"], device=d["type"], unit=d.get("unit")).disk
        except diskxml.RefusedError as e:
            return None, ",".join(sorted({p.rule for p in e.problems}))
        # A shareable (multi-attach) disk has nova's cache disabled; else nova's mode for
        # network disks, when [libvirt] disk_cachemodes names one.
        mode = "none" if disk.get("shareable") else cache
        if mode is not None:
            disk["driver"]["cache"] = mode
        return diskxml.write_disk(disk), None

    def test_edge_disks_through_get_volume_config(self) -> None:
        rng = support.seeded("edge")
        drivers = {}
        for cache in CACHE_MODES:
            self.flags(disk_cachemodes=[f"network={cache}"] if cache else [], group="libvirt")
            drivers[cache] = libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), False)
        counts = {"equal": 0, "refused": 0, "cache changed": 0}
        for n in range(CASES):
            info, d, cache = edge_info(rng), disk_info(rng), rng.choice(CACHE_MODES)
            case = f"case {n}: {json.dumps(info)} {d} cache {cache}"
            want, refused = self.expected(info, d, cache)
            if refused is not None:
                # Refused before libvirt sees it: by get_config, with the rules named.
                with self.assertRaises(diskxml.RefusedError, msg=case) as c:
                    drivers[cache]._get_volume_config(info, d)
                self.assertEqual(",".join(sorted({p.rule for p in c.exception.problems})), refused, case)
                counts["refused"] += 1
                continue
            conf = drivers[cache]._get_volume_config(info, d)
            self.assertIsInstance(conf, diskxml.nova.DiskxmlGuestDisk, case)
            self.assertEqual((conf.source_type, conf.source_protocol), ("network", "openvstorage"), case)
            got = conf.to_xml()
            why = self.comparer.diff(got, want or "")
            self.assertIsNone(why, f"{case}\nnova serialised:\n{got}\ndiskxml:\n{want}")
            self.assertIn("protocol=\"openvstorage\"", got, case)
            counts["equal"] += 1
            counts["cache changed"] += int(cache not in (None, "none") and f'cache="{conf.driver_cache}"' in got and conf.driver_cache == cache)
        print(f"\nEdge through nova's _get_volume_config: {CASES} cases: {counts}", file=sys.stderr)
        self.assertGreater(counts["equal"], CASES // 2)
        self.assertGreater(counts["cache changed"], CASES // 10)
        self.assertGreater(counts["refused"], 0)

    def test_later_changes_of_nova_reach_the_xml(self) -> None:
        # nova changes the object after get_config in other places too (live migration's
        # _update_volume_xml sets the source's hosts, encryption its secret): those changes
        # are in what nova serialises.
        info = {"driver_volume_type": "openvstorage_edge", "serial": "v1", "data": {"device_path": "openvstorage+tcp:10.0.0.1:26203/v1"}}
        drvr = libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), False)
        conf = drvr._get_volume_config(info, {"bus": "virtio", "dev": "vdb", "type": "disk"})
        conf.source_hosts = ["10.0.0.9"]
        conf.source_ports = ["26204"]
        conf.driver_discard = "unmap"
        conf.target_dev = "vdc"
        got = conf.to_xml()
        self.assertIn('<host name="10.0.0.9" port="26204" transport="tcp"/>', got)
        self.assertIn('discard="unmap"', got)
        self.assertIn('<target dev="vdc" bus="virtio"/>', got)
        self.assertIn('<alias name="ua-v1"/>', got)
        conf.target_dev = "xyz"
        with self.assertRaises(diskxml.Error):
            conf.to_xml()


if __name__ == "__main__":
    unittest.main()
