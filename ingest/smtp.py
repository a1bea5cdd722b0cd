"""The SMTP/LMTP listener: a thin aiosmtpd handler that only stores (STYLE 5)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
import ssl
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from dripcast.core.config import Config, Smtp
from ingest.guard import Guard
from ingest.intake import Intake, Outcome, Peer
from ingest.smtp_server import TEMPFAIL, DripcastLMTP, DripcastSMTP, missing_hooks
from ingest.spool import SpoolWriter
from ingest.verify import REPLY_UNKNOWN

log = logging.getLogger("dripcast.smtp")

TOO_MANY_RCPTS = "452 4.5.3 Too many recipients"
TOO_FAST = "451 4.7.1 Too many messages from this sender, try again later"


class Handler:
    def __init__(
        self,
        intake: Intake,
        on_stored: Callable[[int], None],
        guard: Guard,
        on_reply: Callable[[int], None] | None = None,
    ) -> None:
        self.intake = intake
        self.on_stored = on_stored
        self.on_reply = on_reply
        self.guard = guard
        self.settings = intake.config.service.smtp

    def new_spool(self) -> SpoolWriter:
        return SpoolWriter(self.intake.spool_dir)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, lines: list[str]
    ) -> list[str]:
        session.host_name = hostname
        # With TLS but no AUTH users aiosmtpd would still announce an empty "AUTH".
        return [line for line in lines if line.strip() != "250-AUTH"]

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.guard.over_rate(address):
            return TOO_FAST
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self.settings.max_recipients:
            return TOO_MANY_RCPTS
        brand = self.intake.brand_for(address)
        if brand is None:
            return REPLY_UNKNOWN
        if envelope.rcpt_tos and self.intake.brand_for(envelope.rcpt_tos[0]) != brand:
            return "452 4.5.3 One brand per message; send again for this recipient"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def store(
        self, server: SMTP, session: Session, envelope: Envelope, spool: SpoolWriter
    ) -> str:
        """The reply to DATA, once `spool` is committed and recorded, or removed."""
        login = session.auth_data if session.authenticated else None
        mail_from = envelope.mail_from or ""
        # aiosmtpd cancels this coroutine if the client goes away; the store step
        # must finish or not start, so it runs shielded in a thread, and what it
        # stored is handed on even when nobody waits for the answer any more.
        job = asyncio.ensure_future(
            asyncio.to_thread(
                self.intake.accept_spooled,
                spool,
                mail_from=mail_from,
                rcpt=envelope.rcpt_tos[0],
                transport=getattr(server, "transport_name", "smtp"),
                peer=Peer(
                    ip=session.peer[0] if isinstance(session.peer, tuple) else None,
                    helo=session.host_name,
                    mail_from=envelope.mail_from,
                    login=login if isinstance(login, str) else None,
                ),
            )
        )
        job.add_done_callback(lambda j: self._stored(j, mail_from))
        outcome = await asyncio.shield(job)
        return outcome.reply

    def _stored(self, job: asyncio.Future[Outcome], mail_from: str) -> None:
        if job.cancelled() or job.exception() is not None:
            return
        outcome = job.result()
        if outcome.reply.startswith("250"):
            self.guard.sent(mail_from)
        if outcome.queued and outcome.message_id is not None:
            self.on_stored(outcome.message_id)
        if outcome.answers_mail and outcome.message_id is not None and self.on_reply:
            self.on_reply(outcome.message_id)  # a reply's commands: act now, not in a minute

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default is a permanent 500, which makes the sender bounce.
        log.exception("SMTP handler failed", exc_info=error)
        return TEMPFAIL


def tls_context(config: Config) -> ssl.SSLContext | None:
    settings = config.service.smtp
    if settings.tls_cert is None or settings.tls_key is None:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(config.resolve(settings.tls_cert), config.resolve(settings.tls_key))
    return ctx


def authenticator(settings: Smtp) -> Callable[..., AuthResult]:
    """Check AUTH PLAIN/LOGIN against `service.smtp.users`, in constant time."""

    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        found = None
        for user in settings.users:
            same_user = hmac.compare_digest(user.user.encode(), data.login)
            same_pw = hmac.compare_digest(user.password.get_secret_value().encode(), data.password)
            if same_user and same_pw:
                found = user.user
        if found is None:
            log.info("failed SMTP AUTH from %r", session.peer)
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=found)

    return check


async def start(
    intake: Intake,
    on_stored: Callable[[int], None],
    *,
    host: str,
    port: int,
    on_reply: Callable[[int], None] | None = None,
) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    missing = missing_hooks()
    if missing:
        # Refuse to start rather than mis-handle DATA: this aiosmtpd is not the tested one.
        raise RuntimeError(f"this aiosmtpd lacks what dripcast relies on: {', '.join(missing)}")
    settings = intake.config.service.smtp
    guard = Guard(
        max_connections=settings.max_connections,
        # Over LMTP the one client is the local MTA, which opens ~20 at once by design.
        max_per_client=settings.max_connections
        if settings.lmtp
        else settings.max_connections_per_client,
        per_sender_hour=settings.per_sender_hour,
    )
    handler = Handler(intake, on_stored, guard, on_reply)
    hostname = socket.gethostname()
    tls = tls_context(intake.config)
    protocol = DripcastLMTP if settings.lmtp else DripcastSMTP

    def factory() -> SMTP:
        return protocol(
            handler,
            data_size_limit=int(settings.max_message_mb * 1024 * 1024),
            data_seconds=settings.data_seconds,
            timeout=settings.idle_seconds,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            ident="dripcast",
            tls_context=tls,
            require_starttls=settings.require_tls,
            auth_require_tls=True,
            authenticator=authenticator(settings),
            auth_exclude_mechanism=() if settings.users else ("PLAIN", "LOGIN"),
            loop=loop,
        )

    return await loop.create_server(factory, host=host, port=port)
