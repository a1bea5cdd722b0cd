"""The one write path for a post's status, and the events it leaves.

`move_posts` checks each move against the transition table, and the row's
current status in the UPDATE's own WHERE, so a post that changed meanwhile is
left alone (not overwritten); every post moved gets an events row in the same
commit. Writers that bypass this (a bare UPDATE of `status`) are a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Required, TypedDict, Unpack

from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.orm import Session

from dripcast.core.lifecycle import (
    Actor,
    HoldReason,
    MessageStatus,
    PostStatus,
    check_move,
    sources_for,
)
from dripcast.store import models as m
from dripcast.store.db import transaction


class _Keep:
    """Leave the post's reason as it is."""


KEEP: Final = _Keep()


@dataclass(frozen=True, kw_only=True)
class Moved:
    """One post that moved: its id and the status it came from."""

    id: int
    was: PostStatus


def move_posts(
    s: Session,
    ids: Iterable[int],
    to: PostStatus | None,
    *,
    actor: Actor,
    now: datetime,
    sources: Iterable[PostStatus] = (),
    reason: str | _Keep | None = KEEP,
    times: Mapping[int, datetime] | None = None,
    held_for: HoldReason | None = None,
    why: str | None = None,
) -> list[Moved]:
    """Move posts that are in `sources` (default: any the table allows) to `to`.

    `to=None` keeps each post's status (a new time only). `times` gives posts new
    due times. A post newly held is held for `held_for` (default: a problem); one
    already held keeps its HoldReason unless `held_for` is given. `why` is the event's reason (default: the new `reason`). Returns
    the posts that moved; the others were not in a source status.
    """
    ids = list(ids)
    allowed = frozenset(sources) or (sources_for(to) if to else frozenset(PostStatus))
    for frm in allowed:
        check_move(frm, to or frm)
    if not ids:
        return []
    t = _table(m.Post)
    rows = s.connection().execute(
        select(t.c.id, t.c.status).where(
            t.c.id.in_(ids), t.c.status.in_([a.value for a in allowed])
        )
    )
    by_status: dict[PostStatus, list[int]] = {}
    for pid, status in rows:
        by_status.setdefault(PostStatus(status), []).append(pid)
    moved: list[Moved] = []
    for frm, pids in sorted(by_status.items()):
        target = to or frm
        values: dict[str, Any] = {"status": target.value, "claimed_until": None}
        if target != PostStatus.HELD:
            values["held_for"] = None
        elif held_for is not None or frm != PostStatus.HELD:
            values["held_for"] = (held_for or HoldReason.PROBLEM).value
        if not isinstance(reason, _Keep):
            values["reason"] = reason
        # The status in the WHERE is the atomic check: a post that moved since the
        # SELECT (another process, another person) is not touched.
        guard = (t.c.status == frm.value,)
        if times is None:
            q = update(t).where(t.c.id.in_(pids), *guard).values(**values).returning(t.c.id)
            done = [r[0] for r in s.connection().execute(q)]
        else:
            done = []
            for pid in pids:
                one = update(t).where(t.c.id == pid, *guard).values(**values, due_at=times[pid])
                if s.connection().execute(one.returning(t.c.id)).first():
                    done.append(pid)
        moved += [Moved(id=pid, was=frm) for pid in done]
        text = why if why is not None else (None if isinstance(reason, _Keep) else reason)
        add_events(s, [(pid, frm, target) for pid in done], actor=actor, now=now, reason=text)
    return moved


def add_events(
    s: Session,
    moves: Sequence[tuple[int, PostStatus | None, PostStatus]],
    *,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Record post moves (post id, from, to) in the current transaction."""
    if not moves:
        return
    rows = [
        {
            "post": pid,
            "message": None,
            "from_status": frm.value if frm else None,
            "to_status": to.value,
            "actor_kind": actor.kind,
            "actor_name": actor.name,
            "reason": reason,
            "at": now,
        }
        for pid, frm, to in moves
    ]
    s.connection().execute(insert(_table(m.Event)), rows)


def set_texts(
    engine: Engine,
    texts: Mapping[int, tuple[str, dict[str, Any], str | None]],
    *,
    sources: Iterable[PostStatus],
    actor: Actor,
    now: datetime,
    why: str,
) -> list[int]:
    """New text and extras for posts still in `sources` (a new caption), each with an
    event; a post whose new words are off-limits (`held` not None) is held for review
    in the same commit. Returns the ids changed."""
    allowed = [st.value for st in sources]
    done: list[int] = []
    with transaction(engine) as s:
        t = _table(m.Post)
        for pid, (text, extra, held) in texts.items():
            was = (
                s.connection()
                .execute(select(t.c.status).where(t.c.id == pid, t.c.status.in_(allowed)))
                .scalar()
            )
            if was is None:
                continue
            frm = PostStatus(was)
            values: dict[str, Any] = {"text": text, "extra": extra}
            to = frm
            if held is not None and frm != PostStatus.HELD:
                check_move(frm, PostStatus.HELD)
                to = PostStatus.HELD
                values |= {"status": to.value, "reason": held, "held_for": HoldReason.REVIEW}
            q = update(t).where(t.c.id == pid, t.c.status == was).values(**values)
            if s.connection().execute(q.returning(t.c.id)).first():
                done.append(pid)
                add_events(s, [(pid, frm, to)], actor=actor, now=now, reason=held or why)
    return done


def release_message(engine: Engine, message_id: int, *, actor: Actor, now: datetime) -> bool:
    """A person lets a quarantined (refused or held) message through: it is planned anew."""
    quarantined = (MessageStatus.REFUSED.value, MessageStatus.HELD.value)
    with transaction(engine) as s:
        t = _table(m.Message)
        q = (
            update(t)
            .where(t.c.id == message_id, t.c.status.in_(quarantined))
            .values(status=MessageStatus.RECEIVED.value, reason=None)
        )
        was = (
            s.connection()
            .execute(select(t.c.status).where(t.c.id == message_id, t.c.status.in_(quarantined)))
            .scalar()
        )
        if was is None or not s.connection().execute(q.returning(t.c.id)).first():
            return False
        row = {
            "post": None,
            "message": message_id,
            "from_status": was,
            "to_status": MessageStatus.RECEIVED.value,
            "actor_kind": actor.kind,
            "actor_name": actor.name,
            "reason": "released",
            "at": now,
        }
        s.connection().execute(insert(_table(m.Event)), [row])
        return True


def history(engine: Engine, post_id: int) -> list[dict[str, Any]]:
    """A post's events in the order written, with its message's (release) events."""
    with transaction(engine) as s:
        post = s.get(m.Post, post_id)
        if post is None:
            raise KeyError(post_id)
        cond = m.Event.post == post_id
        q = select(m.Event).where(cond | (m.Event.message == post.message))
        return [
            {c.key: getattr(r, c.key) for c in r.__table__.columns}
            for r in s.scalars(q.order_by(m.Event.id))
        ]


def _table(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


class MoveOptions(TypedDict, total=False):
    """The keywords `move` passes on to `move_posts` (see there): all but `held_for`."""

    actor: Required[Actor]
    now: Required[datetime]
    sources: Iterable[PostStatus]
    reason: str | _Keep | None
    times: Mapping[int, datetime] | None
    why: str | None


def move(
    engine: Engine, ids: Iterable[int], to: PostStatus | None, **options: Unpack[MoveOptions]
) -> list[Moved]:
    """`move_posts` in a transaction of its own."""
    with transaction(engine) as s:
        return move_posts(s, ids, to, **options)
