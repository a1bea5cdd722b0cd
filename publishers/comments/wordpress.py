"""WordPress: comments on the site's posts (the brand's blog), answered with `parent`.

    GET  /wp/v2/comments?after=…&orderby=date_gmt&order=asc&context=edit   oldest first
    POST /wp/v2/comments  {post, parent, content}                          the answer
    GET  /wp/v2/comments?parent=…&author=…                                 our answer, if any

Authenticated (application password), so held and pending comments are seen too.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import httpx

from dripcast.core.channels import WordPress
from dripcast.core.comments import CommentSource
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import after, text_of, when
from publishers.http import send
from publishers.wordpress import _error

PAGES = 10


class WordPressComments(CommentSource):
    def __init__(self, channel: WordPress, ctx: Context) -> None:
        self.http = ctx.http
        self.api = channel.site.rstrip("/") + "/wp-json/wp/v2"
        self._auth = httpx.BasicAuth(channel.user, channel.app_password.get_secret_value())
        self._me: int | None = None

    async def _get(self, path: str, params: dict[str, str]) -> httpx.Response:
        r = await send(self.http, "GET", f"{self.api}/{path}", auth=self._auth, params=params)
        if not r.is_success:
            raise _error(r)
        return r

    async def me(self) -> int:
        if self._me is None:
            self._me = int((await self._get("users/me", {"_fields": "id"})).json()["id"])
        return self._me

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.me()
        params = {"orderby": "date_gmt", "order": "asc", "per_page": "100", "context": "edit"}
        if since.value.get("after"):
            # `after` is exclusive and compared with the site's local `date`: a time
            # without an offset is taken as local, so send it in UTC with its offset,
            # a second early, and let the cursor sort it out.
            start = when(since.value["after"]).astimezone(UTC) - timedelta(seconds=1)
            params["after"] = start.isoformat(timespec="seconds")
        found: list[Comment] = []
        for page in range(1, PAGES + 1):
            r = await self._get("comments", {**params, "page": str(page)})
            found += [self._comment(c, me) for c in r.json()]
            if page >= int(r.headers.get("x-wp-totalpages", "1") or 1):
                break
        return after(since, found)

    def _comment(self, c: dict[str, Any], me: int) -> Comment:
        content = c.get("content") or {}
        raw = content.get("raw") if isinstance(content, dict) else None
        parent = c.get("parent") or 0
        return Comment(
            network="wordpress",
            external_id=str(c["id"]),
            parent=str(parent) if parent else f"post:{c.get('post')}",
            thread=f"post:{c.get('post')}",
            text=str(raw) if raw else text_of(str(content.get("rendered") or "")),
            author=str(c.get("author_name") or ""),
            created_at=when(c.get("date_gmt")),
            own=int(c.get("author") or 0) == me,
            url=c.get("link"),
            post_url=str(c["link"]).partition("#")[0] if c.get("link") else None,
            reply_to={"post": c.get("post")},
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        body = {
            "post": comment.reply_to.get("post"),
            "parent": int(comment.external_id),
            "content": text,
        }
        r = await send(self.http, "POST", f"{self.api}/comments", auth=self._auth, json=body)
        if not r.is_success:
            raise _error(r)
        doc = r.json()
        return Replied(external_id=str(doc["id"]), url=doc.get("link"))

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        me = await self.me()
        r = await self._get(
            "comments", {"parent": comment.external_id, "author": str(me), "context": "edit"}
        )
        for c in r.json():
            content = c.get("content") or {}
            said = content.get("raw") or text_of(str(content.get("rendered") or ""))
            if said.strip() == text.strip():
                return Replied(external_id=str(c["id"]), url=c.get("link"))
        return None
