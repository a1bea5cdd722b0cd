"""Issue 12: the post lifecycle table, the guarded write path and the events it leaves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dripcast.app import actions
from dripcast.app.actions import Actor
from dripcast.app.context import App
from dripcast.core.config import load
from dripcast.core.domain import Published
from dripcast.core.lifecycle import (
    ACTIONS,
    POST_MOVES,
    HoldReason,
    IllegalMove,
    PostStatus,
    check_move,
)
from dripcast.store import lifecycle
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate, transaction
from tests.seed import put, seed

S = PostStatus
MARIA = Actor("cli", "maria")
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def app(make_config: Callable[..., Path]) -> Iterator[App]:
    a = App.open(load(make_config()))
    yield a
    a.engine.dispose()


def status(engine: Engine, pid: int) -> str:
    (r,) = store.posts(engine, ids=[pid])
    return str(r["status"])


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (S.PUBLISHED, S.SCHEDULED),
        (S.PUBLISHED, S.CANCELLED),
        (S.SCHEDULED, S.PUBLISHED),
        (S.CANCELLED, S.PUBLISHING),
        (S.FAILED, S.PUBLISHED),
    ],
)
def test_the_table_rejects_illegal_moves(frm: PostStatus, to: PostStatus) -> None:
    with pytest.raises(IllegalMove):
        check_move(frm, to)


def test_every_person_action_is_a_legal_move() -> None:
    for sources, target in ACTIONS.values():
        for frm in sources:
            assert (frm, target or frm) in POST_MOVES


def test_the_write_path_refuses_an_illegal_move_and_leaves_the_post(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(days=1)])
    put(app.engine, [pid], "published")
    with pytest.raises(IllegalMove), transaction(app.engine) as s:
        lifecycle.move_posts(s, [pid], S.SCHEDULED, sources=[S.PUBLISHED], actor=MARIA, now=NOW)
    # without sources, only the table's own sources are tried: a published post stays
    assert store.set_status(app.engine, [pid], "cancelled") == 0
    assert status(app.engine, pid) == "published"


def test_the_source_status_is_checked_in_the_update(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(days=1)])
    # a person's view said "held", but the post is scheduled: nothing moves
    assert store.set_status(app.engine, [pid], "scheduled", only_from=["held"]) == 0
    assert [e["to_status"] for e in lifecycle.history(app.engine, pid)] == ["scheduled"]


def test_events_record_each_change_with_its_actor(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(days=1)])
    assert actions.cancel(app, post=pid, actor=MARIA, now=NOW).changed == (pid,)
    assert actions.retry(app, post=pid, actor=Actor("mail", "owner@example.com"), now=NOW).ok
    got = [
        (e["from_status"], e["to_status"], e["actor_kind"], e["actor_name"])
        for e in lifecycle.history(app.engine, pid)
    ]
    assert got == [
        (None, "scheduled", "system", "planner"),
        ("scheduled", "cancelled", "cli", "maria"),
        ("cancelled", "scheduled", "mail", "owner@example.com"),
    ]


def test_dispatcher_moves_leave_events(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW - timedelta(minutes=1)])
    (claimed,) = store.claim_due(app.engine, now=NOW, lease=timedelta(minutes=5))
    store.set_status(app.engine, [claimed.id], "failed", reason="rejected by outbox")
    moves = [(e["from_status"], e["to_status"]) for e in lifecycle.history(app.engine, pid)]
    assert moves[1:] == [("scheduled", "publishing"), ("publishing", "failed")]
    assert lifecycle.history(app.engine, pid)[-1]["actor_name"] == "dispatcher"


def test_retry_of_a_submission_spreads_posts_over_free_slots(app: App) -> None:
    # issue 12 point 2: `cancel -m` then `retry -m` published 19 posts in one second
    past = NOW - timedelta(hours=3)
    mid, ids = seed(app.engine, [past] * 6)
    assert len(actions.cancel(app, submission=mid, actor=MARIA, now=NOW).changed) == 6
    result = actions.retry(app, submission=mid, actor=MARIA, now=NOW)
    assert len(result.changed) == 6 and "next free" not in result.message
    times = sorted(r["due_at"] for r in store.posts(app.engine, ids=ids))
    assert times[0] > NOW
    assert all(b - a >= timedelta(hours=3) for a, b in pairwise(times))


def test_retry_keeps_a_reschedule(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(hours=1)])
    later = NOW + timedelta(days=3)
    assert actions.reschedule(app, post=pid, when=later, actor=MARIA, now=NOW).ok
    put(app.engine, [pid], "held", reason="the channel needs reconnecting")
    assert actions.retry(app, post=pid, actor=MARIA, now=NOW).ok
    (r,) = store.posts(app.engine, ids=[pid])
    assert (r["status"], r["due_at"]) == ("scheduled", later)


def test_only_publish_now_means_now(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(days=1)])
    result = actions.publish_now(app, post=pid, actor=MARIA, now=NOW)
    assert "due now" in result.message
    (r,) = store.posts(app.engine, ids=[pid])
    assert r["due_at"] == NOW


def test_held_posts_keep_their_slot(app: App) -> None:
    # issue 12 point 3: the planner and the grace move see held posts as taken
    at = NOW + timedelta(days=1)
    seed(app.engine, [at], status="held")
    assert [q.at for q in store.queued(app.engine, "demo-bakery", NOW)] == [at]
    other = NOW - timedelta(hours=1)
    _, (late,) = seed(app.engine, [other])
    store.set_status(app.engine, [late], "held", reason='contains "free beer"')
    moved = actions.retry(app, post=late, actor=MARIA, now=NOW).changed
    (r,) = store.posts(app.engine, ids=moved)
    assert abs(r["due_at"] - at) >= timedelta(hours=3)  # kept the held post's gap


def test_approve_says_what_a_post_waits_for(app: App) -> None:
    _, (a, b) = seed(app.engine, [NOW + timedelta(days=1), NOW + timedelta(days=2)])
    store.set_status(
        app.engine, [b], "held", reason='contains "free beer"', held_for=HoldReason.REVIEW
    )
    scheduled = actions.approve(app, post=a, actor=MARIA, now=NOW)
    assert not scheduled.ok and "is not waiting for anything" in scheduled.message
    review = actions.approve(app, post=b, actor=MARIA, now=NOW)
    assert not review.ok and "held for review" in review.message and "free beer" in review.message


def test_cancel_of_a_published_post_says_so(app: App) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(days=1)])
    put(app.engine, [pid], "published")
    result = actions.cancel(app, post=pid, actor=MARIA, now=NOW)
    assert not result.ok and "already published" in result.message
    assert "delete it on the network" in result.message


def test_reschedule_and_recaption_say_why_nothing_moved(app: App) -> None:
    _, (a, b) = seed(app.engine, [NOW + timedelta(days=1), NOW + timedelta(days=2)])
    put(app.engine, [a], "published")
    actions.cancel(app, post=b, actor=MARIA, now=NOW)
    later = NOW + timedelta(days=3)
    done = actions.reschedule(app, post=a, when=later, actor=MARIA, now=NOW)
    assert not done.ok and f"post {a} was already published" in done.message
    gone = actions.reschedule(app, post=b, when=later, actor=MARIA, now=NOW)
    assert not gone.ok and "was cancelled (`retry` puts it back)" in gone.message
    text = actions.recaption(app, post=b, caption="Rye today", actor=MARIA, now=NOW)
    assert not text.ok and "was cancelled" in text.message
    none = actions.reschedule(app, post=999, when=later, actor=MARIA, now=NOW)
    assert none.message == "reschedule: there is no post 999"


def test_cancel_narrows_a_submission_by_channel_and_photo_number(app: App) -> None:
    mid, (a, b, c) = seed(app.engine, [NOW + timedelta(days=d) for d in (1, 2, 3)])
    result = actions.cancel(
        app, submission=mid, channel="outbox", numbers=[2], actor=MARIA, now=NOW
    )
    assert result.changed == (b,)
    assert [status(app.engine, i) for i in (a, b, c)] == ["scheduled", "cancelled", "scheduled"]


def test_release_of_a_message_is_an_event(app: App) -> None:
    mid = store.add_message(
        app.engine, now=NOW, brand="demo-bakery", transport="smtp", mail_from="x@example.com",
        rcpt="bakery@localhost", sender="x@example.com", message_id="<r@x>", spool="none",
        size=0, status="refused", reason="unknown sender",
    )  # fmt: skip
    assert actions.release(app, message=mid, actor=MARIA, now=NOW).ok
    again = actions.release(app, message=mid, actor=MARIA, now=NOW)
    assert not again.ok and "not quarantined (received)" in again.message
    assert "there is no message" in actions.release(app, message=999, actor=MARIA, now=NOW).message


def test_one_of_post_or_submission(app: App) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        actions.cancel(app, actor=MARIA, now=NOW)


def test_lifecycle_on_sqlite_and_postgresql(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    try:
        _, (a, b) = seed(engine, [NOW - timedelta(minutes=1), NOW + timedelta(days=1)])
        (claimed,) = store.claim_due(engine, now=NOW, lease=timedelta(minutes=5))
        store.published(engine, claimed.id, Published(external_id="e"), now=NOW)
        assert store.set_status(engine, [b], "held", reason="r", held_for=HoldReason.REVIEW) == 1
        with transaction(engine) as s:
            moved = lifecycle.move_posts(s, [a, b], S.CANCELLED, actor=MARIA, now=NOW)
        assert [(m.id, m.was) for m in moved] == [(b, S.HELD)]
        assert [e["to_status"] for e in lifecycle.history(engine, a)] == [
            "scheduled",
            "publishing",
            "published",
        ]
        assert lifecycle.history(engine, b)[-1]["actor_name"] == "maria"
        assert store.queued(engine, "demo-bakery", NOW - timedelta(hours=1)) != []
    finally:
        engine.dispose()
