"""A small real Bluesky PDS on loopback: sessions that expire and rotate, blobs and records.

Enough of XRPC for the multi-node test, answering the way a PDS does: an access
token is good for `uses` calls and then `400 ExpiredToken`; `refreshSession`
rotates the pair and retires the old refresh token (a second node spending it
gets `400 ExpiredToken`, which is how nodes lock each other out); a record key
already taken answers `400 InvalidRequest` "Record already exists". It counts
logins, refreshes and creates per key.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
EXPIRED = (400, {"error": "ExpiredToken", "message": "Token has expired"})


@dataclass
class FakePDS:
    handle: str = "bakery.example"
    password: str = "app-pass-word-1234"
    uses: int = 40  # calls the first access token is good for
    delay: float = 0.0  # seconds an upload takes: keeps posts in flight
    generation: int = 0
    left: int = 0
    logins: int = 0
    refreshes: int = 0
    stale_refreshes: int = 0  # a retired refresh token spent again
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    creates: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _pair(self) -> dict[str, str]:
        g = self.generation
        return {
            "accessJwt": f"acc-{g}",
            "refreshJwt": f"ref-{g}",
            "did": DID,
            "handle": self.handle,
        }

    def answer(self, method: str, nsid: str, auth: str, body: bytes, query: str) -> tuple[int, Any]:
        with self.lock:
            if nsid == "com.atproto.server.createSession":
                doc = json.loads(body)
                if (doc.get("identifier"), doc.get("password")) != (self.handle, self.password):
                    return 401, {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    }
                self.logins += 1
                self.generation += 1
                self.left = self.uses if self.generation == 1 else 10**9
                return 200, self._pair()
            if nsid == "com.atproto.server.refreshSession":
                if auth != f"Bearer ref-{self.generation}":
                    self.stale_refreshes += 1
                    return EXPIRED
                self.refreshes += 1
                self.generation += 1
                self.left = 10**9  # the renewed token lasts the rest of the test
                return 200, self._pair()
            if auth != f"Bearer acc-{self.generation}" or self.left <= 0:
                return EXPIRED
            self.left -= 1
            if nsid == "com.atproto.repo.uploadBlob":
                ref = f"bafk{len(body)}x{self.left}"
                blob = {
                    "$type": "blob",
                    "ref": {"$link": ref},
                    "mimeType": "image/jpeg",
                    "size": len(body),
                }
                return 200, {"blob": blob}
            if nsid == "com.atproto.repo.createRecord":
                doc = json.loads(body)
                rkey = doc["rkey"]
                if rkey in self.records:
                    return 400, {"error": "InvalidRequest", "message": "Record already exists"}
                self.creates[rkey] += 1
                uri = f"at://{DID}/{doc['collection']}/{rkey}"
                self.records[rkey] = {"uri": uri, "cid": "bafyrei", "value": doc["record"]}
                return 200, {"uri": uri, "cid": "bafyrei"}
            if nsid == "com.atproto.repo.getRecord":
                rkey = parse_qs(query)["rkey"][0]
                if rkey not in self.records:
                    return 400, {"error": "RecordNotFound", "message": "Could not locate record"}
                return 200, self.records[rkey]
            if nsid == "com.atproto.server.getSession":
                return 200, {"handle": self.handle, "did": DID}
            return 501, {"error": "MethodNotImplemented"}


@contextmanager
def running(pds: FakePDS) -> Iterator[str]:
    """Serve `pds` on a loopback port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _do(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            nsid = url.path.removeprefix("/xrpc/")
            if nsid == "com.atproto.repo.uploadBlob" and pds.delay:
                threading.Event().wait(pds.delay)  # a slow network, not a test's wait
            status, doc = pds.answer(
                self.command, nsid, self.headers.get("Authorization", ""), body, url.query
            )
            out = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            with contextlib.suppress(ConnectionError):  # a killed node hangs up
                self.wfile.write(out)

        do_GET = do_POST = _do

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
