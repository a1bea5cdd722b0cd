"""Instagram: comments on the account's recent media, answered as replies.

    GET  /{ig-user-id}/media?fields=id,permalink,timestamp         recent media
    GET  /{ig-media-id}/comments?fields=id,text,username,timestamp,from,replies{…}
    POST /{ig-comment-id}/replies  message                          the answer
    GET  /{ig-comment-id}/replies                                   our answer, if any

Instagram threads one level deep: an answer to a reply goes under its top comment.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import Instagram
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import after, when
from publishers.comments.meta import MetaComments
from publishers.instagram import REFRESH_URL
from publishers.meta import INSTAGRAM_GRAPH

MEDIA = 10
FIELDS = "id,text,username,timestamp,from"


class InstagramComments(MetaComments):
    GRAPH = INSTAGRAM_GRAPH
    REFRESH_URL = REFRESH_URL
    GRANT_TYPE = "ig_refresh_token"

    def __init__(self, channel: Instagram, ctx: Context) -> None:
        super().__init__(channel.account_id, channel.token.get_secret_value(), ctx)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.username()
        media = await self._call(
            "GET",
            f"{self.owner}/media",
            params={"fields": "id,permalink,timestamp", "limit": str(MEDIA)},
        )
        found: list[Comment] = []
        for m in media.get("data") or []:
            body = await self._call(
                "GET",
                f"{m['id']}/comments",
                params={"fields": f"{FIELDS},replies{{{FIELDS}}}", "limit": "50"},
            )
            for c in body.get("data") or []:
                found.append(self._comment(c, m, me, top=str(c["id"])))
                for r in (c.get("replies") or {}).get("data") or []:
                    found.append(self._comment(r, m, me, top=str(c["id"])))
        return after(since, found)

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
