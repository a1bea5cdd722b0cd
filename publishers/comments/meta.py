"""What the Meta readers share: the walk over a window of the account's newest posts
and their comments (Facebook too), and for Instagram and Threads a 60-day token
refreshed before it lapses and the account's own username (to know our answers).

A poll walks the posts newest first, and each post's comments newest first until it
reaches the cursor, following Graph cursor paging (`paging.cursors.after`, while
`paging.next` says there is more). Graph cursors are not stored ("your app shouldn't
store cursors"): if a poll's request budget runs out, the cursor keeps the old mark
plus the sweep's progress (posts done, and the newest mark it returned) so the next
poll finishes the other posts and nothing is passed unread or returned twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, ClassVar

from dripcast.core.comments import CommentSource
from dripcast.core.faq import Comment, Cursor
from dripcast.core.publisher import Context
from publishers.comments.base import Budget, Spent, is_new, mark, mark_of, oldest_first
from publishers.meta import graph
from publishers.meta_token import NAME, LongLivedToken, MetaLongLivedAuth


class MetaComments(CommentSource):
    """A comment reader on a Meta graph with a long-lived token; subclasses name the graph."""

    GRAPH: ClassVar[str]
    REFRESH_URL: ClassVar[str]
    GRANT_TYPE: ClassVar[str]

    def __init__(self, owner: str, token: str, ctx: Context) -> None:
        self.owner = owner
        self.http = ctx.http
        self.auth = MetaLongLivedAuth(
            LongLivedToken(
                http=ctx.http,
                creds=ctx.credential(NAME),
                configured=token,
                refresh_url=self.REFRESH_URL,
                grant_type=self.GRANT_TYPE,
            )
        )
        self._username: str | None = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return await graph(self.http, method, f"{self.GRAPH}/{path}", self.auth, **kwargs)

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        return await self._call("GET", path, params=params)

    async def username(self) -> str:
        if self._username is None:
            body = await self._call("GET", self.owner, params={"fields": "username"})
            self._username = str(body.get("username") or "")
        return self._username


Get = Callable[[str, dict[str, str]], Awaitable[dict[str, Any]]]
ToComments = Callable[[list[dict[str, Any]], dict[str, Any]], list[Comment]]


@dataclass(frozen=True, kw_only=True)
class Walk:
    """Where one network keeps a window of posts and their comments."""

    posts: str  # the account's posts edge, newest first: "feed", "media", "threads"
    post_fields: str
    edge: str  # each post's comments edge: "comments", "replies"
    comment_params: dict[str, str] = field(default_factory=dict)  # fields, order, limit
    expanded: bool = True  # the first page of comments comes with the post (field expansion)
    has: str | None = None  # a post field saying it has any comments at all (else: ask)
    window: int = 50  # the newest posts read
    page: int = 25  # posts per request


async def sweep(
    get: Get, owner: str, since: Cursor, walk: Walk, to_comments: ToComments, budget: Budget
) -> tuple[list[Comment], Cursor]:
    """The comments past the cursor on the window's posts, oldest first, and the next cursor."""
    base = mark(since.value)
    state = since.value.get("sweep") or {}
    done: set[str] = set(state.get("done") or ())
    found: list[Comment] = []
    complete = True
    try:
        async for post in _posts(get, f"{owner}/{walk.posts}", walk, budget):
            if str(post["id"]) not in done:
                found += await _comments(get, post, walk, to_comments, base, budget)
                done.add(str(post["id"]))
    except Spent:
        complete = False
    ceiling: dict[str, Any] = state.get("upto") or (
        {} if complete else mark_of(found, base) or base
    )
    if not ceiling:
        done = set()  # nothing to hold the sweep at: the next poll starts it again
    else:  # a sweep over several polls returns nothing past where it began
        found = [c for c in found if not is_new(ceiling, c)]
        ceiling = mark_of(found, ceiling)
    if complete:
        return oldest_first(found), Cursor(value=ceiling or mark_of(found, base))
    value = {**base, "sweep": {"upto": ceiling, "done": sorted(done)}}
    return oldest_first(found), Cursor(value=value)


async def _posts(get: Get, path: str, walk: Walk, budget: Budget) -> AsyncIterator[dict[str, Any]]:
    params = {"fields": walk.post_fields, "limit": str(walk.page)}
    seen = 0
    while True:
        budget.take()
        body = await get(path, params)
        for post in body.get("data") or []:
            yield post
            seen += 1
            if seen >= walk.window:
                return
        after = _next(body)
        if after is None:
            return
        params = {**params, "after": after}


async def _comments(
    get: Get,
    post: dict[str, Any],
    walk: Walk,
    to_comments: ToComments,
    base: dict[str, Any],
    budget: Budget,
) -> list[Comment]:
    if walk.has and post.get(walk.has) is False:
        return []
    page = post.get(walk.edge) if walk.expanded else None
    params = dict(walk.comment_params)
    out: list[Comment] = []
    while True:
        if page is None:
            budget.take()
            page = await get(f"{post['id']}/{walk.edge}", params)
        comments = to_comments(page.get("data") or [], post)
        out += [c for c in comments if is_new(base, c)]
        after = _next(page)
        # Listed newest first, a page that reaches the cursor ends the post, and the
        # first read (no cursor) takes the first page only: the monitor skips old
        # comments anyway. Meta does not document the order for every edge (its IG
        # guide's example lists oldest first): a page listed otherwise is read on.
        newest_first = all(a.created_at >= b.created_at for a, b in pairwise(comments))
        if after is None or (newest_first and (not base or len(out) < len(comments))):
            return out
        params, page = {**params, "after": after}, None


def _next(body: dict[str, Any]) -> str | None:
    """The cursor of the next page, only while Graph says there is one (`paging.next`)."""
    paging = body.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after")
    return str(after) if paging.get("next") and after else None
