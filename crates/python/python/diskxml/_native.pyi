# Type stubs of the native module (crates/python/src/lib.rs); the public API is diskxml/__init__.py.
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ._values import RenderWarning

__version__: str

class Rendered:
    """What :func:`render` made: ``xml`` (libvirt's style, ending with a newline),
    ``warnings``, and ``disk``, the model as a ``dict`` (made on first use, shared)."""

    @property
    def xml(self) -> str: ...
    @property
    def warnings(self) -> List[RenderWarning]: ...
    @property
    def disk(self) -> Dict[str, Any]: ...

def render(
    connection_info: Union[str, Mapping[str, Any]],
    dev: str = "vda",
    bus: Optional[str] = None,
    device: str = "disk",
    unit: Optional[int] = None,
    serial: Optional[str] = None,
    *,
    rbd_user: Optional[str] = None,
    rbd_secret_uuid: Optional[str] = None,
    volume_secrets: Optional[Dict[str, str]] = None,
) -> Rendered:
    """Connection info to the disk XML nova 34 writes for it, checked against libvirt's QEMU
    driver. Raises ConnectionInfoError, ArgumentError, RefusedError or DiskError."""
    ...

def parse_disk(xml: str) -> str: ...
def disks(xml: str) -> List[str]: ...
def write_disk(disk: str, check: bool) -> str: ...
def check(xml: str, profile: str) -> List[Tuple[str, str, int, int, int]]: ...
def normalize(xml: str, profile: str) -> str: ...
def connect(connection_info: Union[str, Mapping[str, Any]], probe: bool, timeout: float) -> Tuple[str, str, Optional[int], bool]: ...
def disconnect(connection_info: Union[str, Mapping[str, Any]]) -> None: ...
def drivers() -> List[str]: ...
