"""Posts, the schedule: every read and write the service makes, as functions over an Engine.

SQL stays in the store; callers get plain values (`dripcast.core.domain`) or
small dicts. Each function is one transaction. The message functions live in
`messages` and are re-exported here, so `queries` stays the one import for callers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, bindparam, func, or_, select, update

from dripcast.core.domain import Media, Post, Published, Queued
from dripcast.core.extras import extra_from
from dripcast.core.lifecycle import DISPATCHER, Actor, HoldReason, PostStatus
from dripcast.store import lifecycle
from dripcast.store import models as m
from dripcast.store.db import transaction
from dripcast.store.messages import (
    Duplicate,
    add_message,
    claim_messages,
    finish_message,
    message,
    messages,
    pending_messages,
    purge_messages,
    release_claims,
    release_message,
    seen_pixels,
    spool_keys,
)

S = PostStatus

__all__ = [  # the message functions, re-exported; the post functions are defined here
    "Duplicate",
    "add_message",
    "claim_messages",
    "finish_message",
    "message",
    "messages",
    "pending_messages",
    "purge_messages",
    "release_claims",
    "release_message",
    "seen_pixels",
    "spool_keys",
]

# ---- posts: the schedule -----------------------------------------------------

# A held post keeps its slot: approving or retrying it must not break the brand's gaps.
ACTIVE = tuple(s.value for s in (S.SCHEDULED, S.PUBLISHING, S.PUBLISHED, S.HELD))


def queued(
    engine: Engine, brand: str, since: datetime, *, channel: str | None = None, but: int = 0
) -> list[Queued]:
    """Posts that count against gaps and daily caps: from `since` on, live or held.

    `but` leaves one post out (the one being moved must not keep its own gap).
    """
    with transaction(engine) as s:
        q = select(m.Post.channel, m.Post.due_at, m.Post.published_at).where(
            m.Post.brand == brand,
            m.Post.status.in_(ACTIVE),
            m.Post.due_at >= since,
            m.Post.id != but,
        )
        if channel is not None:
            q = q.where(m.Post.channel == channel)
        return [Queued(channel=c, at=pub or due) for c, due, pub in s.execute(q)]


def recent_texts(engine: Engine, brand: str, since: datetime) -> dict[str, list[str]]:
    """By channel, the texts of posts that went out or are waiting after `since` (held
    ones included: they go out once approved); for "no text twice" (issue 18). A new post
    comes after now, so one exactly 30 days before now is already more than 30 days away."""
    with transaction(engine) as s:
        q = select(m.Post.channel, m.Post.text).where(
            m.Post.brand == brand,
            m.Post.status.in_(ACTIVE),
            or_(m.Post.due_at > since, m.Post.published_at > since),
        )
        out: dict[str, list[str]] = {}
        for channel, text in s.execute(q):
            out.setdefault(channel, []).append(text)
        return out


def claim_due(
    engine: Engine, *, now: datetime, lease: timedelta, limit: int = 100, node: str | None = None
) -> list[Post]:
    """Atomically take due posts: one UPDATE … RETURNING, so two processes never share one.

    On PostgreSQL the CTE locks the rows it picks and skips rows another
    transaction holds (FOR UPDATE SKIP LOCKED); on SQLite the write lock taken by
    BEGIN IMMEDIATE serialises claimers. Both walk ix_posts_status_due, not the table.
    The pick is a MATERIALIZED CTE, not `IN (subquery)`: PostgreSQL may run such a
    subquery once per outer row, and with SKIP LOCKED each run picks other rows, so
    one claim could take far more than `limit` (the concurrent claim test saw 200).
    """
    t = _posts_table()
    due = (
        select(t.c.id)
        .where(t.c.status == S.SCHEDULED.value, t.c.due_at <= now)
        .order_by(t.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    with transaction(engine) as s:
        rows = s.connection().execute(
            update(t)
            .where(t.c.id.in_(select(due.c.id)), t.c.status == S.SCHEDULED.value)
            .values(
                status=S.PUBLISHING.value,
                claimed_until=now + lease,
                claimed_by=node,
                attempts=t.c.attempts + 1,
            )
            .returning(*t.c)
        )
        claimed = sorted((_post(r) for r in rows), key=lambda p: (p.at, p.id))
        moves = [(p.id, PostStatus.SCHEDULED, PostStatus.PUBLISHING) for p in claimed]
        lifecycle.add_events(s, moves, actor=DISPATCHER, now=now)
        return claimed


def claim_stale(
    engine: Engine, *, now: datetime, lease: timedelta, node: str | None = None
) -> list[Post]:
    """Posts left in `publishing` by a process that died: their outcome is unknown."""
    with transaction(engine) as s:
        rows = s.scalars(
            update(m.Post)
            .where(m.Post.status == S.PUBLISHING.value, m.Post.claimed_until < now)
            # Every claim is an attempt, so a post that keeps killing its process
            # reaches max_attempts instead of being re-sent every lease forever.
            .values(claimed_until=now + lease, claimed_by=node, attempts=m.Post.attempts + 1)
            .returning(m.Post),
            execution_options={"synchronize_session": False},
        ).all()
        return [_post(r) for r in rows]


def recover_own(engine: Engine, node: str, *, now: datetime) -> int:
    """At start: this node's posts left in `publishing` are stale at once.

    The next tick's `claim_stale` takes them (find(), or a resend where that is
    safe), instead of every node waiting out the lease.
    """
    with transaction(engine) as s:
        q = update(m.Post).where(m.Post.status == S.PUBLISHING.value, m.Post.claimed_by == node)
        return s.execute(q.values(claimed_until=now - timedelta(seconds=1))).rowcount  # type: ignore[attr-defined, no-any-return]


def unclaim(engine: Engine, post_id: int, *, due_at: datetime, reason: str) -> bool:
    """Give a claimed post back to the schedule at a new time, as if it was never taken."""
    now = datetime.now(UTC)
    with transaction(engine) as s:
        moved = lifecycle.move_posts(
            s,
            [post_id],
            PostStatus.SCHEDULED,
            sources=[PostStatus.PUBLISHING],
            actor=DISPATCHER,
            now=now,
            reason=reason,
            times={post_id: due_at},
        )
        if moved:
            q = update(m.Post).where(m.Post.id == post_id)
            s.execute(q.values(attempts=m.Post.attempts - 1))
        return bool(moved)


def published(engine: Engine, post_id: int, result: Published, *, now: datetime) -> None:
    published_many(engine, [(post_id, result, now)])


def published_many(engine: Engine, done: Sequence[tuple[int, Published, datetime]]) -> None:
    """Record successes, all in one commit (one executemany)."""
    if not done:
        return
    # Core executemany: the ORM's bulk path costs about a millisecond a row here.
    table = _posts_table()
    q = (
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(
            status=S.PUBLISHED.value,
            published_at=bindparam("at"),
            external_id=bindparam("ext"),
            url=bindparam("link"),
            claimed_until=None,
            reason=None,
        )
    )
    rows = [{"pid": i, "at": now, "ext": r.external_id, "link": r.url} for i, r, now in done]
    q = q.where(table.c.status == PostStatus.PUBLISHING.value)  # only a claimed post goes live
    with transaction(engine) as s:
        ids = [i for i, _, _ in done]
        live = set(
            s.scalars(
                select(m.Post.id).where(m.Post.id.in_(ids), m.Post.status == S.PUBLISHING.value)
            )
        )
        s.connection().execute(q, rows)
        for i, _, now in done:
            if i in live:
                move = (i, PostStatus.PUBLISHING, PostStatus.PUBLISHED)
                lifecycle.add_events(s, [move], actor=DISPATCHER, now=now)


def set_status(
    engine: Engine,
    ids: Sequence[int],
    status: str,
    *,
    reason: str | None = None,
    due_at: datetime | None = None,
    only_from: Sequence[str] = (),
    actor: Actor = DISPATCHER,
    now: datetime | None = None,
    held_for: HoldReason | None = None,
) -> int:
    """Move posts to a status (with a reason or a new time); returns how many moved.

    Only moves the transition table allows (from `only_from`, else from any status
    it allows) happen; each one leaves an event.
    """
    now = now or datetime.now(UTC)
    with transaction(engine) as s:
        moved = lifecycle.move_posts(
            s,
            ids,
            PostStatus(status),
            sources=[PostStatus(f) for f in only_from],
            actor=actor,
            now=now,
            reason=reason,
            times=None if due_at is None else dict.fromkeys(ids, due_at),
            held_for=held_for,
        )
        return len(moved)


def move(
    engine: Engine,
    times: Mapping[int, datetime],
    *,
    only_from: Sequence[str],
    actor: Actor = DISPATCHER,
    now: datetime | None = None,
) -> int:
    """Give posts new times, keeping their status (a held post stays held); returns how many."""
    now = now or datetime.now(UTC)
    with transaction(engine) as s:
        moved = lifecycle.move_posts(
            s,
            times,
            None,
            sources=[PostStatus(f) for f in only_from],
            actor=actor,
            now=now,
            times=times,
            why="rescheduled",
        )
        return len(moved)


def hold_channel(engine: Engine, brand: str, channel: str, reason: str) -> int:
    """Pause a channel: every scheduled post on it is held until a person retries."""
    with transaction(engine) as s:
        q = select(m.Post.id).where(
            m.Post.brand == brand, m.Post.channel == channel, m.Post.status == S.SCHEDULED.value
        )
        moved = lifecycle.move_posts(
            s,
            list(s.scalars(q)),
            PostStatus.HELD,
            sources=[PostStatus.SCHEDULED],
            actor=DISPATCHER,
            now=datetime.now(UTC),
            reason=reason,
        )
        return len(moved)


def remember(engine: Engine, post_id: int, data: dict[str, Any]) -> None:
    with transaction(engine) as s:
        row = s.get(m.Post, post_id, with_for_update=True)
        if row is not None:
            row.remote = {**row.remote, **data}


# ---- reading, for the CLI ----------------------------------------------------


def posts(
    engine: Engine,
    *,
    brand: str | None = None,
    statuses: Sequence[str] = (),
    ids: Sequence[int] = (),
    message_ids: Sequence[int] = (),
    since: datetime | None = None,
    limit: int = 200,
    due_from: datetime | None = None,
    due_before: datetime | None = None,
) -> list[dict[str, Any]]:
    with transaction(engine) as s:
        q = select(m.Post).order_by(m.Post.due_at, m.Post.id).limit(limit)
        if since is not None:
            q = q.where(m.Post.due_at >= since)
        if brand:
            q = q.where(m.Post.brand == brand)
        if due_from is not None:
            q = q.where(m.Post.due_at >= due_from)
        if due_before is not None:
            q = q.where(m.Post.due_at < due_before)
        if statuses:
            q = q.where(m.Post.status.in_(statuses))
        if ids or message_ids:
            q = q.where(or_(m.Post.id.in_(ids), m.Post.message.in_(message_ids)))
        return [_row(r) for r in s.scalars(q)]


def count_posts(engine: Engine, status: str) -> int:
    with transaction(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(m.Post).where(m.Post.status == status)) or 0
        )


def _posts_table() -> Table:
    table = m.Post.__table__
    assert isinstance(table, Table)
    return table


def _row(r: m.Base) -> dict[str, Any]:
    return {c.key: getattr(r, c.key) for c in r.__table__.columns}


def _post(r: Any) -> Post:
    """From an ORM row or a Core row of the posts table."""
    return Post(
        id=r.id,
        brand=r.brand,
        channel=r.channel,
        type=r.type,
        text=r.text,
        media=tuple(Media(**x) for x in r.media),
        at=r.due_at,
        attempts=r.attempts,
        extra=extra_from(r.type, r.extra),
        remote=r.remote,
    )
