"""The interface every network's comment reader implements: read from a cursor, reply once.

One small capability class per network beside its publisher (publishers/comments/),
not more methods on `Publisher`. Raise from `dripcast.core.errors` as publishers do:
a `Retryable` (429, outage) leaves the cursor where it was, so nothing is lost or
read twice.
"""

from __future__ import annotations

import abc

from dripcast.core.faq import Comment, Cursor, Replied


class CommentSource(abc.ABC):
    """Comments, replies and mentions on one channel, and the brand's answers to them."""

    @abc.abstractmethod
    async def read(self, since: Cursor) -> tuple[list[Comment], Cursor]:
        """Comments newer than `since` (oldest first) and the cursor after them.

        An empty cursor means the first read. Raise rather than return a partial page.
        """

    @abc.abstractmethod
    async def reply(self, comment: Comment, text: str, key: str) -> Replied:
        """Post `text` as the brand's answer in the comment's thread.

        `key` is the same for every attempt at one answer: networks with an
        idempotency key or a record key of our choosing use it, so a retry cannot
        post twice.
        """

    @abc.abstractmethod
    async def find_reply(self, comment: Comment, text: str, key: str) -> Replied | None:
        """The brand's answer if it is already live (a crash left the outcome unknown)."""
