"""Run by test_nova_resolve.py in a process of its own: diskxml-nova-compute's main() with
nova-compute's own start-up (``nova.cmd.compute``: its monkey patching first), whose last
step, nova-compute's ``main()``, is replaced by a check of what nova then resolves. The check
builds ``LibvirtDriver`` as nova's own tests build it (fakelibvirt through ``LibvirtFixture``)
and prints, as JSON, the arguments nova-compute would have run with and the class nova's
``_get_volume_driver`` gives for each volume type."""

import json
import sys

from nova.cmd import compute  # nova-compute's start-up, as diskxml-nova-compute runs it

from diskxml import nova_compute


def resolve() -> int:
    from nova.tests import fixtures as nova_fixtures
    from nova.virt import fake
    from nova.virt.libvirt import driver as libvirt_driver

    with nova_fixtures.LibvirtFixture():
        drvr = libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), False)
        resolved = {}
        for volume_type in ("openvstorage_edge", "nbd", "rbd", "local"):
            try:
                cls = type(drvr._get_volume_driver({"driver_volume_type": volume_type, "data": {}}))
                resolved[volume_type] = f"{cls.__module__}.{cls.__qualname__}"
            except Exception as e:  # nova's VolumeDriverNotFound for a type it has no driver for
                resolved[volume_type] = type(e).__name__
    json.dump({"argv": sys.argv, "resolved": resolved}, sys.stdout)
    return 0


compute.main = resolve
sys.exit(nova_compute.main(["diskxml-nova-compute", *sys.argv[1:]]))
