"""Posts put straight on the schedule with the store's own functions (no mail, no planner)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from dripcast.core.domain import Draft, Media, Published, Slot
from dripcast.store import queries as store


def claimed_message(engine: Engine, at: datetime, *, brand: str = "b") -> int:
    """A bare message of `brand`, taken for processing, for a test to finish with its own plan."""
    mid = store.add_message(
        engine,
        now=at,
        brand=brand,
        transport="smtp",
        mail_from="",
        rcpt="",
        sender=None,
        message_id=None,
        spool="x",
        size=0,
    )
    store.claim_messages(engine, now=at, lease=timedelta(minutes=1), ids=[mid])
    return mid


def seed(
    engine: Engine,
    times: Sequence[datetime],
    *,
    brand: str = "demo-bakery",
    channel: str = "outbox",
    type: str = "outbox",
    media: str = "p.jpg",
    status: str = "scheduled",
) -> tuple[int, list[int]]:
    """One submission whose posts fall at `times`; returns (message id, post ids)."""
    now = min(times)
    mid = store.add_message(
        engine,
        now=now,
        brand=brand,
        transport="smtp",
        mail_from="owner@example.com",
        rcpt="bakery@localhost",
        sender="owner@example.com",
        message_id=None,
        spool="none",
        size=0,
        # Born claimed (for a day), so a running `serve` never tries to process it: it
        # has no spool file, and its plan is the one given here.
        status="processing",
        claimed_until=now + timedelta(days=1),
    )
    pic = (Media(path=media, width=8, height=8, bytes=100, format="jpeg"),)
    slots = [
        Slot(
            draft=Draft(channel=channel, type=type, photos=(i,), text=f"photo {i}", media=pic),
            at=at,
        )
        for i, at in enumerate(times, 1)
    ]
    ids = store.finish_message(
        engine, mid, now=now, status="planned", slots=slots, post_status=status
    )
    assert len(ids) == len(times), "the seeded message was finished by someone else"
    return mid, ids


def put(
    engine: Engine,
    ids: Sequence[int],
    status: str,
    *,
    reason: str | None = None,
    due_at: datetime | None = None,
) -> None:
    """Walk scheduled posts to `status` by the moves the lifecycle allows (via publishing)."""
    if status in ("failed", "published"):
        assert store.set_status(engine, ids, "publishing") == len(ids)
    if status == "published":
        for pid in ids:
            publish(engine, pid, Published(external_id=f"x{pid}"), now=due_at or datetime.now(UTC))
        return
    assert store.set_status(engine, ids, status, reason=reason, due_at=due_at) == len(ids)


def publish(engine: Engine, pid: int, result: Published, *, now: datetime) -> None:
    """Record a scheduled (or claimed) post as published, the way the dispatcher does."""
    store.set_status(engine, [pid], "publishing", only_from=["scheduled"])
    store.published(engine, pid, result, now=now)
