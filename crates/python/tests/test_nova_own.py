"""nova's own tests of its volume drivers pass with diskxml's drop-ins in place of nova's
``local`` and ``rbd`` drivers, but for the one docs/nova.md names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest

import support

support.require_nova()

SUITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nova_own_suite.py")

#: nova's tests that cannot pass with diskxml, and why (docs/nova.md, "nova's own tests").
EXPECTED_FAILURES = {
    # nova sets total and read/write byte limits together; libvirt refuses that <iotune>
    # when it defines the domain, so diskxml refuses it before libvirt sees it.
    "nova.tests.unit.virt.libvirt.volume.test_volume.LibvirtVolumeTestCase.test_libvirt_volume_driver_iotune": (
        "diskxml._errors.RefusedError: libvirt would refuse this disk: [iotune.total-with-read-write]"
    ),
}


class NovaOwnTests(unittest.TestCase):
    def test_nova_volume_and_net_tests_pass_with_the_drop_ins(self) -> None:
        out = subprocess.run([sys.executable, SUITE], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        report = json.loads(out.stdout)
        print(f"\nnova's test_volume.py + test_net.py with diskxml's drop-ins: {report['ran']} ran, "
              f"{report['skipped']} skipped, {len(report['failed'])} failed", file=sys.stderr)
        self.assertGreaterEqual(report["ran"], 25)
        self.assertEqual(report["skipped"], 0)
        # The drop-ins made the disks: nova's local and network (rbd, iscsi, ...) tests went through diskxml.
        self.assertGreaterEqual(report["renders"], 15)
        self.assertTrue({"rbd", "fake"} <= set(report["rendered"]), report["rendered"])
        self.assertEqual(set(report["failed"]), set(EXPECTED_FAILURES), json.dumps(report["failed"], indent=1))
        for test_id, why in EXPECTED_FAILURES.items():
            self.assertTrue(report["failed"][test_id].startswith(why), report["failed"][test_id])


if __name__ == "__main__":
    unittest.main()
