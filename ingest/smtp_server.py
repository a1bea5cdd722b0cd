"""aiosmtpd's protocol, with DATA streamed to the spool and the listener's protections.

Stock aiosmtpd reads DATA line by line in Python and joins the whole message
in memory. Here DATA is read in large blocks, unstuffed with bytes operations
(`ingest.dotstream`) and written straight into a `SpoolWriter`: the memory a
message costs is one block, whatever its size.

What this relies on in aiosmtpd beyond its public API (`SMTP`'s constructor, `push`,
`session`, `envelope`, `transport`, `event_handler`, `check_*_needed`, `syntax`, and
asyncio's protocol methods) is three private names: `_reader` (the connection's
StreamReader, read in blocks), `_reset_timeout()` (a long upload is not an idle
client), and asyncio's `StreamReader._buffer` (commands pipelined behind the final
dot go back in front). pyproject pins aiosmtpd to the versions this is tested with,
and `tests/test_aiosmtpd_hooks.py` fails by name if one of them changes.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any, Protocol

from aiosmtpd.smtp import SMTP, Envelope, Session, syntax

from ingest.dotstream import DotStream
from ingest.guard import Guard, client_key
from ingest.limits import PartCounter
from ingest.parse import MAX_PARTS
from ingest.spool import SpoolWriter

log = logging.getLogger("dripcast.smtp")

BLOCK = 256 * 1024  # what one read takes from the socket buffer
TEMPFAIL = "451 4.3.0 Temporary failure here, please try again later"
TOO_BIG = "552 5.3.4 Message too big for this address"
TOO_MANY_CONNECTIONS = "421 4.3.2 Too many connections, try again later"
TOO_MANY_FROM_CLIENT = "421 4.7.0 Too many connections from your address, try again later"
DATA_TOO_SLOW = "421 4.4.2 DATA took too long, closing the connection"
TOO_COMPLEX = "554 5.6.0 The message structure is over this server's limits"


class SpoolSource(Protocol):
    """The handler: protections, spool files, and what to do with a received message."""

    guard: Guard

    def new_spool(self) -> SpoolWriter: ...

    async def store(
        self, server: SMTP, session: Session, envelope: Envelope, spool: SpoolWriter
    ) -> str:
        """Decide on the message DATA wrote into `spool`; owns `spool` (commit or remove)."""
        ...


def missing_hooks() -> list[str]:
    """The private names this module needs from aiosmtpd and asyncio that are gone or changed.

    Call it with an event loop running (a StreamReader wants one).
    """
    missing = []
    reset = getattr(SMTP, "_reset_timeout", None)
    if not callable(reset) or list(inspect.signature(reset).parameters) != ["self", "duration"]:
        missing.append("aiosmtpd SMTP._reset_timeout(duration=None)")
    if not callable(getattr(SMTP, "_cb_client_connected", None)):
        missing.append("aiosmtpd SMTP._cb_client_connected (sets _reader)")
    if not isinstance(getattr(asyncio.StreamReader(), "_buffer", None), bytearray):
        missing.append("asyncio StreamReader._buffer (a bytearray)")
    return missing


class DripcastSMTP(SMTP):
    """SMTP with streamed DATA, connection caps (in all and per client), a deadline on
    DATA, and RFC 3463 codes on size refusals.

    The idle timeout is aiosmtpd's (`timeout`, reset by every command and every DATA
    block); it alone would let a client trickle DATA a byte at a time for ever, so DATA
    also has a total deadline (`data_seconds`).
    """

    transport_name = "smtp"

    def __init__(self, handler: SpoolSource, *, data_seconds: float = 600, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.spools = handler
        self.data_seconds = data_seconds
        self._client: str | None = None  # the guard's key, while this connection counts
        self._refused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None and self._client is None:  # not STARTTLS's second call
            client = client_key(transport.get_extra_info("peername"))
            over = self.spools.guard.enter(client)
            if over is not None:
                # Refused before aiosmtpd sees the connection: no session, no task.
                self._refused = True
                reply = TOO_MANY_CONNECTIONS if over == "full" else TOO_MANY_FROM_CLIENT
                assert isinstance(transport, asyncio.WriteTransport)
                transport.write(reply.encode() + b"\r\n")
                transport.close()
                return
            self._client = client
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self._refused:
            return
        if self._client is not None:
            self.spools.guard.leave(self._client)
        super().connection_lost(error)

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def eof_received(self) -> bool | None:
        if self._refused:
            return False
        return super().eof_received()

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith("552 Error"):
            status = TOO_BIG
        await super().push(status)

    def replies(self, envelope: Envelope) -> int:
        """How many replies the end of DATA gets: one in SMTP."""
        return 1

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        envelope = self.envelope
        assert envelope is not None and self.session is not None
        if not envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        if arg:
            await self.push("501 5.5.4 Syntax: DATA")
            return
        try:
            writer = self.spools.new_spool()
        except OSError:
            # Before the 354: the client has not started sending, so it can be told now.
            log.exception("cannot open a spool file")
            await self.push(TEMPFAIL)
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        try:
            async with asyncio.timeout(self.data_seconds):
                status = await self._receive(writer)
        except TimeoutError:
            # Mid-DATA there is no way back to the command state: say why and hang up.
            log.info("%r DATA took over %ss, closing", self.session.peer, self.data_seconds)
            self.envelope = Envelope()
            await self.push(DATA_TOO_SLOW)
            assert self.transport is not None
            self.transport.close()
            return
        try:
            if status is None:
                # The handler owns the writer now: it commits it or removes it.
                status = await self.spools.store(self, self.session, envelope, writer)
        finally:
            self.envelope = Envelope()  # what aiosmtpd's own DATA leaves behind
        for _ in range(self.replies(envelope)):
            await self.push(status)

    async def _receive(self, writer: SpoolWriter) -> str | None:
        """Read DATA to its end into `writer`; a reply if it cannot be kept, else None."""
        stream, size, limit = DotStream(), 0, self.data_size_limit
        parts = PartCounter()  # the parser's part bound, applied before the 250
        status: str | None = None
        try:
            while not stream.done:
                block = await self._reader.read(BLOCK)
                if not block:
                    raise ConnectionResetError("end of stream inside DATA")
                self._reset_timeout()  # a long upload is not an idle client
                out = stream.feed(block)
                size += len(out)
                if status is not None:
                    continue  # refused already: read on to the end, keep nothing
                if limit and size > limit:
                    status = TOO_BIG
                    writer.abort()
                    continue
                if parts.feed(out) > MAX_PARTS:
                    status = TOO_COMPLEX
                    writer.abort()
                    continue
                try:
                    writer.write(out)
                except OSError:
                    log.exception("writing the spool file failed")
                    status = TEMPFAIL
                    writer.abort()
        except BaseException:
            # The client went away (or the server stops): nothing was promised, keep nothing.
            writer.abort()
            raise
        if stream.rest:
            # Commands the client pipelined behind the final dot go back in front of
            # whatever else the reader holds (aiosmtpd itself reaches into _buffer too).
            self._reader._buffer[0:0] = stream.rest  # type: ignore[attr-defined]
        return status


class DripcastLMTP(DripcastSMTP):
    """LMTP (RFC 2033) for Postfix's `lmtp:` transport: LHLO, one reply per recipient."""

    transport_name = "lmtp"

    @syntax("LHLO hostname")
    async def smtp_LHLO(self, arg: str) -> None:
        await DripcastSMTP.smtp_EHLO(self, arg)

    async def smtp_HELO(self, arg: str) -> None:
        await self.push('500 5.5.1 Error: command "HELO" not recognized')

    async def smtp_EHLO(self, arg: str) -> None:
        await self.push('500 5.5.1 Error: command "EHLO" not recognized')

    def replies(self, envelope: Envelope) -> int:
        return len(envelope.rcpt_tos)
