from __future__ import annotations

import json

import httpx
import pytest

from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.meta import graph, graph_error, regain_after
from tests.publishers.fake import FakeNetwork, reply


def meta_error(
    code: int, subcode: int | None = None, type_: str = "OAuthException"
) -> dict[str, object]:
    err: dict[str, object] = {
        "message": f"message for {code}",
        "type": type_,
        "code": code,
        "fbtrace_id": "AbCdEf123",
    }
    if subcode is not None:
        err["error_subcode"] = subcode
    return {"error": err}


BUC = json.dumps(
    {
        "17841400000": [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 30,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
)


@pytest.mark.parametrize(
    ("status", "code", "subcode", "kind"),
    [
        (400, 4, None, Retryable),
        (400, 17, None, Retryable),
        (403, 32, None, Retryable),
        (400, 613, None, Retryable),
        (400, 1390008, None, Retryable),
        (400, 80002, None, Retryable),
        (400, 9004, 2207003, Retryable),
        (400, 190, None, AuthExpired),
        (401, 190, 463, AuthExpired),
        (403, 200, None, AuthExpired),
        (400, 36003, 2207009, Rejected),
        (400, 36000, 2207004, Rejected),
        (400, 100, 2207010, Rejected),
        (400, 100, None, Rejected),
        (500, 2, None, Retryable),
    ],
)
def test_graph_error_maps_codes(status: int, code: int, subcode: int | None, kind: type) -> None:
    err = graph_error(httpx.Response(status, json=meta_error(code, subcode)))
    assert type(err) is kind
    assert f"message for {code}" in str(err)
    assert "AbCdEf123" in str(err)


def test_content_error_typed_oauthexception_is_rejected_not_auth() -> None:
    # Meta types the aspect-ratio refusal as OAuthException; the channel must not be paused.
    err = graph_error(httpx.Response(400, json=meta_error(36003, 2207009, "OAuthException")))
    assert type(err) is Rejected


def test_rate_limit_waits_as_long_as_the_usage_header_says() -> None:
    err = graph_error(
        httpx.Response(400, json=meta_error(4), headers={"X-Business-Use-Case-Usage": BUC})
    )
    assert type(err) is Retryable
    assert err.retry_after == 7 * 60


def test_regain_after_takes_the_largest_of_all_headers() -> None:
    headers = {
        "X-Business-Use-Case-Usage": BUC,
        "X-App-Usage": json.dumps({"call_count": 100, "estimated_time_to_regain_access": 12}),
    }
    assert regain_after(headers) == 12 * 60
    assert regain_after({"X-App-Usage": json.dumps({"call_count": 5, "total_time": 3})}) is None
    assert regain_after({"X-App-Usage": "not json"}) is None
    assert regain_after({}) is None


def test_not_a_graph_error_falls_back_to_status() -> None:
    assert type(graph_error(httpx.Response(503, text="upstream down"))) is Retryable
    assert type(graph_error(httpx.Response(401, json={"error": "nope"}))) is AuthExpired


async def test_graph_sends_token_in_header_not_url() -> None:
    net = FakeNetwork()
    net.route("GET", "/v1/me", reply(200, {"id": "1"}))
    async with net.client() as http:
        assert await graph(http, "GET", "https://g.example/v1/me", "SECRET") == {"id": "1"}
    req = net.requests[0]
    assert req.headers["authorization"] == "Bearer SECRET"
    assert "SECRET" not in str(req.url)


async def test_unreadable_success_after_a_write_is_outcome_unknown() -> None:
    net = FakeNetwork()
    net.route("POST", "/v1/x", reply(200, "<html>oops</html>"))
    net.route("GET", "/v1/x", reply(200, "<html>oops</html>"))
    async with net.client() as http:
        with pytest.raises(OutcomeUnknown):
            await graph(http, "POST", "https://g.example/v1/x", "t")
        with pytest.raises(Retryable):
            await graph(http, "GET", "https://g.example/v1/x", "t")


def test_meta_networks_are_registered(tmp_path: object) -> None:
    from publishers.facebook import FacebookPublisher
    from publishers.instagram import InstagramPublisher
    from publishers.registry import REGISTRY
    from publishers.threads import ThreadsPublisher

    assert REGISTRY["facebook"] is FacebookPublisher
    assert REGISTRY["instagram"] is InstagramPublisher
    assert REGISTRY["threads"] is ThreadsPublisher
    # None of them may claim idempotency: Meta takes no idempotency key.
    assert not any(c.idempotent for c in (FacebookPublisher, InstagramPublisher, ThreadsPublisher))


def test_message_keeps_metas_words_and_the_user_message() -> None:
    body = meta_error(36003, 2207009)
    body["error"]["error_user_msg"] = "Use an aspect ratio between 4:5 and 1.91:1."  # type: ignore[index]
    err = graph_error(httpx.Response(400, json=body))
    assert str(err) == (
        "message for 36003: Use an aspect ratio between 4:5 and 1.91:1."
        " (code 36003/2207009, fbtrace_id AbCdEf123)"
    )
