"""The dispatcher over a real SQLite schedule, with scripted publishers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import Engine

from dripcast.core.domain import Draft, Media, Post, Published, Slot
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from dripcast.core.publisher import Publisher
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from scheduler.dispatch import Dispatcher, backoff
from tests.seed import claimed_message

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class Scripted(Publisher):
    """Answers each publish() with the next scripted outcome; records what it saw."""

    idempotent: ClassVar[bool] = False

    def __init__(self, *outcomes: Exception | None, live: bool = False) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[Post] = []
        self.live = live

    async def publish(self, post: Post) -> Published:
        self.calls.append(post)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return Published(external_id=f"remote-{post.id}")

    async def find(self, post: Post) -> Published | None:
        return Published(external_id="found") if self.live else None


class Idempotent(Scripted):
    idempotent: ClassVar[bool] = True


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def schedule(engine: Engine, n: int = 1, at: datetime = NOW, channel: str = "ch") -> list[int]:
    mid = claimed_message(engine, at)
    media = (Media(path="p.jpg", width=1, height=1, bytes=1, format="jpeg"),)
    slots = [
        Slot(
            draft=Draft(channel=channel, type="outbox", photos=(i,), text=f"t{i}", media=media),
            at=at,
        )
        for i in range(n)
    ]
    return store.finish_message(engine, mid, now=at, status="planned", slots=slots)


def status(engine: Engine, pid: int) -> tuple[str, str | None]:
    (row,) = store.posts(engine, ids=[pid])
    return row["status"], row["reason"]


def dispatcher(engine: Engine, pub: Publisher, **kw: object) -> Dispatcher:
    return Dispatcher(engine=engine, publishers={("b", "ch"): pub}, rand=random.Random(1), **kw)  # type: ignore[arg-type]


async def test_publishes_due_once(engine: Engine) -> None:
    (pid,) = schedule(engine)
    pub = Scripted()
    d = dispatcher(engine, pub)
    assert await d.publish_due(NOW - timedelta(seconds=1)) == 0  # not due yet
    assert await d.publish_due(NOW) == 1
    assert await d.publish_due(NOW + timedelta(hours=1)) == 0
    assert [p.id for p in pub.calls] == [pid]
    (row,) = store.posts(engine, ids=[pid])
    assert (row["status"], row["external_id"], row["attempts"]) == ("published", f"remote-{pid}", 1)


async def test_retryable_waits_for_the_networks_reset_then_succeeds(engine: Engine) -> None:
    (pid,) = schedule(engine)
    pub = Scripted(Retryable("429: slow down", retry_after=900))
    d = dispatcher(engine, pub)
    await d.publish_due(NOW)
    (row,) = store.posts(engine, ids=[pid])
    assert row["status"] == "scheduled" and "slow down" in row["reason"]
    assert row["due_at"] >= NOW + timedelta(seconds=900)
    assert await d.publish_due(row["due_at"] - timedelta(seconds=1)) == 0
    assert await d.publish_due(row["due_at"]) == 1
    assert status(engine, pid)[0] == "published"


async def test_gives_up_after_max_attempts_and_holds(engine: Engine) -> None:
    (pid,) = schedule(engine)
    pub = Scripted(*[Retryable("503") for _ in range(3)])
    d = dispatcher(engine, pub, max_attempts=3)
    now = NOW
    for _ in range(3):
        await d.publish_due(now)
        now += timedelta(days=1)
    assert status(engine, pid) == ("held", "gave up after 3 attempts: 503")
    assert len(pub.calls) == 3


async def test_rejected_fails_with_the_networks_message(engine: Engine) -> None:
    (pid,) = schedule(engine)
    await dispatcher(engine, Scripted(Rejected("caption too long"))).publish_due(NOW)
    assert status(engine, pid) == ("failed", "rejected by outbox: caption too long")


async def test_auth_expired_pauses_the_channel(engine: Engine) -> None:
    first, later = schedule(engine, 2, at=NOW)
    store.set_status(engine, [later], "scheduled", due_at=NOW + timedelta(days=1))
    pub = Scripted(AuthExpired("token expired"))
    await dispatcher(engine, pub).publish_due(NOW)
    assert status(engine, first)[0] == "held"
    assert status(engine, later) == ("held", "the channel needs reconnecting: token expired")
    assert await dispatcher(engine, pub).publish_due(NOW + timedelta(days=2)) == 0
    assert len(pub.calls) == 1  # not hammered


async def test_unknown_outcome_is_looked_up_not_resent(engine: Engine) -> None:
    live, lost = schedule(engine, 2)
    pub = Scripted(OutcomeUnknown("timeout"), OutcomeUnknown("timeout"))
    pub.live = True
    await dispatcher(engine, pub).publish_due(NOW)
    # find() says it is live: published, without a second publish()
    assert status(engine, live)[0] == status(engine, lost)[0] == "published"
    assert len(pub.calls) == 2


async def test_unknown_outcome_not_found_is_held_for_a_person(engine: Engine) -> None:
    (pid,) = schedule(engine)
    await dispatcher(engine, Scripted(OutcomeUnknown("timeout"))).publish_due(NOW)
    state, reason = status(engine, pid)
    assert state == "held" and "may or may not be live" in str(reason)


async def test_crash_mid_publish_is_resent_only_by_idempotent_publishers(engine: Engine) -> None:
    a, b = schedule(engine, 2)
    # A process claimed both and died: they stay `publishing` with a lease.
    assert len(store.claim_due(engine, now=NOW, lease=timedelta(minutes=10))) == 2
    later = NOW + timedelta(minutes=11)
    risky = Scripted()
    await dispatcher(engine, risky).publish_due(later)
    assert risky.calls == []
    assert status(engine, a)[0] == status(engine, b)[0] == "held"

    c, d_ = schedule(engine, 2)
    store.claim_due(engine, now=NOW, lease=timedelta(minutes=10))
    safe = Idempotent()
    await dispatcher(engine, safe).publish_due(later)
    assert sorted(p.id for p in safe.calls) == [c, d_]
    assert status(engine, c)[0] == "published"


async def test_claims_never_overlap(engine: Engine) -> None:
    schedule(engine, 50)
    other = make_engine(engine.url.render_as_string(hide_password=False))
    got: list[int] = []
    for e in (engine, other) * 5:
        got += [p.id for p in store.claim_due(e, now=NOW, lease=timedelta(minutes=5), limit=7)]
    other.dispose()
    assert len(got) == len(set(got)) == 50


def test_backoff_grows_with_jitter_and_honours_reset() -> None:
    rand = random.Random(7)
    delays = [backoff(n, None, rand).total_seconds() for n in range(1, 6)]
    assert all(
        0.8 * 60 * 2 ** (n - 1) <= d <= 1.2 * 60 * 2 ** (n - 1) for n, d in enumerate(delays, 1)
    )
    after_reset = [backoff(1, 3600, rand).total_seconds() for _ in range(50)]
    assert all(3600 <= d <= 3660 for d in after_reset)
    assert len(set(after_reset)) > 40  # spread, not all in the same second
    assert 900 <= backoff(1, 900, rand).total_seconds() <= 990  # a tenth of a short wait
    assert backoff(30, None, rand) <= timedelta(hours=7.2)


def test_concurrent_claimers_never_share_a_post(engine: Engine) -> None:
    """Four threads, each with its own engine, race to claim 200 due posts."""
    import threading

    schedule(engine, 200)
    url = engine.url.render_as_string(hide_password=False)
    got: list[list[int]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        e = make_engine(url)
        try:
            while batch := store.claim_due(e, now=NOW, lease=timedelta(minutes=5), limit=9):
                assert len(batch) <= 9, f"a claim took {len(batch)} posts, over its limit"
                got[i] += [p.id for p in batch]
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)
        finally:
            e.dispose()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    every = [pid for ids in got for pid in ids]
    assert len(every) == len(set(every)) == 200
    assert store.count_posts(engine, "publishing") == 200


def _answer(headers: dict[str, str]) -> Retryable:
    """The error a real 429 with these headers becomes."""
    from publishers.http import error_for

    request = httpx.Request("POST", "https://api.example/post")
    err = error_for(httpx.Response(429, headers=headers, request=request))
    assert isinstance(err, Retryable)
    return err


HUGE_RESETS = [
    {"Retry-After": "inf"},
    {"Retry-After": "1e300"},
    {"X-RateLimit-Reset": "9999-12-31"},
]


@pytest.mark.parametrize("headers", HUGE_RESETS)
async def test_a_huge_reset_waits_a_day_and_the_batch_goes_on(
    engine: Engine, headers: dict[str, str]
) -> None:
    limited, other = schedule(engine, 2)
    pub = Scripted(_answer(headers), None)
    await dispatcher(engine, pub).publish_due(NOW)
    (row,) = store.posts(engine, ids=[limited])
    assert row["status"] == "scheduled" and row["attempts"] == 1
    assert NOW + timedelta(hours=23) <= row["due_at"] <= NOW + timedelta(days=1)
    assert status(engine, other)[0] == "published"


@pytest.mark.parametrize("reset", [float("inf"), 1e300, float("nan")])
def test_backoff_never_overflows(reset: float) -> None:
    wait = backoff(3, reset, random.Random(1))
    assert timedelta(0) < wait <= timedelta(days=1)
    assert NOW + wait > NOW


async def test_recovery_of_one_post_cannot_stop_the_others(engine: Engine) -> None:
    a, b, c = schedule(engine, 3)
    # A process claimed all three and died; the first answers with an absurd reset.
    store.claim_due(engine, now=NOW, lease=timedelta(minutes=10))
    later = NOW + timedelta(minutes=11)
    pub = Idempotent(Retryable("429", retry_after=float("inf")), None, None)
    await dispatcher(engine, pub).publish_due(later)
    assert sorted(p.id for p in pub.calls) == [a, b, c]
    states = {pid: store.posts(engine, ids=[pid])[0] for pid in (a, b, c)}
    assert [states[p]["status"] for p in (a, b, c)].count("published") == 2
    (waiting,) = [r for r in states.values() if r["status"] == "scheduled"]
    assert waiting["due_at"] <= later + timedelta(days=1)


async def test_a_failure_handling_one_post_holds_it_and_spares_the_others(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = schedule(engine, 2)
    d = dispatcher(engine, Idempotent())
    real = d._retry

    async def broken(post: Post, now: datetime, e: Exception) -> None:
        if post.id == first:
            raise OverflowError("date value out of range")
        await real(post, now, e)  # type: ignore[arg-type]

    monkeypatch.setattr(d, "_retry", broken)
    d.publishers = {("b", "ch"): Idempotent(Retryable("503"), Retryable("503"))}
    await d.publish_due(NOW)
    assert status(engine, first) == (
        "held",
        "dripcast failed handling this post: OverflowError('date value out of range')",
    )
    assert status(engine, second)[0] == "scheduled"


async def test_every_claim_counts_as_an_attempt(engine: Engine) -> None:
    (pid,) = schedule(engine)
    # Each process that takes the post dies with it (a crash it causes every time).
    store.claim_due(engine, now=NOW, lease=timedelta(minutes=10))
    now = NOW
    for _ in range(5):
        now += timedelta(minutes=11)
        store.claim_stale(engine, now=now, lease=timedelta(minutes=10))
    assert store.posts(engine, ids=[pid])[0]["attempts"] == 6
    pub = Idempotent()
    await dispatcher(engine, pub, max_attempts=5).publish_due(now + timedelta(minutes=11))
    assert pub.calls == []
    state, reason = status(engine, pid)
    assert state == "held" and "gave up after 6 attempts" in str(reason)
