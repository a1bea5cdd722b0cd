"""aiosmtpd's protocol, with DATA streamed to the spool and the listener's protections.

Stock aiosmtpd reads DATA line by line in Python and joins the whole message
in memory. Here DATA is read in large blocks, unstuffed with bytes operations
(`ingest.dotstream`) and written straight into a `SpoolWriter`: the memory a
message costs is one block, whatever its size.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiosmtpd.smtp import SMTP, Envelope, syntax

from ingest.dotstream import DotStream
from ingest.guard import Guard
from ingest.spool import SpoolWriter

log = logging.getLogger("dripcast.smtp")

BLOCK = 256 * 1024  # what one read takes from the socket buffer
TEMPFAIL = "451 4.3.0 Temporary failure here, please try again later"
TOO_BIG = "552 5.3.4 Message too big for this address"
TOO_MANY_CONNECTIONS = "421 4.3.2 Too many connections, try again later"


class SpoolSource(Protocol):
    guard: Guard

    def new_spool(self) -> SpoolWriter: ...


class SpooledEnvelope(Envelope):
    """The envelope, plus the spool file DATA was written to."""

    def __init__(self) -> None:
        super().__init__()
        self.spool: SpoolWriter | None = None


class DripcastSMTP(SMTP):
    """SMTP with streamed DATA, a connection cap and RFC 3463 codes on size refusals."""

    transport_name = "smtp"

    def __init__(self, handler: SpoolSource, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.spools = handler
        self._admitted = False

    def _create_envelope(self) -> SpooledEnvelope:
        return SpooledEnvelope()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None:  # not the second call that STARTTLS makes
            self._admitted = self.spools.guard.enter()
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self._admitted:
            self._admitted = False
            self.spools.guard.leave()
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        if not self._admitted:
            await self.push(TOO_MANY_CONNECTIONS)
            assert self.transport is not None
            self.transport.close()
            return
        await super()._handle_client()

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
        assert isinstance(envelope, SpooledEnvelope)
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
        status = await self._receive(writer)
        if status is None:
            envelope.spool = writer
            # The handler owns the writer now: it commits it or removes it.
            status = await self._call_handler_hook("DATA")
        self._set_post_data_state()  # type: ignore[no-untyped-call]
        for _ in range(self.replies(envelope)):
            await self.push(status)

    async def _receive(self, writer: SpoolWriter) -> str | None:
        """Read DATA to its end into `writer`; a reply if it cannot be kept, else None."""
        stream, size, limit = DotStream(), 0, self.data_size_limit
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
