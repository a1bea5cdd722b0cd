"""Facebook Page: comments on the page's 50 newest posts, answered under the comment.

    GET  /{page-id}/feed?fields=id,permalink_url,comments.filter(stream)
         .order(reverse_chronological).limit(50){…}&limit=25          posts with comments
    GET  /{post-id}/comments?filter=stream&order=reverse_chronological&after=…   more
    GET  /{comment-id}/comments                                           our answer, if any
    POST /{comment-id}/comments  message                                  the answer

No idempotency key: a crash mid-answer is settled by looking for our answer first.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import Facebook
from dripcast.core.comments import CommentSource
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import Budget, when
from publishers.comments.meta import Walk, sweep
from publishers.meta import FACEBOOK_GRAPH, graph

COMMENT_FIELDS = "id,message,from,created_time,parent{id},permalink_url"
# `stream` lists replies beside top-level comments, each at its own time, so newest
# first reaches every new reply too. 2 requests a poll for 50 posts, plus one per 100
# further new comments on a post; 20 is the most one poll spends.
WALK = Walk(
    posts="feed",
    post_fields=(
        "id,permalink_url,comments.filter(stream).order(reverse_chronological)"
        f".limit(50){{{COMMENT_FIELDS}}}"
    ),
    edge="comments",
    comment_params={
        "filter": "stream",
        "order": "reverse_chronological",
        "fields": COMMENT_FIELDS,
        "limit": "100",
    },
)
REQUESTS = 20


class FacebookComments(CommentSource):
    def __init__(self, channel: Facebook, ctx: Context) -> None:
        self.page = channel.page_id
        self.token = channel.token.get_secret_value()
        self.http = ctx.http

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return await graph(self.http, method, f"{FACEBOOK_GRAPH}/{path}", self.token, **kwargs)

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        return await self._call("GET", path, params=params)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        return await sweep(self._get, self.page, since, WALK, self._comments, Budget(REQUESTS))

    def _comments(self, items: list[dict[str, Any]], post: dict[str, Any]) -> list[Comment]:
        return [self._comment(c, post) for c in items]

    def _comment(self, c: dict[str, Any], post: dict[str, Any]) -> Comment:
        who = c.get("from") or {}
        parent = (c.get("parent") or {}).get("id") or post["id"]
        return Comment(
            network="facebook",
            external_id=str(c["id"]),
            parent=str(parent),
            thread=str(post["id"]),
            text=str(c.get("message") or ""),
            author=str(who.get("name") or who.get("id") or ""),
            created_at=when(c.get("created_time")),
            own=str(who.get("id")) == self.page,
            url=c.get("permalink_url"),
            post_url=post.get("permalink_url"),
            reply_to={"comment": str(c["id"])},
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        body = await self._call("POST", f"{comment.external_id}/comments", data={"message": text})
        return Replied(external_id=str(body["id"]))

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        body = await self._call(
            "GET",
            f"{comment.external_id}/comments",
            params={"fields": "id,message,from,permalink_url"},
        )
        for c in body.get("data") or []:
            if str((c.get("from") or {}).get("id")) == self.page and c.get("message") == text:
                return Replied(external_id=str(c["id"]), url=c.get("permalink_url"))
        return None
