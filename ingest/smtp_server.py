"""aiosmtpd's protocol, with DATA streamed to the spool and the listener's protections.

Stock aiosmtpd reads DATA line by line in Python and joins the whole message
in memory. Here DATA goes from the socket in the blocks the transport reads
(`data_received`), unstuffed with bytes operations (`ingest.dotstream`), straight
into a `SpoolWriter`, without the StreamReader's buffer or a task switch per
block: the memory a message costs is one block, whatever its size.

What this relies on in aiosmtpd beyond its public API (`SMTP`'s constructor, `push`,
`session`, `envelope`, `transport`, `event_handler`, `check_*_needed`, `syntax`, and
asyncio's protocol methods) is three private names: `_reader` (the connection's
StreamReader), `_reset_timeout()` (a long upload is not an idle client), and
asyncio's `StreamReader._buffer` (what the client sent along with the DATA
command is read from it first, and commands pipelined behind the final dot go
back in front). pyproject pins aiosmtpd to the versions this is tested with,
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

BLOCK = 256 * 1024  # what one read takes of what the reader held when DATA began
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
        self._sink: DataSink | None = None  # during DATA: where the socket's blocks go

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
        if self._refused:
            return
        sink = self._sink
        if sink is None:
            super().data_received(data)
            return
        self._reset_timeout()  # a long upload is not an idle client
        sink.feed(data)
        if sink.finished:
            self._sink = None
            if sink.rest:
                super().data_received(sink.rest)  # pipelined commands, for aiosmtpd to read

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
        sink = DataSink(writer, self.data_size_limit, self.loop.create_future())
        try:
            # What the reader holds already (sent along with the DATA command) comes
            # first; once it is empty the socket's blocks go to the sink directly.
            while self._reader._buffer and not sink.finished:  # type: ignore[attr-defined]
                sink.feed(await self._reader.read(BLOCK))
                self._reset_timeout()
            if sink.finished and sink.rest:
                # Commands the client pipelined behind the final dot go back in front of
                # whatever else the reader holds (aiosmtpd itself reaches into _buffer too).
                self._reader._buffer[0:0] = sink.rest  # type: ignore[attr-defined]
            elif not sink.finished:
                if self._reader.at_eof():
                    raise ConnectionResetError("end of stream inside DATA")
                self._sink = sink
            return await sink.done
        except BaseException:
            # The client went away (or the server stops): nothing was promised, keep nothing.
            writer.abort()
            raise
        finally:
            self._sink = None


class DataSink:
    """DATA's blocks, as the socket gives them, into a spool file: the end found, dots
    unstuffed, size and part bounds applied. `done` gets the reply if the message
    cannot be kept (the writer then removed), else None, once the end was seen."""

    def __init__(
        self, writer: SpoolWriter, limit: int | None, done: asyncio.Future[str | None]
    ) -> None:
        self.writer, self.limit, self.done = writer, limit, done
        self.stream, self.parts = DotStream(), PartCounter()  # the parser's part bound, before 250
        self.size = 0
        self.status: str | None = None
        self.rest = b""  # what the client sent after the final dot

    @property
    def finished(self) -> bool:
        return self.done.done()

    def feed(self, block: bytes) -> None:
        try:
            self._feed(block)
        except BaseException as e:
            if not self.done.done():
                self.done.set_exception(e)
            return
        if self.stream.done and not self.done.done():
            self.rest = self.stream.rest
            self.done.set_result(self.status)

    def _feed(self, block: bytes) -> None:
        out = self.stream.feed(block)
        self.size += len(out)
        if self.status is not None:
            return  # refused already: read on to the end, keep nothing
        if self.limit and self.size > self.limit:
            self.status = TOO_BIG
            self.writer.abort()
        elif self.parts.feed(out) > MAX_PARTS:
            self.status = TOO_COMPLEX
            self.writer.abort()
        else:
            try:
                self.writer.write(out)
            except OSError:
                log.exception("writing the spool file failed")
                self.status = TEMPFAIL
                self.writer.abort()


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
