"""What the queue commands show: the schedule, quarantined messages, a post's history."""

from __future__ import annotations

from typing import Any

from dripcast.app.context import App
from dripcast.core.lifecycle import MessageStatus, PostStatus
from dripcast.store import lifecycle
from dripcast.store import queries as store

WAITING = tuple(s.value for s in (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.HELD))
QUARANTINED = tuple(
    m.value for m in (MessageStatus.REFUSED, MessageStatus.HELD, MessageStatus.FAILED)
)


def posts(app: App, *, brand: str | None, held: bool, show_all: bool) -> list[dict[str, Any]]:
    statuses: tuple[str, ...] = (PostStatus.HELD.value,) if held else WAITING
    return store.posts(app.engine, brand=brand, statuses=() if show_all else statuses)


def quarantined(app: App, *, brand: str | None) -> list[dict[str, Any]]:
    return store.messages(app.engine, brand=brand, statuses=QUARANTINED)


def history(app: App, post: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The post and its events, oldest first. KeyError if there is no such post."""
    rows = store.posts(app.engine, ids=[post])
    if not rows:
        raise KeyError(post)
    return rows[0], lifecycle.history(app.engine, post)


def posts_of(
    app: App, *, post: int | None = None, submission: int | None = None
) -> list[dict[str, Any]]:
    """One post, or a submission's posts."""
    ids, messages = ([post], []) if post is not None else ([], [submission or 0])
    return store.posts(app.engine, ids=ids, message_ids=messages, limit=10_000)
