# nova 34's own test_volume.py and test_net.py, run as nova ships them with its local and rbd
# drivers replaced by diskxml's drop-ins (through proxies of the modules the tests name, so that
# nova's own super() calls still reach nova's classes). Run: target/nova34/bin/python THIS.
# Today: 24 of 25 pass; test_libvirt_volume_driver_iotune sets total and read limits together,
# which libvirt refuses, so diskxml raises RefusedError. Not yet wired into .ci/run.
import sys, types, unittest, warnings
warnings.simplefilter("ignore")
from nova.tests.unit.virt.libvirt.volume import test_volume, test_net
import diskxml.nova as dn
from nova.virt.libvirt.volume import volume as nv, net as nn

def proxy(module, **over):
    p = types.ModuleType(module.__name__)
    p.__dict__.update(module.__dict__)
    p.__dict__.update(over)
    return p
test_volume.volume = proxy(nv, LibvirtVolumeDriver=dn.LibvirtVolumeDriver)
test_net.net = proxy(nn, LibvirtNetVolumeDriver=dn.LibvirtNetVolumeDriver)
suite = unittest.TestSuite([unittest.defaultTestLoader.loadTestsFromModule(m) for m in (test_volume, test_net)])
r = unittest.TextTestRunner(verbosity=1).run(suite)
for t, tb in r.failures + r.errors:
    print("FAIL", t.id()); print(tb[-1500:])
