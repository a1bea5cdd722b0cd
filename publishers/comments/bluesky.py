"""Bluesky: replies and mentions from the notification list, answered under a key we choose.

    GET  app.bsky.notification.listNotifications   newest first; `cursor` pages older
                                                   (at most PAGES a poll; the rest next poll)
    POST com.atproto.repo.createRecord             app.bsky.feed.post with reply {root, parent}
    GET  com.atproto.repo.getRecord                our answer, if a crash left it unknown

The answer's rkey is a TID derived from the answer's key, so a retry writes the same
record and cannot post twice (as the publisher does for posts).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from dripcast.core.channels import Bluesky
from dripcast.core.comments import CommentSource
from dripcast.core.errors import OutcomeUnknown, Retryable
from dripcast.core.faq import Comment, Cursor, Replied
from dripcast.core.publisher import Context
from publishers.atproto import post_rkey
from publishers.bluesky import get_record
from publishers.bluesky_session import raise_for, session_for
from publishers.comments.base import after, is_new, mark, mark_of, oldest_first, when

COLLECTION = "app.bsky.feed.post"
REASONS = ("reply", "mention")
PAGES = 10


def reply_rkey(key: str) -> str:
    n = int.from_bytes(hashlib.sha256(key.encode()).digest()[:5], "big")
    return post_rkey(n, "faq-reply")


class BlueskyComments(CommentSource):
    def __init__(self, channel: Bluesky, ctx: Context) -> None:
        self.session = session_for(channel, ctx)

    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        did = await self.session.did()
        base = mark(since.value)
        # A read that hit PAGES resumes where it stopped (the list's own cursor, older
        # pages), held at the newest mark it returned, until it reaches the old mark.
        backlog = since.value.get("backlog") or {}
        page: str | None = backlog.get("page")
        found: list[Comment] = []
        for _ in range(PAGES):
            params: dict[str, str] = {"limit": "100"}
            if page:
                params["cursor"] = page
            r = await self.session.call(
                "GET", "app.bsky.notification.listNotifications", params=params
            )
            body = r.json()
            items = body.get("notifications") or []
            found += [self._comment(n, did) for n in items if n.get("reason") in REASONS]
            page = body.get("cursor")
            oldest = min((when(n.get("indexedAt")) for n in items), default=None)
            start = base.get("after")
            if not page or not items or not start or (oldest and oldest <= when(start)):
                break
        else:
            new = [c for c in found if is_new(base, c)]
            upto = backlog.get("upto") or mark_of(new, base) or base
            value = {**base, "backlog": {"page": page, "upto": upto}}
            return oldest_first(new), Cursor(value=value)
        if backlog.get("upto"):
            new = oldest_first(c for c in found if is_new(base, c))
            return new, Cursor(value=mark_of(new, backlog["upto"]))
        return after(since, found)

    def _comment(self, n: dict[str, Any], did: str) -> Comment:
        record = n.get("record") or {}
        me = {"uri": n["uri"], "cid": n["cid"]}
        reply = record.get("reply") or {}
        root = reply.get("root") or me
        author = n.get("author") or {}
        rkey = str(n["uri"]).rsplit("/", 1)[-1]
        return Comment(
            network="bluesky",
            external_id=str(n["uri"]),
            parent=(reply.get("parent") or {}).get("uri"),
            thread=str(root["uri"]),
            text=str(record.get("text") or ""),
            author=str(author.get("handle") or author.get("did") or ""),
            # the time the AppView saw it: what the notification list is ordered by
            created_at=when(n.get("indexedAt")),
            own=author.get("did") == did,
            url=f"https://bsky.app/profile/{author.get('did')}/post/{rkey}",
            post_url=_web(str(root["uri"])),
            reply_to={"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": me},
        )

    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        did = await self.session.did()
        rkey = reply_rkey(key)
        record = {
            "$type": COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "reply": {"root": comment.reply_to["root"], "parent": comment.reply_to["parent"]},
        }
        body = {"repo": did, "collection": COLLECTION, "rkey": rkey, "record": record}
        try:
            r = await self.session.request("POST", "com.atproto.repo.createRecord", json=body)
        except OutcomeUnknown as e:
            raise Retryable(f"{e} (safe to retry: same rkey)") from e
        if r.is_success:
            return self._replied(did, rkey, r.json().get("uri"))
        existing = await self.find_reply(comment, text, key)
        if existing is not None:
            return existing  # an earlier attempt made it; the key is ours
        raise_for(r)
        raise Retryable(f"createRecord answered {r.status_code}")

    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        did = await self.session.did()
        rkey = reply_rkey(key)
        r = await get_record(self.session, did, rkey)
        if r is None:
            return None
        body = r.json()
        value = body.get("value") or {}
        parent = ((value.get("reply") or {}).get("parent") or {}).get("uri")
        if parent != comment.external_id:
            return None
        return self._replied(did, rkey, body.get("uri"))

    def _replied(self, did: str, rkey: str, uri: Any) -> Replied:
        return Replied(
            external_id=str(uri or f"at://{did}/{COLLECTION}/{rkey}"),
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
        )


def _web(uri: str) -> str:
    """at://did/app.bsky.feed.post/rkey → the bsky.app page of that post."""
    did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
    return f"https://bsky.app/profile/{did}/post/{rkey}"
