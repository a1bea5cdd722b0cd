"""What a `dripcast` process does for its start, before and while its command begins.

Each costs a command time for nothing it uses (issue 16: every command starts within
0.25 s where it can; `python -m bench.startup` measures, tests/test_startup.py pins).
"""

from __future__ import annotations

import gc
import os
import sys


def no_httpx_cli() -> None:
    """httpx's __init__ imports its own command-line client, and with it rich, pygments
    and click's extras (~70 ms of serve's and web's start); dripcast never runs it. A
    None entry makes that one import fail, and httpx falls back as it does when its CLI
    extras are not installed (`httpx.main` then says so)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def no_pydantic_plugins() -> None:
    """dripcast uses no pydantic plugin: pydantic's own switch, set (a caller's setting
    wins), spares the first model a read of every installed package's entry points."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


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
