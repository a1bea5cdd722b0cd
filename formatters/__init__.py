"""Per-channel captions and image variants. Pure: no network I/O; imports only the kernel."""

from formatters.compose import format_submission

__all__ = ["format_submission"]
