"""What the comment readers share: HTML to text, times, the time-based cursor, a request budget."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from dripcast.core.faq import Comment, Cursor

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


def text_of(markup: str) -> str:
    """Mastodon and WordPress give HTML: paragraphs and breaks become new lines."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", markup))).strip()


def when(value: Any) -> datetime:
    """An ISO 8601 time (`Z`, `+0000` or naive UTC, as the networks write them)."""
    if not isinstance(value, str) or not value:
        return datetime.now(UTC)
    v = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", v):
        v = v[:-2] + ":" + v[-2:]
    t = datetime.fromisoformat(v)
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def is_new(mark: Mapping[str, Any], c: Comment) -> bool:
    """Whether `c` is past a time mark ({"after": time, "seen": ids at that time}); an empty mark passes all."""
    last = mark.get("after")
    if not last:
        return True
    start = when(last)
    return c.created_at > start or (
        c.created_at == start and c.external_id not in set(mark.get("seen") or ())
    )


def mark_of(comments: Iterable[Comment], base: Mapping[str, Any]) -> dict[str, Any]:
    """The mark just past `comments` and `base`: the newest time and every id seen at it."""
    top = when(base["after"]) if base.get("after") else None
    ids = set(base.get("seen") or ())
    for c in comments:
        if top is None or c.created_at > top:
            top, ids = c.created_at, {c.external_id}
        elif c.created_at == top:
            ids.add(c.external_id)
    return {"after": top.isoformat(), "seen": sorted(ids)} if top else {}


def mark(value: Mapping[str, Any]) -> dict[str, Any]:
    """The time mark inside a cursor value (which may carry more, like a resumable sweep)."""
    return {k: value[k] for k in ("after", "seen") if k in value}


def oldest_first(comments: Iterable[Comment]) -> list[Comment]:
    unique = {c.external_id: c for c in comments}
    return sorted(unique.values(), key=lambda c: (c.created_at, c.external_id))


def after(since: Cursor, comments: Iterable[Comment]) -> tuple[list[Comment], Cursor]:
    """For networks read by time: the comments past the cursor, oldest first, and the next cursor.

    The cursor is the newest time seen and the ids seen at exactly that time, so two
    comments in the same second are neither lost nor read twice. Only for a read that
    reached the cursor: a read that stopped early must not move it past what it skipped.
    """
    base = mark(since.value)
    new = oldest_first(c for c in comments if is_new(base, c))
    if not new:
        return [], since
    return new, Cursor(value=mark_of(new, base))


class Spent(Exception):
    """A poll's request budget ran out; the reader keeps its place for the next poll."""


class Budget:
    """The requests one poll may spend on a network (its rate limit shared with answering)."""

    def __init__(self, requests: int) -> None:
        self.left = requests

    def take(self) -> None:
        if self.left <= 0:
            raise Spent
        self.left -= 1
