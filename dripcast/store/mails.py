"""The mail outbox table (`mails`): every mail is stored before it is sent, sent from here.

Store layer (like `store_jobs`); the sending loop is `dripcast.app.mail.outbox`.

Never lost: a mail the smarthost does not take (down, 4xx, timeout) stays `queued`
and is tried again with backoff (1 min doubling to 1 h, forever); only a 5xx
refusal ends it as `failed` (kept, with the answer, for a person).

Never sent twice, with one honest exception. A process claims a mail
(`sending`, with a lease) before it talks to the smarthost, so two processes
never send the same row, and a second enqueue of the same event `key` is a
no-op. If the process dies after the smarthost answered 250 and before `sent` is
committed (a window of one commit), the lease runs out and the mail is sent
again: the same bytes with the same Message-ID, which mail clients and Gmail
show as one message. Marking before sending would instead lose the mail in the
same window; a copy the client's software folds away is the better failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from dripcast.core.lifecycle import MessageStatus, check_message_move
from dripcast.store import models as m
from dripcast.store.db import transaction

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """A claimed mail, as the sender needs it."""

    id: int
    brand: str
    kind: str
    to: tuple[str, ...]
    sender: str
    raw: bytes
    attempts: int
    claim: datetime


@dataclass(frozen=True, kw_only=True)
class Sent:
    """A mail dripcast sent, as a reply to it needs it."""

    id: int
    brand: str
    kind: str
    to: tuple[str, ...]
    message_id: str
    about: dict[str, Any]


def backoff(attempts: int) -> timedelta:
    doubled: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(doubled, MAX_RETRY)


def enqueue(
    engine: Engine,
    *,
    now: datetime,
    brand: str,
    kind: str,
    key: str,
    to: Sequence[str],
    sender: str,
    subject: str,
    about: dict[str, Any],
    in_reply_to: str | None,
    build: Callable[[int], tuple[str, bytes]],
) -> int | None:
    """Store a mail; `build(mail_id)` returns its (Message-ID, bytes) — the id goes into
    its reply tag. None if a mail with this `key` exists (one mail per event)."""
    try:
        with transaction(engine) as s:
            if s.scalar(select(m.Mail.id).where(m.Mail.key == key)) is not None:
                return None
            row = m.Mail(
                brand=brand,
                kind=kind,
                key=key,
                to=list(to),
                sender=sender,
                message_id=f"<pending-{key}>",
                in_reply_to=in_reply_to,
                subject=subject,
                raw=b"",
                about=about,
                status="queued",
                attempts=0,
                next_try=now,
                created_at=now,
            )
            s.add(row)
            s.flush()
            row.message_id, row.raw = build(row.id)
            return row.id
    except IntegrityError:
        return None  # another process enqueued the same key at the same moment


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 20) -> list[Outgoing]:
    """Take due mails (and ones whose sender died mid-send) for sending."""
    mail = m.Mail
    due = (mail.status == "queued") & (mail.next_try <= now)
    stale = (mail.status == "sending") & (mail.claimed_until < now)
    until = now + lease
    out: list[Outgoing] = []
    with transaction(engine) as s:
        ids = list(s.scalars(select(mail.id).where(or_(due, stale)).order_by(mail.id).limit(limit)))
    for mid in ids:
        with transaction(engine) as s:
            took = s.execute(
                update(mail)
                .where(mail.id == mid, or_(due, stale))
                .values(status="sending", claimed_until=until, attempts=mail.attempts + 1)
            ).rowcount  # type: ignore[attr-defined]
            if not took:
                continue  # another process claimed it between the two statements
            row = s.get(mail, mid)
            assert row is not None
            out.append(
                Outgoing(
                    id=row.id,
                    brand=row.brand,
                    kind=row.kind,
                    to=tuple(row.to),
                    sender=row.sender,
                    raw=row.raw,
                    attempts=row.attempts,
                    claim=until,
                )
            )
    return out


def mark_sent(engine: Engine, mail_id: int, *, claim: datetime, now: datetime, answer: str) -> None:
    _finish(engine, mail_id, claim, status="sent", sent_at=now, answer=answer[:1000])


def mark_failed(
    engine: Engine,
    mail_id: int,
    *,
    claim: datetime,
    now: datetime,
    error: str,
    attempts: int,
    permanent: bool,
) -> None:
    if permanent:
        _finish(engine, mail_id, claim, status="failed", answer=error[:1000])
    else:
        _finish(
            engine,
            mail_id,
            claim,
            status="queued",
            answer=error[:1000],
            next_try=now + backoff(attempts),
        )


def _finish(engine: Engine, mail_id: int, claim: datetime, **values: Any) -> None:
    with transaction(engine) as s:
        s.execute(
            update(m.Mail)
            .where(m.Mail.id == mail_id, m.Mail.status == "sending", m.Mail.claimed_until == claim)
            .values(claimed_until=None, **values)
        )


def find_sent(
    engine: Engine, brand: str, *, ids: Sequence[int] = (), message_ids: Sequence[str] = ()
) -> Sent | None:
    """The newest mail of `brand` among outbox `ids` or `message_ids` (a reply's headers)."""
    if not ids and not message_ids:
        return None
    mail = m.Mail
    with transaction(engine) as s:
        row = s.scalars(
            select(mail)
            .where(mail.brand == brand, or_(mail.id.in_(ids), mail.message_id.in_(message_ids)))
            .order_by(mail.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return Sent(
            id=row.id,
            brand=row.brand,
            kind=row.kind,
            to=tuple(row.to),
            message_id=row.message_id,
            about=dict(row.about),
        )


def mails(engine: Engine, *, brand: str | None = None) -> list[dict[str, Any]]:
    """Every mail (no bodies), oldest first: for tests and `dripcast queue`-like listings."""
    mail = m.Mail
    with transaction(engine) as s:
        q = select(
            mail.id,
            mail.brand,
            mail.kind,
            mail.key,
            mail.to,
            mail.message_id,
            mail.in_reply_to,
            mail.subject,
            mail.about,
            mail.status,
            mail.attempts,
            mail.next_try,
            mail.sent_at,
            mail.answer,
        ).order_by(mail.id)
        if brand is not None:
            q = q.where(mail.brand == brand)
        return [dict(r._mapping) for r in s.execute(q)]


def told(engine: Engine, brand: str, kind: str, post_ids: Sequence[int]) -> set[int]:
    """Which of `post_ids` a mail of `kind` already named (held notices: one per post)."""
    wanted = set(post_ids)
    with transaction(engine) as s:
        rows = s.scalars(select(m.Mail.about).where(m.Mail.brand == brand, m.Mail.kind == kind))
        return {int(p) for about in rows for p in about.get("posts", ()) if int(p) in wanted}


def queued_keys(engine: Engine, keys: Sequence[str]) -> set[str]:
    """Which of the event `keys` have a mail already (queued, sent or failed)."""
    if not keys:
        return set()
    with transaction(engine) as s:
        return set(s.scalars(select(m.Mail.key).where(m.Mail.key.in_(list(keys)))))


# ---- replies: stored messages (status `reply`) that carry commands ----------------


def claim_replies(
    engine: Engine, *, now: datetime, lease: timedelta, ids: Sequence[int] = ()
) -> list[int]:
    """reply → answering, for one process; also replies whose handler died (lease run out).

    Commands are idempotent (cancel, approve, move to a time), so a reply handled again
    after a crash does the same; its answer mail has a key, so it is mailed once.
    """
    msg = m.Message
    reply, answering = MessageStatus.REPLY, MessageStatus.ANSWERING
    check_message_move(reply, answering)
    stale = (msg.status == answering.value) & (msg.claimed_until < now)
    with transaction(engine) as s:
        q = update(msg).where((msg.status == reply.value) | stale)
        if ids:
            q = q.where(msg.id.in_(ids))
        rows = s.execute(
            q.values(status=answering.value, claimed_until=now + lease).returning(msg.id)
        )
        return sorted(r[0] for r in rows)


def close_reply(engine: Engine, message_id: int, *, now: datetime, reason: str) -> None:
    """answering → answered, with one line of what was done."""
    msg = m.Message
    check_message_move(MessageStatus.ANSWERING, MessageStatus.ANSWERED)
    with transaction(engine) as s:
        s.execute(
            update(msg)
            .where(msg.id == message_id, msg.status == MessageStatus.ANSWERING.value)
            .values(
                status=MessageStatus.ANSWERED.value,
                reason=reason[:2000],
                processed_at=now,
                claimed_until=None,
            )
        )
