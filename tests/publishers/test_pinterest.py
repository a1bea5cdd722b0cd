from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dripcast.core.channels import Pinterest
from dripcast.core.domain import Published
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.pinterest import PinterestPublisher
from tests.publishers.fake import FakeNetwork, json_body, reply, timeout_after_send
from tests.publishers.kit import jpeg_bytes, make_ctx, make_post

CHANNEL = Pinterest(type="pinterest", id="pin", board_id="549755885175", token="PIN-TOKEN")
LINK = "https://example.com/shop?utm_source=pinterest&utm_medium=social&utm_campaign=demo-bakery"
PIN = {
    "id": "813744226420795884",
    "created_at": "2026-11-23T08:00:00",
    "link": LINK,
    "title": "Cinnamon buns",
    "board_id": "549755885175",
}


def pin_net() -> FakeNetwork:
    net = FakeNetwork()
    net.route("POST", "/v5/pins", reply(201, PIN))
    return net


def b64(path_bytes: bytes) -> str:
    return base64.b64encode(path_bytes).decode()


async def publish(tmp_path: Path, net: FakeNetwork, n: int = 1, **extra: str) -> Published:
    post = make_post(
        tmp_path, n, type="pinterest", extra={"title": "Cinnamon buns", "link": LINK, **extra}
    )
    async with net.client() as http:
        return await PinterestPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)


async def test_single_image_pin(tmp_path: Path) -> None:
    net = pin_net()
    got = await publish(tmp_path, net)
    assert got == Published(
        external_id="813744226420795884", url="https://www.pinterest.com/pin/813744226420795884/"
    )
    (req,) = net.requests
    assert (req.method, req.url.host, req.url.path) == ("POST", "api.pinterest.com", "/v5/pins")
    assert req.headers["authorization"] == "Bearer PIN-TOKEN"
    post = make_post(tmp_path, 1)
    assert json_body(req) == {
        "board_id": "549755885175",
        "title": "Cinnamon buns",
        "description": post.text,
        "link": LINK,
        "alt_text": "photo 1 of the cake",
        "media_source": {
            "source_type": "image_base64",
            "content_type": "image/jpeg",
            "data": b64(jpeg_bytes(post.media[0])),
        },
    }


async def test_several_images_make_a_carousel(tmp_path: Path) -> None:
    net = pin_net()
    await publish(tmp_path, net, 3)
    post = make_post(tmp_path, 3)
    source = json_body(net.requests[0])["media_source"]
    assert source == {
        "source_type": "multiple_image_base64",
        "items": [
            {
                "content_type": "image/jpeg",
                "data": b64(jpeg_bytes(m)),
                "title": "Cinnamon buns",
                "description": post.text,
                "link": LINK,
            }
            for m in post.media
        ],
    }


async def test_six_images_or_none_are_refused_locally(tmp_path: Path) -> None:
    net = pin_net()
    with pytest.raises(Rejected, match="at most 5"):
        await publish(tmp_path, net, 6)
    with pytest.raises(Rejected, match="needs an image"):
        await publish(tmp_path / "b", net, 0)
    assert net.requests == []


async def test_title_falls_back_to_the_first_line_within_100_chars(tmp_path: Path) -> None:
    net = pin_net()
    long = "word " * 40
    post = make_post(tmp_path, 1, type="pinterest", text=long.strip() + "\nsecond line")
    async with net.client() as http:
        await PinterestPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    body = json_body(net.requests[0])
    assert len(body["title"]) <= 100 and body["title"].endswith("word…")
    assert "link" not in body


async def test_429_is_retryable_with_the_reset(tmp_path: Path) -> None:
    net = pin_net()
    net.route(
        "POST",
        "/v5/pins",
        reply(
            429,
            {"code": 8, "message": "You have exceeded your rate limit. Try again later."},
            headers={"X-RateLimit-Reset": "42"},
        ),
    )
    with pytest.raises(Retryable, match="exceeded your rate limit") as e:
        await publish(tmp_path, net)
    assert e.value.retry_after == 42.0


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = pin_net()
    net.route("POST", "/v5/pins", reply(503, {"code": 0, "message": "Service unavailable"}))
    with pytest.raises(Retryable):
        await publish(tmp_path, net)


async def test_bad_token_is_auth_expired(tmp_path: Path) -> None:
    net = pin_net()
    net.route("POST", "/v5/pins", reply(401, {"code": 2, "message": "Authentication failed."}))
    with pytest.raises(AuthExpired, match="Authentication failed"):
        await publish(tmp_path, net)


async def test_refused_content_keeps_pinterests_message(tmp_path: Path) -> None:
    net = pin_net()
    net.route(
        "POST",
        "/v5/pins",
        reply(400, {"code": 1, "message": "Invalid request: link is not a valid URL"}),
    )
    with pytest.raises(Rejected, match="link is not a valid URL"):
        await publish(tmp_path, net)


async def test_timeout_after_sending_is_unknown(tmp_path: Path) -> None:
    net = pin_net()
    net.route("POST", "/v5/pins", timeout_after_send)
    with pytest.raises(OutcomeUnknown):
        await publish(tmp_path, net)


async def test_find_reads_the_board(tmp_path: Path) -> None:
    post = make_post(tmp_path, 1, type="pinterest")
    net = FakeNetwork()
    net.route(
        "GET",
        "/v5/boards/549755885175/pins",
        reply(
            200,
            {
                "items": [{"id": "1", "description": "old"}, {"id": "2", "description": post.text}],
                "bookmark": None,
            },
        ),
    )
    async with net.client() as http:
        pub = PinterestPublisher(CHANNEL, make_ctx(http, tmp_path))
        got = await pub.find(post)
        assert got is not None and got.external_id == "2"
        net.route(
            "GET", "/v5/boards/549755885175/pins", reply(200, {"items": [], "bookmark": None})
        )
        assert await pub.find(post) is None


async def test_check_reads_the_user_account(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        "/v5/user_account",
        reply(200, {"account_type": "BUSINESS", "username": "demobakery"}),
    )
    async with net.client() as http:
        assert await PinterestPublisher(CHANNEL, make_ctx(http, tmp_path)).check() == "demobakery"


async def test_created_with_an_odd_body_is_still_published(tmp_path: Path) -> None:
    net = pin_net()
    net.route("POST", "/v5/pins", reply(201, "ok"))
    assert await publish(tmp_path, net) == Published(external_id="")
