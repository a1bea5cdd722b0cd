"""The store's message functions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from tests.seed import seed

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    migrate(e)  # safe at every start
    yield e
    e.dispose()


def add(engine: Engine, message_id: str | None = "<a@x>", **kw: Any) -> int:
    fields: dict[str, Any] = {
        "brand": "b", "transport": "smtp", "mail_from": "o@x", "rcpt": "b@x",
        "sender": "o@x", "message_id": message_id, "spool": "s", "size": 1,
    }  # fmt: skip
    return store.add_message(engine, now=kw.pop("now", NOW), **{**fields, **kw})


def test_the_same_message_twice_is_a_duplicate(engine: Engine) -> None:
    add(engine)
    with pytest.raises(store.Duplicate):
        add(engine)
    add(engine, sender="other@x")  # another sender's Message-ID is another message
    add(engine, message_id=None)
    add(engine, message_id=None)  # without a Message-ID nothing can be compared


def test_a_message_is_processed_by_one_claimer_once(engine: Engine) -> None:
    mid = add(engine)
    assert store.claim_messages(engine, now=NOW, lease=LEASE, ids=[mid]) == [mid]
    assert store.claim_messages(engine, now=NOW, lease=LEASE, ids=[mid]) == []
    assert store.pending_messages(engine, now=NOW) == []
    later = NOW + LEASE + timedelta(seconds=1)  # its processor died: it is pending again
    assert store.pending_messages(engine, now=later) == [mid]
    assert store.claim_messages(engine, now=later, lease=LEASE) == [mid]
    assert store.finish_message(engine, mid, now=later, status="failed", reason="x") == []
    assert store.message(engine, mid).status == "failed"
    assert store.finish_message(engine, mid, now=later, status="planned") == []


def test_quarantine_release_and_purge(engine: Engine) -> None:
    old = add(engine, status="refused", spool="old", now=NOW - timedelta(days=40))
    new = add(engine, "<b@x>", status="held", spool="new")
    assert store.release_message(engine, new)
    assert not store.release_message(engine, new)  # no longer quarantined
    assert store.claim_messages(engine, now=NOW, lease=LEASE) == [new]
    spools = store.purge_messages(
        engine, statuses=("refused", "held"), before=NOW - timedelta(days=30)
    )
    assert spools == ["old"]
    with pytest.raises(KeyError):
        store.message(engine, old)


def test_queued_counts_active_posts_and_can_leave_one_out(engine: Engine) -> None:
    _, (a, _b, c) = seed(engine, [NOW, NOW + timedelta(hours=3), NOW + timedelta(hours=6)])
    store.set_status(engine, [c], "cancelled")
    got = store.queued(engine, "demo-bakery", NOW - timedelta(days=1))
    assert sorted(q.at for q in got) == [NOW, NOW + timedelta(hours=3)]
    assert [q.at for q in store.queued(engine, "demo-bakery", NOW, but=a)] == [
        NOW + timedelta(hours=3)
    ]
    assert store.queued(engine, "demo-bakery", NOW, channel="other") == []


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    import threading

    errors: list[BaseException] = []

    def start() -> None:
        e = make_engine(db_url)
        try:
            migrate(e)
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)
        finally:
            e.dispose()

    # daemon threads and a bounded join: without the lock, PostgreSQL deadlocks here
    threads = [threading.Thread(target=start, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "concurrent migrations hung"
    assert errors == []
    e = make_engine(db_url)
    assert store.count_posts(e, "scheduled") == 0  # the schema is there
    e.dispose()
