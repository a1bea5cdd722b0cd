from __future__ import annotations

import json
from pathlib import Path

import pytest

from dripcast.core.channels import Tumblr
from dripcast.core.domain import Published
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.tumblr import TumblrPublisher
from tests.publishers.fake import FakeNetwork, multipart, reply, timeout_after_send
from tests.publishers.kit import jpeg_bytes, make_ctx, make_post

CHANNEL = Tumblr(type="tumblr", id="tumblr", blog="demobakery", token="TUMBLR-TOKEN")
CREATED = {"meta": {"msg": "Created", "status": 201}, "response": {"id": "1234567891234567"}}
PATH = "/v2/blog/demobakery/posts"


def tumblr_net() -> FakeNetwork:
    net = FakeNetwork()
    net.route("POST", PATH, reply(201, CREATED))
    return net


def failure(status: int, msg: str, *errors: dict[str, object]) -> dict[str, object]:
    return {"meta": {"status": status, "msg": msg}, "response": [], "errors": list(errors)}


async def publish(tmp_path: Path, net: FakeNetwork, n: int = 1, **kw: object) -> Published:
    post = make_post(tmp_path, n, type="tumblr", **kw)  # type: ignore[arg-type]
    async with net.client() as http:
        return await TumblrPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)


async def test_single_photo_npf_post(tmp_path: Path) -> None:
    net = tumblr_net()
    got = await publish(tmp_path, net)
    assert got == Published(
        external_id="1234567891234567", url="https://www.tumblr.com/demobakery/1234567891234567"
    )
    (req,) = net.requests
    assert (req.method, req.url.host, req.url.path) == ("POST", "api.tumblr.com", PATH)
    assert req.headers["authorization"] == "Bearer TUMBLR-TOKEN"
    assert req.headers["user-agent"].startswith("dripcast/")
    assert req.headers["content-type"].startswith("multipart/form-data")
    post = make_post(tmp_path, 1)
    parts = multipart(req)
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("json", None, "application/json"),
        ("photo1", "photo1.jpg", "image/jpeg"),
    ]
    assert json.loads(parts[0].data) == {
        "content": [
            {
                "type": "image",
                "media": [{"type": "image/jpeg", "identifier": "photo1", "width": 8, "height": 6}],
                "alt_text": "photo 1 of the cake",
            },
            {"type": "text", "text": post.text},
        ],
        "state": "published",
    }
    assert parts[1].data == jpeg_bytes(post.media[0])


async def test_several_photos_one_part_each(tmp_path: Path) -> None:
    net = tumblr_net()
    await publish(tmp_path, net, 3, extra={"tags": ["#bakery", "buns"]})
    post = make_post(tmp_path, 3)
    parts = multipart(net.requests[0])
    assert [p.name for p in parts] == ["json", "photo1", "photo2", "photo3"]
    assert [p.data for p in parts[1:]] == [jpeg_bytes(m) for m in post.media]
    doc = json.loads(parts[0].data)
    blocks = doc["content"]
    assert [b["media"][0]["identifier"] for b in blocks[:3]] == ["photo1", "photo2", "photo3"]
    assert [b["alt_text"] for b in blocks[:3]] == [f"photo {i} of the cake" for i in (1, 2, 3)]
    assert blocks[3] == {"type": "text", "text": post.text}
    assert doc["tags"] == "bakery,buns"


async def test_hostname_blogs_get_their_own_url(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/v2/blog/www.davidslog.com/posts", reply(201, CREATED))
    ch = Tumblr(type="tumblr", id="t", blog="www.davidslog.com", token="T")
    async with net.client() as http:
        got = await TumblrPublisher(ch, make_ctx(http, tmp_path)).publish(make_post(tmp_path))
    assert got.url == "https://www.davidslog.com/post/1234567891234567"


async def test_429_is_retryable(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route(
        "POST",
        PATH,
        reply(
            429,
            failure(429, "Limit Exceeded", {"title": "Limit Exceeded", "code": 0}),
            headers={"Retry-After": "900"},
        ),
    )
    with pytest.raises(Retryable, match="Limit Exceeded") as e:
        await publish(tmp_path, net)
    assert e.value.retry_after == 900.0


async def test_daily_post_limit_waits_instead_of_pausing(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route(
        "POST",
        PATH,
        reply(
            403, failure(403, "Forbidden", {"title": "Daily posting limit reached", "code": 8023})
        ),
    )
    with pytest.raises(Retryable, match="Daily posting limit"):
        await publish(tmp_path, net)


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route(
        "POST",
        PATH,
        reply(
            500,
            failure(500, "Internal Server Error", {"title": "Unknown upload error", "code": 8006}),
        ),
    )
    with pytest.raises(Retryable, match="Unknown upload error"):
        await publish(tmp_path, net)


async def test_401_is_auth_expired(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route(
        "POST", PATH, reply(401, {"meta": {"status": 401, "msg": "Unauthorized"}, "response": []})
    )
    with pytest.raises(AuthExpired, match="Unauthorized"):
        await publish(tmp_path, net)


async def test_unknown_blog_needs_a_person(tmp_path: Path) -> None:
    net = FakeNetwork()  # no route: the fake answers 404
    with pytest.raises(AuthExpired, match="404"):
        await publish(tmp_path, net)


async def test_refused_content_keeps_tumblrs_message(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route(
        "POST",
        PATH,
        reply(
            400,
            failure(
                400, "Bad Request", {"title": "Uploaded media is an invalid format", "code": 8005}
            ),
        ),
    )
    with pytest.raises(Rejected, match="invalid format"):
        await publish(tmp_path, net)


async def test_timeout_after_sending_is_unknown(tmp_path: Path) -> None:
    net = tumblr_net()
    net.route("POST", PATH, timeout_after_send)
    with pytest.raises(OutcomeUnknown):
        await publish(tmp_path, net)


async def test_find_matches_the_text_block(tmp_path: Path) -> None:
    post = make_post(tmp_path, 1, type="tumblr")
    posts = [
        {
            "id_string": "1",
            "post_url": "https://www.tumblr.com/demobakery/1",
            "content": [{"type": "text", "text": "older"}],
        },
        {
            "id_string": "2",
            "post_url": "https://www.tumblr.com/demobakery/2",
            "content": [{"type": "image", "media": []}, {"type": "text", "text": post.text}],
        },
    ]
    net = FakeNetwork()
    net.route(
        "GET",
        PATH,
        reply(200, {"meta": {"status": 200, "msg": "OK"}, "response": {"posts": posts}}),
    )
    async with net.client() as http:
        got = await TumblrPublisher(CHANNEL, make_ctx(http, tmp_path)).find(post)
    assert got == Published(external_id="2", url="https://www.tumblr.com/demobakery/2")
    assert net.requests[0].url.params["npf"] == "true"


async def test_check_reads_user_info(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        "/v2/user/info",
        reply(
            200,
            {
                "meta": {"status": 200, "msg": "OK"},
                "response": {"user": {"name": "derekg", "blogs": []}},
            },
        ),
    )
    async with net.client() as http:
        assert await TumblrPublisher(CHANNEL, make_ctx(http, tmp_path)).check() == "derekg"
