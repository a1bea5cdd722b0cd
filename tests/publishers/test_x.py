from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import X
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.x import XPublisher
from tests.publishers.fake import (
    FakeNetwork,
    form_body,
    json_body,
    multipart,
    reply,
    timeout_after_send,
)
from tests.publishers.kit import jpeg_bytes, make_ctx, make_post

CHANNEL = X(
    type="x", id="x", token="CONFIG-ACCESS", refresh_token="CONFIG-REFRESH", client_id="cid"
)


def x_net() -> FakeNetwork:
    net = FakeNetwork()
    counter = iter(range(1, 100))

    def upload(_: httpx.Request) -> httpx.Response:
        n = next(counter)
        return httpx.Response(
            200,
            json={
                "data": {
                    "id": f"m{n}",
                    "media_key": f"3_m{n}",
                    "size": 100,
                    "expires_after_secs": 86400,
                }
            },
        )

    net.route("POST", "/2/media/upload", upload)
    net.route("POST", "/2/media/metadata", reply(200, {"data": {"associated_metadata": {}}}))
    net.route(
        "POST", "/2/tweets", reply(201, {"data": {"id": "1445880548472328192", "text": "hi"}})
    )
    return net


def bearer(r: httpx.Request) -> str:
    return r.headers["authorization"]


async def test_single_photo_uploads_sets_alt_and_posts(tmp_path: Path) -> None:
    net = x_net()
    post = make_post(tmp_path, 1)
    async with net.client() as http:
        got = await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    assert got.external_id == "1445880548472328192"
    assert got.url == "https://x.com/i/web/status/1445880548472328192"
    assert net.calls() == [
        ("POST", "/2/media/upload"),
        ("POST", "/2/media/metadata"),
        ("POST", "/2/tweets"),
    ]
    assert all(r.url.host == "api.x.com" for r in net.requests)
    assert all(bearer(r) == "Bearer CONFIG-ACCESS" for r in net.requests)
    parts = multipart(net.requests[0])
    assert [(p.name, p.data) for p in parts if p.filename is None] == [
        ("media_category", b"tweet_image")
    ]
    (media,) = [p for p in parts if p.name == "media"]
    assert media.content_type == "image/jpeg"
    assert media.data == jpeg_bytes(post.media[0])
    assert json_body(net.requests[1]) == {
        "id": "m1",
        "metadata": {"alt_text": {"text": "photo 1 of the cake"}},
    }
    assert json_body(net.requests[2]) == {"text": post.text, "media": {"media_ids": ["m1"]}}


async def test_four_photos_in_order(tmp_path: Path) -> None:
    net = x_net()
    post = make_post(tmp_path, 4)
    async with net.client() as http:
        await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    assert [c for c in net.calls() if c[1] == "/2/media/upload"] == [
        ("POST", "/2/media/upload")
    ] * 4
    sent = [multipart(r)[-1].data for r in net.requests if r.url.path == "/2/media/upload"]
    assert sent == [jpeg_bytes(m) for m in post.media]
    alts = [json_body(r) for r in net.requests if r.url.path == "/2/media/metadata"]
    assert [(a["id"], a["metadata"]["alt_text"]["text"]) for a in alts] == [
        (f"m{i}", f"photo {i} of the cake") for i in range(1, 5)
    ]
    assert json_body(net.requests[-1])["media"] == {"media_ids": ["m1", "m2", "m3", "m4"]}


async def test_five_photos_rejected_before_any_call(tmp_path: Path) -> None:
    net = x_net()
    async with net.client() as http:
        with pytest.raises(Rejected, match="at most 4"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path, 5))
    assert net.requests == []


async def test_429_waits_until_x_rate_limit_reset(tmp_path: Path) -> None:
    net = x_net()
    reset = str(int(time.time()) + 600)
    net.route(
        "POST",
        "/2/tweets",
        reply(
            429,
            {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
            headers={"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"},
        ),
    )
    async with net.client() as http:
        with pytest.raises(Retryable) as e:
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert e.value.retry_after is not None
    assert 590 <= e.value.retry_after <= 600


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", reply(503, {"title": "Service Unavailable", "status": 503}))
    async with net.client() as http:
        with pytest.raises(Retryable, match="503"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))


UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}
NEW_TOKENS = {
    "token_type": "bearer",
    "expires_in": 7200,
    "access_token": "NEW-ACCESS",
    "scope": "tweet.write users.read tweet.read media.write offline.access",
    "refresh_token": "NEW-REFRESH",
}


async def test_401_refreshes_rotates_and_keeps_both_tokens(tmp_path: Path) -> None:
    net = x_net()
    net.route(
        "POST", "/2/media/upload", reply(401, UNAUTHORIZED), reply(200, {"data": {"id": "m9"}})
    )
    net.route("POST", "/2/oauth2/token", reply(200, NEW_TOKENS))
    async with net.client() as http:
        await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert net.calls()[:3] == [
        ("POST", "/2/media/upload"),
        ("POST", "/2/oauth2/token"),
        ("POST", "/2/media/upload"),
    ]
    assert form_body(net.requests[1]) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["CONFIG-REFRESH"],
        "client_id": ["cid"],
    }
    assert [bearer(r) for r in net.requests[2:]] == ["Bearer NEW-ACCESS"] * 3
    stored = tmp_path / "state" / "x-tokens.json"
    assert os.stat(stored).st_mode & 0o777 == 0o600
    doc = json.loads(stored.read_text())
    assert (doc["access_token"], doc["refresh_token"]) == ("NEW-ACCESS", "NEW-REFRESH")

    # The next publisher (a restart) uses the stored pair, not the config's spent one.
    net2 = x_net()
    async with net2.client() as http:
        await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert {bearer(r) for r in net2.requests} == {"Bearer NEW-ACCESS"}


async def test_expired_stored_token_is_refreshed_before_the_call(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    origin = hashlib.sha256(b"CONFIG-REFRESH").hexdigest()[:16]
    (state / "x-tokens.json").write_text(
        json.dumps(
            {
                "access_token": "OLD",
                "refresh_token": "R1",
                "expires_at": time.time() - 5,
                "origin": origin,
            }
        )
    )
    net = x_net()
    net.route("POST", "/2/oauth2/token", reply(200, NEW_TOKENS))
    async with net.client() as http:
        await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert net.calls()[0] == ("POST", "/2/oauth2/token")
    assert form_body(net.requests[0])["refresh_token"] == ["R1"]
    assert {bearer(r) for r in net.requests[1:]} == {"Bearer NEW-ACCESS"}


async def test_refused_refresh_is_auth_expired_without_leaking_tokens(tmp_path: Path) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", reply(401, UNAUTHORIZED))
    net.route(
        "POST",
        "/2/oauth2/token",
        reply(
            400,
            {
                "error": "invalid_request",
                "error_description": "Value passed for the token was invalid.",
            },
        ),
    )
    async with net.client() as http:
        with pytest.raises(AuthExpired) as e:
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert "token was invalid" in str(e.value)
    assert "CONFIG-REFRESH" not in str(e.value) and "CONFIG-ACCESS" not in str(e.value)


async def test_still_401_after_refresh_is_auth_expired(tmp_path: Path) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", reply(401, UNAUTHORIZED))
    net.route("POST", "/2/oauth2/token", reply(200, NEW_TOKENS))
    async with net.client() as http:
        with pytest.raises(AuthExpired):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path, 0))
    assert net.calls() == [
        ("POST", "/2/tweets"),
        ("POST", "/2/oauth2/token"),
        ("POST", "/2/tweets"),
    ]


async def test_parallel_401s_spend_the_refresh_token_once(tmp_path: Path) -> None:
    net = x_net()
    seen: list[str] = []

    def tweets(r: httpx.Request) -> httpx.Response:
        seen.append(bearer(r))
        if bearer(r) == "Bearer CONFIG-ACCESS":
            return httpx.Response(401, json=UNAUTHORIZED)
        return httpx.Response(201, json={"data": {"id": str(len(seen)), "text": "t"}})

    net.route("POST", "/2/tweets", tweets)
    net.route("POST", "/2/oauth2/token", reply(200, NEW_TOKENS))
    async with net.client() as http:
        pub = XPublisher(CHANNEL, make_ctx(http, tmp_path))
        await asyncio.gather(*(pub.publish(make_post(tmp_path / str(i), 0)) for i in range(3)))
    assert net.calls().count(("POST", "/2/oauth2/token")) == 1


async def test_duplicate_content_is_rejected_with_xs_message(tmp_path: Path) -> None:
    net = x_net()
    net.route(
        "POST",
        "/2/tweets",
        reply(
            403,
            {
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            },
        ),
    )
    async with net.client() as http:
        with pytest.raises(Rejected, match="duplicate content"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))


async def test_invalid_request_is_rejected_with_the_field_message(tmp_path: Path) -> None:
    net = x_net()
    net.route(
        "POST",
        "/2/tweets",
        reply(
            400,
            {
                "errors": [
                    {"parameters": {"text": ["…"]}, "message": "Your Post text is too long."}
                ],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        ),
    )
    async with net.client() as http:
        with pytest.raises(Rejected, match="text is too long"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))


async def test_other_403_needs_a_person(tmp_path: Path) -> None:
    net = x_net()
    net.route(
        "POST",
        "/2/tweets",
        reply(
            403,
            {
                "detail": "You are not permitted to perform this action.",
                "title": "Forbidden",
                "status": 403,
            },
        ),
    )
    async with net.client() as http:
        with pytest.raises(AuthExpired, match="not permitted"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))


async def test_timeout_on_the_post_is_unknown_but_on_upload_retryable(tmp_path: Path) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", timeout_after_send)
    async with net.client() as http:
        with pytest.raises(OutcomeUnknown):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    net = x_net()
    net.route("POST", "/2/media/upload", timeout_after_send)
    async with net.client() as http:
        with pytest.raises(Retryable):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert ("POST", "/2/tweets") not in net.calls()


def timeline_net(texts: list[str]) -> FakeNetwork:
    net = FakeNetwork()
    net.route(
        "GET",
        "/2/users/me",
        reply(200, {"data": {"id": "2244994945", "name": "Bakery", "username": "bakery"}}),
    )
    net.route(
        "GET",
        "/2/users/2244994945/tweets",
        reply(
            200,
            {
                "data": [{"id": str(100 + i), "text": t} for i, t in enumerate(texts)],
                "meta": {"result_count": len(texts)},
            },
        ),
    )
    return net


async def test_find_matches_the_text_x_gives_back(tmp_path: Path) -> None:
    post = make_post(tmp_path, text="Buns & coffee!\nOrder https://example.com/shop?utm_source=x")
    net = timeline_net(
        ["something else", "Buns &amp; coffee!\nOrder https://t.co/abc https://t.co/pic"]
    )
    async with net.client() as http:
        got = await XPublisher(CHANNEL, make_ctx(http, tmp_path)).find(post)
    assert got is not None
    assert got.external_id == "101"
    assert got.url == "https://x.com/bakery/status/101"
    assert net.requests[1].url.params["exclude"] == "replies,retweets"


async def test_find_returns_none_when_not_there(tmp_path: Path) -> None:
    net = timeline_net(["Buns & tea!"])
    async with net.client() as http:
        got = await XPublisher(CHANNEL, make_ctx(http, tmp_path)).find(make_post(tmp_path))
    assert got is None


async def test_check_names_the_account(tmp_path: Path) -> None:
    net = timeline_net([])
    async with net.client() as http:
        assert await XPublisher(CHANNEL, make_ctx(http, tmp_path)).check() == "@bakery"
    assert net.calls() == [("GET", "/2/users/me")]


async def test_reconnected_config_wins_over_the_stored_pair(tmp_path: Path) -> None:
    net = x_net()
    net.route(
        "POST",
        "/2/tweets",
        reply(401, UNAUTHORIZED),
        reply(201, {"data": {"id": "1", "text": "t"}}),
    )
    net.route("POST", "/2/oauth2/token", reply(200, NEW_TOKENS))
    async with net.client() as http:
        await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path, 0))
    reconnected = X(
        type="x", id="x", token="FRESH-ACCESS", refresh_token="FRESH-REFRESH", client_id="cid"
    )
    net2 = x_net()
    async with net2.client() as http:
        await XPublisher(reconnected, make_ctx(http, tmp_path)).publish(make_post(tmp_path, 0))
    assert [bearer(r) for r in net2.requests] == ["Bearer FRESH-ACCESS"]


async def test_created_with_an_odd_body_is_still_published(tmp_path: Path) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", reply(201, "created"))
    async with net.client() as http:
        got = await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert got.external_id == "" and got.url is None
