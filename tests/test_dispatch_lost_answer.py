"""A lost answer to the final call (the network made the post, the connection dropped)
is looked up with what the publisher remembered while publishing, through the real
dispatcher, store and publishers, over HTTP fakes whose server side does the work."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from dripcast.core.channels import Facebook, Instagram, Threads, WordPress, X
from dripcast.core.domain import Draft, Media, Slot
from dripcast.core.publisher import Context, Publisher
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from publishers.facebook import FacebookPublisher
from publishers.instagram import InstagramPublisher
from publishers.threads import ThreadsPublisher
from publishers.wordpress import WordPressPublisher
from publishers.x import XPublisher
from scheduler.dispatch import Dispatcher
from tests.publishers.fake import FakeNetwork, performs_then_drops, reply
from tests.publishers.meta_helpers import fresh_token, jpeg
from tests.publishers.wp_site import API, WpSite
from tests.seed import claimed_message

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def schedule(engine: Engine, kind: str, media: Media, text: str) -> int:
    mid = claimed_message(engine, NOW)
    draft = Draft(channel="ch", type=kind, photos=(0,), text=text, media=(media,))
    (pid,) = store.finish_message(
        engine, mid, now=NOW, status="planned", slots=[Slot(draft=draft, at=NOW)]
    )
    return pid


def context(engine: Engine, http: httpx.AsyncClient, tmp_path: Path) -> Context:
    async def remember(post_id: int, data: Mapping[str, Any]) -> None:
        store.remember(engine, post_id, dict(data))

    return Context(
        http=http,
        root=tmp_path,
        state_dir=tmp_path / "state",
        media_url=lambda m: f"https://dc.example.com/media/9/sig/{Path(m.path).name}",
        remember=remember,
    )


async def run(engine: Engine, pub: Publisher) -> dict[str, Any]:
    d = Dispatcher(engine=engine, publishers={("b", "ch"): pub}, rand=random.Random(1))
    assert await d.publish_due(NOW) == 1
    (row,) = store.posts(engine, brand="b")
    return row


@pytest.mark.parametrize("title", ["Rye bread is back", "-30% on rye today"])
async def test_wordpress_lost_answer_is_found_by_the_remembered_media(
    engine: Engine, tmp_path: Path, title: str
) -> None:
    site = WpSite()
    site.drop.add(("POST", f"{API}/posts"))
    pid = schedule(engine, "wordpress", jpeg(tmp_path, "1.jpg"), f"{title}\n\nWarm.")
    channel = WordPress(
        type="wordpress", id="ch", site="https://blog.example.com", user="anna", app_password="x"
    )
    async with site.client() as http:
        row = await run(engine, WordPressPublisher(channel, context(engine, http, tmp_path)))
    (live,) = site.posts.values()
    assert (row["id"], row["status"], row["external_id"]) == (pid, "published", str(live["id"]))
    assert row["url"] == live["link"]


META = [
    (
        "instagram",
        lambda: Instagram.model_validate(
            {"id": "ch", "type": "instagram", "account_id": "1784", "token": "T"}
        ),
        InstagramPublisher,
        "/v26.0/1784/media",
        "/v26.0/1784/media_publish",
    ),
    (
        "threads",
        lambda: Threads.model_validate(
            {"id": "ch", "type": "threads", "user_id": "1784", "token": "T"}
        ),
        ThreadsPublisher,
        "/v1.0/1784/threads",
        "/v1.0/1784/threads_publish",
    ),
]


@pytest.mark.parametrize(("kind", "channel", "cls", "create", "publish"), META)
async def test_meta_lost_answer_is_found_by_the_remembered_container(
    engine: Engine,
    tmp_path: Path,
    kind: str,
    channel: Any,
    cls: Any,
    create: str,
    publish: str,
) -> None:
    version = create.split("/")[1]
    net = FakeNetwork()
    net.route("POST", create, reply(200, {"id": "c1"}))
    net.route(
        "GET",
        f"/{version}/c1",
        # ready; still FINISHED right after the lost answer; then live
        reply(200, {"id": "c1", "status_code": "FINISHED", "status": "FINISHED"}),
        reply(200, {"id": "c1", "status_code": "FINISHED", "status": "FINISHED"}),
        reply(200, {"id": "c1", "status_code": "PUBLISHED", "status": "PUBLISHED"}),
    )
    net.route("POST", publish, performs_then_drops(reply(200, {"id": "1800"})))
    net.route("GET", create, reply(200, {"data": [], "paging": {}}))  # recent list lags
    pid = schedule(engine, kind, jpeg(tmp_path, "1.jpg"), "Fresh bread today")
    async with net.client() as http:
        ctx = context(engine, http, tmp_path)
        fresh_token(ctx.state_dir, "T")
        pub = cls(channel(), ctx)
        pub.poll_every = 0
        row = await run(engine, pub)
    assert (row["id"], row["status"], row["external_id"]) == (pid, "published", "c1")
    assert net.calls().count(("POST", publish)) == 1


async def test_facebook_lost_answer_is_found_on_the_page(engine: Engine, tmp_path: Path) -> None:
    # Facebook and X remember no state find() needs: they look at recent posts.
    net = FakeNetwork()
    net.route("POST", "/v26.0/1001/photos", reply(200, {"id": "555"}))
    net.route("POST", "/v26.0/1001/feed", performs_then_drops(reply(200, {"id": "1001_777"})))
    live = {
        "id": "1001_777",
        "message": "Fresh bread today",
        "created_time": "2026-11-23T08:00:04+0000",
        "permalink_url": "https://www.facebook.com/bakery/posts/777",
    }
    net.route("GET", "/v26.0/1001/published_posts", reply(200, {"data": [live]}))
    media = (jpeg(tmp_path, "1.jpg"), jpeg(tmp_path, "2.jpg"))
    mid = schedule(engine, "facebook", media[0], "Fresh bread today")
    with engine.begin() as c:  # two photos: unpublished uploads, then one feed post
        c.execute(
            text("UPDATE posts SET media = :m WHERE id = :i"),
            {"m": json.dumps([dataclasses.asdict(m) for m in media]), "i": mid},
        )
    channel = Facebook.model_validate(
        {"id": "ch", "type": "facebook", "page_id": "1001", "token": "T"}
    )
    async with net.client() as http:
        row = await run(engine, FacebookPublisher(channel, context(engine, http, tmp_path)))
    assert (row["status"], row["external_id"]) == ("published", "1001_777")
    assert store.posts(engine, ids=[mid])[0]["remote"]["photos"]


async def test_x_lost_answer_is_found_in_the_timeline(engine: Engine, tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/2/media/upload", reply(200, {"data": {"id": "m1", "media_key": "3_m1"}}))
    net.route("POST", "/2/media/metadata", reply(200, {"data": {}}))
    net.route(
        "POST", "/2/tweets", performs_then_drops(reply(201, {"data": {"id": "1445", "text": ""}}))
    )
    net.route("GET", "/2/users/me", reply(200, {"data": {"id": "22", "username": "bakery"}}))
    net.route(
        "GET",
        "/2/users/22/tweets",
        reply(200, {"data": [{"id": "1445", "text": "Fresh bread today https://t.co/p"}]}),
    )
    schedule(engine, "x", jpeg(tmp_path, "1.jpg"), "Fresh bread today")
    channel = X(type="x", id="ch", token="A", refresh_token="R", client_id="cid")
    async with net.client() as http:
        row = await run(engine, XPublisher(channel, context(engine, http, tmp_path)))
    assert (row["status"], row["external_id"]) == ("published", "1445")
    assert row["url"] == "https://x.com/bakery/status/1445"
