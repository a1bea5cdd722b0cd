"""Messages: stored before the 250, claimed for planning, closed with their plan.

SQL stays in the store; callers get plain values or small dicts. Each function
is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from dripcast.core.domain import Photo, Slot
from dripcast.core.extras import extra_json
from dripcast.core.lifecycle import PLANNER, Actor, HoldReason, MessageStatus, PostStatus
from dripcast.store import lifecycle
from dripcast.store import models as m
from dripcast.store.db import transaction

PROCESSING = MessageStatus.PROCESSING.value


class Duplicate(Exception):
    """The same Message-ID from the same sender was already accepted for this brand."""


def add_message(engine: Engine, *, now: datetime, **fields: Any) -> int:
    try:
        with transaction(engine) as s:
            row = m.Message(
                received_at=now, status=fields.pop("status", MessageStatus.RECEIVED.value), **fields
            )
            s.add(row)
            s.flush()
            return row.id
    except IntegrityError as e:
        if "ix_messages_dedup" in str(e) or "UNIQUE" in str(e).upper():
            raise Duplicate(fields.get("message_id")) from None
        raise


def claim_messages(
    engine: Engine,
    *,
    now: datetime,
    lease: timedelta,
    ids: Sequence[int] = (),
    node: str | None = None,
) -> list[int]:
    """Take received messages (or ones whose processor died) for processing, as `node`."""
    with transaction(engine) as s:
        stale = (m.Message.status == PROCESSING) & (m.Message.claimed_until < now)
        q = update(m.Message).where((m.Message.status == MessageStatus.RECEIVED.value) | stale)
        if ids:
            q = q.where(m.Message.id.in_(ids))
        values = {"status": PROCESSING, "claimed_until": now + lease, "claimed_by": node}
        rows = s.execute(q.values(**values).returning(m.Message.id))
        return sorted(r[0] for r in rows)


def release_claims(engine: Engine, node: str | None = None) -> int:
    """At start: messages this node was planning when it stopped go back to be planned.

    Only this node's (and unnamed ones, from before claims had names): another
    node's are its own business until their lease passes. The plan was never
    committed (the plan and the closing of the message are one commit), and
    `finish_message(claim=…)` keeps a late finisher from adding a second.
    """
    with transaction(engine) as s:
        q = update(m.Message).where(m.Message.status == PROCESSING)
        if node is not None:
            q = q.where((m.Message.claimed_by == node) | m.Message.claimed_by.is_(None))
        values = {"status": MessageStatus.RECEIVED.value, "claimed_until": None, "claimed_by": None}
        return s.execute(q.values(**values)).rowcount  # type: ignore[attr-defined, no-any-return]


def pending_messages(engine: Engine, *, now: datetime) -> list[int]:
    """Stored but not yet planned: new ones, and ones whose processor died."""
    with transaction(engine) as s:
        stale = (m.Message.status == PROCESSING) & (m.Message.claimed_until < now)
        q = select(m.Message.id).where((m.Message.status == MessageStatus.RECEIVED.value) | stale)
        return [r[0] for r in s.execute(q.order_by(m.Message.id))]


def message(engine: Engine, message_id: int) -> m.Message:
    with transaction(engine) as s:
        row = s.get(m.Message, message_id)
        if row is None:
            raise KeyError(message_id)
        s.expunge(row)
        return row


def finish_message(
    engine: Engine,
    message_id: int,
    *,
    now: datetime,
    status: str,
    reason: str | None = None,
    photos: Sequence[Photo] = (),
    slots: Sequence[Slot] = (),
    post_status: PostStatus = PostStatus.SCHEDULED,
    claim: datetime | None = None,
) -> list[int]:
    """Store the plan and close the message in one commit: processed exactly once.

    `claim` is the `claimed_until` this process's claim set: if the claim was
    taken over since (released at a restart, or expired), nothing is stored.
    """
    with transaction(engine) as s:
        row = s.get(m.Message, message_id, with_for_update=True)
        if row is None or row.status != PROCESSING:
            return []  # someone else finished it
        if claim is not None and row.claimed_until != claim:
            return []  # someone else holds it now
        row.status, row.reason = MessageStatus(status).value, reason
        row.processed_at, row.claimed_until, row.claimed_by = now, None, None
        for p in photos:
            s.add(
                m.Photo(
                    message=message_id,
                    brand=row.brand,
                    index=p.index,
                    filename=p.filename,
                    sha256=p.sha256,
                    pixels=p.pixels,
                    width=p.width,
                    height=p.height,
                    created_at=now,
                )
            )
        approval = None if post_status == PostStatus.SCHEDULED else HoldReason.APPROVAL
        posts = [
            m.Post(
                message=message_id,
                brand=row.brand,
                channel=sl.draft.channel,
                type=sl.draft.type,
                photos=list(sl.draft.photos),
                text=sl.draft.text,
                media=[asdict(x) for x in sl.draft.media],
                extra=extra_json(sl.draft.extra),
                remote={},
                due_at=sl.at,
                status=(PostStatus.HELD if sl.draft.held else PostStatus(post_status)).value,
                reason=sl.draft.held
                or (None if post_status == PostStatus.SCHEDULED else "awaiting approval"),
                held_for=HoldReason.REVIEW if sl.draft.held else approval,
                attempts=0,
                created_at=now,
            )
            for sl in slots
        ]
        s.add_all(posts)
        s.flush()
        lifecycle.add_events(
            s, [(p.id, None, PostStatus(p.status)) for p in posts], actor=PLANNER, now=now
        )
        return [p.id for p in posts]


def release_message(
    engine: Engine, message_id: int, *, actor: Actor | None = None, now: datetime | None = None
) -> bool:
    """A person lets a quarantined message through (see `lifecycle.release_message`)."""
    return lifecycle.release_message(
        engine, message_id, actor=actor or Actor("cli", "?"), now=now or datetime.now(UTC)
    )


def seen_pixels(engine: Engine, brand: str, pixels: Sequence[str], since: datetime) -> set[str]:
    with transaction(engine) as s:
        rows = s.execute(
            select(m.Photo.pixels).where(
                m.Photo.brand == brand, m.Photo.pixels.in_(pixels), m.Photo.created_at >= since
            )
        )
        return {r[0] for r in rows}


def messages(
    engine: Engine, *, brand: str | None = None, statuses: Sequence[str] = ()
) -> list[dict[str, Any]]:
    with transaction(engine) as s:
        q = select(m.Message).order_by(m.Message.received_at.desc()).limit(200)
        if brand:
            q = q.where(m.Message.brand == brand)
        if statuses:
            q = q.where(m.Message.status.in_(statuses))
        return [_row(r) for r in s.scalars(q)]


def purge_messages(engine: Engine, *, statuses: Sequence[str], before: datetime) -> list[str]:
    """Forget old refused/held messages; returns their spool keys for the caller to delete."""
    with transaction(engine) as s:
        cond = m.Message.status.in_(statuses) & (m.Message.received_at < before)
        spools = [r[0] for r in s.execute(select(m.Message.spool).where(cond))]
        s.execute(delete(m.Message).where(cond))
        return spools


def _row(r: m.Base) -> dict[str, Any]:
    return {c.key: getattr(r, c.key) for c in r.__table__.columns}


def spool_keys(engine: Engine) -> set[str]:
    """Every raw message a row still names (the clean-up keeps these)."""
    with transaction(engine) as s:
        return {r[0] for r in s.execute(select(m.Message.spool))}
