"""Small helpers shared by the publishers that upload bytes before they post.

An upload (X's media, LinkedIn's image, WordPress's attachment) creates
nothing anyone sees: if its answer is lost, doing it again is safe. Only the
final call that makes the post may leave the outcome unknown.
"""

from __future__ import annotations

from typing import Any

import httpx

from dripcast.core.errors import OutcomeUnknown, Retryable
from publishers.http import send


async def prepare(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """`send` for a step that makes nothing visible: a lost answer is worth a retry."""
    try:
        return await send(http, method, url, **kwargs)
    except OutcomeUnknown as e:
        raise Retryable(f"upload step got no answer, safe to redo: {e}") from e
