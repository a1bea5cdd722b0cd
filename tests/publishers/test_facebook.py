from __future__ import annotations

import json
from pathlib import Path

import pytest

from dripcast.core.channels import Facebook
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.facebook import FacebookPublisher
from tests.publishers.fake import FakeNetwork, form_body, multipart, reply, timeout_after_send
from tests.publishers.meta_helpers import (
    BUC,
    Memory,
    context,
    graph_error,
    jpeg,
    make_post,
)

V = "/v26.0"
PHOTOS = f"{V}/1001/photos"
FEED = f"{V}/1001/feed"
CHANNEL = Facebook.model_validate(
    {"id": "fb", "type": "facebook", "page_id": "1001", "token": "PAGE-TOKEN"}
)


def read(path: str) -> bytes:
    return Path(path).read_bytes()


def form(net: FakeNetwork, i: int) -> dict[str, str]:
    return {k: v[0] for k, v in form_body(net.requests[i]).items()}


async def test_one_photo_by_url(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, reply(200, {"id": "555", "post_id": "1001_777"}))
    post = make_post((jpeg(tmp_path, "1.jpg", alt="a loaf"),))
    async with net.client() as http:
        got = await FacebookPublisher(CHANNEL, context(http, tmp_path)).publish(post)
    assert got.external_id == "1001_777"
    assert got.url == "https://www.facebook.com/1001_777"
    assert net.calls() == [("POST", PHOTOS)]
    req = net.requests[0]
    assert req.url.host == "graph.facebook.com"
    assert req.headers["authorization"] == "Bearer PAGE-TOKEN"
    assert "PAGE-TOKEN" not in str(req.url)
    assert form(net, 0) == {
        "url": "https://dc.example.com/media/9/sig/1.jpg",
        "message": "Fresh bread today",
        "alt_text_custom": "a loaf",
    }


async def test_one_photo_as_multipart_source_without_public_urls(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, reply(200, {"id": "555", "post_id": "1001_777"}))
    media = jpeg(tmp_path, "1.jpg")
    async with net.client() as http:
        ctx = context(http, tmp_path, urls=False)
        await FacebookPublisher(CHANNEL, ctx).publish(make_post((media,)))
    parts = multipart(net.requests[0])
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("message", None, None),
        ("source", "1.jpg", "image/jpeg"),
    ]
    assert parts[0].data == b"Fresh bread today"
    assert parts[1].data == read(media.path)


async def test_several_photos_unpublished_then_one_feed_post(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, reply(200, {"id": "p1"}), reply(200, {"id": "p2"}))
    net.route("POST", FEED, reply(200, {"id": "1001_900"}))
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg", alt="one"), jpeg(tmp_path, "2.jpg")))
    async with net.client() as http:
        got = await FacebookPublisher(CHANNEL, context(http, tmp_path, memory=memory)).publish(post)
    assert got.external_id == "1001_900"
    assert net.calls() == [("POST", PHOTOS), ("POST", PHOTOS), ("POST", FEED)]
    assert form(net, 0) == {
        "published": "false",
        "alt_text_custom": "one",
        "url": "https://dc.example.com/media/9/sig/1.jpg",
    }
    assert form(net, 1) == {"published": "false", "url": "https://dc.example.com/media/9/sig/2.jpg"}
    feed = form(net, 2)
    assert feed["message"] == "Fresh bread today"
    assert json.loads(feed["attached_media[0]"]) == {"media_fbid": "p1"}
    assert json.loads(feed["attached_media[1]"]) == {"media_fbid": "p2"}
    assert memory.kept[42] == {"photos": ["p1", "p2"]}


async def test_retry_after_feed_failure_reuses_uploaded_photos(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", FEED, reply(200, {"id": "1001_900"}))
    post = make_post(
        (jpeg(tmp_path, "1.jpg"), jpeg(tmp_path, "2.jpg")), remote={"photos": ["p1", "p2"]}
    )
    async with net.client() as http:
        await FacebookPublisher(CHANNEL, context(http, tmp_path)).publish(post)
    assert net.calls() == [("POST", FEED)]


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "wait"),
    [
        (
            400,
            graph_error(32, message="Page request limit reached"),
            {"X-Business-Use-Case-Usage": BUC},
            Retryable,
            900.0,
        ),
        (403, graph_error(4, message="Application request limit reached"), {}, Retryable, None),
        (
            429,
            graph_error(613, message="Calls to this api have exceeded the rate limit"),
            {"X-App-Usage": '{"call_count":100,"estimated_time_to_regain_access":3}'},
            Retryable,
            180.0,
        ),
        (503, "Service Unavailable", {}, Retryable, None),
        (500, graph_error(2, message="Service temporarily unavailable"), {}, Retryable, None),
        (
            400,
            graph_error(190, 463, "Error validating access token: Session has expired"),
            {},
            AuthExpired,
            None,
        ),
        (401, graph_error(190, message="Invalid OAuth access token"), {}, AuthExpired, None),
        (400, graph_error(324, message="Missing or invalid image file"), {}, Rejected, None),
    ],
)
async def test_errors(
    tmp_path: Path,
    status: int,
    body: object,
    headers: dict[str, str],
    kind: type[Exception],
    wait: float | None,
) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, reply(status, body, headers))
    async with net.client() as http:
        pub = FacebookPublisher(CHANNEL, context(http, tmp_path))
        with pytest.raises(kind) as caught:
            await pub.publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert type(caught.value) is kind
    assert caught.value.retry_after == wait
    if isinstance(body, dict):
        assert body["error"]["message"] in str(caught.value)
    assert "PAGE-TOKEN" not in str(caught.value)


async def test_timeout_after_send_is_unknown_and_find_sees_the_post(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, timeout_after_send)
    net.route(
        "GET",
        f"{V}/1001/published_posts",
        reply(
            200,
            {
                "data": [
                    {
                        "id": "1001_778",
                        "message": "Fresh bread  today",
                        "created_time": "2026-11-23T09:00:04+0000",
                        "permalink_url": "https://www.facebook.com/bakery/posts/778",
                    },
                    {
                        "id": "1001_700",
                        "message": "Fresh bread today",
                        "created_time": "2026-11-22T09:00:00+0000",
                    },
                ]
            },
        ),
    )
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = FacebookPublisher(CHANNEL, context(http, tmp_path))
        with pytest.raises(OutcomeUnknown):
            await pub.publish(post)
        found = await pub.find(post)
        # Yesterday's sibling with the same caption is not this post.
        earlier = await pub.find(make_post(post.media, at=post.at.replace(day=24)))
    assert found is not None
    assert found.external_id == "1001_778"
    assert found.url == "https://www.facebook.com/bakery/posts/778"
    assert earlier is None
    params = net.requests[1].url.params
    assert params["fields"] == "id,message,created_time,permalink_url"


async def test_check_reads_the_page(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", f"{V}/1001", reply(200, {"id": "1001", "name": "Demo Bakery"}))
    async with net.client() as http:
        who = await FacebookPublisher(CHANNEL, context(http, tmp_path)).check()
    assert who == "Facebook Page Demo Bakery (1001)"
    assert net.requests[0].url.params["fields"] == "id,name"


async def test_timeout_uploading_an_unpublished_photo_is_safe_to_retry(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", PHOTOS, reply(200, {"id": "p1"}), timeout_after_send)
    post = make_post((jpeg(tmp_path, "1.jpg"), jpeg(tmp_path, "2.jpg")))
    async with net.client() as http:
        with pytest.raises(Retryable, match="unpublished photo only"):
            await FacebookPublisher(CHANNEL, context(http, tmp_path)).publish(post)
    assert ("POST", FEED) not in net.calls()
