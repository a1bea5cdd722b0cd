"""What the comment readers share: HTML to text, times, and the time-based cursor."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
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


def after(since: Cursor, comments: Iterable[Comment]) -> tuple[list[Comment], Cursor]:
    """For networks read by time: the comments past the cursor, oldest first, and the next cursor.

    The cursor is the newest time seen and the ids seen at exactly that time, so two
    comments in the same second are neither lost nor read twice.
    """
    last = since.value.get("after")
    seen = set(since.value.get("seen") or ())
    start = when(last) if last else None
    new = sorted(
        (
            c
            for c in comments
            if start is None
            or c.created_at > start
            or (c.created_at == start and c.external_id not in seen)
        ),
        key=lambda c: (c.created_at, c.external_id),
    )
    unique = list({c.external_id: c for c in new}.values())
    if not unique:
        return [], since
    top = unique[-1].created_at
    ids = [c.external_id for c in unique if c.created_at == top]
    if start is not None and top == start:
        ids += list(seen)
    return unique, Cursor(value={"after": top.isoformat(), "seen": sorted(set(ids))})
