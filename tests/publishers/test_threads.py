from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import Threads
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.threads import ThreadsPublisher
from tests.publishers.fake import FakeNetwork, form_body, reply, timeout_after_send
from tests.publishers.meta_helpers import (
    BUC,
    Memory,
    context,
    fresh_token,
    graph_error,
    jpeg,
    make_post,
)

UID = "9001"
V = "/v1.0"
THREADS = f"{V}/{UID}/threads"
PUBLISH = f"{V}/{UID}/threads_publish"
CHANNEL = Threads.model_validate(
    {"id": "th", "type": "threads", "user_id": UID, "token": "TH-TOKEN"}
)
LIVE = {
    "data": [
        {
            "id": "17900000002",
            "text": "Fresh bread today",
            "timestamp": "2026-11-23T09:00:03+0000",
            "permalink": "https://www.threads.net/@demobakery/post/XYZ",
        }
    ]
}


def publisher(
    http: httpx.AsyncClient, tmp_path: Path, *, memory: Memory | None = None
) -> ThreadsPublisher:
    ctx = context(http, tmp_path, memory=memory)
    fresh_token(ctx.state_dir, "TH-TOKEN")
    pub = ThreadsPublisher(CHANNEL, ctx)
    pub.poll_every = 0
    return pub


def status(code: str, message: str = "") -> object:
    return reply(200, {"status": code, "error_message": message, "id": "c1"})


def form(req: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in form_body(req).items()}


def standard(net: FakeNetwork, container: str = "c1") -> None:
    net.route("POST", THREADS, reply(200, {"id": container}))
    net.route("GET", f"{V}/{container}", status("FINISHED"))
    net.route("POST", PUBLISH, reply(200, {"id": "17900000002"}))
    net.route(
        "GET",
        f"{V}/17900000002",
        reply(
            200, {"id": "17900000002", "permalink": "https://www.threads.net/@demobakery/post/XYZ"}
        ),
    )
    net.route("GET", THREADS, reply(200, {"data": []}))


async def test_one_photo(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg", alt="a loaf"),))
    async with net.client() as http:
        got = await publisher(http, tmp_path, memory=memory).publish(post)
    assert got.external_id == "17900000002"
    assert got.url == "https://www.threads.net/@demobakery/post/XYZ"
    assert net.calls() == [
        ("POST", THREADS),
        ("GET", f"{V}/c1"),
        ("POST", PUBLISH),
        ("GET", f"{V}/17900000002"),
    ]
    create = net.requests[0]
    assert create.url.host == "graph.threads.net"
    assert create.headers["authorization"] == "Bearer TH-TOKEN"
    assert form(create) == {
        "media_type": "IMAGE",
        "image_url": "https://dc.example.com/media/9/sig/1.jpg",
        "text": "Fresh bread today",
        "alt_text": "a loaf",
    }
    assert net.requests[1].url.params["fields"] == "status,error_message"
    assert dict(net.requests[2].url.params) == {"creation_id": "c1"}
    assert memory.kept[42] == {"container": "c1"}


async def test_carousel(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net, "parent")
    net.route(
        "POST",
        THREADS,
        reply(200, {"id": "k1"}),
        reply(200, {"id": "k2"}),
        reply(200, {"id": "parent"}),
    )
    post = make_post((jpeg(tmp_path, "1.jpg"), jpeg(tmp_path, "2.jpg", alt="two")))
    async with net.client() as http:
        await publisher(http, tmp_path).publish(post)
    assert form(net.requests[0]) == {
        "media_type": "IMAGE",
        "image_url": "https://dc.example.com/media/9/sig/1.jpg",
        "is_carousel_item": "true",
    }
    assert form(net.requests[1])["alt_text"] == "two"
    assert form(net.requests[2]) == {
        "media_type": "CAROUSEL",
        "children": "k1,k2",
        "text": "Fresh bread today",
    }
    assert net.requests[4].url.params["creation_id"] == "parent"


async def test_text_only(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    async with net.client() as http:
        await publisher(http, tmp_path).publish(make_post(()))
    assert form(net.requests[0]) == {"media_type": "TEXT", "text": "Fresh bread today"}


async def test_keeps_the_container_id_and_only_retries_threads_publish(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, reply(503, "unavailable"), reply(200, {"id": "17900000002"}))
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(Retryable):
            await pub.publish(post)
        first = len(net.requests)
        got = await pub.publish(make_post(post.media, remote=memory.kept[42], attempts=2))
    assert got.external_id == "17900000002"
    assert net.calls()[first:] == [
        ("GET", f"{V}/c1"),
        ("GET", THREADS),
        ("POST", PUBLISH),
        ("GET", f"{V}/17900000002"),
    ]
    assert net.requests[first + 1].url.params["fields"] == "id,text,timestamp,permalink"


async def test_rate_limit_but_live_is_found_not_posted_twice(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, reply(400, graph_error(4), {"X-Business-Use-Case-Usage": BUC}))
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(Retryable) as caught:
            await pub.publish(post)
        assert caught.value.retry_after == 900
        net.route("GET", THREADS, reply(200, LIVE))
        got = await pub.publish(make_post(post.media, remote=memory.kept[42], attempts=2))
    assert got.external_id == "17900000002"
    assert net.calls().count(("POST", PUBLISH)) == 1


async def test_container_error_is_rejected_with_threads_message(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", f"{V}/c1", status("ERROR", "FAILED_DOWNLOADING_VIDEO"))
    async with net.client() as http:
        with pytest.raises(Rejected, match="FAILED_DOWNLOADING_VIDEO"):
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))


@pytest.mark.parametrize(
    ("status_code", "body", "headers", "kind", "wait"),
    [
        (
            400,
            graph_error(1390008, message="You're posting too fast"),
            {"X-App-Usage": '{"call_count":100,"estimated_time_to_regain_access":2}'},
            Retryable,
            120.0,
        ),
        (429, graph_error(4), {"Retry-After": "30"}, Retryable, 30.0),
        (500, graph_error(1, message="An unknown error occurred"), {}, Retryable, None),
        (400, graph_error(190, message="Session has expired"), {}, AuthExpired, None),
        (
            400,
            graph_error(100, message="Param text must be at most 500 characters long."),
            {},
            Rejected,
            None,
        ),
    ],
)
async def test_errors_creating_the_container(
    tmp_path: Path,
    status_code: int,
    body: dict[str, dict[str, str]],
    headers: dict[str, str],
    kind: type[Exception],
    wait: float | None,
) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", THREADS, reply(status_code, body, headers))
    async with net.client() as http:
        with pytest.raises(kind) as caught:
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert type(caught.value) is kind
    assert caught.value.retry_after == wait
    assert body["error"]["message"] in str(caught.value)


async def test_timeout_on_publish_is_unknown_and_find_settles_it(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, timeout_after_send)
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(OutcomeUnknown):
            await pub.publish(post)
        net.route("GET", f"{V}/c1", status("PUBLISHED"))
        net.route("GET", THREADS, reply(200, LIVE))
        found = await pub.find(make_post(post.media, remote=memory.kept[42]))
    assert found is not None
    assert found.url == "https://www.threads.net/@demobakery/post/XYZ"


async def test_check(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", f"{V}/{UID}", reply(200, {"id": UID, "username": "demobakery"}))
    net.route(
        "GET",
        f"{V}/{UID}/threads_publishing_limit",
        reply(
            200,
            {"data": [{"quota_usage": 7, "config": {"quota_total": 250, "quota_duration": 86400}}]},
        ),
    )
    async with net.client() as http:
        who = await publisher(http, tmp_path).check()
    assert who == f"Threads @demobakery ({UID}), 7/250 posts in the last 24 h"
    assert net.requests[0].url.params["fields"] == "id,username"
