"""Comment readers: one small class per network that lets us read comments, beside its publisher.

Registered explicitly, like the publishers.
"""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import ChannelBase
from dripcast.core.comments import CommentSource
from dripcast.core.publisher import Context
from publishers.comments.bluesky import BlueskyComments
from publishers.comments.facebook import FacebookComments
from publishers.comments.instagram import InstagramComments
from publishers.comments.mastodon import MastodonComments
from publishers.comments.threads import ThreadsComments
from publishers.comments.wordpress import WordPressComments
from publishers.comments.x import XComments

SOURCES: dict[str, type[Any]] = {
    "mastodon": MastodonComments,
    "bluesky": BlueskyComments,
    "facebook": FacebookComments,
    "instagram": InstagramComments,
    "threads": ThreadsComments,
    "wordpress": WordPressComments,
    "x": XComments,
}


def make_source(channel: ChannelBase, ctx: Context) -> CommentSource | None:
    """The channel's comment reader, or None for networks without one (outbox, Telegram…)."""
    cls = SOURCES.get(channel.type)
    if cls is None:
        return None
    source = cls(channel, ctx)
    assert isinstance(source, CommentSource)
    return source


__all__ = ["SOURCES", "make_source"]
