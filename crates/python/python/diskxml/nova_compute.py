"""``diskxml-nova-compute``: nova-compute with diskxml's volume drivers, without patching nova.

It does three things, in this order:

1. nova-compute's own start-up: importing ``nova.cmd.compute`` monkey-patches first, as
   ``nova-compute`` does;
2. adds diskxml's drivers to nova's ``VOLUME_DRIVERS``: the types named by
   ``--diskxml-volume-drivers a,b`` or else by ``volume_drivers`` in the ``[diskxml]`` section
   of nova's configuration files (default ``openvstorage_edge,nbd``);
3. runs nova-compute's ``main()`` with every other argument.

``--diskxml-dry-run`` stops after step 2 and prints the entries it set, one
``TYPE = CLASS`` a line.
"""

from __future__ import annotations

import sys
from typing import List, Optional, Sequence, Tuple

__all__ = ["main", "split_argv"]

_DRIVERS_FLAG = "--diskxml-volume-drivers"
_DRY_RUN_FLAG = "--diskxml-dry-run"


def split_argv(argv: Sequence[str]) -> Tuple[Optional[List[str]], bool, List[str]]:
    """diskxml's own flags out of ``argv``: the driver names (``None`` when not given), whether
    to stop before nova-compute runs, and the arguments left for nova-compute."""
    names: Optional[List[str]] = None
    dry_run = False
    rest: List[str] = []
    args = iter(argv)
    for arg in args:
        if arg == _DRY_RUN_FLAG:
            dry_run = True
        elif arg == _DRIVERS_FLAG or arg.startswith(_DRIVERS_FLAG + "="):
            value = arg.partition("=")[2] if "=" in arg else next(args, None)
            if value is None:
                raise SystemExit(f"diskxml-nova-compute: {_DRIVERS_FLAG} needs a value, e.g. openvstorage_edge,nbd")
            names = [n.strip() for n in value.split(",") if n.strip()]
        else:
            rest.append(arg)
    return names, dry_run, rest


def _config_files(argv: Sequence[str]) -> List[str]:
    """The configuration files nova-compute will read: those given with ``--config-file``, or
    else oslo.config's defaults for nova (``/etc/nova/nova.conf`` ...)."""
    from oslo_config import cfg

    files: List[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg == "--config-file":
            value = next(args, None)
            if value:
                files.append(value)
        elif arg.startswith("--config-file="):
            files.append(arg.partition("=")[2])
    return files or list(cfg.find_config_files(project="nova", prog="nova-compute"))


def _configured_drivers(argv: Sequence[str]) -> List[str]:
    """``[diskxml] volume_drivers`` from nova's configuration files, read with a configuration
    of its own (nova's is parsed later, by nova-compute itself)."""
    from oslo_config import cfg

    from diskxml.nova import OPTS

    conf = cfg.ConfigOpts()
    conf.register_opts(OPTS, group="diskxml")
    conf([], project="nova", default_config_files=_config_files(argv), validate_default_values=True)
    return list(conf.diskxml.volume_drivers)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``diskxml-nova-compute`` command; returns what nova-compute's ``main()`` returns."""
    names, dry_run, rest = split_argv(sys.argv if argv is None else argv)
    # 1. nova-compute's start-up: this import monkey-patches before anything else of nova loads.
    from nova.cmd import compute

    # 2. Registration (diskxml.nova imports nova's libvirt driver, after the patching).
    from diskxml.nova import register

    chosen = register(names if names is not None else _configured_drivers(rest))
    if dry_run:
        for name, path in sorted(chosen.items()):
            print(f"{name} = {path}")
        return 0
    # 3. nova-compute, with the arguments meant for it.
    sys.argv = list(rest)
    result = compute.main()
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
