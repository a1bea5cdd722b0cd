"""Mastodon: mentions (a reply to our status mentions us), answered in the thread.

    GET  /api/v1/notifications?types[]=mention&min_id=…   oldest page after min_id first
    GET  /api/v1/statuses/:id/context                      descendants, to find our answer
    POST /api/v1/statuses  status, in_reply_to_id          with an Idempotency-Key

`min_id` (not `since_id`) pages forward without gaps when more than a page arrived.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import Mastodon
from dripcast.core.comments import CommentSource
from dripcast.core.errors import OutcomeUnknown, Retryable
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import text_of, when
from publishers.http import check, send

PAGES = 10


class MastodonComments(CommentSource):
    def __init__(self, channel: Mastodon, ctx: Context) -> None:
        self.base = channel.instance.rstrip("/")
        self.http = ctx.http
        self.auth = {"Authorization": f"Bearer {channel.token.get_secret_value()}"}
        self._me: str | None = None

    async def me(self) -> str:
        if self._me is None:
            r = await send(
                self.http,
                "GET",
                f"{self.base}/api/v1/accounts/verify_credentials",
                headers=self.auth,
            )
            self._me = str(check(r).json()["id"])
        return self._me

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.me()
        min_id = since.value.get("min_id")
        out: list[Comment] = []
        for _ in range(PAGES):
            params: dict[str, str] = {"types[]": "mention", "limit": "40"}
            if min_id:
                params["min_id"] = str(min_id)
            r = await send(
                self.http,
                "GET",
                f"{self.base}/api/v1/notifications",
                params=params,
                headers=self.auth,
            )
            page = check(r).json()
            if not page:
                break
            page = sorted(page, key=lambda n: _order(n["id"]))
            out += [self._comment(n["status"], me) for n in page if n.get("status")]
            min_id = page[-1]["id"]
            if len(page) < 40:
                break
        return out, Cursor(value={"min_id": min_id} if min_id else {})

    def _comment(self, status: dict[str, Any], me: str) -> Comment:
        account = status.get("account") or {}
        parent = status.get("in_reply_to_id")
        return Comment(
            network="mastodon",
            external_id=str(status["id"]),
            parent=str(parent) if parent else None,
            thread=str(parent or status["id"]),
            text=text_of(str(status.get("content") or "")),
            author=str(account.get("acct") or ""),
            created_at=when(status.get("created_at")),
            own=str(account.get("id")) == me,
            url=status.get("url") or status.get("uri"),
            post_url=f"{self.base}/web/statuses/{parent}" if parent else None,
            reply_to={"acct": account.get("acct"), "visibility": status.get("visibility")},
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        acct = comment.reply_to.get("acct")
        visibility = comment.reply_to.get("visibility")
        fields = {
            "status": f"@{acct} {text}" if acct else text,
            "in_reply_to_id": comment.external_id,
            "visibility": visibility
            if visibility in ("public", "unlisted", "private", "direct")
            else "public",
        }
        headers = {**self.auth, "Idempotency-Key": f"dripcast-reply-{key}"}
        try:
            r = await send(
                self.http, "POST", f"{self.base}/api/v1/statuses", data=fields, headers=headers
            )
        except OutcomeUnknown as e:
            raise Retryable(f"{e} (safe to retry: same Idempotency-Key)", retry_after=30) from e
        body = check(r).json()
        return Replied(external_id=str(body["id"]), url=body.get("url"))

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        me = await self.me()
        r = await send(
            self.http,
            "GET",
            f"{self.base}/api/v1/statuses/{comment.external_id}/context",
            headers=self.auth,
        )
        for s in check(r).json().get("descendants") or []:
            mine = str((s.get("account") or {}).get("id")) == me
            if mine and str(s.get("in_reply_to_id")) == comment.external_id:
                return Replied(external_id=str(s["id"]), url=s.get("url"))
        return None


def _order(status_id: Any) -> tuple[int, str]:
    s = str(status_id)
    return (len(s), s)  # snowflake ids: longer is newer, then lexical
