"""X: mentions (replies to us mention us), answered with `reply.in_reply_to_tweet_id`.

    GET  /2/users/:id/mentions?since_id=…   newest first, `pagination_token` pages older
                                            (at most PAGES a poll; `until_id` resumes)
    POST /2/tweets  {text, reply: {in_reply_to_tweet_id}}
    GET  /2/users/:id/tweets                our answer, if a crash left it unknown

Reading mentions needs a paid access level; the free level answers 403.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import X
from dripcast.core.comments import CommentSource
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.comments.base import when
from publishers.x import XPublisher, _comparable, _data, _error

PAGES = 5


class XComments(CommentSource):
    def __init__(self, channel: X, ctx: Context) -> None:
        self.api = XPublisher(channel, ctx)  # its token handling and one request helper
        self._me: dict[str, Any] | None = None

    async def me(self) -> dict[str, Any]:
        if self._me is None:
            self._me = await self.api._me()
        return self._me

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        me = await self.me()
        since_id = since.value.get("since_id")
        # A read that hit PAGES keeps since_id and goes on below the oldest it read
        # (`until_id`) next poll; the newest id it saw becomes since_id once it is done.
        until_id = since.value.get("until_id")
        newest: str | None = since.value.get("newest")
        params: dict[str, str] = {
            "max_results": "100",
            "tweet.fields": "created_at,conversation_id,author_id,referenced_tweets",
            "expansions": "author_id",
            "user.fields": "username",
        }
        if since_id:
            params["since_id"] = str(since_id)
        if until_id:
            params["until_id"] = str(until_id)
        found: list[Comment] = []
        for _ in range(PAGES):
            r = await self.api._call("GET", f"/2/users/{me['id']}/mentions", params=params)
            if not r.is_success:
                raise _error(r)
            body = r.json()
            meta = body.get("meta") or {}
            users = {
                u["id"]: u.get("username") for u in (body.get("includes") or {}).get("users") or []
            }
            for t in body.get("data") or []:
                found.append(self._comment(t, users, str(me["id"])))
            newest = newest or meta.get("newest_id")
            token = meta.get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        else:
            found.sort(key=lambda c: _order(c.external_id))
            oldest = found[0].external_id if found else until_id
            held = {"since_id": since_id, "until_id": oldest, "newest": newest}
            return found, Cursor(value={k: v for k, v in held.items() if v})
        found.sort(key=lambda c: _order(c.external_id))
        last = newest or since_id
        return found, Cursor(value={"since_id": last} if last else {})

    def _comment(self, t: dict[str, Any], users: dict[str, Any], me: str) -> Comment:
        parent = next(
            (r["id"] for r in t.get("referenced_tweets") or [] if r.get("type") == "replied_to"),
            None,
        )
        author = users.get(str(t.get("author_id"))) or str(t.get("author_id") or "")
        return Comment(
            network="x",
            external_id=str(t["id"]),
            parent=str(parent) if parent else None,
            thread=str(t.get("conversation_id") or t["id"]),
            text=str(t.get("text") or ""),
            author=str(author),
            created_at=when(t.get("created_at")),
            own=str(t.get("author_id")) == me,
            url=f"https://x.com/{author}/status/{t['id']}",
            post_url=f"https://x.com/i/web/status/{t.get('conversation_id') or t['id']}",
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        body = {"text": text, "reply": {"in_reply_to_tweet_id": comment.external_id}}
        r = await self.api._call("POST", "/2/tweets", json=body)
        if not r.is_success:
            raise _error(r)
        tid = str(_data(r)["id"])
        return Replied(external_id=tid, url=f"https://x.com/i/web/status/{tid}")

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        me = await self.me()
        r = await self.api._call(
            "GET",
            f"/2/users/{me['id']}/tweets",
            params={"max_results": "20", "tweet.fields": "referenced_tweets"},
        )
        if not r.is_success:
            raise _error(r)
        for t in r.json().get("data") or []:
            to = [
                x.get("id")
                for x in t.get("referenced_tweets") or []
                if x.get("type") == "replied_to"
            ]
            if comment.external_id in to and _comparable(str(t.get("text"))).endswith(
                _comparable(text)
            ):
                return Replied(
                    external_id=str(t["id"]), url=f"https://x.com/i/web/status/{t['id']}"
                )
        return None


def _order(tweet_id: str) -> tuple[int, str]:
    return (len(tweet_id), tweet_id)  # snowflake ids: longer is newer, then lexical
