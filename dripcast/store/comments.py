"""Comments read from the channels, the cursor per channel, and the answer's at-most-once steps.

A read is stored with its cursor in one transaction, so the cursor never passes a
comment that was not kept; the unique (brand, channel, external_id) index drops a
comment read twice. An answer is written as `replying` before it is sent: a crash
leaves that mark, and the monitor looks the answer up on the network before it
sends anything again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, or_, select, update

from dripcast.core.faq import Comment, Decision, Replied
from dripcast.store import models as m
from dripcast.store.db import transaction

C = m.CommentRow
ANSWERING = ("reply", "replying", "answered")  # a conversation with one of these is answered


@dataclass(frozen=True, kw_only=True)
class Stored:
    """A stored comment as the monitor works with it."""

    id: int
    brand: str
    channel: str
    comment: Comment
    conversation: str
    status: str
    action: str | None
    faq: str | None
    score: float | None
    reason: str | None
    reply_text: str | None
    reply_by: str | None
    remote: Mapping[str, Any]
    attempts: int


def cursor(engine: Engine, brand: str, channel: str) -> tuple[dict[str, Any], datetime | None]:
    """The channel's stored cursor and the time before which it must not be read again."""
    with transaction(engine) as s:
        row = s.get(m.CommentCursor, (brand, channel))
        return (dict(row.cursor), row.next_at) if row else ({}, None)


def store_read(
    engine: Engine,
    brand: str,
    channel: str,
    comments: Sequence[Comment],
    new_cursor: Mapping[str, Any],
    *,
    now: datetime,
    skip_before: datetime | None = None,
) -> list[int]:
    """Keep the comments not seen before and move the cursor, together; the new rows' ids.

    Comments written before `skip_before` are kept as `skipped` (seen, never acted on).
    """
    ids: list[int] = []
    with transaction(engine) as s:
        wanted = [c.external_id for c in comments]
        known = set(
            s.scalars(
                select(C.external_id).where(
                    C.brand == brand, C.channel == channel, C.external_id.in_(wanted)
                )
            )
        )
        for c in comments:
            if c.external_id in known:
                continue
            known.add(c.external_id)
            skip = skip_before is not None and c.created_at < skip_before
            row = C(
                brand=brand,
                channel=channel,
                network=c.network,
                external_id=c.external_id,
                parent=c.parent,
                thread=c.thread,
                conversation=_conversation(s, brand, channel, c),
                author=c.author,
                text=c.text,
                url=c.url,
                post_url=c.post_url,
                reply_to=dict(c.reply_to),
                own=c.own,
                created_at=c.created_at,
                seen_at=now,
                status="skipped" if skip else "new",
                reason="written before FAQ monitoring began" if skip else None,
                remote={},
                attempts=0,
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
        cur = s.get(m.CommentCursor, (brand, channel))
        if cur is None:
            s.add(
                m.CommentCursor(brand=brand, channel=channel, cursor=dict(new_cursor), read_at=now)
            )
        else:
            cur.cursor, cur.read_at, cur.next_at, cur.error = dict(new_cursor), now, None, None
    return ids


def _conversation(s: Any, brand: str, channel: str, c: Comment) -> str:
    """A reply to a comment we know (or to our answer to one) continues its conversation;
    anything else starts its own."""
    if c.parent:
        q = select(C.conversation).where(
            C.brand == brand,
            C.channel == channel,
            or_(C.external_id == c.parent, C.reply_external_id == c.parent),
        )
        found = s.scalars(q.limit(1)).first()
        if found:
            return str(found)
    return c.external_id


def delay(
    engine: Engine, brand: str, channel: str, *, until: datetime, error: str, now: datetime
) -> None:
    """A read failed (429, outage): keep the cursor, try again from `until`."""
    with transaction(engine) as s:
        cur = s.get(m.CommentCursor, (brand, channel))
        if cur is None:
            s.add(
                m.CommentCursor(
                    brand=brand, channel=channel, cursor={}, read_at=now, next_at=until, error=error
                )
            )
        else:
            cur.next_at, cur.error = until, error


def with_status(
    engine: Engine, brand: str, status: str, *, now: datetime | None = None
) -> list[Stored]:
    with transaction(engine) as s:
        q = select(C).where(C.brand == brand, C.status == status)
        if now is not None:
            q = q.where(or_(C.retry_at.is_(None), C.retry_at <= now))
        return [_stored(r) for r in s.scalars(q.order_by(C.id))]


def get(engine: Engine, comment_id: int) -> Stored | None:
    with transaction(engine) as s:
        row = s.get(C, comment_id)
        return _stored(row) if row else None


def answered_in_conversation(engine: Engine, c: Stored) -> bool:
    with transaction(engine) as s:
        q = select(func.count()).where(
            C.brand == c.brand,
            C.channel == c.channel,
            C.conversation == c.conversation,
            C.id != c.id,
            C.status.in_(ANSWERING),
        )
        return bool(s.scalar(q))


def decided(engine: Engine, comment_id: int, d: Decision, *, status: str, now: datetime) -> bool:
    """Record the decision of a `new` comment; False if another process got there first."""
    with transaction(engine) as s:
        q = update(C).where(C.id == comment_id, C.status == "new")
        values: dict[str, Any] = {
            "status": status,
            "action": d.action,
            "faq": d.faq,
            "score": d.score,
            "reason": d.reason,
            "decided_at": now,
        }
        if d.action == "answer":
            values |= {"reply_text": d.reply, "reply_by": "faq"}
        if status in ("ignored",):
            values["done_at"] = now
        return bool(s.execute(q.values(**values)).rowcount)  # type: ignore[attr-defined]


def move(
    engine: Engine, comment_id: int, *, frm: Sequence[str], to: str, now: datetime, **values: Any
) -> bool:
    """Move a comment from one of `frm` to `to` (with more columns); False if it was not there."""
    with transaction(engine) as s:
        q = update(C).where(C.id == comment_id, C.status.in_(frm))
        if to in ("answered", "escalated", "ignored", "failed"):
            values.setdefault("done_at", now)
        return bool(s.execute(q.values(status=to, **values)).rowcount)  # type: ignore[attr-defined]


def claim_reply(engine: Engine, comment_id: int, *, now: datetime) -> bool:
    """Mark the intent to send (`reply` → `replying`) before sending; only one process wins."""
    with transaction(engine) as s:
        q = (
            update(C)
            .where(C.id == comment_id, C.status == "reply")
            .values(status="replying", attempts=C.attempts + 1, retry_at=None)
        )
        return bool(s.execute(q).rowcount)  # type: ignore[attr-defined]


def replied(engine: Engine, comment_id: int, r: Replied, *, now: datetime) -> None:
    move(
        engine,
        comment_id,
        frm=("replying",),
        to="answered",
        now=now,
        reply_external_id=r.external_id,
        reply_url=r.url,
    )


def remember(engine: Engine, comment_id: int, data: Mapping[str, Any]) -> None:
    with transaction(engine) as s:
        row = s.get(C, comment_id)
        if row is not None:
            row.remote = {**row.remote, **data}


def summary(
    engine: Engine, brand: str, since: datetime, until: datetime, examples: int = 3
) -> dict[str, Any]:
    """The weekly figures: comments seen, answered, escalated, ignored, with a few examples each."""
    with transaction(engine) as s:
        rows = s.execute(
            select(C.status, C.text, C.faq, C.url, C.reason)
            .where(C.brand == brand, C.seen_at >= since, C.seen_at < until, C.status != "skipped")
            .order_by(C.seen_at, C.id)
        ).all()
    out: dict[str, Any] = {
        "seen": len(rows),
        "answered": 0,
        "escalated": 0,
        "ignored": 0,
        "waiting": 0,
    }
    ex: dict[str, list[dict[str, Any]]] = {"answered": [], "escalated": [], "ignored": []}
    for status, text, faq, url, reason in rows:
        key = {
            "answered": "answered",
            "escalated": "escalated",
            "escalate": "escalated",
            "ignored": "ignored",
        }.get(status)
        if key is None:
            out["waiting"] += 1  # new, held for review, or an answer on its way
            continue
        out[key] += 1
        if len(ex[key]) < examples:
            ex[key].append({"text": text, "faq": faq, "url": url, "reason": reason})
    out["examples"] = ex
    return out


def _stored(r: m.CommentRow) -> Stored:
    return Stored(
        id=r.id,
        brand=r.brand,
        channel=r.channel,
        comment=Comment(
            network=r.network,
            external_id=r.external_id,
            parent=r.parent,
            thread=r.thread,
            text=r.text,
            author=r.author,
            created_at=r.created_at,
            own=r.own,
            url=r.url,
            post_url=r.post_url,
            reply_to=dict(r.reply_to),
        ),
        conversation=r.conversation,
        status=r.status,
        action=r.action,
        faq=r.faq,
        score=r.score,
        reason=r.reason,
        reply_text=r.reply_text,
        reply_by=r.reply_by,
        remote=dict(r.remote),
        attempts=r.attempts,
    )
