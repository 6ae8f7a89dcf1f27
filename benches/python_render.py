"""python_render_speedup_vs_nova, for the ratio report (benches/src/bin/ratios.rs runs it with
target/nova34's Python): diskxml's Python ``render`` against nova 34's own rbd volume driver,
``get_config(...).to_xml()``, on the same connection info, in one process, interleaved
(A B A B ..., medians of 21 rounds of 200 calls). Prints ``speedup ours_ns nova_ns``.

Both sides do the whole job a nova-compute host does per attach: the connection info and the
block-device mapping in, the disk's XML out. diskxml's ``render`` also checks the disk
against libvirt's QEMU rules; nova's driver checks nothing."""

import logging
import statistics
import time
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)

from nova.virt.libvirt.volume import net  # noqa: E402

import diskxml  # noqa: E402

INFO = {
    "driver_volume_type": "rbd",
    "serial": "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
    "data": {
        "name": "volumes/volume-8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
        "hosts": ["10.130.11.202", "10.130.11.203"],
        "ports": ["6789", "6789"],
        "volume_id": "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
        "qos_specs": {"total_bytes_sec": "104857600"},
        "discard": True,
    },
}
DISK_INFO = {"dev": "vdb", "bus": "virtio", "type": "disk"}


class Host:
    def find_secret(self, usage_type, usage_id):
        return None


driver = net.LibvirtNetVolumeDriver(Host())


def ours():
    return diskxml.render(INFO, dev="vdb", bus="virtio").xml


def novas():
    return driver.get_config(INFO, DISK_INFO).to_xml()


assert "volume-8d5e2a5c" in ours() and "volume-8d5e2a5c" in novas()
CALLS, ROUNDS = 200, 21
times = {ours: [], novas: []}
for _ in range(ROUNDS):
    for f in (ours, novas):
        start = time.perf_counter_ns()
        for _ in range(CALLS):
            f()
        times[f].append((time.perf_counter_ns() - start) / CALLS)
a, b = statistics.median(times[ours]), statistics.median(times[novas])
print(f"{b / a:.2f} {a:.0f} {b:.0f}")
