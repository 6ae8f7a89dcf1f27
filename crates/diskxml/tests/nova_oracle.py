"""nova 34 as an oracle (crates/diskxml/tests/diskxml/nova.rs drives it): reads one JSON object a line on stdin,
{"connection_info": {...}, "disk_info": {...}, "rbd_user": ..., "rbd_secret_uuid": ...},
and writes one JSON object a line on stdout: {"xml": "<disk ...>"} from nova's own
LibvirtNetVolumeDriver (rbd) or LibvirtVolumeDriver (local) get_config(...).to_xml(),
or {"error": "..."} when nova raises.

Only nova's libvirt config module and volume drivers are loaded: nova.virt.libvirt is
registered as an empty package (its __init__ imports the whole driver), and the host
object answers find_secret from the line's "volume_secrets" (volume id -> secret uuid). nova's configuration
defaults apply (virt_type kvm), except rbd_user / rbd_secret_uuid when a line sets them.
"""
import importlib.machinery
import json
import logging
import os
import sys
import types

import nova


class Stub(types.ModuleType):
    """A module get_config imports but never calls: any attribute is another stub."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub("%s.%s" % (self.__name__, name))

    def __call__(self, *args, **kwargs):
        return Stub(self.__name__ + "()")


class StubFinder:
    """Imports of these host-side and client libraries (and their submodules) get stubs:
    nova's modules import them at module level, get_config never calls them, and the
    requirements file does not install them."""

    STUBBED = {"os_brick", "glanceclient", "cinderclient", "keystoneclient", "neutronclient",
               "os_vif", "os_traits_stub", "pypowervm", "zvmconnector", "libvirt"}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in self.STUBBED:
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = Stub(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, StubFinder())

libvirt_dir = os.path.join(os.path.dirname(nova.__file__), "virt", "libvirt")
package = types.ModuleType("nova.virt.libvirt")
package.__path__ = [libvirt_dir]
sys.modules["nova.virt.libvirt"] = package

import nova.conf  # noqa: E402
from nova.virt.libvirt.volume import net  # noqa: E402
from nova.virt.libvirt.volume import volume  # noqa: E402

logging.disable(logging.CRITICAL)  # nova's warnings are not answers

CONF = nova.conf.CONF
CONF([], project="nova", default_config_files=[])


class Secret:
    def __init__(self, uuid):
        self.uuid = uuid

    def UUIDString(self):
        return self.uuid


class Host:
    """find_secret answers from the request's volume_secrets (volume id -> secret uuid)."""

    def __init__(self, secrets):
        self.secrets = secrets

    def find_secret(self, usage_type, usage_id):
        uuid = self.secrets.get(usage_id) if usage_type == "volume" else None
        return Secret(uuid) if uuid else None


def render(line):
    request = json.loads(line)
    CONF.set_override("rbd_user", request.get("rbd_user"), group="libvirt")
    CONF.set_override("rbd_secret_uuid", request.get("rbd_secret_uuid"), group="libvirt")
    info = request["connection_info"]
    host = Host(request.get("volume_secrets") or {})
    if info["driver_volume_type"] == "local":
        driver = volume.LibvirtVolumeDriver(host)
    else:
        driver = net.LibvirtNetVolumeDriver(host)
    try:
        conf = driver.get_config(info, request["disk_info"])
        return {"xml": conf.to_xml()}
    except Exception as e:  # nova's refusal is an answer too
        return {"error": "%s: %s" % (type(e).__name__, e)}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(render(line)), flush=True)
