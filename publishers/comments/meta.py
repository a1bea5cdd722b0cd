"""What the Instagram and Threads readers share: a 60-day token refreshed before it
lapses, calls to one graph, and the account's own username (to know our answers).
"""

from __future__ import annotations

from typing import Any, ClassVar

from dripcast.core.comments import CommentSource
from dripcast.core.publisher import Context
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

    async def username(self) -> str:
        if self._username is None:
            body = await self._call("GET", self.owner, params={"fields": "username"})
            self._username = str(body.get("username") or "")
        return self._username
