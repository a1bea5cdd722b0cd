"""The SMTP listener: a thin aiosmtpd handler that only stores (STYLE 5)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from ingest.intake import Intake, Peer
from ingest.verify import REPLY_UNKNOWN

log = logging.getLogger("dripcast.smtp")

TEMPFAIL = "451 4.3.0 Temporary failure here, please try again later"
TOO_BIG = "552 5.3.4 Message too big for this address"


class DripcastSMTP(SMTP):
    """aiosmtpd with RFC 3463 enhanced codes on its own size refusals."""

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith("552 Error"):
            status = TOO_BIG
        await super().push(status)


class Handler:
    def __init__(self, intake: Intake, on_stored: Callable[[int], None]) -> None:
        self.intake = intake
        self.on_stored = on_stored

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        brand = self.intake.brand_for(address)
        if brand is None:
            return REPLY_UNKNOWN
        if envelope.rcpt_tos and self.intake.brand_for(envelope.rcpt_tos[0]) != brand:
            return "452 4.5.3 One brand per message; send again for this recipient"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        assert isinstance(raw, bytes)
        # aiosmtpd cancels this coroutine if the client goes away; the store step
        # must finish or not start, so it runs shielded in a thread.
        job = asyncio.ensure_future(
            asyncio.to_thread(
                self.intake.accept,
                raw,
                mail_from=envelope.mail_from or "",
                rcpt=envelope.rcpt_tos[0],
                transport="smtp",
                peer=Peer(
                    ip=session.peer[0] if isinstance(session.peer, tuple) else None,
                    helo=session.host_name,
                    mail_from=envelope.mail_from,
                ),
            )
        )
        outcome = await asyncio.shield(job)
        if outcome.queued and outcome.message_id is not None:
            self.on_stored(outcome.message_id)
        return outcome.reply

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default is a permanent 500, which makes the sender bounce.
        log.exception("SMTP handler failed", exc_info=error)
        return TEMPFAIL


async def start(
    intake: Intake, on_stored: Callable[[int], None], *, host: str, port: int, max_bytes: int
) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    handler = Handler(intake, on_stored)
    hostname = socket.gethostname()

    def factory() -> SMTP:
        return DripcastSMTP(
            handler,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            ident="dripcast",
            loop=loop,
        )

    return await loop.create_server(factory, host=host, port=port)
