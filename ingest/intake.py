"""One intake path for SMTP, LMTP and `dripcast ingest`: decide, store durably, answer.

Only what must be known before answering happens here (which brand, whether the
sender may post); everything else happens after, from the stored copy.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import Engine

from dripcast import store
from dripcast.config import Brand, Config
from ingest import spool
from ingest.senders import allowed, canonical_from

log = logging.getLogger("dripcast.ingest")

# sysexits(3), as Postfix's pipe(8) and procmail read them
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, EX_NOPERM = 0, 65, 67, 75, 77


@dataclass(frozen=True, kw_only=True)
class Outcome:
    reply: str  # the SMTP/LMTP reply line
    exit_code: int  # for `dripcast ingest`
    message_id: int | None = None  # the stored row, if any


@dataclass(frozen=True, kw_only=True)
class Verdict:
    ok: bool
    reply: str
    reason: str
    held: bool = False


class Intake:
    def __init__(self, config: Config, engine: Engine, clock: Callable[[], datetime] | None = None):
        self.config = config
        self.engine = engine
        self.spool_dir = config.resolve(config.service.spool_dir)
        self.clock = clock or (lambda: datetime.now(UTC))

    def brand_for(self, rcpt: str) -> Brand | None:
        return brand_for(rcpt, self.config.brands)

    def accept(self, raw: bytes, *, mail_from: str, rcpt: str, transport: str) -> Outcome:
        """Decide, then store durably and only then say yes. Blocking: run in a thread."""
        brand = self.brand_for(rcpt)
        if brand is None:
            return Outcome(reply="550 5.1.1 No such recipient here", exit_code=EX_NOUSER)
        verdict = check_sender(raw, brand)
        if not verdict.ok and transport == "smtp":
            # Nothing is stored: the sending server bounces to the (real) sender.
            log.info("refused message for %s: %s", brand.id, verdict.reason)
            return Outcome(reply=verdict.reply, exit_code=EX_NOPERM)
        head = email.message_from_bytes(raw, policy=email.policy.default, _class=EmailMessage)
        sender, _ = canonical_from(head)
        msgid = str(head.get("message-id", "") or "").strip()[:998] or None
        name = spool.write(self.spool_dir, raw)
        status = "received" if verdict.ok else ("held" if verdict.held else "refused")
        try:
            row = store.add_message(
                self.engine,
                now=self.clock(),
                brand=brand.id,
                transport=transport,
                mail_from=mail_from,
                rcpt=rcpt,
                sender=sender,
                message_id=msgid,
                spool=name,
                size=len(raw),
                status=status,
                reason=verdict.reason or None,
            )
        except store.Duplicate:
            (self.spool_dir / name).unlink(missing_ok=True)
            log.info("duplicate message %s from %s: accepted once already", msgid, sender)
            return Outcome(reply="250 2.0.0 OK: already received", exit_code=EX_OK)
        except BaseException:
            (self.spool_dir / name).unlink(missing_ok=True)
            raise
        if not verdict.ok:
            # Behind an MTA that already accepted it, a bounce would go to a forged
            # address (backscatter): keep it for a person instead.
            log.warning("quarantined message %d for %s: %s", row, brand.id, verdict.reason)
            return Outcome(reply=f"250 2.0.0 OK: held ({row})", exit_code=EX_NOPERM, message_id=row)
        return Outcome(reply=f"250 2.0.0 OK: queued as {row}", exit_code=EX_OK, message_id=row)


def brand_for(rcpt: str, brands: Sequence[Brand]) -> Brand | None:
    """The brand an envelope recipient (with or without a plus-tag) belongs to."""
    local, _, domain = rcpt.strip("<>").rpartition("@")
    address = f"{local.split('+', 1)[0]}@{domain}".lower()
    return next((b for b in brands if b.address == address), None)


def check_sender(raw: bytes, brand: Brand) -> Verdict:
    """Whether the brand lets this message's sender post."""
    head = email.message_from_bytes(raw, policy=email.policy.default, _class=EmailMessage)
    sender, problem = canonical_from(head)
    if sender is None:
        return Verdict(ok=False, reply=f"550 5.7.1 {problem}", reason=problem or "no From")
    if not allowed(sender, brand.senders):
        return Verdict(
            ok=False,
            reply=f"550 5.7.1 {sender} may not post to this address",
            reason=f"sender {sender} is not in the brand's senders",
        )
    return Verdict(ok=True, reply="250 2.0.0 OK", reason="")
