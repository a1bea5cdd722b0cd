"""Instagram: comments on the account's 50 newest media, answered as replies.

    GET  /{ig-user-id}/media?fields=id,permalink,comments.limit(50){…,replies{…}}&limit=25
    GET  /{ig-media-id}/comments?fields=…,replies{…}&after=…       more, newest first
    POST /{ig-comment-id}/replies  message                          the answer
    GET  /{ig-comment-id}/replies                                   our answer, if any

Instagram threads one level deep: an answer to a reply goes under its top comment.
Comments come newest first; a new reply to a comment older than the cursor is seen
only while that comment is on a page the poll reads (its replies come with it).
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import Instagram
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import Budget, when
from publishers.comments.meta import MetaComments, Walk, sweep
from publishers.instagram import REFRESH_URL
from publishers.meta import INSTAGRAM_GRAPH

FIELDS = "id,text,username,timestamp,from"
THREAD = f"{FIELDS},replies.limit(50){{{FIELDS}}}"
# Comments expanded into the media list: 2 requests a poll for 50 media, plus one per
# 50 further new comments on a medium. Instagram allows about 200 calls an hour per
# account, shared with answering: at `faq.poll: 5m` (12 polls) a poll spends at most 10.
WALK = Walk(
    posts="media",
    post_fields=f"id,permalink,timestamp,comments.limit(50){{{THREAD}}}",
    edge="comments",
    comment_params={"fields": THREAD, "limit": "50"},
)
REQUESTS = 10


class InstagramComments(MetaComments):
    GRAPH = INSTAGRAM_GRAPH
    REFRESH_URL = REFRESH_URL
    GRANT_TYPE = "ig_refresh_token"

    def __init__(self, channel: Instagram, ctx: Context) -> None:
        super().__init__(channel.account_id, channel.token.get_secret_value(), ctx)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.username()

        def comments(items: list[dict[str, Any]], media: dict[str, Any]) -> list[Comment]:
            found: list[Comment] = []
            for c in items:
                found.append(self._comment(c, media, me, top=str(c["id"])))
                for r in (c.get("replies") or {}).get("data") or []:
                    found.append(self._comment(r, media, me, top=str(c["id"])))
            return found

        return await sweep(self._get, self.owner, since, WALK, comments, Budget(REQUESTS))

    def _comment(self, c: dict[str, Any], media: dict[str, Any], me: str, *, top: str) -> Comment:
        who = str(c.get("username") or (c.get("from") or {}).get("username") or "")
        own = who == me or str((c.get("from") or {}).get("id")) == self.owner
        return Comment(
            network="instagram",
            external_id=str(c["id"]),
            parent=str(media["id"]) if top == str(c["id"]) else top,
            thread=str(media["id"]),
            text=str(c.get("text") or ""),
            author=who,
            created_at=when(c.get("timestamp")),
            own=own,
            post_url=media.get("permalink"),
            reply_to={"comment": top},
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        target = comment.reply_to.get("comment") or comment.external_id
        body = await self._call("POST", f"{target}/replies", data={"message": text})
        return Replied(external_id=str(body["id"]))

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        me = await self.username()
        target = comment.reply_to.get("comment") or comment.external_id
        body = await self._call("GET", f"{target}/replies", params={"fields": "id,text,username"})
        for r in body.get("data") or []:
            if r.get("username") == me and r.get("text") == text:
                return Replied(external_id=str(r["id"]))
        return None
