"""Threads: replies to the account's 25 newest threads, answered with a reply container.

    GET  /{user-id}/threads?fields=id,permalink,timestamp,has_replies&limit=25
    GET  /{threads-media-id}/replies?fields=…&reverse=true&after=…   newest first, paged
    POST /{user-id}/threads  media_type=TEXT, text, reply_to_id           → container
    POST /{user-id}/threads_publish?creation_id=…                         → the answer

A container is not a post: one made before a crash expires unpublished, so the only
thing to check before sending again is whether our answer is already live.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import Threads
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import Budget, when
from publishers.comments.meta import MetaComments, Walk, sweep
from publishers.meta import THREADS_GRAPH
from publishers.threads import REFRESH_URL

FIELDS = "id,text,username,timestamp,permalink"
# Threads documents no field expansion of replies: one request for the 25 threads and
# one per thread that `has_replies`, plus one per 50 further new replies on a thread.
WALK = Walk(
    posts="threads",
    post_fields="id,permalink,timestamp,has_replies",
    edge="replies",
    comment_params={"fields": FIELDS, "reverse": "true", "limit": "50"},
    expanded=False,
    has="has_replies",
    window=25,
)
REQUESTS = 40


class ThreadsComments(MetaComments):
    GRAPH = THREADS_GRAPH
    REFRESH_URL = REFRESH_URL
    GRANT_TYPE = "th_refresh_token"

    def __init__(self, channel: Threads, ctx: Context) -> None:
        super().__init__(channel.user_id, channel.token.get_secret_value(), ctx)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.username()

        def replies(items: list[dict[str, Any]], post: dict[str, Any]) -> list[Comment]:
            return [
                Comment(
                    network="threads",
                    external_id=str(c["id"]),
                    parent=str(post["id"]),
                    thread=str(post["id"]),
                    text=str(c.get("text") or ""),
                    author=str(c.get("username") or ""),
                    created_at=when(c.get("timestamp")),
                    own=c.get("username") == me,
                    url=c.get("permalink"),
                    post_url=post.get("permalink"),
                )
                for c in items
            ]

        return await sweep(self._get, self.owner, since, WALK, replies, Budget(REQUESTS))

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        container = await self._call(
            "POST",
            f"{self.owner}/threads",
            data={"media_type": "TEXT", "text": text, "reply_to_id": comment.external_id},
        )
        body = await self._call(
            "POST", f"{self.owner}/threads_publish", params={"creation_id": str(container["id"])}
        )
        return Replied(external_id=str(body["id"]))

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        me = await self.username()
        body = await self._call("GET", f"{comment.external_id}/replies", params={"fields": FIELDS})
        for r in body.get("data") or []:
            if r.get("username") == me and r.get("text") == text:
                return Replied(external_id=str(r["id"]), url=r.get("permalink"))
        return None
