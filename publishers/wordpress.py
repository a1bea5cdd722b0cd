"""WordPress (WP-API handbook): upload the photos, then publish a post that shows them.

    POST {site}/wp-json/wp/v2/media?alt_text=…   raw JPEG, Content-Disposition → 201 {id, source_url}
    POST {site}/wp-json/wp/v2/posts              {title, content, status, featured_media} → 201 {id, link}

Authentication is an application password over HTTP Basic. Uploaded media stay
in the site's library even if the post fails, so their ids are remembered and
a retry reuses them instead of uploading the photos again; the first one is the
featured image, which is also how `find` recognises the post.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from dripcast.core.channels import WordPress
from dripcast.core.domain import Post, Published
from dripcast.core.errors import AuthExpired, PublishError
from dripcast.core.extras import title_of as extra_title
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import error_for, send
from publishers.steps import prepare
from publishers.wordpress_html import Image, content_html, title_of


class WordPressPublisher(Publisher):
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: WordPress, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.api = channel.site.rstrip("/") + "/wp-json/wp/v2"
        self.remember = ctx.remember
        self._auth = httpx.BasicAuth(channel.user, channel.app_password.get_secret_value())

    async def publish(self, post: Post) -> Published:
        images = await self._upload_all(post)
        body: dict[str, Any] = {
            "title": extra_title(post.extra) or title_of(post.text),
            "content": content_html(post.text, images),
            "status": "publish",
        }
        if images:
            body["featured_media"] = images[0].id
        r = await send(self.http, "POST", f"{self.api}/posts", auth=self._auth, json=body)
        if not r.is_success:
            raise _error(r)
        try:
            doc = r.json()
            return Published(external_id=str(doc["id"]), url=doc.get("link"))
        except (ValueError, KeyError, TypeError):
            # 201 means it is live; an odd body must not lead to a second post.
            return Published(external_id="")

    async def _upload_all(self, post: Post) -> list[Image]:
        images = _kept(post)[: len(post.media)]
        for i, media in enumerate(post.media[len(images) :], len(images) + 1):
            r = await prepare(
                self.http,
                "POST",
                f"{self.api}/media",
                auth=self._auth,
                params={"alt_text": media.alt} if media.alt else None,
                headers={
                    "Content-Type": "image/jpeg",
                    "Content-Disposition": f'attachment; filename="dripcast-{post.id}-{i}.jpg"',
                },
                content=await read_media(self.ctx, media),
            )
            if not r.is_success:
                raise _error(r)
            images.append(Image(id=_media_id(r), url=_source_url(r), alt=media.alt))
            if self.remember is not None:
                await self.remember(
                    post.id,
                    {
                        **post.remote,
                        "wordpress_media": [
                            {"id": m.id, "url": m.url, "alt": m.alt} for m in images
                        ],
                    },
                )
        return images

    async def find(self, post: Post) -> Published | None:
        kept = _kept(post)
        if not kept:
            return None  # nothing unique to recognise the post by
        r = await send(
            self.http,
            "GET",
            f"{self.api}/posts",
            auth=self._auth,
            params={
                "search": extra_title(post.extra) or title_of(post.text),
                "per_page": "20",
                "_fields": "id,link,featured_media",
            },
        )
        if not r.is_success:
            raise _error(r)
        for doc in r.json():
            if doc.get("featured_media") == kept[0].id:
                return Published(external_id=str(doc["id"]), url=doc.get("link"))
        return None

    async def check(self) -> str:
        r = await send(self.http, "GET", f"{self.api}/users/me", auth=self._auth)
        if not r.is_success:
            raise _error(r)
        return str(_json(r).get("name") or "ok")


def _kept(post: Post) -> list[Image]:
    try:
        return [
            Image(id=int(m["id"]), url=str(m["url"]), alt=str(m.get("alt", "")))
            for m in post.remote.get("wordpress_media") or []
        ]
    except (KeyError, TypeError, ValueError, AttributeError):
        return []  # unreadable memory: uploading again costs a duplicate attachment, no more


def _json(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        # A page instead of JSON: the REST API is off, blocked, or not at /wp-json.
        raise AuthExpired(f"{r.status_code}: the site did not answer as the WordPress REST API")
    return body


def _media_id(r: httpx.Response) -> int:
    try:
        return int(_json(r)["id"])
    except (KeyError, TypeError, ValueError) as e:
        raise AuthExpired("WordPress media upload answered without an id") from e


def _source_url(r: httpx.Response) -> str:
    return str(_json(r).get("source_url") or "")


def _error(r: httpx.Response) -> PublishError:
    """WP_Error as JSON: {"code", "message", "data": {"status"}}; keep the code, it is precise."""
    try:
        body = r.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        code = body.get("code")
        return error_for(r, f"{code}: {body['message']}" if code else str(body["message"]))
    return error_for(r)
