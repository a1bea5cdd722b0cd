"""After downtime: late within `drip.grace`, else the channel's next free slot."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from dripcast.core.config import Brand
from dripcast.core.domain import Queued
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from scheduler.dispatch import Dispatcher
from scheduler.grace import missed, new_time
from tests.test_dispatch import NOW, Scripted, schedule

CPH = ZoneInfo("Europe/Copenhagen")


def bakery(**drip: object) -> Brand:
    return Brand.model_validate(
        {
            "id": "b",
            "name": "B",
            "address": "b@example.com",
            "timezone": "Europe/Copenhagen",
            "drip": {"slots": ["09:00", "12:30", "18:00"], "weekdays": "mon-sat", **drip},
            "channels": [{"id": "ch", "type": "outbox", "path": "out"}],
        }
    )


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def dispatcher(engine: Engine, pub: Scripted, brand: Brand) -> Dispatcher:
    return Dispatcher(
        engine=engine,
        publishers={("b", "ch"): pub},
        brands={"b": brand},
        rand=random.Random(1),
    )


async def test_late_within_grace_still_goes_out(engine: Engine) -> None:
    (pid,) = schedule(engine)  # due NOW = Mon 09:00 Copenhagen
    pub = Scripted()
    await dispatcher(engine, pub, bakery()).publish_due(NOW + timedelta(hours=1, minutes=59))
    assert [p.id for p in pub.calls] == [pid]
    assert store.posts(engine, ids=[pid])[0]["status"] == "published"


async def test_missed_beyond_grace_moves_to_the_next_free_slot(engine: Engine) -> None:
    (pid,) = schedule(engine)
    pub = Scripted()
    back = NOW + timedelta(hours=5)  # 14:00 Copenhagen: 12:30 passed, 18:00 is next
    assert await dispatcher(engine, pub, bakery()).publish_due(back) == 0
    assert pub.calls == []
    (row,) = store.posts(engine, ids=[pid])
    assert row["status"] == "scheduled" and row["attempts"] == 0
    assert row["due_at"] == datetime(2026, 11, 23, 18, 0, tzinfo=CPH)
    assert "by more than 2h" in row["reason"]
    # at its new time it goes out like any other post
    await dispatcher(engine, pub, bakery()).publish_due(row["due_at"])
    assert store.posts(engine, ids=[pid])[0]["status"] == "published"


async def test_a_pile_of_missed_posts_is_spread_not_flooded(engine: Engine) -> None:
    ids = schedule(engine, 3)
    back = NOW + timedelta(hours=5)
    await dispatcher(engine, Scripted(), bakery(min_gap="3h", grace="30m")).publish_due(back)
    times = sorted(r["due_at"] for r in store.posts(engine, ids=ids))
    assert [t.astimezone(CPH).strftime("%a %H:%M") for t in times] == [
        "Mon 18:00",
        "Tue 09:00",
        "Tue 12:30",
    ]


def test_grace_is_read_from_the_drip() -> None:
    drip = bakery(grace="90m").drip
    assert not missed(NOW, NOW + timedelta(minutes=90), drip)
    assert missed(NOW, NOW + timedelta(minutes=91), drip)
    assert bakery().drip.grace == "2h"  # the default


def test_next_free_keeps_gap_cap_weekdays() -> None:
    brand = bakery(min_gap="4h", max_per_day=1, weekdays="mon-fri")
    # Friday 10:00: Friday already has a post, so not 12:30 or 18:00; then the weekend.
    after = datetime(2026, 11, 27, 10, 0, tzinfo=CPH)
    queue = [Queued(channel="ch", at=datetime(2026, 11, 27, 9, 0, tzinfo=CPH))]
    got = new_time(brand, "ch", queue, after.astimezone(UTC))
    assert got == datetime(2026, 11, 30, 9, 0, tzinfo=CPH)
