"""What the queue commands show: the schedule, quarantined messages, a post's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dripcast.app.context import App
from dripcast.core.lifecycle import MessageStatus, PostStatus
from dripcast.store import lifecycle
from dripcast.store import queries as store

WAITING = tuple(s.value for s in (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.HELD))
QUARANTINED = tuple(
    m.value for m in (MessageStatus.REFUSED, MessageStatus.HELD, MessageStatus.FAILED)
)


DONE = tuple(s.value for s in (PostStatus.PUBLISHED, PostStatus.FAILED, PostStatus.CANCELLED))


def posts(
    app: App, *, brand: str | None, held: bool, show_all: bool, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Waiting posts (only held ones with `held`, every post with `show_all`); with `since`
    also what went out, failed or was cancelled since then, in time order."""
    statuses: tuple[str, ...] = (PostStatus.HELD.value,) if held else WAITING
    rows = store.posts(app.engine, brand=brand, statuses=() if show_all else statuses)
    if since is not None and not (held or show_all):
        # A person who just sent a photo with `when: now` looks here for it.
        rows += store.posts(app.engine, brand=brand, statuses=DONE, since=since)
        rows.sort(key=lambda r: (r["due_at"], r["id"]))
    return rows


def quarantined(
    app: App, *, brand: str | None, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Messages not posted (refused, held, failed); with `since` only those received since."""
    rows = store.messages(app.engine, brand=brand, statuses=QUARANTINED)
    return rows if since is None else [r for r in rows if r["received_at"] >= since]


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
