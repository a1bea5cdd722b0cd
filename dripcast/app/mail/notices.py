"""The client's mail that the service sends by itself (no person asked):

- `after_processing(message, ...)`: right after a message is planned (confirmation to
  its verified sender) or refused in processing (refusal notice); the pipeline's
  `on_done` hook.
- `sweep_held(now)`: held and failed posts not yet told to the brand's `agency`, as one
  digest per brand (approval holds of `approval: client` wait for the client instead).
- `sweep_too_old(now)`: refusal notices for messages held at intake as too old.

Replies (a person asking) are `dripcast.mail`, an adapter over the actions.
"""

from __future__ import annotations

import dataclasses
import email.policy
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import Engine

from dripcast.app import faq_monitor
from dripcast.app.client_links import client_link
from dripcast.app.mail.build import confirmation_view
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.views import Comment, PostLine, Refusal
from dripcast.core.config import Config
from dripcast.core.domain import Skipped, Slot, Submission
from dripcast.core.lifecycle import HoldReason, MessageStatus
from dripcast.store import jobs as store_jobs
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.blobs import BlobMissing, Blobs, read_message

log = logging.getLogger("dripcast.mail")

HELD_WINDOW = timedelta(days=14)  # held posts older than this were told (or are moot)


class Notices:
    def __init__(self, config: Config, engine: Engine, *, blobs: Blobs | None = None) -> None:
        """`blobs`: the store of raw messages and images (the service's own)."""
        self.config = config
        self.engine = engine
        self.notifier = Notifier(config, engine, blobs=blobs)

    @property
    def enabled(self) -> bool:
        return self.notifier.enabled

    def after_processing(
        self,
        message_id: int,
        *,
        submission: Submission,
        accepted: bool,
        reason: str | None,
        slots: Sequence[Slot],
        skipped: Sequence[Skipped],
        notes: Sequence[str],
        post_ids: Sequence[int],
        now: datetime,
    ) -> int | None:
        """Confirmation or refusal for a processed message; `post_ids` in `slots` order."""
        if not self.enabled:
            return None
        row = store.message(self.engine, message_id)
        brand = self.config.brand(row.brand)
        # row.sender is the From that passed the brand's checks at intake (the message
        # would not have been processed otherwise): never anyone else (no backscatter).
        if row.sender is None:
            return None
        answering = row.message_id
        if accepted and post_ids:
            view = confirmation_view(
                brand, subject=submission.subject, slots=slots, post_ids=post_ids,
                skipped=skipped, notes=notes,
            )  # fmt: skip
            if self.config.service.web is not None:  # the client's page of this submission
                view = dataclasses.replace(view, link=client_link(self.config, message_id, now))
            return self.notifier.confirmation(
                brand, view, message=message_id, sender=row.sender, answering=answering, now=now
            )
        if not accepted:
            view_r = Refusal(
                brand_name=brand.name, language=brand.language,
                subject=submission.subject or "(no subject)", reason=reason or "not understood",
                skipped=tuple((s.filename, s.reason) for s in skipped),
            )  # fmt: skip
            return self.notifier.refusal(
                brand, view_r, message=message_id, sender=row.sender, answering=answering, now=now
            )
        return None

    def sweep_held(self, now: datetime) -> list[int]:
        """One held digest per brand for posts that wait for a person and were not told."""
        out: list[int] = []
        if not self.enabled:
            return out
        for brand in self.config.brands:
            if not brand.agency:
                continue
            rows = store_jobs.needing_attention(self.engine, brand.id, now - HELD_WINDOW)
            if brand.approval == "client":
                rows = [r for r in rows if r["held_for"] != HoldReason.APPROVAL]
            zone = brand.zone
            types = {c.id: c.type for c in brand.channels}
            posts = [
                PostLine(
                    number=n,
                    post_id=r["id"],
                    channel=r["channel"],
                    network=types.get(r["channel"], r["channel"]),
                    at=r["due_at"].astimezone(zone),
                    caption=r.get("text") or "",
                    held=f"{r['status']}: {r['reason'] or ''}",
                )
                for n, r in enumerate(rows, 1)
            ]
            mid = self.notifier.held(brand, posts, now=now)
            if mid is not None:
                out.append(mid)
        return out

    def sweep_too_old(self, now: datetime) -> list[int]:
        """Refusal notices for messages held at intake as too old (a possible replay).

        Such a message passed the sender checks first (the age is judged after them), so
        its sender is verified; a mail refused by the checks is never in this list.
        """
        out: list[int] = []
        if not self.enabled:
            return out
        spool = self.config.resolve(self.config.service.spool_dir)
        for brand in self.config.brands:
            rows = [
                r
                for r in store.messages(
                    self.engine, brand=brand.id, statuses=[MessageStatus.HELD.value]
                )
                if r["received_at"] >= now - HELD_WINDOW and r["sender"]
            ]
            # told already: the raw message (in the blob store) is not read again
            told = store_mail.queued_keys(self.engine, [f"refusal:{r['id']}" for r in rows])
            for row in rows:
                if f"refusal:{row['id']}" in told:
                    continue
                view = Refusal(
                    brand_name=brand.name, language=brand.language,
                    subject=self._subject(spool, row["spool"]), reason=row["reason"] or "too old",
                )  # fmt: skip
                mid = self.notifier.refusal(
                    brand, view, message=row["id"], sender=row["sender"],
                    answering=row["message_id"], now=now,
                )  # fmt: skip
                if mid is not None:
                    out.append(mid)
        return out

    def escalation(self, e: faq_monitor.Escalation) -> None:
        """The FAQ monitor's hand-off (`SendEscalation`): a comment for the client's own
        answer (to `report_to`), or a draft for the agency's `approve` (to `agency`),
        queued durably, one mail per `e.key`. No smarthost or no one to tell: the log."""
        brand = self.config.brand(e.brand)
        view = Comment(
            brand_name=brand.name, language=brand.language, network=e.network,
            channel=e.channel, author=e.author, text=e.text, url=e.url,
            post_url=e.post_url, reason=e.reason, draft=e.draft,
        )  # fmt: skip
        to = brand.agency if e.draft else brand.summary_to
        if not self.enabled or not to:
            faq_monitor.log_escalation(e)
            return
        self.notifier.comment(brand, view, key=e.key, comment=e.comment_id, now=e.at)

    def handle_replies(self, now: datetime) -> list[str]:
        """Replies need the actions: `dripcast.mail.wiring.ClientMail` does them."""
        return []

    def _subject(self, spool: Path, key: str) -> str:
        """The Subject of a stored raw message: in the blob store, or (a bare name) in
        the spool folder of an older version."""
        try:
            raw = read_message(self.notifier.app.blobs, spool, key)
        except (OSError, BlobMissing):
            return "(no subject)"
        head = BytesParser(policy=email.policy.default).parsebytes(raw, headersonly=True)
        return str(head.get("subject", "") or "") or "(no subject)"
