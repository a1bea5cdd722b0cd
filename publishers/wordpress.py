"""WordPress (WP-API handbook): upload the photos, then publish a post that shows them.

    POST {site}/wp-json/wp/v2/media?alt_text=…   raw JPEG, Content-Disposition → 201 {id, source_url}
    GET  {site}/wp-json/wp/v2/tags?search=…      the tag's term, if the site has it
    POST {site}/wp-json/wp/v2/tags               {name} → 201 {id}; 400 `term_exists` with data.term_id
    POST {site}/wp-json/wp/v2/posts              {title, content, status, featured_media, tags} → 201 {id, link}
    POST {site}/wp-json/wp/v2/media/<id>         {post}: each photo attached to the new post

Hashtags (`WordPressExtra.tags`) become the post's tags; the caption's first line is the
title and is not repeated as the first paragraph. Attaching the photos comes after
the post is live, so a failure there is logged, never raised (a retry would post twice).

Authentication is an application password over HTTP Basic. Uploaded media stay
in the site's library even if the post fails, so their ids are remembered and
a retry reuses them instead of uploading the photos again; the first one is the
featured image, which is also how `find` recognises the post.
"""

from __future__ import annotations

import html
import logging
from typing import Any, ClassVar

import httpx

from dripcast.core.channels import WordPress
from dripcast.core.domain import Post, Published
from dripcast.core.errors import AuthExpired, PublishError
from dripcast.core.extras import tags_of
from dripcast.core.extras import title_of as extra_title
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import error_for, send
from publishers.steps import prepare
from publishers.wordpress_html import Image, content_html, title_of

log = logging.getLogger(__name__)


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
        tags = await self._tag_ids(post)
        title = _title(post)
        body: dict[str, Any] = {
            "title": title,
            "content": content_html(_without_title(post.text, title), images),
            "status": "publish",
        }
        if images:
            body["featured_media"] = images[0].id
        if tags:
            body["tags"] = tags
        r = await send(self.http, "POST", f"{self.api}/posts", auth=self._auth, json=body)
        if not r.is_success:
            raise _error(r)
        try:
            doc = r.json()
            done = Published(external_id=str(doc["id"]), url=doc.get("link"))
        except (ValueError, KeyError, TypeError):
            # 201 means it is live; an odd body must not lead to a second post.
            return Published(external_id="")
        await self._attach(images, doc["id"])
        return done

    async def _tag_ids(self, post: Post) -> list[int]:
        """The site's term id for each hashtag, creating the tags it lacks."""
        wanted = tags_of(post.extra)
        ids: list[int] = []
        for raw in wanted:
            name = str(raw).strip().lstrip("#＃").strip()
            if name:
                term = await self._tag_id(name)
                if term not in ids:
                    ids.append(term)
        return ids

    async def _tag_id(self, name: str) -> int:
        r = await prepare(
            self.http,
            "GET",
            f"{self.api}/tags",
            auth=self._auth,
            params={"search": name, "per_page": "100", "_fields": "id,name,slug"},
        )
        if not r.is_success:
            raise _error(r)
        try:
            found = r.json()
        except ValueError:
            found = None
        for term in found if isinstance(found, list) else []:
            if isinstance(term, dict) and _same_tag(str(term.get("name", "")), name):
                return int(term["id"])
        r = await prepare(
            self.http, "POST", f"{self.api}/tags", auth=self._auth, json={"name": name}
        )
        if r.is_success:
            return _id(r, "tag")
        # Another writer (or a slug/case twin our search did not match) made it first.
        existing = _term_exists(r)
        if existing is not None:
            return existing
        raise _error(r)

    async def _attach(self, images: list[Image], post_id: Any) -> None:
        """Attach each photo to the post (its `post` field), so the site shows them as its."""
        for img in images:
            try:
                r = await prepare(
                    self.http,
                    "POST",
                    f"{self.api}/media/{img.id}",
                    auth=self._auth,
                    json={"post": post_id},
                )
                if not r.is_success:
                    log.warning("attaching media %d to post %s: %s", img.id, post_id, _error(r))
            except PublishError as e:
                log.warning("attaching media %d to post %s: %s", img.id, post_id, e)

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
            images.append(Image(id=_id(r, "media upload"), url=_source_url(r), alt=media.alt))
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
                "search": search_text(_title(post)),
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


def _title(post: Post) -> str:
    return extra_title(post.extra) or title_of(post.text)


def _without_title(text: str, title: str) -> str:
    """The caption less its first line when that line is the title, shown above it anyway."""
    lines = text.strip().splitlines()
    if lines and lines[0].strip() == title.strip() and len(lines) > 1:
        return "\n".join(lines[1:]).strip()
    return text


def search_text(title: str) -> str:
    """Words WordPress's search cannot read as operators: `-word` means "without word"
    and quotes make phrases, so both are dropped; every word left still matches."""
    words = (w.strip('"').lstrip("-") for w in title.split())
    return " ".join(w for w in words if w)


def _same_tag(site_name: str, ours: str) -> bool:
    # WordPress hands names back HTML-escaped (`Bread &amp; Butter`) and compares them
    # case-insensitively when it refuses a twin.
    return html.unescape(site_name).casefold() == ours.casefold()


def _term_exists(r: httpx.Response) -> int | None:
    """`term_exists` carries the existing term's id in data.term_id."""
    try:
        body = r.json()
        if body.get("code") == "term_exists":
            return int(body["data"]["term_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


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


def _id(r: httpx.Response, what: str) -> int:
    try:
        return int(_json(r)["id"])
    except (KeyError, TypeError, ValueError) as e:
        raise AuthExpired(f"WordPress {what} answered without an id") from e


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
