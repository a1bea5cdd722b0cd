"""Per-channel captions and image variants. Pure: no network I/O; imports only the kernel."""

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
