from __future__ import annotations

import httpx
import pytest

from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.http import error_for, retry_after, send
from tests.publishers.fake import FakeNetwork, multipart, reply, timeout_after_send

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"x-rate-limit-reset": str(int(NOW) + 90)}, 90.0),
        ({"RateLimit-Reset": str(int(NOW) + 5)}, 5.0),
        ({"X-RateLimit-Reset": "2027-01-15T08:00:30.000Z"}, 30.0),
        ({"Retry-After": "Fri, 15 Jan 2027 08:01:00 GMT"}, 60.0),
        ({}, None),
    ],
)
def test_retry_after_reads_every_reset_header(
    headers: dict[str, str], expected: float | None
) -> None:
    now = NOW
    if "X-RateLimit-Reset" in headers or "GMT" in headers.get("Retry-After", ""):
        from datetime import datetime

        now = datetime.fromisoformat("2027-01-15T08:00:00+00:00").timestamp()
    assert retry_after(headers, now=now) == expected


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, Retryable),
        (500, Retryable),
        (503, Retryable),
        (401, AuthExpired),
        (403, AuthExpired),
        (400, Rejected),
        (422, Rejected),
    ],
)
def test_error_for_maps_status(status: int, kind: type[Exception]) -> None:
    err = error_for(httpx.Response(status, json={"error": "nope"}, headers={"Retry-After": "7"}))
    assert type(err) is kind
    assert "nope" in str(err)
    assert err.retry_after == (7.0 if kind is Retryable else None)


async def test_timeout_after_post_is_outcome_unknown_but_get_is_retryable() -> None:
    net = FakeNetwork()
    net.route("POST", "/x", timeout_after_send)
    net.route("GET", "/x", timeout_after_send)
    async with net.client() as http:
        with pytest.raises(OutcomeUnknown):
            await send(http, "POST", "https://n.example/x")
        with pytest.raises(Retryable):
            await send(http, "GET", "https://n.example/x")


async def test_fake_network_records_multipart() -> None:
    net = FakeNetwork()
    net.route("POST", "/up", reply(200, {"ok": True}))
    async with net.client() as http:
        r = await send(
            http,
            "POST",
            "https://n.example/up",
            data={"a": "1"},
            files={"file": ("p.jpg", b"\xff\xd8data", "image/jpeg")},
        )
    assert r.json() == {"ok": True}
    parts = multipart(net.requests[0])
    assert [(p.name, p.filename, p.data) for p in parts] == [
        ("a", None, b"1"),
        ("file", "p.jpg", b"\xff\xd8data"),
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "inf"},
        {"Retry-After": "1e300"},
        {"Retry-After": "1e400"},
        {"X-RateLimit-Reset": "9999-12-31"},
        {"X-RateLimit-Reset": "9999-12-31T23:59:59.999Z"},
        {"x-rate-limit-reset": "99999999999999"},
    ],
)
def test_a_reset_past_a_day_waits_a_day(headers: dict[str, str]) -> None:
    assert retry_after(headers, now=1_700_000_000.0) == 24 * 3600.0


def test_nan_is_no_reset() -> None:
    assert retry_after({"Retry-After": "nan"}) is None
    assert retry_after({"Retry-After": "-inf"}) == 0.0
