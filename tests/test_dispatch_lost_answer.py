"""A lost answer to the final call (the network made the post, the connection dropped)
is looked up with what the publisher remembered while publishing, through the real
dispatcher, store and publishers, over HTTP fakes whose server side does the work."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from dripcast import store
from dripcast.channels import Instagram, Threads, WordPress
from dripcast.db import make_engine, migrate
from dripcast.domain import Draft, Media, Slot
from dripcast.publisher import Context, Publisher
from publishers.instagram import InstagramPublisher
from publishers.threads import ThreadsPublisher
from publishers.wordpress import WordPressPublisher
from scheduler.dispatch import Dispatcher
from tests.publishers.fake import FakeNetwork, performs_then_drops, reply
from tests.publishers.meta_helpers import fresh_token, jpeg
from tests.publishers.wp_site import API, WpSite

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def schedule(engine: Engine, kind: str, media: Media, text: str) -> int:
    mid = store.add_message(
        engine,
        now=NOW,
        brand="b",
        transport="smtp",
        mail_from="",
        rcpt="",
        sender=None,
        message_id=None,
        spool="x",
        size=0,
    )
    store.claim_messages(engine, now=NOW, lease=timedelta(minutes=1), ids=[mid])
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
