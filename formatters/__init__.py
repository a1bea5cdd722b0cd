"""Per-channel captions and image variants. Pure: no network I/O; imports only the kernel.

The names below load on first use (PEP 562): a worker process that only cuts images
(`formatters.images`) does not pay for Jinja, the caption rules or the config models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formatters.caption import TemplateError, check_template
    from formatters.compose import format_submission, recaption
    from formatters.decode import ImageError
    from formatters.sheet import render_sheet

__all__ = [
    "ImageError",
    "TemplateError",
    "check_template",
    "format_submission",
    "recaption",
    "render_sheet",
]

_WHERE = {
    "ImageError": "formatters.decode",
    "TemplateError": "formatters.caption",
    "check_template": "formatters.caption",
    "format_submission": "formatters.compose",
    "recaption": "formatters.compose",
    "render_sheet": "formatters.sheet",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'formatters' has no attribute {name!r}")
