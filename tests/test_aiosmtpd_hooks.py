"""What ingest/smtp_server.py takes from aiosmtpd beyond its public API, checked by name.

If one of these fails after an upgrade, the upgrade changed a private hook the
listener relies on: fix smtp_server.py, then widen the pin in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import socket
import tomllib
from importlib.metadata import version
from pathlib import Path

import aiosmtpd.smtp
from aiosmtpd.smtp import SMTP, Envelope, Session
from packaging.requirements import Requirement

from ingest.guard import Guard
from ingest.smtp_server import DripcastSMTP, missing_hooks
from ingest.spool import SpoolWriter

ROOT = Path(__file__).parent.parent


def test_the_installed_aiosmtpd_is_within_the_tested_pin() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [Requirement(d) for d in deps if Requirement(d).name == "aiosmtpd"]
    assert pin.specifier.contains(version("aiosmtpd")), (version("aiosmtpd"), str(pin))
    assert any(s.operator == "<" for s in pin.specifier), "aiosmtpd needs an upper bound"


class Stub:
    def __init__(self) -> None:
        self.guard = Guard(max_connections=1, per_sender_hour=0)

    def new_spool(self) -> SpoolWriter:
        raise AssertionError("not used")

    async def store(
        self, server: SMTP, session: Session, envelope: Envelope, spool: SpoolWriter
    ) -> str:
        raise AssertionError("not used")


def test_the_private_hooks_are_there_and_behave() -> None:
    async def check() -> None:
        assert missing_hooks() == []
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        proto = DripcastSMTP(Stub(), loop=loop, hostname="test")
        transport, _ = await loop.connect_accepted_socket(lambda: proto, ours)
        try:
            # the connection's StreamReader, as _cb_client_connected stores it
            assert isinstance(proto._reader, asyncio.StreamReader)
            # bytes put back in front of a StreamReader's _buffer are what it reads next
            reader = asyncio.StreamReader()
            reader.feed_data(b"NOOP\r\nQUIT\r\n")
            assert await reader.read(2) == b"NO"
            reader._buffer[0:0] = b"RSET\r\n"  # type: ignore[attr-defined]
            assert await reader.readuntil(b"\r\n") == b"RSET\r\n"
            assert await reader.readuntil(b"\r\n") == b"OP\r\n"
            # _reset_timeout(duration) re-arms the idle timer that closes the connection
            proto._reset_timeout(0.05)
            theirs.setblocking(False)
            got = b""
            while chunk := await asyncio.wait_for(loop.sock_recv(theirs, 1024), 5):
                got += chunk
            assert got.startswith(b"220 ")  # the greeting, then a close on timeout
            # aiosmtpd still dispatches DATA to smtp_DATA (ours), not through handle_DATA
            assert "smtp_DATA" in DripcastSMTP.__dict__ and hasattr(aiosmtpd.smtp.SMTP, "smtp_DATA")
        finally:
            transport.close()
            theirs.close()
            await asyncio.sleep(0)

    asyncio.run(check())
