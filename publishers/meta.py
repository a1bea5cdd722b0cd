"""What Facebook, Instagram and Threads share: hosts, one Graph API version, the
Graph error shape and what its codes mean.

Meta answers errors as `{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`, and the HTTP status says little (a rate limit may come as 400
or 403), so the code is read first and the status only as a fallback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from dripcast.core.errors import AuthExpired, OutcomeUnknown, PublishError, Rejected, Retryable
from publishers.http import error_for, retry_after, send

GRAPH_VERSION = "v26.0"  # one place to move all three networks to a newer Graph API
FACEBOOK_GRAPH = f"https://graph.facebook.com/{GRAPH_VERSION}"
INSTAGRAM_GRAPH = f"https://graph.instagram.com/{GRAPH_VERSION}"
THREADS_GRAPH = "https://graph.threads.net/v1.0"  # Threads versions on its own

# 4 app, 17 user, 32 page, 613 custom rate limits; 80001–80014 business use case
# limits; 1390008 Threads/Pages "posting too fast".
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 1390008, *range(80001, 80015)})
# Unknown error / service temporarily unavailable: Meta's own hiccups.
TRANSIENT_CODES = frozenset({1, 2})
# 2207003 Meta timed out fetching the image; 2207001 Instagram server error;
# 2207042 the account's 24-hour publishing cap is reached.
RETRYABLE_SUBCODES = frozenset({2207003, 2207001, 2207042})
# 2207009 aspect ratio, 2207004 image too large, 2207010 caption too long,
# 2207026 unsupported format, 2207052 media could not be fetched from the URL.
REJECTED_SUBCODES = frozenset({2207009, 2207004, 2207010, 2207026, 2207052})
# 190 invalid/expired token, 102 session, 10 and 200–299 a permission is missing:
# all need a person to reconnect. Not every OAuthException: Meta also uses that
# type for content errors (2207009 comes as OAuthException), so the code decides.
AUTH_CODES = frozenset({190, 102, 10, *range(200, 300)})
USAGE_HEADERS = ("x-business-use-case-usage", "x-app-usage", "x-page-usage")


def regain_after(headers: Mapping[str, str]) -> float | None:
    """Seconds until Meta lets us back in, from its usage headers.

    `X-Business-Use-Case-Usage` is `{business-id: [{..., "estimated_time_to_regain_access": minutes}]}`;
    the app and page headers are one flat object. The largest wait wins.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    minutes: list[float] = []
    for name in USAGE_HEADERS:
        raw = lower.get(name)
        if not raw:
            continue
        try:
            doc: Any = json.loads(raw)
        except ValueError:
            continue
        for entry in _usage_entries(doc):
            value = entry.get("estimated_time_to_regain_access")
            if isinstance(value, int | float) and value > 0:
                minutes.append(float(value))
    return max(minutes) * 60 if minutes else None


def _usage_entries(doc: Any) -> list[Mapping[str, Any]]:
    if not isinstance(doc, dict):
        return []
    if any(isinstance(v, list) for v in doc.values()):
        return [e for v in doc.values() if isinstance(v, list) for e in v if isinstance(e, dict)]
    return [doc]


def graph_error(response: httpx.Response) -> PublishError:
    """The error a failed Graph response means; plain HTTP mapping when there is no Graph error."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return error_for(response)
    code = _int(err.get("code"))
    sub = _int(err.get("error_subcode"))
    text = describe(err)
    wait = regain_after(response.headers) or retry_after(response.headers)
    if code in RATE_LIMIT_CODES or sub in RATE_LIMIT_CODES:
        return Retryable(text, retry_after=wait)
    if sub in RETRYABLE_SUBCODES or code in TRANSIENT_CODES or err.get("is_transient") is True:
        return Retryable(text, retry_after=wait)
    if sub in REJECTED_SUBCODES:
        return Rejected(text)
    if code in AUTH_CODES or response.status_code == 401:
        return AuthExpired(text)
    if response.status_code >= 500:
        return Retryable(text, retry_after=wait)
    return Rejected(text)


def describe(err: Mapping[str, Any]) -> str:
    """Meta's own words plus the codes and trace id a support request needs."""
    message = str(err.get("message") or "unknown Graph API error")
    user_msg = err.get("error_user_msg")
    if user_msg and user_msg != message:
        message = f"{message}: {user_msg}"
    codes = "/".join(str(c) for c in (err.get("code"), err.get("error_subcode")) if c is not None)
    trace = err.get("fbtrace_id")
    extra = ", ".join(
        x for x in (f"code {codes}" if codes else "", f"fbtrace_id {trace}" if trace else "") if x
    )
    return f"{message} ({extra})" if extra else message


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


async def graph(
    http: httpx.AsyncClient, method: str, url: str, token: str | httpx.Auth, **kwargs: Any
) -> dict[str, Any]:
    """One Graph API call; the answer's JSON object, or the error it means.

    The token (or the `httpx.Auth` that keeps it) goes in the Authorization header,
    never the URL: URLs end up in logs.
    """
    if isinstance(token, httpx.Auth):
        response = await send(http, method, url, auth=token, **kwargs)
    else:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
        response = await send(http, method, url, headers=headers, **kwargs)
    if not response.is_success:
        raise graph_error(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        # A 2xx we cannot read: a write may well have happened.
        kind = Retryable if method.upper() == "GET" else OutcomeUnknown
        raise kind(f"{response.status_code}: unexpected answer {response.text[:200]!r}")
    return body


def same_post(
    items: Any, text: str, since: datetime, *, text_key: str, time_key: str
) -> Mapping[str, Any] | None:
    """The newest of an account's recent items with our text, published at or after `since`.

    The time matters: a drip posts several photos with one caption, and an earlier
    sibling must not pass for this post.
    """
    want = " ".join(text.split())
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or " ".join(str(item.get(text_key) or "").split()) != want:
            continue
        when = parse_time(item.get(time_key))
        if when is not None and when >= since:
            return item
    return None


def parse_time(value: Any) -> datetime | None:
    """Graph timestamps: `2026-11-21T09:00:00+0000`."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
