"""Threads: replies to the account's recent threads, answered with a reply container.

    GET  /{user-id}/threads?fields=id,permalink,timestamp                 recent threads
    GET  /{threads-media-id}/replies?fields=id,text,username,timestamp,permalink
    POST /{user-id}/threads  media_type=TEXT, text, reply_to_id           → container
    POST /{user-id}/threads_publish?creation_id=…                         → the answer

A container is not a post: one made before a crash expires unpublished, so the only
thing to check before sending again is whether our answer is already live.
"""

from __future__ import annotations

from dripcast.core.channels import Threads
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import after, when
from publishers.comments.meta import MetaComments
from publishers.meta import THREADS_GRAPH
from publishers.threads import REFRESH_URL

POSTS = 10
FIELDS = "id,text,username,timestamp,permalink"


class ThreadsComments(MetaComments):
    GRAPH = THREADS_GRAPH
    REFRESH_URL = REFRESH_URL
    GRANT_TYPE = "th_refresh_token"

    def __init__(self, channel: Threads, ctx: Context) -> None:
        super().__init__(channel.user_id, channel.token.get_secret_value(), ctx)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.username()
        posts = await self._call(
            "GET",
            f"{self.owner}/threads",
            params={"fields": "id,permalink,timestamp", "limit": str(POSTS)},
        )
        found: list[Comment] = []
        for p in posts.get("data") or []:
            body = await self._call("GET", f"{p['id']}/replies", params={"fields": FIELDS})
            for c in body.get("data") or []:
                who = str(c.get("username") or "")
                found.append(
                    Comment(
                        network="threads",
                        external_id=str(c["id"]),
                        parent=str(p["id"]),
                        thread=str(p["id"]),
                        text=str(c.get("text") or ""),
                        author=who,
                        created_at=when(c.get("timestamp")),
                        own=who == me,
                        url=c.get("permalink"),
                        post_url=p.get("permalink"),
                    )
                )
        return after(since, found)

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
