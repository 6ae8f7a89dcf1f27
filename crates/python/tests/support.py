"""What the Python tests share: where the repository and its tools are, and how a test without
a tool it needs says so (a loud skip, or a failure under ``DISKXML_REQUIRE_TOOLS=1``, as the
Rust tests do)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import unittest
from pathlib import Path
from typing import NoReturn, Optional

#: The repository's root (crates/python/tests/../../..).
ROOT = Path(__file__).resolve().parents[3]
#: The environment variable naming the one libvirtd tests may use (.ci/run sets it).
LIBVIRT_URI_VAR = "DISKXML_LIBVIRT_URI"


def missing(what: str) -> NoReturn:
    """Skips the test for want of ``what``, or fails it when ``DISKXML_REQUIRE_TOOLS=1``."""
    if os.environ.get("DISKXML_REQUIRE_TOOLS") == "1":
        raise AssertionError(f"DISKXML_REQUIRE_TOOLS=1 and this test needs {what}")
    print(f"\nSKIPPED: needs {what}", file=sys.stderr)
    raise unittest.SkipTest(f"needs {what}")


def require_nova() -> None:
    """nova 34 must be importable (the interpreter of target/nova34, as .ci/run builds it)."""
    try:
        import nova.virt.libvirt.driver  # noqa: F401
    except ImportError as e:
        missing(f"nova 34 in this Python ({sys.executable}): {e}")


def libvirt_uri() -> str:
    """The URI of the libvirtd tests may use (``DISKXML_LIBVIRT_URI``)."""
    uri = os.environ.get(LIBVIRT_URI_VAR)
    if not uri:
        missing(f"{LIBVIRT_URI_VAR} (the libvirtd .ci/libvirtd started)")
    return uri


def tool(name: str) -> str:
    """The path of the command ``name``."""
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
    if path is None:
        missing(f"the command {name}")
    return path


def diskxml_cli() -> str:
    """The ``diskxml`` command built in target/ (``cargo build -p diskxml-cli``)."""
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "diskxml"
        if path.is_file():
            return str(path)
    missing("the diskxml command (cargo build -p diskxml-cli)")


def seed(name: str) -> int:
    """A random seed, printed: ``DISKXML_<NAME>_SEED`` repeats a run."""
    var = f"DISKXML_{name.upper()}_SEED"
    value = int(os.environ.get(var) or random.SystemRandom().randrange(2**32))
    print(f"\n{name}: seed {value} (repeat with {var}={value})", file=sys.stderr)
    return value


def seeded(name: str) -> random.Random:
    """A random generator from :func:`seed`."""
    return random.Random(seed(name))


def testkit() -> str:
    """The testkit's command (``cargo build -p diskxml-testkit``): its generator and its
    semantic comparison, so that the Python tests use the Rust tests' own."""
    path = ROOT / "target" / "debug" / "diskxml-testkit"
    if not path.is_file():
        missing("target/debug/diskxml-testkit (cargo build -p diskxml-testkit)")
    return str(path)


class SemanticEq:
    """The testkit's "semantically equal" (``diskxml-testkit semantic-eq``), one process for
    many comparisons; close it when done."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([testkit(), "semantic-eq"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def diff(self, a: str, b: str) -> Optional[str]:
        """None when ``a`` and ``b`` are semantically equal, else where and how they differ."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps([a, b]) + "\n")
        self.proc.stdin.flush()
        answer: Optional[str] = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()
