"""Reads and writes for the periodic jobs: the weekly report, clean-up.

Kept apart from `store` (the schedule itself). Each function is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from dripcast.core.lifecycle import PostStatus
from dripcast.store import models as m
from dripcast.store.db import transaction


def claim_run(engine: Engine, name: str, *, now: datetime, not_since: datetime) -> bool:
    """True for the one process that may run job `name` now: none ran it since `not_since`."""
    with transaction(engine) as s:
        q = update(m.JobRun).where(m.JobRun.name == name, m.JobRun.ran_at < not_since)
        if s.execute(q.values(ran_at=now)).rowcount:  # type: ignore[attr-defined]
            return True
    try:
        with transaction(engine) as s:
            s.add(m.JobRun(name=name, ran_at=now))
        return True
    except IntegrityError:
        return False  # it exists and ran since not_since, or another process just took it


def published_between(
    engine: Engine, brand: str, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    p = m.Post
    with transaction(engine) as s:
        q = (
            select(p.id, p.channel, p.type, p.text, p.published_at, p.url)
            .where(
                p.brand == brand,
                p.status == PostStatus.PUBLISHED.value,
                p.published_at >= since,
                p.published_at < until,
            )
            .order_by(p.published_at, p.id)
        )
        return [dict(r._mapping) for r in s.execute(q)]


def needing_attention(engine: Engine, brand: str, since: datetime) -> list[dict[str, Any]]:
    """Held and failed posts that were due from `since` on (or are still to come)."""
    p = m.Post
    with transaction(engine) as s:
        q = (
            select(p.id, p.channel, p.status, p.due_at, p.reason, p.held_for, p.text)
            .where(
                p.brand == brand,
                p.status.in_((PostStatus.HELD.value, PostStatus.FAILED.value)),
                p.due_at >= since,
            )
            .order_by(p.due_at, p.id)
        )
        return [dict(r._mapping) for r in s.execute(q)]


def count_scheduled(engine: Engine, brand: str, since: datetime, until: datetime) -> int:
    p = m.Post
    with transaction(engine) as s:
        q = select(func.count()).where(
            p.brand == brand,
            p.status == PostStatus.SCHEDULED.value,
            p.due_at >= since,
            p.due_at < until,
        )
        return s.scalar(q) or 0


def media_in_use(engine: Engine, statuses: Sequence[str]) -> set[str]:
    """Every media path a post in one of `statuses` still needs."""
    with transaction(engine) as s:
        rows = s.execute(select(m.Post.media).where(m.Post.status.in_(statuses)))
        return {str(x["path"]) for (media,) in rows for x in media}


def refused_between(
    engine: Engine, brand: str, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """Messages that made no posts (refused at intake or in processing), for the summary."""
    msg = m.Message
    with transaction(engine) as s:
        q = (
            select(msg.id, msg.received_at, msg.sender, msg.mail_from, msg.status, msg.reason)
            .where(
                msg.brand == brand,
                msg.status.in_(("failed", "refused")),
                msg.received_at >= since,
                msg.received_at < until,
            )
            .order_by(msg.received_at, msg.id)
        )
        return [dict(r._mapping) for r in s.execute(q)]
