"""What a `dripcast` process does for its start, before and while its command begins.

Each costs a command time for nothing it uses (issue 16: every command starts within
0.25 s where it can; `python -m bench.startup` measures, tests/test_startup.py pins).
"""

from __future__ import annotations

import gc
import os
import sys
import types


def no_httpx_cli() -> None:
    """httpx's __init__ imports its own command-line client, and with it rich, pygments
    and click's extras (~70 ms of serve's and web's start); dripcast never runs it. A
    None entry makes that one import fail, and httpx falls back as it does when its CLI
    extras are not installed (`httpx.main` then says so)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def no_pydantic_plugins() -> None:
    """dripcast uses no pydantic plugin. Looking for one, on the first model, imports
    importlib.metadata (with zipfile, csv, email…) and reads the entry points of every
    installed package: ~15 ms of each command's start. PYDANTIC_DISABLE_PLUGINS is
    pydantic's own switch (a caller's setting wins); with it set, the loader it would
    import anyway for nothing is replaced by one that finds none (before the first
    model is built; the same shape as formatters.counting's pkg_resources shim)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true"):
        return
    name = "pydantic.plugin._loader"  # its one user: `from ._loader import get_plugins`
    if name not in sys.modules:
        loader = types.ModuleType(name)
        loader.__dict__["get_plugins"] = lambda: ()
        sys.modules[name] = loader


def pause_collector() -> bool:
    """Starting, a command imports pydantic, SQLAlchemy, Pillow… and builds the config's
    models: 40,000-110,000 objects that live as long as the process, which the cyclic
    collector walked again and again (10-25 % of a command's start, more with
    SQLAlchemy). Off until `resume_collector`; whether this call turned it off."""
    if not gc.isenabled():
        return False
    gc.disable()
    return True


def resume_collector() -> None:
    """The collector back on, without the objects made so far: frozen, later passes
    skip them (the ~400 of them that were already garbage stay, once). Turned on
    without the freeze, its first full pass took most of the gain back."""
    gc.freeze()
    gc.enable()
