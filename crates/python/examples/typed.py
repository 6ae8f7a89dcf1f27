"""A typed use of diskxml's Python API; `mypy --strict` checks it against the package's
stubs (.ci/run). Run it: python crates/python/examples/typed.py"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import diskxml


def edge_disk(volume: str, host: str, port: int) -> str:
    info: Dict[str, Any] = {
        "driver_volume_type": "openvstorage_edge",
        "serial": volume,
        "data": {"device_path": f"openvstorage+tcp:{host}:{port}/{volume}"},
    }
    rendered: diskxml.Rendered = diskxml.render(info, dev="vdb", bus="virtio")
    for warning in rendered.warnings:
        note: Optional[str] = warning.field or warning.rule
        print("warning:", note, warning.message)
    return rendered.xml


def problems(xml: str) -> List[str]:
    try:
        found: List[diskxml.Problem] = diskxml.check(xml, profile="qemu")
    except diskxml.XmlError as e:
        line: int = e.line
        return [f"{line}:{e.column}: {e.message}"]
    return [str(p) for p in found]


def renamed(xml: str, name: str) -> str:
    disk: Dict[str, Any] = diskxml.parse_disk(xml)
    disk["source"]["network"]["name"] = name
    try:
        return diskxml.write_disk(disk, check=True)
    except diskxml.RefusedError as e:
        rules: List[str] = [p.rule for p in e.problems]
        raise SystemExit(f"refused: {rules}") from e


def main() -> None:
    xml = edge_disk("volume-1", "10.0.0.5", 26203)
    print(xml, end="")
    print(problems(xml) or "libvirt's rules hold")
    print(renamed(xml, "volume-2"), end="")
    print(diskxml.normalize(xml, "generic"), end="")
    print(len(diskxml.disks(f"<domain><devices>{xml}</devices></domain>")), "disk")
    try:
        diskxml.render({"driver_volume_type": "rbd", "data": {}})
    except diskxml.ConnectionInfoError as e:
        field: Optional[str] = e.field
        print("connection info:", field)
    device: diskxml.Device = diskxml.connect({"driver_volume_type": "nbd", "data": {"name": "e", "hosts": ["h"], "ports": ["10809"]}})
    size: Optional[int] = device.size
    print(device.kind, device.path, size, diskxml.drivers())


if __name__ == "__main__":
    main()
