"""Keep secrets that live in URLs (Telegram's bot token, Discord's webhook URL) out of errors.

httpx errors carry the request, and so the URL; a message or a chained exception
that reaches a log would carry the secret with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from dripcast.core.errors import PublishError


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return scrub_headers(text)


# h11/httpx quote a refused header as `header value b'Bearer …'` (repr: any quote, escapes)
_HEADER_VALUE = re.compile(r"""(header (?:value|name)s?:?\s*)b?(['"])(?:\\.|(?!\2).)*\2?""")


def scrub_headers(text: str) -> str:
    """Remove quoted header values from an error text: they may hold a credential."""
    return _HEADER_VALUE.sub(r"\1***", text)


@contextmanager
def redacting(*secrets: str) -> Iterator[None]:
    """Re-raise any PublishError with the secrets masked and without the httpx cause."""
    try:
        yield
    except PublishError as e:
        clean = type(e)(scrub(str(e), secrets), retry_after=e.retry_after)
        raise clean from None
