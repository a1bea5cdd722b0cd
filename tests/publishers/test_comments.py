"""Comment readers against fakes answering as each network documents: read from a
cursor without repeats, answer in the thread, find our answer, 429 keeps the cursor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Bluesky, Facebook, Instagram, Mastodon, Threads, WordPress, X
from dripcast.core.errors import Retryable
from dripcast.core.faq import Comment, Cursor
from publishers.comments import SOURCES, make_source
from publishers.comments.bluesky import reply_rkey
from tests.publishers.fake import FakeNetwork, form_body, json_body, reply
from tests.publishers.jpeg_media import context

T1, T2 = "2026-11-26T08:00:00+0000", "2026-11-26T09:30:00+0000"


def test_every_network_the_spec_names_has_a_reader() -> None:
    assert set(SOURCES) == {
        "mastodon",
        "bluesky",
        "facebook",
        "instagram",
        "threads",
        "wordpress",
        "x",
    }


async def read_twice(source: Any) -> tuple[list[Comment], list[Comment], Cursor]:
    first, cursor = await source.read(Cursor())
    again, cursor2 = await source.read(cursor)
    return first, again, cursor2


# ---- Mastodon -----------------------------------------------------------------------


def mastodon_net() -> FakeNetwork:
    net = FakeNetwork()
    net.route(
        "GET", "/api/v1/accounts/verify_credentials", reply(200, {"id": "1", "acct": "bakery"})
    )

    def notifications(r: httpx.Request) -> httpx.Response:
        items = [
            {
                "id": "1002",
                "type": "mention",
                "created_at": "2026-11-26T09:00:00.000Z",
                "account": {"id": "7", "acct": "anna@social.example"},
                "status": {
                    "id": "110002",
                    "in_reply_to_id": "109999",
                    "content": '<p><span class="h-card"><a href="x">@bakery</a></span> when are you open?</p>',
                    "created_at": "2026-11-26T09:00:00.000Z",
                    "url": "https://social.example/@anna/110002",
                    "visibility": "public",
                    "account": {"id": "7", "acct": "anna@social.example"},
                },
            }
        ]
        min_id = r.url.params.get("min_id")
        assert r.url.params.get_list("types[]") == ["mention"]
        return httpx.Response(200, json=[n for n in items if min_id is None or n["id"] > min_id])

    net.route("GET", "/api/v1/notifications", notifications)
    net.route(
        "POST",
        "/api/v1/statuses",
        reply(200, {"id": "110003", "url": "https://m.example/@bakery/110003"}),
    )
    net.route(
        "GET",
        "/api/v1/statuses/110002/context",
        reply(
            200,
            {
                "ancestors": [],
                "descendants": [
                    {"id": "110003", "in_reply_to_id": "110002", "account": {"id": "1"}, "url": "u"}
                ],
            },
        ),
    )
    return net


async def test_mastodon(tmp_path: Path) -> None:
    net = mastodon_net()
    ch = Mastodon(type="mastodon", id="m", instance="https://m.example", token="t")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, cursor = await read_twice(src)
    assert [c.text for c in first] == ["@bakery when are you open?"] and again == []
    assert cursor.value == {"min_id": "1002"}
    c = first[0]
    assert (c.parent, c.author, c.own) == ("109999", "anna@social.example", False)
    assert c.post_url == "https://m.example/web/statuses/109999"
    done = await src.reply(c, "7-17", "k1")  # type: ignore[union-attr]
    post = [r for r in net.requests if r.method == "POST"][-1]
    form = form_body(post)
    assert form["in_reply_to_id"] == ["110002"] and form["status"] == ["@anna@social.example 7-17"]
    assert post.headers["Idempotency-Key"] == "dripcast-reply-k1"
    assert done.external_id == "110003"
    assert (await src.find_reply(c, "7-17", "k1")).external_id == "110003"  # type: ignore[union-attr]


async def test_a_429_is_retryable_and_says_when(tmp_path: Path) -> None:
    net = mastodon_net()
    net.route(
        "GET",
        "/api/v1/notifications",
        reply(429, {"error": "Too many requests"}, {"Retry-After": "120"}),
    )
    ch = Mastodon(type="mastodon", id="m", instance="https://m.example", token="t")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    with pytest.raises(Retryable) as e:
        await src.read(Cursor(value={"min_id": "5"}))  # type: ignore[union-attr]
    assert e.value.retry_after == 120


# ---- Bluesky ------------------------------------------------------------------------

DID = "did:plc:bakery"
ROOT = {"uri": f"at://{DID}/app.bsky.feed.post/3kroot", "cid": "bafyroot"}


def bluesky_net(records: dict[str, Any]) -> FakeNetwork:
    net = FakeNetwork()
    net.route(
        "POST",
        "/xrpc/com.atproto.server.createSession",
        reply(200, {"did": DID, "handle": "bakery.example", "accessJwt": "a", "refreshJwt": "r"}),
    )

    def note(
        uri: str, reason: str, at: str, text: str, did: str = "did:plc:anna"
    ) -> dict[str, Any]:
        return {
            "uri": uri,
            "cid": "bafy" + uri[-4:],
            "reason": reason,
            "indexedAt": at,
            "isRead": False,
            "author": {"did": did, "handle": "anna.bsky.social"},
            "record": {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": at,
                "reply": {"root": ROOT, "parent": ROOT},
            },
        }

    def notifications(r: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "notifications": [
                    note(
                        "at://did:plc:anna/app.bsky.feed.post/3kb2",
                        "reply",
                        "2026-11-26T09:00:01.000Z",
                        "do you deliver?",
                    ),
                    {
                        **note(
                            "at://did:plc:x/app.bsky.feed.post/3kl1",
                            "like",
                            "2026-11-26T08:59:00.000Z",
                            "",
                        )
                    },
                    note(
                        "at://did:plc:anna/app.bsky.feed.post/3kb1",
                        "mention",
                        "2026-11-26T08:00:00.000Z",
                        "@bakery hi",
                    ),
                ]
            },
        )

    def create(r: httpx.Request) -> httpx.Response:
        body = json_body(r)
        if body["rkey"] in records:
            return httpx.Response(
                400, json={"error": "InvalidRequest", "message": "Record already exists"}
            )
        records[body["rkey"]] = body["record"]
        return httpx.Response(
            200, json={"uri": f"at://{DID}/app.bsky.feed.post/{body['rkey']}", "cid": "c"}
        )

    def get(r: httpx.Request) -> httpx.Response:
        rkey = r.url.params["rkey"]
        if rkey not in records:
            return httpx.Response(400, json={"error": "RecordNotFound", "message": "no"})
        return httpx.Response(
            200, json={"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "value": records[rkey]}
        )

    net.route("GET", "/xrpc/app.bsky.notification.listNotifications", notifications)
    net.route("POST", "/xrpc/com.atproto.repo.createRecord", create)
    net.route("GET", "/xrpc/com.atproto.repo.getRecord", get)
    return net


async def test_bluesky(tmp_path: Path) -> None:
    records: dict[str, Any] = {}
    net = bluesky_net(records)
    ch = Bluesky(type="bluesky", id="b", handle="bakery.example", app_password="p")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, _ = await read_twice(src)
    assert [c.text for c in first] == ["@bakery hi", "do you deliver?"] and again == []
    c = first[1]
    assert c.thread == ROOT["uri"] and c.reply_to["parent"]["uri"] == c.external_id
    assert c.post_url == f"https://bsky.app/profile/{DID}/post/3kroot"
    a = await src.reply(c, "Wolt!", "k1")  # type: ignore[union-attr]
    b = await src.reply(c, "Wolt!", "k1")  # type: ignore[union-attr]  # a retry: same record
    assert a.external_id == b.external_id and len(records) == 1
    rec = records[reply_rkey("k1")]
    assert rec["reply"] == {
        "root": ROOT,
        "parent": {"uri": c.external_id, "cid": c.reply_to["parent"]["cid"]},
    }
    assert await src.find_reply(c, "Wolt!", "k1") is not None  # type: ignore[union-attr]
    assert await src.find_reply(c, "Wolt!", "other") is None  # type: ignore[union-attr]


# ---- Facebook, Instagram, Threads ---------------------------------------------------


def fb_net(replies: list[dict[str, Any]]) -> FakeNetwork:
    net = FakeNetwork()
    comment = {
        "id": "p1_c1",
        "message": "where can I park?",
        "from": {"id": "99", "name": "Anna"},
        "created_time": T1,
        "permalink_url": "https://facebook.com/c1",
    }
    own = {
        "id": "p1_c2",
        "message": "Thanks all!",
        "from": {"id": "PAGE", "name": "Bakery"},
        "created_time": T2,
        "parent": {"id": "p1_c1"},
    }

    def feed(r: httpx.Request) -> httpx.Response:
        assert "comments.filter(stream)" in r.url.params["fields"]
        return httpx.Response(
            200,
            json={
                "data": [
                    {
                        "id": "PAGE_p1",
                        "permalink_url": "https://facebook.com/p1",
                        "comments": {"data": [own, comment]},
                    }
                ]
            },
        )

    def post(r: httpx.Request) -> httpx.Response:
        replies.append(
            {
                "id": f"p1_r{len(replies)}",
                "message": form_body(r)["message"][0],
                "from": {"id": "PAGE"},
            }
        )
        return httpx.Response(200, json={"id": replies[-1]["id"]})

    net.route("GET", "/v26.0/PAGE/feed", feed)
    net.route("POST", "/v26.0/p1_c1/comments", post)
    net.route("GET", "/v26.0/p1_c1/comments", lambda r: httpx.Response(200, json={"data": replies}))
    return net


async def test_facebook(tmp_path: Path) -> None:
    replies: list[dict[str, Any]] = []
    net = fb_net(replies)
    ch = Facebook(type="facebook", id="f", page_id="PAGE", token="t")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, _ = await read_twice(src)
    assert [(c.text, c.own) for c in first] == [("where can I park?", False), ("Thanks all!", True)]
    assert (
        again == []
        and first[1].parent == "p1_c1"
        and first[0].post_url == "https://facebook.com/p1"
    )
    assert await src.find_reply(first[0], "P", "k") is None  # type: ignore[union-attr]
    await src.reply(first[0], "P", "k")  # type: ignore[union-attr]
    assert [r["message"] for r in replies] == ["P"]
    assert await src.find_reply(first[0], "P", "k") is not None  # type: ignore[union-attr]


async def test_instagram(tmp_path: Path) -> None:
    replies: list[dict[str, Any]] = []
    net = FakeNetwork()
    net.route("GET", "/v26.0/IG", reply(200, {"id": "IG", "username": "bakery"}))
    net.route(
        "GET",
        "/v26.0/IG/media",
        reply(
            200, {"data": [{"id": "m1", "permalink": "https://instagram.com/p/1", "timestamp": T1}]}
        ),
    )
    net.route(
        "GET",
        "/v26.0/m1/comments",
        reply(
            200,
            {
                "data": [
                    {
                        "id": "c1",
                        "text": "vegan?",
                        "username": "anna",
                        "timestamp": T1,
                        "from": {"id": "5", "username": "anna"},
                        "replies": {
                            "data": [
                                {"id": "c2", "text": "yes!", "username": "bakery", "timestamp": T2}
                            ]
                        },
                    }
                ]
            },
        ),
    )

    def post(r: httpx.Request) -> httpx.Response:
        replies.append({"id": "c9", "text": form_body(r)["message"][0], "username": "bakery"})
        return httpx.Response(200, json={"id": "c9"})

    net.route("POST", "/v26.0/c1/replies", post)
    net.route("GET", "/v26.0/c1/replies", lambda r: httpx.Response(200, json={"data": replies}))
    ch = Instagram(type="instagram", id="i", account_id="IG", token="t")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, _ = await read_twice(src)
    assert [(c.text, c.own, c.parent) for c in first] == [
        ("vegan?", False, "m1"),
        ("yes!", True, "c1"),
    ]
    assert again == []
    await src.reply(first[0], "All breads are vegan", "k")  # type: ignore[union-attr]
    assert replies[0]["text"] == "All breads are vegan"
    assert (await src.find_reply(first[0], "All breads are vegan", "k")).external_id == "c9"  # type: ignore[union-attr]


async def test_threads(tmp_path: Path) -> None:
    live: list[dict[str, Any]] = []
    net = FakeNetwork()
    net.route("GET", "/v1.0/TH", reply(200, {"id": "TH", "username": "bakery"}))
    net.route(
        "GET",
        "/v1.0/TH/threads",
        reply(
            200, {"data": [{"id": "t1", "permalink": "https://threads.net/t1", "timestamp": T1}]}
        ),
    )
    net.route(
        "GET",
        "/v1.0/t1/replies",
        reply(
            200,
            {
                "data": [
                    {
                        "id": "r1",
                        "text": "are you open sunday?",
                        "username": "anna",
                        "timestamp": T2,
                        "permalink": "p",
                    }
                ]
            },
        ),
    )

    def container(r: httpx.Request) -> httpx.Response:
        f = form_body(r)
        assert f["media_type"] == ["TEXT"] and f["reply_to_id"] == ["r1"]
        return httpx.Response(200, json={"id": "cont1"})

    def publish(r: httpx.Request) -> httpx.Response:
        assert r.url.params["creation_id"] == "cont1"
        live.append({"id": "r2", "text": "Sun 7-15", "username": "bakery"})
        return httpx.Response(200, json={"id": "r2"})

    net.route("POST", "/v1.0/TH/threads", container)
    net.route("POST", "/v1.0/TH/threads_publish", publish)
    net.route("GET", "/v1.0/r1/replies", lambda r: httpx.Response(200, json={"data": live}))
    ch = Threads(type="threads", id="t", user_id="TH", token="t")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, _ = await read_twice(src)
    assert [c.text for c in first] == ["are you open sunday?"] and again == []
    assert (await src.reply(first[0], "Sun 7-15", "k")).external_id == "r2"  # type: ignore[union-attr]
    assert (await src.find_reply(first[0], "Sun 7-15", "k")).external_id == "r2"  # type: ignore[union-attr]


# ---- WordPress ----------------------------------------------------------------------


async def test_wordpress(tmp_path: Path) -> None:
    made: list[dict[str, Any]] = []
    net = FakeNetwork()
    net.route("GET", "/wp-json/wp/v2/users/me", reply(200, {"id": 1}))
    rows = [
        {
            "id": 11,
            "post": 5,
            "parent": 0,
            "author": 0,
            "author_name": "Anna",
            "date_gmt": "2026-11-26T08:00:00",
            "content": {"raw": "Do you deliver?", "rendered": "<p>Do you deliver?</p>\n"},
            "link": "https://blog/5#c11",
        },
    ]

    def comments(r: httpx.Request) -> httpx.Response:
        if "parent" in r.url.params:
            return httpx.Response(200, json=made)
        assert r.url.params["context"] == "edit"
        after = r.url.params.get("after")
        return httpx.Response(
            200,
            json=[c for c in rows if after is None or c["date_gmt"] > after],
            headers={"X-WP-TotalPages": "1"},
        )

    def create(r: httpx.Request) -> httpx.Response:
        body = json_body(r)
        assert body == {"post": 5, "parent": 11, "content": "Wolt"}
        made.append({"id": 12, "content": {"raw": "Wolt"}, "link": "https://blog/5#c12"})
        return httpx.Response(201, json=made[-1])

    net.route("GET", "/wp-json/wp/v2/comments", comments)
    net.route("POST", "/wp-json/wp/v2/comments", create)
    ch = WordPress(type="wordpress", id="w", site="https://blog", user="u", app_password="p")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, _ = await read_twice(src)
    assert [c.text for c in first] == ["Do you deliver?"] and again == []
    assert (await src.reply(first[0], "Wolt", "k")).external_id == "12"  # type: ignore[union-attr]
    assert (await src.find_reply(first[0], "Wolt", "k")).external_id == "12"  # type: ignore[union-attr]


# ---- X ------------------------------------------------------------------------------


async def test_x(tmp_path: Path) -> None:
    tweets: list[dict[str, Any]] = []
    net = FakeNetwork()
    net.route("GET", "/2/users/me", reply(200, {"data": {"id": "42", "username": "bakery"}}))

    def mentions(r: httpx.Request) -> httpx.Response:
        if r.url.params.get("since_id") == "1002":
            return httpx.Response(200, json={"meta": {"result_count": 0}})
        return httpx.Response(
            200,
            json={
                "data": [
                    {
                        "id": "1002",
                        "text": "@bakery parking?",
                        "author_id": "7",
                        "conversation_id": "900",
                        "created_at": "2026-11-26T09:00:00.000Z",
                        "referenced_tweets": [{"type": "replied_to", "id": "900"}],
                    }
                ],
                "includes": {"users": [{"id": "7", "username": "anna"}]},
                "meta": {"newest_id": "1002", "oldest_id": "1002", "result_count": 1},
            },
        )

    def post(r: httpx.Request) -> httpx.Response:
        body = json_body(r)
        assert body["reply"] == {"in_reply_to_tweet_id": "1002"}
        tweets.append(
            {
                "id": "1003",
                "text": "@anna " + body["text"],
                "referenced_tweets": [{"type": "replied_to", "id": "1002"}],
            }
        )
        return httpx.Response(201, json={"data": {"id": "1003", "text": body["text"]}})

    net.route("GET", "/2/users/42/mentions", mentions)
    net.route("POST", "/2/tweets", post)
    net.route("GET", "/2/users/42/tweets", lambda r: httpx.Response(200, json={"data": tweets}))
    ch = X(type="x", id="x", token="a", refresh_token="r", client_id="c")  # type: ignore[arg-type]
    src = make_source(ch, context(net.client(), tmp_path))
    first, again, cursor = await read_twice(src)
    assert [(c.text, c.author, c.thread) for c in first] == [("@bakery parking?", "anna", "900")]
    assert again == [] and cursor.value == {"since_id": "1002"}
    assert await src.find_reply(first[0], "Street parking", "k") is None  # type: ignore[union-attr]
    await src.reply(first[0], "Street parking", "k")  # type: ignore[union-attr]
    assert (await src.find_reply(first[0], "Street parking", "k")).external_id == "1003"  # type: ignore[union-attr]
