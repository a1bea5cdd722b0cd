"""Sending from the outbox table (`store_mail`): claim due mails, hand each over, mark it.

`Mailer.run()` is one task of `serve`; `deliver_due()` is one pass (tests call it).
See `store_mail` for why a mail is never lost and, but for one documented
window, never sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from dripcast.app.mail.smarthost import SendError, send
from dripcast.core.config import Config, Smarthost, parse_smarthost
from dripcast.store import mails as store_mail

log = logging.getLogger("dripcast.mail")

LEASE = timedelta(minutes=5)  # longer than any SMTP conversation (timeout 30 s per step)
IDLE = 30.0  # seconds between looks at the outbox when nobody calls wake()


class Mailer:
    def __init__(
        self,
        config: Config,
        engine: Engine,
        clock: Callable[[], datetime] | None = None,
        *,
        tls_context: ssl.SSLContext | None = None,
        timeout: float = 30,
    ) -> None:
        url = config.service.outgoing_mail
        self.host: Smarthost | None = parse_smarthost(url) if url else None
        self.engine = engine
        self.clock = clock or (lambda: datetime.now(UTC))
        self.tls_context = tls_context
        self.timeout = timeout
        self._wake = asyncio.Event()

    @property
    def enabled(self) -> bool:
        return self.host is not None

    def announce(self) -> None:
        """Once, at start: where mail goes, or that none is sent."""
        if self.host is None:
            log.warning(
                "service.outgoing_mail is not set: no confirmations, notices or summaries"
                " are mailed (they are not queued either)"
            )
        else:
            log.info("mail goes out through %s", self.host)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        if self.host is None:
            return
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("mail delivery pass failed; the next pass tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=IDLE)
            self._wake.clear()

    async def deliver_due(self) -> tuple[int, int]:
        """One pass: (sent, not sent). A mail not sent waits for its backoff."""
        if self.host is None:
            return 0, 0
        host = self.host
        due = await asyncio.to_thread(store_mail.claim, self.engine, now=self.clock(), lease=LEASE)
        sent = failed = 0
        for mail in due:
            try:
                answer = await send(
                    host,
                    mail.raw,
                    sender=mail.sender,
                    to=mail.to,
                    timeout=self.timeout,
                    tls_context=self.tls_context,
                )
            except SendError as e:
                failed += 1
                how = "refused for good" if e.permanent else f"try {mail.attempts}, will retry"
                log.warning(
                    "%s mail %d to %s not sent (%s): %s",
                    mail.kind,
                    mail.id,
                    ", ".join(mail.to),
                    how,
                    e,
                )
                await asyncio.to_thread(
                    store_mail.mark_failed,
                    self.engine,
                    mail.id,
                    claim=mail.claim,
                    now=self.clock(),
                    error=str(e),
                    attempts=mail.attempts,
                    permanent=e.permanent,
                )
                continue
            sent += 1
            await asyncio.to_thread(
                store_mail.mark_sent,
                self.engine,
                mail.id,
                claim=mail.claim,
                now=self.clock(),
                answer=answer,
            )
            log.info("%s mail %d sent to %s", mail.kind, mail.id, ", ".join(mail.to))
        return sent, failed
