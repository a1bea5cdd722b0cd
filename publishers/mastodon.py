"""Mastodon: upload each photo with its alt text, then one public status.

    POST /api/v2/media            multipart file, description → 200 (ready) or 202 (processing)
    GET  /api/v1/media/:id        206 while processing, 200 once `url` is set
    POST /api/v1/statuses         status, media_ids[], visibility=public; Idempotency-Key

Mastodon keeps an `Idempotency-Key` for an hour and answers a repeat with the
status it already made, so a retry of the same post cannot duplicate it.
Uploads only create unattached media (cleaned up by the server), so a timeout
there is safe to retry too. Errors are `{"error": "..."}`; 429 carries
`X-RateLimit-Reset` (ISO 8601).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import httpx

from dripcast.core.channels import Mastodon
from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import OutcomeUnknown, Rejected, Retryable
from dripcast.core.extras import MastodonExtra
from dripcast.core.publisher import Context, Publisher
from publishers.files import content_type, read_media, upload_name
from publishers.http import check, send

# Retrying a status whose outcome is unknown must happen while the server still
# remembers the key (one hour), so ask for an early retry.
IDEMPOTENT_RETRY_S = 30.0

# A status refused because its media are still processing is worth a retry this soon.
PROCESSING_RETRY_S = 60.0

T = TypeVar("T")


def idempotency_key(post: Post) -> str:
    return f"dripcast-post-{post.id}"


class MastodonPublisher(Publisher):
    idempotent: ClassVar[bool] = True
    poll_interval: float = 1.0
    poll_attempts: int = 60

    def __init__(self, channel: Mastodon, ctx: Context) -> None:
        self.ctx = ctx
        self.base = channel.instance.rstrip("/")
        self.http = ctx.http
        self.auth = {"Authorization": f"Bearer {channel.token.get_secret_value()}"}

    async def publish(self, post: Post) -> Published:
        media_ids = [await self._upload(m, i) for i, m in enumerate(post.media, 1)]
        fields: dict[str, Any] = {"status": post.text, "visibility": "public"}
        if media_ids:
            fields["media_ids[]"] = media_ids
        if isinstance(post.extra, MastodonExtra) and post.extra.language:
            fields["language"] = post.extra.language
        headers = {**self.auth, "Idempotency-Key": idempotency_key(post)}
        try:
            r = await send(
                self.http, "POST", f"{self.base}/api/v1/statuses", data=fields, headers=headers
            )
        except OutcomeUnknown as e:
            raise Retryable(
                f"{e} (safe to retry: same Idempotency-Key)", retry_after=IDEMPOTENT_RETRY_S
            ) from e
        if r.status_code == 422 and "not finished processing" in r.text:
            # The media went back to processing (or a server raced us): soon, same key.
            raise Retryable(f"422: {_error_text(r)}", retry_after=PROCESSING_RETRY_S)
        status = check(r).json()
        return Published(external_id=str(status["id"]), url=status.get("url") or status.get("uri"))

    async def _upload(self, media: Media, index: int) -> str:
        data = await read_media(self.ctx, media)
        try:
            r = await send(
                self.http,
                "POST",
                f"{self.base}/api/v2/media",
                headers=self.auth,
                data={"description": media.alt} if media.alt else {},
                files={"file": (upload_name(media, index), data, content_type(media))},
            )
        except OutcomeUnknown as e:
            raise Retryable(f"media upload: {e}") from e
        body = check(r).json()
        if r.status_code == 202 or not body.get("url"):
            await self._wait_processed(str(body["id"]))
        return str(body["id"])

    async def _wait_processed(self, media_id: str) -> None:
        for _ in range(self.poll_attempts):
            await asyncio.sleep(self.poll_interval)
            r = check(
                await send(
                    self.http, "GET", f"{self.base}/api/v1/media/{media_id}", headers=self.auth
                )
            )
            if r.status_code == 200 and r.json().get("url"):
                return
        raise Retryable(f"media {media_id} still processing after {self.poll_attempts} polls")

    async def check(self) -> str:
        r = await send(
            self.http, "GET", f"{self.base}/api/v1/accounts/verify_credentials", headers=self.auth
        )
        return f"@{check(r).json()['acct']} on {self.base}"

    async def text_limit(self) -> int | None:
        return (await instance_limits(self.http, self.base)).max_characters


@dataclass(frozen=True, kw_only=True)
class InstanceLimits:
    """What an instance really allows (PLATFORMS.md: read it instead of trusting the table)."""

    max_characters: int = 500
    max_media_attachments: int = 4
    characters_reserved_per_url: int = 23
    image_size_limit: int | None = None
    description_limit: int | None = None


async def instance_limits(http: httpx.AsyncClient, instance: str) -> InstanceLimits:
    """The instance's limits from `GET /api/v2/instance` (public, no token needed).

    Servers older than 4.0 only have `/api/v1/instance`, with the same `configuration`.
    Fields the server leaves out keep Mastodon's defaults.
    """
    base = instance.rstrip("/")
    r = await send(http, "GET", f"{base}/api/v2/instance")
    if r.status_code == 404:
        r = await send(http, "GET", f"{base}/api/v1/instance")
    body = check(r).json()
    conf = body.get("configuration") if isinstance(body, dict) else None
    if not isinstance(conf, dict):
        raise Rejected(f"{base} did not describe its configuration")
    statuses = conf.get("statuses") or {}
    media = conf.get("media_attachments") or {}
    d = InstanceLimits()
    return InstanceLimits(
        max_characters=_int(statuses.get("max_characters"), d.max_characters),
        max_media_attachments=_int(statuses.get("max_media_attachments"), d.max_media_attachments),
        characters_reserved_per_url=_int(
            statuses.get("characters_reserved_per_url"), d.characters_reserved_per_url
        ),
        image_size_limit=_int(media.get("image_size_limit"), None),
        description_limit=_int(media.get("description_limit"), None),
    )


def _error_text(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return r.text[:300]
    return str(body.get("error") if isinstance(body, dict) else body)[:300]


def _int(value: Any, default: T) -> int | T:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )
