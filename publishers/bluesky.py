"""Bluesky: upload each photo as a blob, then one post record under a key we choose.

    com.atproto.repo.uploadBlob     raw JPEG bytes → {blob}
    com.atproto.repo.createRecord   {repo: did, collection: app.bsky.feed.post, rkey, record}
    com.atproto.repo.getRecord      the same rkey, to find a post whose outcome is unknown

The rkey is a TID derived from the post id (`atproto.post_rkey`), so a retry
writes to the same key and cannot make a second post. A create that finds the
key taken (the reference PDS answers 500, newer ones a named error) is settled
by reading the record: our text → success; someone else's → the next key.
The record carries `langs` (from the brand's `language`) and `facets` as the
formatter set them in its `BlueskyExtra`; links and #tags are found only there, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from dripcast.core.channels import Bluesky
from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import OutcomeUnknown, Rejected, Retryable
from dripcast.core.extras import BlueskyExtra
from dripcast.core.publisher import Context, Publisher
from publishers.atproto import post_rkey
from publishers.bluesky_session import Session, raise_for, session_for, xrpc_error
from publishers.files import content_type, read_media

COLLECTION = "app.bsky.feed.post"
MAX_IMAGES = 4
KEY_ATTEMPTS = 8  # clock ids to try when an older, different record holds our key


class BlueskyPublisher(Publisher):
    idempotent: ClassVar[bool] = True

    def __init__(self, channel: Bluesky, ctx: Context) -> None:
        self.ctx = ctx
        self.session = session_for(channel, ctx)
        self.handle = channel.handle

    async def publish(self, post: Post) -> Published:
        if len(post.media) > MAX_IMAGES:
            raise Rejected(f"Bluesky takes at most {MAX_IMAGES} images, got {len(post.media)}")
        did = await self.session.did()
        images = [await self._image(m) for m in post.media]
        record = self._record(post, images)
        for attempt in range(KEY_ATTEMPTS):
            rkey = post_rkey(post.id, f"{post.brand}/{post.channel}", attempt)
            body = {"repo": did, "collection": COLLECTION, "rkey": rkey, "record": record}
            try:
                r: httpx.Response | None = await self.session.request(
                    "POST", "com.atproto.repo.createRecord", json=body
                )
            except OutcomeUnknown:
                r = None
            if r is not None and r.is_success:
                return self._published(did, rkey, r.json().get("uri"))
            if r is not None and r.status_code < 500 and not _key_taken(r):
                raise_for(r)
            # No answer, a server error or "already exists": the record may be there.
            existing = await self._get(did, rkey)
            if existing is None:
                if r is None:
                    raise Retryable("no answer to createRecord; safe to retry: same rkey")
                raise_for(r)
            elif _same_post(existing, post):
                return self._published(did, rkey, existing.get("uri"))
        raise Rejected(f"record keys for post {post.id} are all taken by other records")

    async def find(self, post: Post) -> Published | None:
        did = await self.session.did()
        for attempt in range(KEY_ATTEMPTS):
            rkey = post_rkey(post.id, f"{post.brand}/{post.channel}", attempt)
            existing = await self._get(did, rkey)
            if existing is None:
                return None
            if _same_post(existing, post):
                return self._published(did, rkey, existing.get("uri"))
        return None

    async def check(self) -> str:
        r = await self.session.call("GET", "com.atproto.server.getSession")
        body = r.json()
        return f"@{body.get('handle', self.handle)} ({body.get('did')})"

    async def _image(self, media: Media) -> dict[str, Any]:
        data = await read_media(self.ctx, media)
        try:
            r = await self.session.call(
                "POST",
                "com.atproto.repo.uploadBlob",
                content=data,
                headers={"Content-Type": content_type(media)},
            )
        except OutcomeUnknown as e:
            raise Retryable(f"blob upload: {e}") from e  # an unused blob is garbage-collected
        image: dict[str, Any] = {"image": r.json()["blob"], "alt": media.alt}
        if media.width > 0 and media.height > 0:
            image["aspectRatio"] = {"width": media.width, "height": media.height}
        return image

    def _record(self, post: Post, images: list[dict[str, Any]]) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": post.text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        if isinstance(post.extra, BlueskyExtra):
            if post.extra.langs:
                record["langs"] = list(post.extra.langs)
            if post.extra.facets:
                record["facets"] = [dict(f) for f in post.extra.facets]
        if images:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        return record

    async def _get(self, did: str, rkey: str) -> dict[str, Any] | None:
        r = await get_record(self.session, did, rkey)
        if r is None:
            return None
        body = r.json()
        return body if isinstance(body, dict) else None

    def _published(self, did: str, rkey: str, uri: Any) -> Published:
        return Published(
            external_id=str(uri or f"at://{did}/{COLLECTION}/{rkey}"),
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
        )


async def get_record(session: Session, did: str, rkey: str) -> httpx.Response | None:
    """The successful getRecord answer for one post record of ours, or None if there is none."""
    r = await session.request(
        "GET",
        "com.atproto.repo.getRecord",
        params={"repo": did, "collection": COLLECTION, "rkey": rkey},
    )
    if r.status_code == 404 or xrpc_error(r)[0] == "RecordNotFound":
        return None
    return raise_for(r)


def _key_taken(r: httpx.Response) -> bool:
    error, message = xrpc_error(r)
    text = f"{error} {message}".lower()
    return r.status_code == 409 or "already exists" in text or "already a value" in text


def _same_post(existing: dict[str, Any], post: Post) -> bool:
    value = existing.get("value")
    return isinstance(value, dict) and value.get("text") == post.text
