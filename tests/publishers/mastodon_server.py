"""A small real Mastodon on loopback: enough of the API for publishing, over real sockets.

For tests that go through the whole service (`serve` → scheduler → publisher)
and for the publisher's own socket-level test. It answers like Mastodon:
media uploads with 200, or 202 for a large image (over `processing_over` bytes,
or any with `slow_media`) that then answers 206 to polling until it is ready;
a status naming media still processing is refused with 422, as Mastodon does;
statuses with `Idempotency-Key` honoured, 401 for a wrong token.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class FakeMastodon:
    token: str = "test-token"
    slow_media: bool = False
    # Mastodon processes large uploads in the background and answers 202 (PLATFORMS.md).
    processing_over: int = 256 * 1024
    max_characters: int = 500
    base: str = ""
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_media(self, data: bytes, description: str) -> dict[str, Any]:
        mid = str(len(self.media) + 1)
        ready = not self.slow_media and len(data) <= self.processing_over
        m = {
            "id": mid,
            "type": "image",
            "url": f"{self.base}/media/{mid}.jpg" if ready else None,
            "description": description,
            "bytes": len(data),
            "_polls": 0,
        }
        self.media[mid] = m
        return m

    def new_status(self, form: dict[str, list[str]]) -> dict[str, Any]:
        sid = str(113_000_000_000_000_000 + len(self.statuses) + 1)
        attached = [self.media[i] for i in form.get("media_ids[]", [])]
        status = {
            "id": sid,
            "url": f"{self.base}/@bakery/{sid}",
            "uri": f"{self.base}/users/bakery/statuses/{sid}",
            "visibility": form.get("visibility", ["public"])[0],
            "content": f"<p>{form.get('status', [''])[0]}</p>",
            "text": form.get("status", [""])[0],
            "media_attachments": [_public(m) for m in attached],
        }
        self.statuses.append(status)
        return status


def _public(m: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in m.items() if not k.startswith("_")}


def _handler(fake: FakeMastodon) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def _answer(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _authorized(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {fake.token}":
                return True
            self._answer(401, {"error": "The access token is invalid"})
            return False

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            with fake.lock:
                fake.requests.append(("GET", self.path))
                if self.path == "/api/v2/instance":
                    conf = {
                        "statuses": {
                            "max_characters": fake.max_characters,
                            "max_media_attachments": 4,
                        }
                    }
                    return self._answer(200, {"domain": "127.0.0.1", "configuration": conf})
                if not self._authorized():
                    return None
                if self.path == "/api/v1/accounts/verify_credentials":
                    return self._answer(200, {"id": "1", "username": "bakery", "acct": "bakery"})
                m = re.fullmatch(r"/api/v1/media/(\d+)", self.path)
                if m and m.group(1) in fake.media:
                    media = fake.media[m.group(1)]
                    media["_polls"] += 1
                    if media["url"] is None and media["_polls"] >= 2:
                        media["url"] = f"{fake.base}/media/{media['id']}.jpg"
                    return self._answer(200 if media["url"] else 206, _public(media))
                return self._answer(404, {"error": "Record not found"})

        def do_POST(self) -> None:
            body = self._body()
            with fake.lock:
                fake.requests.append(("POST", self.path))
                if not self._authorized():
                    return None
                if self.path == "/api/v2/media":
                    parts = _multipart(self.headers.get("Content-Type", ""), body)
                    if "file" not in parts:
                        return self._answer(
                            422, {"error": "Validation failed: File can't be blank"}
                        )
                    desc = parts.get("description", b"").decode()
                    m = fake.new_media(parts["file"], desc)
                    return self._answer(200 if m["url"] else 202, _public(m))
                if self.path == "/api/v1/statuses":
                    key = self.headers.get("Idempotency-Key")
                    if key and key in fake.keys:
                        return self._answer(200, fake.keys[key])
                    form = parse_qs(body.decode(), keep_blank_values=True)
                    ids = form.get("media_ids[]", [])
                    if any(i not in fake.media for i in ids):
                        return self._answer(422, {"error": "Validation failed: media not found"})
                    if any(fake.media[i]["url"] is None for i in ids):
                        return self._answer(
                            422,
                            {
                                "error": "Cannot attach files that have not finished"
                                " processing. Try again in a moment!"
                            },
                        )
                    status = fake.new_status(form)
                    if key:
                        fake.keys[key] = status
                    return self._answer(200, status)
                return self._answer(404, {"error": "Record not found"})

    return Handler


def _multipart(ctype: str, body: bytes) -> dict[str, bytes]:
    msg = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
    )
    out = {}
    for p in msg.iter_parts():
        payload = p.get_payload(decode=True)
        out[p.get_param("name", header="content-disposition") or ""] = (
            payload if isinstance(payload, bytes) else b""
        )
    return out


@contextmanager
def serving(fake: FakeMastodon | None = None) -> Iterator[FakeMastodon]:
    """Run a FakeMastodon on 127.0.0.1 (a free port); `fake.base` is its URL."""
    fake = fake or FakeMastodon()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
