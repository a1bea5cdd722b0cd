"""HTTP plumbing every network shares: one status → error mapping, one reset parser.

A network with its own error shapes (Meta's error codes, Telegram's
`parameters.retry_after`) catches what it knows first and falls back here.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any

import httpx

from dripcast.core.errors import AuthExpired, OutcomeUnknown, PublishError, Rejected, Retryable
from publishers.redact import scrub_headers

RESET_HEADERS = ("retry-after", "x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset")
# No answer can make us wait longer than this (`Retry-After: inf`, a reset in year 9999).
MAX_WAIT = 24 * 3600.0


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait, from whichever reset header the network sends.

    Accepts delta seconds (`Retry-After: 30`), epoch seconds (X, Bluesky),
    an HTTP date (`Retry-After`) or ISO 8601 (Mastodon's `X-RateLimit-Reset`).
    At most a day: a value past that (`inf`, `1e300`, `9999-12-31`) is read as a day;
    `nan` is no value.
    """
    now = time.time() if now is None else now
    lower = {k.lower(): v for k, v in headers.items()}
    for name in RESET_HEADERS:
        value = lower.get(name)
        if value is None:
            continue
        value = value.strip()
        try:
            n = float(value)
        except ValueError:
            when = _parse_date(value)
            if when is not None:
                return _bounded(when - now)
            continue
        if math.isnan(n):
            continue
        return _bounded(n - now if n > 1_000_000_000 else n)
    return None


def _bounded(seconds: float) -> float:
    return min(max(0.0, seconds), MAX_WAIT)


def _parse_date(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError):
        pass
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError):
        return None


def error_for(response: httpx.Response, message: str | None = None) -> PublishError:
    """The error a failed response means. 401/403 → AuthExpired; 429/5xx/408 → Retryable."""
    detail = message or _detail(response)
    what = f"{response.status_code}: {detail}" if detail else str(response.status_code)
    status = response.status_code
    if status == 429 or status >= 500 or status == 408:
        return Retryable(what, retry_after=retry_after(response.headers))
    if status in (401, 403):
        return AuthExpired(what)
    return Rejected(what)


def check(response: httpx.Response) -> httpx.Response:
    """Return the response if it succeeded, else raise what its status means."""
    if response.is_success:
        return response
    raise error_for(response)


def _detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        for key in ("error_description", "message", "error", "detail", "description", "title"):
            v = body.get(key)
            if isinstance(v, str) and v:
                return v
            if isinstance(v, dict) and isinstance(v.get("message"), str):
                return str(v["message"])
    return str(body)[:300]


class AsyncAuth(httpx.Auth):
    """Base of our token refreshers: one `httpx.Auth` per auth scheme, for AsyncClient."""

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError(f"{type(self).__name__} works with httpx.AsyncClient only")


def bearer(request: httpx.Request, token: str) -> httpx.Request:
    """The token in the Authorization header, never the URL (URLs end up in logs)."""
    request.headers["Authorization"] = f"Bearer {token}"
    return request


async def send(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request; transport failures become the error tree.

    A failure before the request left (connect) is safe to retry. A timeout or a
    dropped connection after it left may have created the post: OutcomeUnknown,
    unless the method cannot create anything.
    """
    try:
        return await http.request(method, url, **kwargs)
    except httpx.LocalProtocolError:
        # Refused before sending, most often a header value with a line break: h11's
        # message quotes the value (`Bearer <token>`), so neither it nor its cause goes on.
        raise AuthExpired(
            "the request could not be sent: a header value is malformed"
            " (check the channel's secret: one line, no control characters)"
        ) from None
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
        raise Retryable(f"could not connect: {scrub_headers(repr(e))}") from None
    except httpx.TransportError as e:
        if method.upper() in ("GET", "HEAD"):
            raise Retryable(f"no answer: {scrub_headers(repr(e))}") from None
        raise OutcomeUnknown(f"no answer after sending: {scrub_headers(repr(e))}") from None
