"""nova 34's own ``test_volume.py`` and ``test_net.py``, run as nova ships them, with nova's
``local`` and ``rbd`` (network) drivers replaced by diskxml's drop-ins. Run in a process of its
own by test_nova_own.py (nova's unit-test package monkey-patches on import); prints a JSON
report: the tests run, and those that failed with the last line of why.

The drop-ins reach the tests through proxies of the modules the tests name (``volume`` and
``net``): nova's drivers call ``super(TheirClass, self)`` by name, so nova's modules themselves
keep nova's classes."""

import json
import sys
import types
import unittest
import warnings

warnings.simplefilter("ignore")

from nova.tests.unit.virt.libvirt.volume import test_net, test_volume  # noqa: E402
from nova.virt.libvirt.volume import net as nova_net  # noqa: E402
from nova.virt.libvirt.volume import volume as nova_volume  # noqa: E402

import diskxml.nova  # noqa: E402


def proxy(module: types.ModuleType, **replaced: object) -> types.ModuleType:
    p = types.ModuleType(module.__name__)
    p.__dict__.update(module.__dict__)
    p.__dict__.update(replaced)
    return p


test_volume.volume = proxy(nova_volume, LibvirtVolumeDriver=diskxml.nova.LibvirtVolumeDriver)
test_net.net = proxy(nova_net, LibvirtNetVolumeDriver=diskxml.nova.LibvirtNetVolumeDriver)

# Count the disks diskxml rendered, to show the drop-ins ran.
rendered = []
_rendered = diskxml.nova._rendered


def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
    rendered.append(args[1].get("driver_volume_type"))
    return _rendered(*args, **kwargs)


diskxml.nova._rendered = counting

suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromModule(m) for m in (test_volume, test_net))
result = unittest.TestResult()
suite.run(result)
failed = {t.id(): tb.strip().splitlines()[-1] for t, tb in result.failures + result.errors}
report = {"ran": result.testsRun, "skipped": len(result.skipped), "failed": failed, "rendered": sorted(set(map(str, rendered)))}
report["renders"] = len(rendered)
json.dump(report, sys.stdout)
