"""A network refusing a text it has seen (X's 403 duplicate content and its siblings) is
`Rejected`: the post fails with the network's own words for a person, and is never retried
(issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from dripcast.core.domain import Draft, Slot
from dripcast.core.errors import Rejected
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from publishers.linkedin import _error as linkedin_error
from publishers.meta import graph_error
from publishers.x import XPublisher
from scheduler.dispatch import Dispatcher
from tests.publishers.fake import reply
from tests.publishers.kit import jpegs, make_ctx, make_post
from tests.publishers.test_x import CHANNEL, x_net

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
X_DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


@pytest.mark.parametrize(
    "body",
    [
        {"detail": X_DUPLICATE, "title": "Forbidden", "status": 403, "type": "about:blank"},
        {"errors": [{"message": "Status is a duplicate.", "code": 187}]},
    ],
)
async def test_x_duplicate_is_rejected_not_auth_expired(tmp_path: Path, body: object) -> None:
    net = x_net()
    net.route("POST", "/2/tweets", reply(403, body))
    async with net.client() as http:
        with pytest.raises(Rejected, match=r"(?i)duplicate"):
            await XPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(make_post(tmp_path))


def test_facebook_duplicate_status_is_rejected() -> None:
    r = httpx.Response(
        400,
        json={
            "error": {
                "message": "(#506) Duplicate status message",
                "type": "OAuthException",
                "code": 506,
                "fbtrace_id": "AbC",
            }
        },
    )
    err = graph_error(r)
    assert isinstance(err, Rejected)
    assert "Duplicate status message" in str(err)


def test_linkedin_duplicate_is_rejected() -> None:
    r = httpx.Response(
        422,
        json={
            "status": 422,
            "message": "Content is a duplicate of urn:li:share:7012345678901234567",
            "code": "DUPLICATE_POST",
        },
    )
    err = linkedin_error(r)
    assert isinstance(err, Rejected)
    assert "duplicate" in str(err)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(e)
    yield e
    e.dispose()


async def test_x_duplicate_fails_with_xs_words_in_the_queue_and_is_not_retried(
    engine: Engine, tmp_path: Path
) -> None:
    mid = store.add_message(
        engine, now=NOW, brand="b", transport="smtp", mail_from="", rcpt="", sender=None,
        message_id=None, spool="x", size=0,
    )  # fmt: skip
    store.claim_messages(engine, now=NOW, lease=timedelta(minutes=1), ids=[mid])
    media = tuple(jpegs(tmp_path / "m", 1))
    draft = Draft(channel="x", type="x", photos=(1,), text="Rye", media=media)
    (post_id,) = store.finish_message(
        engine, mid, now=NOW, status="planned", slots=[Slot(draft=draft, at=NOW)]
    )
    net = x_net()
    net.route("POST", "/2/tweets", reply(403, {"detail": X_DUPLICATE, "status": 403}))
    async with net.client() as http:
        pub = XPublisher(CHANNEL, make_ctx(http, tmp_path))
        d = Dispatcher(engine=engine, publishers={("b", "x"): pub})
        await d.publish_due(NOW)
        for hours in (1, 6, 48):  # later ticks: nothing is tried again
            await d.publish_due(NOW + timedelta(hours=hours))
    assert net.calls().count(("POST", "/2/tweets")) == 1
    (row,) = store.posts(engine, ids=[post_id])
    assert row["status"] == "failed"
    assert row["reason"] == f"rejected by x: 403: {X_DUPLICATE}"
