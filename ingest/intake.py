"""One intake path for SMTP, LMTP and `dripcast ingest`: decide, store durably, answer.

Only what must be known before answering happens here (which brand, whether the
sender may post); everything else happens after, from the stored copy.
"""

from __future__ import annotations

import email.policy
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser

from sqlalchemy import Engine

from dripcast.core.config import Brand, Config
from dripcast.core.lifecycle import MessageStatus
from dripcast.core.tokens import load_reply_key
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.blobs import Blobs, open_blobs
from ingest import limits, spool
from ingest.parse import MAX_PARTS
from ingest.recipients import brand_for_recipient
from ingest.replies import reply_refs
from ingest.resolver import Resolver, SystemResolver
from ingest.senders import canonical_from
from ingest.verify import REPLY_BROKEN, REPLY_OK, REPLY_UNKNOWN, Verdict, verify

log = logging.getLogger("dripcast.ingest")

# sysexits(3), as Postfix's pipe(8) and procmail read them
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, EX_NOPERM = 0, 65, 67, 75, 77
REPLY_HEADER_LIMIT = "552 5.3.4 The message header is over this server's limits"
REPLY_STRUCTURE_LIMIT = "554 5.6.0 The message structure is over this server's limits"
HEAD_MAX = 256 * 1024  # bytes of a large message read back to decide on it
assert HEAD_MAX <= limits.MAX_HEADER + 4  # the header check's read holds the decision's
WHOLE_READS = 2  # messages verified whole (DKIM) at the same time


@dataclass(frozen=True, kw_only=True)
class Peer:
    """What the SMTP session knows of the client; SPF needs it behind no other MTA."""

    ip: str | None = None
    helo: str | None = None
    mail_from: str | None = None
    login: str | None = None  # the SMTP AUTH user, over TLS


@dataclass(frozen=True, kw_only=True)
class Outcome:
    reply: str  # the SMTP/LMTP reply line
    exit_code: int  # for `dripcast ingest`
    message_id: int | None = None  # the stored row, if any
    queued: bool = False  # stored for processing (not quarantined)
    answers_mail: bool = False  # a reply to a mail dripcast sent: commands, never a post


class Intake:
    def __init__(
        self,
        config: Config,
        engine: Engine,
        clock: Callable[[], datetime] | None = None,
        resolver: Resolver | None = None,
        *,
        blobs: Blobs | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        self.blobs = blobs or open_blobs(config)
        self.spool_dir = config.resolve(config.service.spool_dir)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.resolver = resolver or SystemResolver()
        self._whole_reads = threading.BoundedSemaphore(WHOLE_READS)
        secret = config.service.reply_key
        self.reply_key = load_reply_key(
            secret.get_secret_value() if secret else None, config.resolve(config.service.state_dir)
        )

    def brand_for(self, rcpt: str) -> Brand | None:
        """None for an unknown address or a wrong plus-token: both are `550 5.1.1`."""
        return brand_for_recipient(rcpt, self.config.brands, self.reply_key)

    def verdict(self, raw: bytes, brand: Brand, rcpt: str, peer: Peer | None = None) -> Verdict:
        peer = peer or Peer()
        user = next((u for u in self.config.service.smtp.users if u.user == peer.login), None)
        if user is not None and brand.id in user.brands:
            # An agency's login posts for the brands it was given, from any From.
            head = BytesParser(policy=email.policy.default).parsebytes(raw, headersonly=True)
            sender, _ = canonical_from(head)
            return Verdict(ok=True, reply=REPLY_OK, reason=f"SMTP user {user.user}", sender=sender)
        return verify(
            raw,
            brand=brand,
            service=self.config.service,
            resolver=self.resolver,
            now=self.clock(),
            recipient=rcpt,
            client_ip=peer.ip,
            helo=peer.helo,
            mail_from=peer.mail_from,
            reply_key=self.reply_key,
        )

    def accept(
        self, raw: bytes, *, mail_from: str, rcpt: str, transport: str, peer: Peer | None = None
    ) -> Outcome:
        """`accept_spooled` for a message already in memory."""
        writer = spool.SpoolWriter(self.spool_dir)
        try:
            writer.write(raw)
        except BaseException:
            writer.abort()
            raise
        return self.accept_spooled(
            writer, mail_from=mail_from, rcpt=rcpt, transport=transport, peer=peer
        )

    def accept_spooled(
        self,
        writer: spool.SpoolWriter,
        *,
        mail_from: str,
        rcpt: str,
        transport: str,
        peer: Peer | None = None,
    ) -> Outcome:
        """Decide on a message streamed into `writer`, then commit it or throw it away.

        Takes over `writer`: whatever happens, it ends committed (and recorded) or
        removed. Blocking (fsync, database): run it in a thread.
        """
        try:
            return self._accept(writer, mail_from, rcpt, transport, peer)
        except BaseException:
            writer.abort()
            raise

    def _accept(
        self,
        writer: spool.SpoolWriter,
        mail_from: str,
        rcpt: str,
        transport: str,
        peer: Peer | None,
    ) -> Outcome:
        brand = self.brand_for(rcpt)
        if brand is None:
            writer.abort()
            return Outcome(reply=REPLY_UNKNOWN, exit_code=EX_NOUSER)
        first = writer.read(limits.MAX_HEADER + 4)
        head_block = limits.header_block(first)
        refusal = header_over_limits(head_block)
        if refusal is not None:
            writer.abort()
            log.info("refused message for %s: %s", brand.id, refusal)
            return Outcome(reply=REPLY_HEADER_LIMIT, exit_code=EX_DATAERR)
        assert head_block is not None
        head_bytes = decision_bytes(writer, full=False, first=first)
        ambiguous = limits.two_ways(head_block)
        if ambiguous:
            # The verdict reads the header block as Python delimits it, which can stop
            # short of a line another parser takes for a header: checked here, whole.
            verdict = Verdict(ok=False, reply=REPLY_BROKEN, reason=ambiguous)
        elif brand.verify == "dmarc":
            # DKIM hashes the whole body, in memory: a few at a time keeps a burst of
            # large signed messages from multiplying that by the connection count.
            with self._whole_reads:
                whole = decision_bytes(writer, full=True)
                # Bounded on the bytes before anything parses the whole message.
                refusal = limits.raw_problem(whole, max_parts=MAX_PARTS)
                if refusal is None:
                    verdict = self.verdict(whole, brand, rcpt, peer)
                del whole
            if refusal is not None:
                writer.abort()
                log.info("refused message for %s: %s", brand.id, refusal)
                return Outcome(reply=REPLY_STRUCTURE_LIMIT, exit_code=EX_DATAERR)
        else:
            verdict = self.verdict(head_bytes, brand, rcpt, peer)
        if verdict.temporary:
            writer.abort()
            log.info("message for %s deferred: %s", brand.id, verdict.reason)
            return Outcome(reply=verdict.reply, exit_code=EX_TEMPFAIL)
        if not verdict.ok and not verdict.held and transport == "smtp":
            # Nothing is stored: the sending server bounces to the (real) sender.
            writer.abort()
            log.info("refused message for %s: %s", brand.id, verdict.reason)
            return Outcome(reply=verdict.reply, exit_code=EX_NOPERM)
        head = BytesParser(policy=email.policy.default, _class=EmailMessage).parsebytes(
            head_bytes, headersonly=True
        )
        sender = verdict.sender
        msgid = str(head.get("message-id", "") or "").strip()[:998] or None
        size = writer.size
        key = writer.commit(self.blobs)
        status = (
            MessageStatus.RECEIVED
            if verdict.ok
            else (MessageStatus.HELD if verdict.held else MessageStatus.REFUSED)
        )
        # A reply to a mail we sent carries commands (cancel, yes…), never a post: it
        # must not reach the photo pipeline, which would refuse it as "no photo".
        # One that fails the sender check stays refused/held: it changes nothing.
        answers = verdict.ok and self._is_reply(head, rcpt, brand)
        if answers:
            status = MessageStatus.REPLY
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
                spool=key,
                size=size,
                status=status.value,
                reason=verdict.reason or None,
            )
        except store.Duplicate:
            self.blobs.delete_sync(key)
            log.info("duplicate message %s from %s: accepted once already", msgid, sender)
            return Outcome(reply="250 2.0.0 OK: already received", exit_code=EX_OK)
        except BaseException:
            self.blobs.delete_sync(key)
            raise
        if not verdict.ok:
            # Held (replay), or refused behind an MTA that already accepted it, where a
            # bounce would go to a forged address (backscatter): keep it for a person.
            # `dripcast ingest` exits 0 as LMTP answers 250: a pipe's 77 would bounce too.
            log.warning("quarantined message %d for %s: %s", row, brand.id, verdict.reason)
            return Outcome(
                reply=f"250 2.0.0 OK: held for review ({row})", exit_code=EX_OK, message_id=row
            )
        if answers:
            log.info("message %d for %s is a reply to a mail we sent", row, brand.id)
            return Outcome(
                reply=f"250 2.0.0 OK: reply received ({row})",
                exit_code=EX_OK,
                message_id=row,
                answers_mail=True,
            )
        return Outcome(
            reply=f"250 2.0.0 OK: queued as {row}", exit_code=EX_OK, message_id=row, queued=True
        )

    def _is_reply(self, head: EmailMessage, rcpt: str, brand: Brand) -> bool:
        refs = reply_refs(head, rcpt, brand.id, self.reply_key)
        if not refs:
            return False
        found = store_mail.find_sent(
            self.engine, brand.id, ids=refs.mail_ids, message_ids=refs.message_ids
        )
        return found is not None


def header_over_limits(head: bytes | None) -> str | None:
    """Why the header block is refused unread (size, lines, a field's length), or None.

    `head` is `limits.header_block` of the first MAX_HEADER + 4 bytes: None when the
    block does not end there.
    """
    if head is None:
        return f"the message header is larger than {limits.MAX_HEADER // 1024} KB"
    return limits.header_problem(head)


def decision_bytes(writer: spool.SpoolWriter, *, full: bool, first: bytes | None = None) -> bytes:
    """What the verdict reads: the whole message, or only its header block when that decides alike.

    Every check but DKIM reads header fields only, so the verdict sees the header
    block, as the parser itself delimits it, and an empty body. A header block
    longer than HEAD_MAX is read whole rather than cut (a cut could hide a second
    From). DKIM hashes the body: `full`.
    """
    if full:
        return writer.read()
    # `first`: the message's first MAX_HEADER + 4 bytes, read already: not read twice.
    head = first[:HEAD_MAX] if first is not None else writer.read(HEAD_MAX)
    if len(head) == HEAD_MAX:
        head = head[: head.rfind(b"\n") + 1]
    # The parser ends the header block at the first empty line, if not before: what
    # follows that line (a photo's base64) cannot move the end, so it is not parsed;
    # one byte of it is, so that a body is there to be seen.
    blank = re.search(rb"\r?\n\r?\n", head)
    probe = head if blank is None else head[: blank.end() + 1]
    rest = BytesParser(policy=email.policy.compat32).parsebytes(probe, headersonly=True)
    # The body as the bytes it came from: get_payload() would decode 8-bit text by its
    # charset, which is neither reversible nor the same length. With no transfer
    # encoding left to undo, decode=True hands back the bytes as they were.
    del rest["content-transfer-encoding"]
    body = rest.get_payload(decode=True)
    assert isinstance(body, bytes)
    if not body and len(head) < writer.size:
        return writer.read()  # no end of the header block inside the head: read it all
    if rest.defects:
        return head  # a line that is no header ended the block: the verdict must see it
    return head[: len(probe) - len(body)]
