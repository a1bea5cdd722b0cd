"""Pure AT Protocol helpers for the Bluesky publisher: record keys (TIDs).

Facets are not found here: the formatter's `extra["facets"]` (formatters/facets.py,
following @atproto/api's own detector) is the one place links and tags are found.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")

# dripcast's record keys count microseconds from here: one per post id. The
# timestamp in an rkey is only an ordering hint; clients sort by createdAt.
TID_BASE_US = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000


def tid(micros: int, clock_id: int) -> str:
    """A TID: 53 bits of microseconds, 10 bits of clock id, base32-sortable in 13 chars."""
    if not 0 <= micros < 1 << 53:
        raise ValueError(f"TID timestamp out of range: {micros}")
    n = (micros << 10) | (clock_id & 0x3FF)
    return "".join(B32_SORTABLE[(n >> (60 - 5 * i)) & 31] for i in range(13))


def post_rkey(post_id: int, scope: str, attempt: int = 0) -> str:
    """The record key for a post: the same for every retry, so a retry cannot duplicate.

    `scope` (brand/channel) picks the clock id, so two channels posting the same
    post id to one account do not collide; `attempt` steps to the next clock id
    when the key is already taken by a record that is not this post.
    """
    if post_id < 0:
        raise ValueError(f"post id must not be negative: {post_id}")
    clock = int.from_bytes(hashlib.sha256(scope.encode()).digest()[:2], "big")
    return tid(TID_BASE_US + post_id, clock + attempt)
