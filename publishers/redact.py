"""Keep secrets that live in URLs (Telegram's bot token, Discord's webhook URL) out of errors.

httpx errors carry the request, and so the URL; a message or a chained exception
that reaches a log would carry the secret with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dripcast.core.errors import PublishError


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


@contextmanager
def redacting(*secrets: str) -> Iterator[None]:
    """Re-raise any PublishError with the secrets masked and without the httpx cause."""
    try:
        yield
    except PublishError as e:
        clean = type(e)(scrub(str(e), secrets), retry_after=e.retry_after)
        raise clean from None
