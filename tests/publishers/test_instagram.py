from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import Instagram
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.instagram import InstagramPublisher
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

IG = "17841400000"
V = "/v26.0"
MEDIA = f"{V}/{IG}/media"
PUBLISH = f"{V}/{IG}/media_publish"
CHANNEL = Instagram.model_validate(
    {"id": "ig", "type": "instagram", "account_id": IG, "token": "IG-TOKEN"}
)
RECENT_EMPTY = {"data": [], "paging": {}}
LIVE = {
    "data": [
        {
            "id": "18000000001",
            "caption": "Fresh bread today",
            "timestamp": "2026-11-23T09:00:07+0000",
            "permalink": "https://www.instagram.com/p/ABC/",
        }
    ]
}


def publisher(
    http: httpx.AsyncClient, tmp_path: Path, *, urls: bool = True, memory: Memory | None = None
) -> InstagramPublisher:
    ctx = context(http, tmp_path, urls=urls, memory=memory)
    fresh_token(ctx.state_dir, "IG-TOKEN")
    pub = InstagramPublisher(CHANNEL, ctx)
    pub.poll_every = 0
    return pub


def status(code: str, detail: str = "") -> object:
    return reply(200, {"status_code": code, "status": detail, "id": "c1"})


def form(req: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in form_body(req).items()}


def standard(net: FakeNetwork, container: str = "c1") -> None:
    net.route("POST", MEDIA, reply(200, {"id": container}))
    net.route("GET", f"{V}/{container}", status("FINISHED"))
    net.route("POST", PUBLISH, reply(200, {"id": "18000000001"}))
    net.route(
        "GET",
        f"{V}/18000000001",
        reply(200, {"permalink": "https://www.instagram.com/p/ABC/", "id": "18000000001"}),
    )
    net.route("GET", MEDIA, reply(200, RECENT_EMPTY))


async def test_one_photo(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg", alt="a loaf"),))
    async with net.client() as http:
        got = await publisher(http, tmp_path, memory=memory).publish(post)
    assert got.external_id == "18000000001"
    assert got.url == "https://www.instagram.com/p/ABC/"
    assert net.calls() == [
        ("POST", MEDIA),
        ("GET", f"{V}/c1"),
        ("POST", PUBLISH),
        ("GET", f"{V}/18000000001"),
    ]
    create = net.requests[0]
    assert create.url.host == "graph.instagram.com"
    assert create.headers["authorization"] == "Bearer IG-TOKEN"
    assert form(create) == {
        "image_url": "https://dc.example.com/media/9/sig/1.jpg",
        "caption": "Fresh bread today",
        "alt_text": "a loaf",
    }
    assert net.requests[1].url.params["fields"] == "status_code,status"
    assert dict(net.requests[2].url.params) == {"creation_id": "c1"}
    assert memory.kept[42] == {"container": "c1"}


async def test_carousel(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net, "parent")
    net.route(
        "POST",
        MEDIA,
        reply(200, {"id": "k1"}),
        reply(200, {"id": "k2"}),
        reply(200, {"id": "parent"}),
    )
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg", alt="one"), jpeg(tmp_path, "2.jpg")))
    async with net.client() as http:
        await publisher(http, tmp_path, memory=memory).publish(post)
    assert [c for c in net.calls() if c[0] == "POST"] == [("POST", MEDIA)] * 3 + [("POST", PUBLISH)]
    assert form(net.requests[0]) == {
        "image_url": "https://dc.example.com/media/9/sig/1.jpg",
        "is_carousel_item": "true",
        "alt_text": "one",
    }
    assert form(net.requests[1]) == {
        "image_url": "https://dc.example.com/media/9/sig/2.jpg",
        "is_carousel_item": "true",
    }
    assert form(net.requests[2]) == {
        "media_type": "CAROUSEL",
        "children": "k1,k2",
        "caption": "Fresh bread today",
    }
    assert net.requests[4].url.params["creation_id"] == "parent"
    assert memory.kept[42] == {"container": "parent"}


async def test_waits_while_the_container_is_in_progress(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", f"{V}/c1", status("IN_PROGRESS"), status("IN_PROGRESS"), status("FINISHED"))
    async with net.client() as http:
        await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert net.calls().count(("GET", f"{V}/c1")) == 3
    assert net.calls().count(("POST", PUBLISH)) == 1


async def test_container_still_in_progress_is_retryable_and_kept(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", f"{V}/c1", status("IN_PROGRESS"))
    memory = Memory()
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        pub.polls = 3
        with pytest.raises(Retryable):
            await pub.publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert ("POST", PUBLISH) not in net.calls()
    assert memory.kept[42] == {"container": "c1"}


@pytest.mark.parametrize(
    ("detail", "kind"),
    [
        ("Error: 2207009 The aspect ratio is not supported.", Rejected),
        ("Error: 2207003 Timeout fetching the media", Retryable),
    ],
)
async def test_container_error(tmp_path: Path, detail: str, kind: type[Exception]) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", f"{V}/c1", status("ERROR", detail))
    async with net.client() as http:
        with pytest.raises(kind, match=r"aspect ratio|Timeout fetching"):
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert ("POST", PUBLISH) not in net.calls()


async def test_keeps_the_container_id_and_only_retries_media_publish(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route(
        "POST",
        PUBLISH,
        reply(500, graph_error(2, message="Service temporarily unavailable")),
        reply(200, {"id": "18000000001"}),
    )
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(Retryable):
            await pub.publish(post)
        first = len(net.requests)
        retry = make_post(post.media, remote=memory.kept[42], attempts=2)
        got = await pub.publish(retry)
    assert got.external_id == "18000000001"
    again = net.calls()[first:]
    assert ("POST", MEDIA) not in again
    assert again == [
        ("GET", f"{V}/c1"),
        ("GET", MEDIA),
        ("POST", PUBLISH),
        ("GET", f"{V}/18000000001"),
    ]
    assert net.requests[first + 1].url.params["fields"] == "id,caption,timestamp,permalink"
    assert net.requests[first + 2].url.params["creation_id"] == "c1"


async def test_code_4_but_the_post_is_live_is_found_on_the_retry(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route(
        "POST",
        PUBLISH,
        reply(
            400,
            graph_error(4, message="Application request limit reached"),
            {"X-Business-Use-Case-Usage": BUC},
        ),
    )
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(Retryable) as caught:
            await pub.publish(post)
        assert caught.value.retry_after == 15 * 60
        # Meta had published it after all; its container still lags at FINISHED.
        net.route("GET", MEDIA, reply(200, LIVE))
        first = len(net.requests)
        got = await pub.publish(make_post(post.media, remote=memory.kept[42], attempts=2))
    assert got.external_id == "18000000001"
    assert got.url == "https://www.instagram.com/p/ABC/"
    assert net.calls()[first:] == [("GET", f"{V}/c1"), ("GET", MEDIA)]


async def test_code_4_but_the_container_says_published(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, reply(400, graph_error(4)))
    net.route("GET", f"{V}/c1", status("FINISHED"), status("PUBLISHED"))
    net.route("GET", MEDIA, reply(200, LIVE))
    async with net.client() as http:
        got = await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert got.external_id == "18000000001"
    assert net.calls().count(("POST", PUBLISH)) == 1


async def test_expired_container_is_rebuilt(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net, "c2")
    net.route("GET", f"{V}/old", status("EXPIRED"))
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),), remote={"container": "old"})
    async with net.client() as http:
        await publisher(http, tmp_path, memory=memory).publish(post)
    assert net.calls()[:2] == [("GET", f"{V}/old"), ("POST", MEDIA)]
    assert net.requests[-2].url.params["creation_id"] == "c2"
    assert memory.kept[42] == {"container": "c2"}


async def test_published_container_is_not_published_again(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", MEDIA, reply(200, LIVE))
    net.route("GET", f"{V}/c1", status("PUBLISHED"))
    post = make_post((jpeg(tmp_path, "1.jpg"),), remote={"container": "c1"})
    async with net.client() as http:
        got = await publisher(http, tmp_path).publish(post)
    assert got.external_id == "18000000001"
    assert ("POST", PUBLISH) not in net.calls()
    assert ("POST", MEDIA) not in net.calls()


@pytest.mark.parametrize(
    ("status_code", "body", "headers", "kind", "wait"),
    [
        (
            400,
            graph_error(4, message="Application request limit reached"),
            {"X-Business-Use-Case-Usage": BUC},
            Retryable,
            900.0,
        ),
        (
            429,
            graph_error(17, message="User request limit reached"),
            {"Retry-After": "120"},
            Retryable,
            120.0,
        ),
        (502, "Bad Gateway", {}, Retryable, None),
        (
            400,
            graph_error(190, message="Error validating access token: Session has expired"),
            {},
            AuthExpired,
            None,
        ),
        (
            400,
            graph_error(36003, 2207009, "The aspect ratio is not supported."),
            {},
            Rejected,
            None,
        ),
        (
            400,
            graph_error(36000, 2207004, "The image is too large to download."),
            {},
            Rejected,
            None,
        ),
        (400, graph_error(100, 2207010, "The caption is too long."), {}, Rejected, None),
        (400, graph_error(9004, 2207003, "Timeout fetching the media."), {}, Retryable, None),
    ],
)
async def test_errors_creating_the_container(
    tmp_path: Path,
    status_code: int,
    body: object,
    headers: dict[str, str],
    kind: type[Exception],
    wait: float | None,
) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", MEDIA, reply(status_code, body, headers))
    async with net.client() as http:
        with pytest.raises(kind) as caught:
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert type(caught.value) is kind
    assert caught.value.retry_after == wait
    if isinstance(body, dict):
        assert body["error"]["message"] in str(caught.value)
    assert "IG-TOKEN" not in str(caught.value)


async def test_timeout_on_media_publish_is_unknown_and_find_settles_it(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, timeout_after_send)
    memory = Memory()
    post = make_post((jpeg(tmp_path, "1.jpg"),))
    async with net.client() as http:
        pub = publisher(http, tmp_path, memory=memory)
        with pytest.raises(OutcomeUnknown):
            await pub.publish(post)
        kept = make_post(post.media, remote=memory.kept[42])
        assert await pub.find(kept) is None  # container FINISHED, nothing recent: not live
        net.route("GET", f"{V}/c1", status("PUBLISHED"))
        net.route("GET", MEDIA, reply(200, LIVE))
        found = await pub.find(kept)
    assert found is not None
    assert found.external_id == "18000000001"


async def test_needs_public_urls(tmp_path: Path) -> None:
    net = FakeNetwork()
    async with net.client() as http:
        with pytest.raises(Rejected, match="public_base_url"):
            await publisher(http, tmp_path, urls=False).publish(
                make_post((jpeg(tmp_path, "1.jpg"),))
            )
    assert net.requests == []


async def test_check(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", f"{V}/{IG}", reply(200, {"id": IG, "username": "demobakery"}))
    net.route(
        "GET",
        f"{V}/{IG}/content_publishing_limit",
        reply(
            200,
            {"data": [{"quota_usage": 3, "config": {"quota_total": 100, "quota_duration": 86400}}]},
        ),
    )
    async with net.client() as http:
        who = await publisher(http, tmp_path).check()
    assert who == f"Instagram @demobakery ({IG}), 3/100 posts in the last 24 h"
    assert net.requests[0].url.params["fields"] == "id,username"
    assert net.requests[1].url.params["fields"] == "quota_usage,config"


async def test_check_without_quota_still_names_the_account(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", f"{V}/{IG}", reply(200, {"id": IG, "username": "demobakery"}))
    net.route("GET", f"{V}/{IG}/content_publishing_limit", reply(500, graph_error(2)))
    async with net.client() as http:
        who = await publisher(http, tmp_path).check()
    assert who == f"Instagram @demobakery ({IG}), publishing quota unknown"


async def test_timeout_creating_a_container_is_safe_to_retry(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", MEDIA, timeout_after_send)
    async with net.client() as http:
        with pytest.raises(Retryable, match="nothing was published"):
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))


async def test_timeout_on_media_publish_but_the_container_says_published(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("POST", PUBLISH, timeout_after_send)
    net.route("GET", f"{V}/c1", status("FINISHED"), status("PUBLISHED"))
    net.route("GET", MEDIA, reply(200, LIVE))
    async with net.client() as http:
        got = await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))
    assert got.external_id == "18000000001"


async def test_daily_publishing_cap_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route(
        "POST",
        PUBLISH,
        reply(400, graph_error(9, 2207042, "You reached the maximum number of posts")),
    )
    async with net.client() as http:
        with pytest.raises(Retryable, match="maximum number of posts"):
            await publisher(http, tmp_path).publish(make_post((jpeg(tmp_path, "1.jpg"),)))


async def test_forgotten_container_is_rebuilt_only_if_nothing_is_live(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net, "c2")
    net.route(
        "GET",
        f"{V}/old",
        reply(
            400,
            graph_error(100, 33, "Unsupported get request. Object with ID 'old' does not exist"),
        ),
    )
    post = make_post((jpeg(tmp_path, "1.jpg"),), remote={"container": "old"})
    async with net.client() as http:
        pub = publisher(http, tmp_path)
        await pub.publish(post)
        assert net.calls()[:3] == [("GET", f"{V}/old"), ("GET", MEDIA), ("POST", MEDIA)]
        net.requests.clear()
        net.route("GET", MEDIA, reply(200, LIVE))
        got = await pub.publish(post)
    assert got.external_id == "18000000001"
    assert ("POST", MEDIA) not in net.calls()


async def test_container_in_an_unknown_state_is_not_rebuilt(tmp_path: Path) -> None:
    net = FakeNetwork()
    standard(net)
    net.route("GET", f"{V}/old", status("SOMETHING_NEW"))
    async with net.client() as http:
        with pytest.raises(OutcomeUnknown, match="SOMETHING_NEW"):
            await publisher(http, tmp_path).publish(
                make_post((jpeg(tmp_path, "1.jpg"),), remote={"container": "old"})
            )
    assert [c for c in net.calls() if c[0] == "POST"] == []
