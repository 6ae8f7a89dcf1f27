"""The exceptions of diskxml: one hierarchy under :class:`Error`, each with the facts a caller
needs to point at the fault (line and column, the JSON field, the rules libvirt would refuse on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

__all__ = [
    "ArgumentError",
    "ConnectError",
    "ConnectionInfoError",
    "DiskError",
    "Error",
    "Problem",
    "RefusedError",
    "XmlError",
]


@dataclass(frozen=True)
class Problem:
    """A broken rule of libvirt's: its stable id (``target.dev-pattern``), what is wrong, and
    where, when it has a place in a text (1-based line and column, and the index of the disk in
    a ``<domain>``)."""

    rule: str
    message: str
    line: Optional[int] = None
    column: Optional[int] = None
    disk: int = 0

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        return f"{where}[{self.rule}] {self.message}"


class Error(Exception):
    """Every error diskxml raises. ``message`` is the whole sentence, ``str(e)`` too."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class XmlError(Error, ValueError):
    """The XML cannot be read: malformed, over a limit, or not the disk libvirt means.
    ``line`` and ``column`` (1-based) point at the fault."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ConnectionInfoError(Error, ValueError):
    """The connection info cannot become a disk. ``field`` names the field at fault
    (``data.device_path``); ``line`` and ``column`` are set when the text is not JSON."""

    def __init__(
        self,
        message: str,
        field: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.column = column


class RefusedError(Error):
    """libvirt would refuse this disk: ``problems`` lists every rule it breaks (libvirt's
    QEMU driver's rules, those that depend on the host's QEMU build aside)."""

    def __init__(self, message: str, problems: Iterable[Tuple[str, str, Optional[int], Optional[int]]]) -> None:
        super().__init__(message)
        self.problems: Sequence[Problem] = tuple(Problem(*p) for p in problems)


class ArgumentError(Error, ValueError):
    """An argument outside libvirt's vocabulary (a bus libvirt 9 does not know, a dev it
    refuses, a unit on a bus without units). ``argument`` is its name."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class ConnectError(Error):
    """The volume could not be reached (the probe of :func:`diskxml.connect`)."""


class DiskError(Error, ValueError):
    """A disk model (``dict``) that diskxml's model refuses, or that cannot be written."""
