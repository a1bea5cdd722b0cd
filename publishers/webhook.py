"""The generic webhook: one signed JSON POST per post, for Zapier, n8n or your own code.

    POST {url}
    Content-Type: application/json
    Idempotency-Key: <post id>
    X-Dripcast-Timestamp: <unix seconds>
    X-Dripcast-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with `secret`>

    {
      "id": 42, "brand": "demo-bakery", "channel": "zap", "type": "webhook",
      "at": "2026-11-23T09:00:00+01:00",      # planned time, ISO 8601
      "sent_at": 1795000000,                   # equals X-Dripcast-Timestamp, and is signed
      "text": "…",
      "media": [{"filename": "photo1.jpg", "content_type": "image/jpeg",
                 "width": 1080, "height": 1350, "bytes": 412345, "alt": "…",
                 "sha256": "<hex of the bytes>", "data": "<base64 of the bytes>"}],
      "extra": {…}                             # network specifics from the formatter, if any
    }

A receiver checks the signature over the exact bytes it got, refuses a
`sent_at` too far from its clock (replays), and may answer `{"id", "url"}`
to name what it made. Any 2xx is success; 401/403 mean the secret or URL
needs a person. Retries reuse the Idempotency-Key, but whether the receiver
honours it is unknown to us, so a lost answer is reported as unknown.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from dripcast.core.channels import Webhook
from dripcast.core.domain import Post, Published
from dripcast.core.extras import extra_json
from dripcast.core.publisher import Context, Publisher
from publishers.files import content_type, read_media, upload_name
from publishers.http import check, send

SIGNATURE_HEADER = "X-Dripcast-Signature"
TIMESTAMP_HEADER = "X-Dripcast-Timestamp"


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value for a body, as a receiver recomputes it."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """For receivers written in Python (and our tests): constant-time comparison."""
    return hmac.compare_digest(sign(secret, body), header)


class WebhookPublisher(Publisher):
    def __init__(self, channel: Webhook, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.url = channel.url
        self.secret = channel.secret.get_secret_value().encode()

    async def publish(self, post: Post) -> Published:
        sent_at = int(time.time())
        body = json.dumps(
            await self._document(post, sent_at), ensure_ascii=False, default=str
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(post.id),
            TIMESTAMP_HEADER: str(sent_at),
            SIGNATURE_HEADER: sign(self.secret, body),
        }
        r = check(await send(self.http, "POST", self.url, content=body, headers=headers))
        answer = _json(r.content)
        made = answer.get("id")
        url = answer.get("url")
        return Published(
            external_id=str(made) if made is not None else f"webhook-{post.id}",
            url=url if isinstance(url, str) else None,
        )

    async def _document(self, post: Post, sent_at: int) -> dict[str, Any]:
        media = []
        for i, m in enumerate(post.media, 1):
            data = await read_media(self.ctx, m)
            media.append(
                {
                    "filename": upload_name(m, i),
                    "content_type": content_type(m),
                    "width": m.width,
                    "height": m.height,
                    "bytes": len(data),
                    "alt": m.alt,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "data": base64.b64encode(data).decode("ascii"),
                }
            )
        doc: dict[str, Any] = {
            "id": post.id,
            "brand": post.brand,
            "channel": post.channel,
            "type": post.type,
            "at": post.at.isoformat(),
            "sent_at": sent_at,
            "text": post.text,
            "media": media,
        }
        if post.extra:
            doc["extra"] = extra_json(post.extra)
        return doc


def _json(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
