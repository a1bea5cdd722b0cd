"""A tiny HTTP/1.1 file server for the images networks fetch by URL.

It serves a file under media_dir only for a GET or HEAD whose signed path
(`dripcast.app.media_urls`) verifies and has not expired: 403 otherwise, 404 when the
file is not there, no directory listing, nothing outside media_dir. One request
per connection keeps it small; the fetchers (Meta's crawlers) do not need more.
Put it behind the TLS proxy that answers at `service.public_base_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING

from dripcast.app.media_urls import KEY_FILE, PREFIX, load_or_create_key, verify

if TYPE_CHECKING:
    from dripcast.core.config import Config

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
    505: "HTTP Version Not Supported",
}


async def start_media_server(
    *,
    host: str,
    port: int,
    media_dir: Path,
    key: bytes,
    now: Callable[[], float] = time.time,
) -> asyncio.Server:
    """Listen on host:port; the caller owns the server (`close()` + `wait_closed()`)."""
    root = await asyncio.to_thread(media_dir.resolve)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(_read_request(reader), READ_TIMEOUT)
            if isinstance(request, int):
                await _answer(writer, request, head=False)
                return
            method, target = request
            status, file = await asyncio.to_thread(_resolve, method, target, root, key, now())
            # A reader that stalls must not hold the connection (and the file) forever.
            await asyncio.wait_for(
                _answer(writer, status, head=method == "HEAD", file=file), WRITE_TIMEOUT
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


def _resolve(
    method: str, target: str, root: Path, key: bytes, now: float
) -> tuple[int, Path | None]:
    path = target.split("?", 1)[0].split("#", 1)[0]
    if path.startswith(PREFIX) and not _EXPIRY.fullmatch(path[len(PREFIX) :].split("/", 1)[0]):
        return 404, None  # no URL we sign looks like this (5,000 digits, `²`): nothing here
    rel = verify(path, key, now)
    if rel is None:
        return 403, None
    file = (root / rel).resolve()
    # A symlink inside media_dir must not lead out of it.
    if not file.is_relative_to(root) or not file.is_file():
        return 404, None
    log.debug("media server: %s %s", method, rel)
    return 200, file


async def _answer(
    writer: asyncio.StreamWriter, status: int, *, head: bool, file: Path | None = None
) -> None:
    if file is not None:
        body = b"" if head else await asyncio.to_thread(file.read_bytes)
        length = (await asyncio.to_thread(file.stat)).st_size if head else len(body)
        ctype = TYPES.get(file.suffix.lower(), "application/octet-stream")
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


async def start_from_config(config: Config) -> asyncio.Server | None:
    """The media server the service runs next to SMTP; None when nothing fetches by URL."""
    svc = config.service
    if svc.public_base_url is None:
        return None
    key = await asyncio.to_thread(load_or_create_key, config.resolve(svc.state_dir) / KEY_FILE)
    media_dir = config.resolve(svc.media_dir)
    await asyncio.to_thread(media_dir.mkdir, parents=True, exist_ok=True)
    return await start_media_server(
        host=svc.media_http.host, port=svc.media_http.port, media_dir=media_dir, key=key
    )
