"""A tiny HTTP/1.1 file server for the images networks fetch by URL.

It serves a variant from the blob store (under `media/`) only for a GET or HEAD
whose signed path (`dripcast.app.media_urls`) verifies and has not expired: 403
otherwise, 404 when the blob is not there, no listing, nothing outside `media/`.
Any node serves any node's URLs: the key and the blobs are shared. One request
per connection keeps it small; the fetchers (Meta's crawlers) do not need more.
Put it behind the TLS proxy that answers at `service.public_base_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from dripcast.app.media_urls import PREFIX, url_key, verify
from dripcast.core.blobs import MEDIA, BlobMissing

if TYPE_CHECKING:
    from dripcast.core.config import Config

Reader = Callable[[str], Awaitable[bytes]]  # blob key → bytes, or BlobMissing

log = logging.getLogger(__name__)

READ_TIMEOUT = 10.0  # a client that does not send its request in time is dropped
WRITE_TIMEOUT = 120.0  # an 8 MB image over a slow link, with room to spare
MAX_LINE = 8192
MAX_HEADERS = 100
_EXPIRY = re.compile(r"[0-9]{1,20}", re.ASCII)  # epoch seconds, as `sign` writes them
TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}


async def start_media_server(
    *,
    host: str,
    port: int,
    read: Reader,
    key: bytes,
    now: Callable[[], float] = time.time,
) -> asyncio.Server:
    """Listen on host:port; the caller owns the server (`close()` + `wait_closed()`)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(_read_request(reader), READ_TIMEOUT)
            if isinstance(request, int):
                await _answer(writer, request, head=False)
                return
            method, target = request
            status, rel, body = await _resolve(method, target, read, key, now())
            # A reader that stalls must not hold the connection forever.
            await asyncio.wait_for(
                _answer(writer, status, head=method == "HEAD", name=rel, body=body),
                WRITE_TIMEOUT,
            )
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away or dawdled: nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    return await asyncio.start_server(handle, host, port, limit=MAX_LINE)


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str] | int:
    """(method, target) of a well-formed request, else the status to answer with."""
    try:
        line = await reader.readuntil(b"\n")
        for _ in range(MAX_HEADERS + 1):
            header = await reader.readuntil(b"\n")
            if header in (b"\r\n", b"\n"):
                break
        else:
            return 400
    except asyncio.LimitOverrunError:
        return 400
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return 400
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        return 505
    if method not in ("GET", "HEAD"):
        return 405
    return method, target


async def _resolve(
    method: str, target: str, read: Reader, key: bytes, now: float
) -> tuple[int, str | None, bytes | None]:
    path = target.split("?", 1)[0].split("#", 1)[0]
    if path.startswith(PREFIX) and not _EXPIRY.fullmatch(path[len(PREFIX) :].split("/", 1)[0]):
        return 404, None, None  # no URL we sign looks like this (5,000 digits, `²`): nothing here
    rel = verify(path, key, now)
    if rel is None:
        return 403, None, None
    try:
        body = await read(MEDIA + rel)
    except BlobMissing:
        return 404, None, None
    except Exception:  # the blob store is out of reach: the fetcher may try again
        log.exception("media server: cannot read %s", rel)
        return 503, None, None
    log.debug("media server: %s %s", method, rel)
    return 200, rel, body


async def _answer(
    writer: asyncio.StreamWriter,
    status: int,
    *,
    head: bool,
    name: str | None = None,
    body: bytes | None = None,
) -> None:
    if name is not None and body is not None:
        length = len(body)
        ctype = TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")
    else:
        body = f"{status} {REASONS[status]}\n".encode()
        length = len(body)
        ctype = "text/plain; charset=utf-8"
    headers = [
        f"HTTP/1.1 {status} {REASONS[status]}",
        f"Date: {formatdate(usegmt=True)}",
        f"Content-Type: {ctype}",
        f"Content-Length: {length}",
        "Cache-Control: private, no-store",
        "X-Content-Type-Options: nosniff",
        "Connection: close",
    ]
    if status == 405:
        headers.append("Allow: GET, HEAD")
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode("latin-1"))
    if not head:
        writer.write(body)
    await writer.drain()


async def start_from_config(config: Config, read: Reader) -> asyncio.Server | None:
    """The media server the service runs next to SMTP; None when nothing fetches by URL."""
    svc = config.service
    if svc.public_base_url is None:
        return None
    key = await asyncio.to_thread(url_key, config)
    return await start_media_server(
        host=svc.media_http.host, port=svc.media_http.port, read=read, key=key
    )
