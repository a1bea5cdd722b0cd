"""Every read and write the service makes, as functions over an Engine.

SQL stays here and in `models`; callers get plain values (`dripcast.domain`)
or small dicts. Each function is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from dripcast import models as m
from dripcast.db import transaction
from dripcast.domain import Media, Photo, Post, Published, Queued, Slot


class Duplicate(Exception):
    """The same Message-ID from the same sender was already accepted for this brand."""


# ---- messages ----------------------------------------------------------------


def add_message(engine: Engine, *, now: datetime, **fields: Any) -> int:
    try:
        with transaction(engine) as s:
            row = m.Message(received_at=now, status=fields.pop("status", "received"), **fields)
            s.add(row)
            s.flush()
            return row.id
    except IntegrityError as e:
        if "ix_messages_dedup" in str(e) or "UNIQUE" in str(e).upper():
            raise Duplicate(fields.get("message_id")) from None
        raise


def claim_messages(
    engine: Engine, *, now: datetime, lease: timedelta, ids: Sequence[int] = ()
) -> list[int]:
    """Take received messages (or ones whose processor died) for processing."""
    with transaction(engine) as s:
        stale = (m.Message.status == "processing") & (m.Message.claimed_until < now)
        q = update(m.Message).where((m.Message.status == "received") | stale)
        if ids:
            q = q.where(m.Message.id.in_(ids))
        rows = s.execute(
            q.values(status="processing", claimed_until=now + lease).returning(m.Message.id)
        )
        return sorted(r[0] for r in rows)


def release_claims(engine: Engine) -> int:
    """At start: messages a killed process was planning go back to be planned again.

    Its plan was never committed (the plan and the closing of the message are one
    commit), and `finish_message(claim=…)` keeps a late finisher from adding a second.
    """
    with transaction(engine) as s:
        q = update(m.Message).where(m.Message.status == "processing")
        return s.execute(q.values(status="received", claimed_until=None)).rowcount  # type: ignore[attr-defined, no-any-return]


def pending_messages(engine: Engine, *, now: datetime) -> list[int]:
    """Stored but not yet planned: new ones, and ones whose processor died."""
    with transaction(engine) as s:
        stale = (m.Message.status == "processing") & (m.Message.claimed_until < now)
        q = select(m.Message.id).where((m.Message.status == "received") | stale)
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
    post_status: str = "scheduled",
    claim: datetime | None = None,
) -> list[int]:
    """Store the plan and close the message in one commit: processed exactly once.

    `claim` is the `claimed_until` this process's claim set: if the claim was
    taken over since (released at a restart, or expired), nothing is stored.
    """
    with transaction(engine) as s:
        row = s.get(m.Message, message_id, with_for_update=True)
        if row is None or row.status != "processing":
            return []  # someone else finished it
        if claim is not None and row.claimed_until != claim:
            return []  # someone else holds it now
        row.status, row.reason, row.processed_at, row.claimed_until = status, reason, now, None
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
        posts = [
            m.Post(
                message=message_id,
                brand=row.brand,
                channel=sl.draft.channel,
                type=sl.draft.type,
                photos=list(sl.draft.photos),
                text=sl.draft.text,
                media=[asdict(x) for x in sl.draft.media],
                extra=dict(sl.draft.extra),
                remote={},
                due_at=sl.at,
                status="held" if sl.draft.held else post_status,
                reason=sl.draft.held
                or (None if post_status == "scheduled" else "awaiting approval"),
                attempts=0,
                created_at=now,
            )
            for sl in slots
        ]
        s.add_all(posts)
        s.flush()
        return [p.id for p in posts]


def release_message(engine: Engine, message_id: int) -> bool:
    """A person lets a quarantined message through."""
    with transaction(engine) as s:
        q = update(m.Message).where(
            m.Message.id == message_id, m.Message.status.in_(("refused", "held"))
        )
        done = s.execute(q.values(status="received", reason=None)).rowcount  # type: ignore[attr-defined]
        return bool(done)


def seen_pixels(engine: Engine, brand: str, pixels: Sequence[str], since: datetime) -> set[str]:
    with transaction(engine) as s:
        rows = s.execute(
            select(m.Photo.pixels).where(
                m.Photo.brand == brand, m.Photo.pixels.in_(pixels), m.Photo.created_at >= since
            )
        )
        return {r[0] for r in rows}


# ---- posts: the schedule -----------------------------------------------------

ACTIVE = ("scheduled", "publishing", "published")


def queued(
    engine: Engine, brand: str, since: datetime, *, channel: str | None = None, but: int = 0
) -> list[Queued]:
    """Posts that count against gaps and daily caps: from `since` on, not cancelled.

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
            m.Post.status.in_((*ACTIVE, "held")),
            or_(m.Post.due_at > since, m.Post.published_at > since),
        )
        out: dict[str, list[str]] = {}
        for channel, text in s.execute(q):
            out.setdefault(channel, []).append(text)
        return out


def claim_due(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 100) -> list[Post]:
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
        .where(t.c.status == "scheduled", t.c.due_at <= now)
        .order_by(t.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    with transaction(engine) as s:
        rows = s.connection().execute(
            update(t)
            .where(t.c.id.in_(select(due.c.id)), t.c.status == "scheduled")
            .values(status="publishing", claimed_until=now + lease, attempts=t.c.attempts + 1)
            .returning(*t.c)
        )
        return sorted((_post(r) for r in rows), key=lambda p: (p.at, p.id))


def claim_stale(engine: Engine, *, now: datetime, lease: timedelta) -> list[Post]:
    """Posts left in `publishing` by a process that died: their outcome is unknown."""
    with transaction(engine) as s:
        rows = s.scalars(
            update(m.Post)
            .where(m.Post.status == "publishing", m.Post.claimed_until < now)
            .values(claimed_until=now + lease)
            .returning(m.Post),
            execution_options={"synchronize_session": False},
        ).all()
        return [_post(r) for r in rows]


def unclaim(engine: Engine, post_id: int, *, due_at: datetime, reason: str) -> bool:
    """Give a claimed post back to the schedule at a new time, as if it was never taken."""
    with transaction(engine) as s:
        q = update(m.Post).where(m.Post.id == post_id, m.Post.status == "publishing")
        done = s.execute(
            q.values(
                status="scheduled",
                due_at=due_at,
                reason=reason,
                claimed_until=None,
                attempts=m.Post.attempts - 1,
            )
        ).rowcount  # type: ignore[attr-defined]
        return bool(done)


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
            status="published",
            published_at=bindparam("at"),
            external_id=bindparam("ext"),
            url=bindparam("link"),
            claimed_until=None,
            reason=None,
        )
    )
    rows = [{"pid": i, "at": now, "ext": r.external_id, "link": r.url} for i, r, now in done]
    with transaction(engine) as s:
        s.connection().execute(q, rows)


def set_status(
    engine: Engine,
    ids: Sequence[int],
    status: str,
    *,
    reason: str | None = None,
    due_at: datetime | None = None,
    only_from: Sequence[str] = (),
) -> int:
    """Move posts to a status (with a reason or a new time); returns how many moved."""
    values: dict[str, Any] = {"status": status, "reason": reason, "claimed_until": None}
    if due_at is not None:
        values["due_at"] = due_at
    with transaction(engine) as s:
        q = update(m.Post).where(m.Post.id.in_(ids))
        if only_from:
            q = q.where(m.Post.status.in_(only_from))
        return s.execute(q.values(**values)).rowcount  # type: ignore[attr-defined, no-any-return]


def move(engine: Engine, times: Mapping[int, datetime], *, only_from: Sequence[str]) -> int:
    """Give posts new times, keeping their status (a held post stays held); returns how many."""
    with transaction(engine) as s:
        n = 0
        for post_id, at in times.items():
            q = update(m.Post).where(m.Post.id == post_id, m.Post.status.in_(only_from))
            n += s.execute(q.values(due_at=at)).rowcount  # type: ignore[attr-defined]
        return n


def hold_channel(engine: Engine, brand: str, channel: str, reason: str) -> int:
    """Pause a channel: every scheduled post on it is held until a person retries."""
    with transaction(engine) as s:
        q = update(m.Post).where(
            m.Post.brand == brand, m.Post.channel == channel, m.Post.status == "scheduled"
        )
        return s.execute(q.values(status="held", reason=reason)).rowcount  # type: ignore[attr-defined, no-any-return]


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
) -> list[dict[str, Any]]:
    with transaction(engine) as s:
        q = select(m.Post).order_by(m.Post.due_at, m.Post.id).limit(limit)
        if since is not None:
            q = q.where(m.Post.due_at >= since)
        if brand:
            q = q.where(m.Post.brand == brand)
        if statuses:
            q = q.where(m.Post.status.in_(statuses))
        if ids or message_ids:
            q = q.where(or_(m.Post.id.in_(ids), m.Post.message.in_(message_ids)))
        return [_row(r) for r in s.scalars(q)]


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
    """Forget old refused/held messages; returns their spool files for the caller to delete."""
    with transaction(engine) as s:
        cond = m.Message.status.in_(statuses) & (m.Message.received_at < before)
        spools = [r[0] for r in s.execute(select(m.Message.spool).where(cond))]
        s.execute(delete(m.Message).where(cond))
        return spools


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
        extra=r.extra,
        remote=r.remote,
    )
