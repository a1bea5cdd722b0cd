"""FAQ monitoring: read each channel's comments, decide, answer or escalate.

Every step is stored before the next one starts, so a crash anywhere resumes:

    read      comments and the new cursor in one transaction (a 429 keeps the cursor)
    decide    new → ignored | escalate | reply (mode auto) | held (mode review)
    answer    reply → replying (the intent, written first) → answered
              a row found `replying` after a crash is looked up on the network
              (or resent under the same idempotency key where the network has one)
    escalate  escalate → escalated, once `send_escalation` took it (the mail outbox)

Two seams the mail side plugs into (dripcast/mail, wired by the lead at merge):
`SendEscalation` (we call it) and `post_client_reply` (it calls us).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from dripcast.app.actions import Result
from dripcast.app.context import App
from dripcast.core.comments import CommentSource
from dripcast.core.config import Brand, Config
from dripcast.core.errors import AuthExpired, OutcomeUnknown, PublishError, Retryable
from dripcast.core.faq import Cursor, Decision
from dripcast.core.lifecycle import Actor
from dripcast.store import comments as store

if TYPE_CHECKING:
    from faq import Decider

log = logging.getLogger("dripcast.faq")

FIRST_READ = timedelta(days=1)  # a channel's first read answers nothing older than this
LEASE = timedelta(minutes=10)  # a `replying` row older than this was left by a crash
AUTH_PAUSE = timedelta(hours=1)  # a channel that needs a person: do not hammer it
BACKOFF = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True)
class Escalation:
    """A comment for the client: what it says, where it is, why a person must answer.

    `key` is the same for every hand-off of this comment: the mail side keeps one
    mail per key (the monitor hands over again if it crashed before recording it).
    The client's answer comes back through `post_client_reply(…, comment_id, …)`.
    """

    key: str
    comment_id: int
    brand: str
    channel: str
    network: str
    author: str
    text: str
    url: str | None
    post_url: str | None
    reason: str
    at: datetime
    # mode review: the FAQ answer waiting for the agency's `approve` (approve_reply);
    # None for an escalation, which waits for the client's own words (post_client_reply)
    draft: str | None = None


# Send (or durably queue) the escalation mail to the brand's `report_to`. Raise to have
# it handed over again at the next poll.
SendEscalation = Callable[[Escalation], None]


def log_escalation(e: Escalation) -> None:
    """The stand-in until client mail is wired: the log says what would be mailed."""
    if e.draft is not None:
        log.warning(
            "draft answer for %s comment %d waits for approval: %r", e.brand, e.comment_id, e.draft
        )
        return
    log.warning(
        "escalation for %s (%s/%s, %s): %r by %s — %s",
        e.brand,
        e.channel,
        e.url,
        e.reason,
        e.text,
        e.author,
        e.post_url or "",
    )


def post_client_reply(app: App, *, comment: int, text: str, actor: Actor, now: datetime) -> Result:
    """The client's answer to an escalation (or the agency's to a held draft) becomes the
    brand's reply in that comment's thread, posted once by the next monitor run."""
    text = text.strip()
    if not text:
        return Result("reply", (), "nothing to post: the reply is empty")
    engine = app.engine
    moved = store.move(
        engine,
        comment,
        frm=("escalate", "escalated", "held", "failed", "ignored"),
        to="reply",
        now=now,
        reply_text=text,
        reply_by=f"{actor.kind}:{actor.name}",
        retry_at=None,
    )
    if not moved:
        row = store.get(engine, comment)
        why = "no such comment" if row is None else f"it is {row.status}"
        return Result("reply", (), f"comment {comment} not answered: {why}")
    return Result("reply", (comment,), f"comment {comment}: the reply will be posted in its thread")


def approve_reply(app: App, *, comment: int, actor: Actor, now: datetime) -> Result:
    """`mode: review`: the drafted FAQ answer goes out as it is."""
    if store.move(app.engine, comment, frm=("held",), to="reply", now=now, retry_at=None):
        return Result("approve", (comment,), f"comment {comment}: the answer will be posted")
    return Result("approve", (), f"comment {comment} has no draft waiting for approval")


class Monitor:
    """One process's FAQ monitor over every brand with `faq` on."""

    def __init__(
        self,
        config: Config,
        engine: Engine,
        sources: Mapping[tuple[str, str], CommentSource],
        *,
        send_escalation: SendEscalation = log_escalation,
        send_draft: SendEscalation = log_escalation,
    ) -> None:
        self.config = config
        self.engine = engine
        self.sources = sources
        self.send_escalation = send_escalation
        self.send_draft = send_draft  # to the brand's `agency`, for `approve`
        self.answering = {b.id: b for b in config.brands if b.faq and b.faq.mode != "off"}
        self.deciders: dict[str, Decider] = {}

    def brands(self) -> list[Brand]:
        return [b for b in self.config.brands if b.id in self.answering]

    def decider(self, brand_id: str) -> Decider:
        """Made on the brand's first round: the FAQ matcher compiles ~100 patterns on
        import (~30 ms), which `serve` need not pay before it is ready for mail."""
        if brand_id not in self.deciders:
            from faq import Decider

            b = self.answering[brand_id]
            assert b.faq is not None
            self.deciders[brand_id] = Decider(b.faq, brand=(b.id, b.name))
        return self.deciders[brand_id]

    async def poll(self, brand: Brand, now: datetime, *, restart: bool = False) -> None:
        """One round for a brand: read every channel, decide, answer, escalate."""
        for (b, channel), source in self.sources.items():
            if b == brand.id:
                await self.read(brand, channel, source, now)
        await asyncio.to_thread(self.decide, brand, now)
        await self.answer(brand, now, restart=restart)
        await asyncio.to_thread(self.escalate, brand, now)
        await asyncio.to_thread(self.drafts, brand, now)

    async def read(self, brand: Brand, channel: str, source: CommentSource, now: datetime) -> int:
        cursor, not_before = await asyncio.to_thread(store.cursor, self.engine, brand.id, channel)
        if not_before is not None and now < not_before:
            return 0
        try:
            comments, after = await source.read(Cursor(value=cursor))
        except PublishError as e:
            wait = _wait(e, brand)
            log.warning(
                "%s/%s: reading comments failed, next try in %s: %s", brand.id, channel, wait, e
            )
            await asyncio.to_thread(
                store.delay, self.engine, brand.id, channel, until=now + wait, error=str(e), now=now
            )
            return 0
        # Turning FAQ on must not answer last month's comments: the first read only
        # notes what is older than a day.
        old = now - FIRST_READ if not cursor else None
        ids = await asyncio.to_thread(
            store.store_read,
            self.engine,
            brand.id,
            channel,
            comments,
            after.value,
            now=now,
            skip_before=old,
        )
        return len(ids)

    def decide(self, brand: Brand, now: datetime) -> None:
        decider = self.decider(brand.id)
        mode = brand.faq.mode if brand.faq else "off"
        for row in store.with_status(self.engine, brand.id, "new"):
            d: Decision = decider.decide(
                row.comment, answered_in_thread=store.answered_in_conversation(self.engine, row)
            )
            status = {"ignore": "ignored", "escalate": "escalate"}.get(
                d.action, "reply" if mode == "auto" else "held"
            )
            if store.decided(self.engine, row.id, d, status=status, now=now):
                log.info(
                    "%s/%s comment %d: %s %s", brand.id, row.channel, row.id, d.action, d.reason
                )

    async def answer(self, brand: Brand, now: datetime, *, restart: bool = False) -> None:
        """Settle answers a crash left half-done, then send the waiting ones."""
        for row in await asyncio.to_thread(store.with_status, self.engine, brand.id, "replying"):
            if not restart and row.remote.get("lease_until", "") > _utc(now):
                continue  # another worker is sending it right now
            source = self.sources.get((brand.id, row.channel))
            if source is None:
                continue
            try:
                found = await source.find_reply(row.comment, row.reply_text or "", _key(row))
            except PublishError as e:
                log.warning(
                    "%s/%s comment %d: cannot look up our answer yet: %s",
                    brand.id,
                    row.channel,
                    row.id,
                    e,
                )
                continue
            if found is not None:
                await asyncio.to_thread(store.replied, self.engine, row.id, found, now=now)
            else:
                await asyncio.to_thread(
                    store.move, self.engine, row.id, frm=("replying",), to="reply", now=now
                )
        for row in await asyncio.to_thread(
            store.with_status, self.engine, brand.id, "reply", now=now
        ):
            await self._send(brand, row, now)

    async def _send(self, brand: Brand, row: store.Stored, now: datetime) -> None:
        source = self.sources.get((brand.id, row.channel))
        if source is None or not row.reply_text:
            return
        if row.reply_by == "faq" and await asyncio.to_thread(
            store.answered_in_conversation, self.engine, row
        ):
            await asyncio.to_thread(
                store.move,
                self.engine,
                row.id,
                frm=("reply",),
                to="escalate",
                now=now,
                reason="another answer went into this thread first",
            )
            return
        if not await asyncio.to_thread(store.claim_reply, self.engine, row.id, now=now):
            return
        await asyncio.to_thread(
            store.remember, self.engine, row.id, {"lease_until": _utc(now + LEASE)}
        )
        try:
            replied = await source.reply(row.comment, row.reply_text, _key(row))
        except OutcomeUnknown as e:
            log.warning(
                "%s/%s comment %d: answer outcome unknown, will look: %s",
                brand.id,
                row.channel,
                row.id,
                e,
            )
            return  # stays `replying`: looked up before anything is sent again
        except PublishError as e:
            wait = _wait(e, brand)
            to = "reply" if isinstance(e, Retryable | AuthExpired) else "failed"
            await asyncio.to_thread(
                store.move,
                self.engine,
                row.id,
                frm=("replying",),
                to=to,
                now=now,
                reason=str(e),
                retry_at=now + wait if to == "reply" else None,
            )
            log.warning(
                "%s/%s comment %d: answer %s: %s",
                brand.id,
                row.channel,
                row.id,
                "delayed" if to == "reply" else "failed",
                e,
            )
            return
        await asyncio.to_thread(store.replied, self.engine, row.id, replied, now=now)
        log.info(
            "%s/%s comment %d answered: %s",
            brand.id,
            row.channel,
            row.id,
            replied.url or replied.external_id,
        )

    def drafts(self, brand: Brand, now: datetime) -> None:
        """mode review: each held draft handed over once (marked in the row's `remote`)."""
        for row in store.with_status(self.engine, brand.id, "held"):
            if row.remote.get("draft_sent"):
                continue
            try:
                self.send_draft(_handoff(brand, row, now, draft=row.reply_text or ""))
            except Exception:
                log.exception(
                    "%s comment %d: draft not handed over; next poll tries again", brand.id, row.id
                )
                continue
            store.remember(self.engine, row.id, {"draft_sent": _utc(now)})

    def escalate(self, brand: Brand, now: datetime) -> None:
        for row in store.with_status(self.engine, brand.id, "escalate"):
            e = _handoff(brand, row, now)
            try:
                self.send_escalation(e)
            except Exception:
                log.exception(
                    "%s comment %d: escalation not handed over; next poll tries again",
                    brand.id,
                    row.id,
                )
                continue
            store.move(self.engine, row.id, frm=("escalate",), to="escalated", now=now)


def _handoff(
    brand: Brand, row: store.Stored, now: datetime, draft: str | None = None
) -> Escalation:
    c = row.comment
    kind = "draft" if draft is not None else "escalation"
    return Escalation(
        key=f"faq-{kind}-{brand.id}-{row.id}",
        comment_id=row.id,
        brand=brand.id,
        channel=row.channel,
        network=c.network,
        author=c.author,
        text=c.text,
        url=c.url,
        post_url=c.post_url,
        reason=row.reason or "",
        at=now,
        draft=draft,
    )


def _utc(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def _key(row: store.Stored) -> str:
    """One answer's idempotency key: the same for every attempt, different per answer text's author."""
    return f"{row.brand}-{row.channel}-{row.id}-{row.reply_by or 'faq'}"


def _wait(e: PublishError, brand: Brand) -> timedelta:
    if isinstance(e, AuthExpired):
        return AUTH_PAUSE
    if e.retry_after:
        return timedelta(seconds=e.retry_after)
    poll = brand.faq.poll_seconds if brand.faq else 300
    return max(BACKOFF, timedelta(seconds=poll))
