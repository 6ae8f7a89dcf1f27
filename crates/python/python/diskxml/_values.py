"""Plain values of diskxml's API that the native module builds (:class:`RenderWarning`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

__all__ = ["RenderWarning"]


@dataclass(frozen=True)
class RenderWarning:
    """Something :func:`render` wants heard: an ignored field of the connection info
    (``kind`` ``"ignored"``, with ``field``) or a rule whose verdict depends on the host's QEMU
    build (``kind`` ``"host-dependent"``, with ``rule``)."""

    kind: str
    field: Optional[str]
    rule: Optional[str]
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message
