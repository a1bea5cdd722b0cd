"""Pure AT Protocol helpers for the Bluesky publisher: record keys (TIDs) and facets."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

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


_URL = re.compile(r"https?://[^\s<>\"]+")
_TAG = re.compile(r"(?:^|(?<=\s))#([^\s#\d\W][^\s#]*|\d+[^\s#\d\W][^\s#]*)")
_TRAILING = ".,;:!?)]}'\""


def facets(text: str) -> list[dict[str, Any]]:
    """Link and hashtag facets with UTF-8 byte offsets, for posts the formatter gave none.

    Bluesky shows a bare URL or #tag as plain text unless a facet marks it.
    """
    out: list[tuple[int, int, dict[str, Any]]] = []
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        out.append((m.start(), m.start() + len(url), _feature("link", uri=url)))
    for m in _TAG.finditer(text):
        tag = m.group(1).rstrip(_TRAILING)
        start = m.start(1) - 1
        if any(s <= start < e for s, e, _ in out) or len(tag) > 64:
            continue
        out.append((start, m.start(1) + len(tag), _feature("tag", tag=tag)))
    out.sort(key=lambda f: f[0])
    return [
        {"index": {"byteStart": _b(text, s), "byteEnd": _b(text, e)}, "features": [feat]}
        for s, e, feat in out
    ]


def _feature(kind: str, **fields: str) -> dict[str, Any]:
    return {"$type": f"app.bsky.richtext.facet#{kind}", **fields}


def _b(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))
