"""The explicit map from channel `type` to publisher class. No import magic."""

from __future__ import annotations

from typing import Any

from dripcast.core.channels import ChannelBase
from dripcast.core.publisher import Context, Publisher
from publishers.bluesky import BlueskyPublisher
from publishers.discord import DiscordPublisher
from publishers.facebook import FacebookPublisher
from publishers.instagram import InstagramPublisher
from publishers.linkedin import LinkedInPublisher
from publishers.mastodon import MastodonPublisher
from publishers.outbox import OutboxPublisher
from publishers.pinterest import PinterestPublisher
from publishers.telegram import TelegramPublisher
from publishers.threads import ThreadsPublisher
from publishers.tumblr import TumblrPublisher
from publishers.webhook import WebhookPublisher
from publishers.wordpress import WordPressPublisher
from publishers.x import XPublisher

REGISTRY: dict[str, type[Any]] = {
    "outbox": OutboxPublisher,
    "webhook": WebhookPublisher,
    "mastodon": MastodonPublisher,
    "bluesky": BlueskyPublisher,
    "telegram": TelegramPublisher,
    "discord": DiscordPublisher,
    "facebook": FacebookPublisher,
    "instagram": InstagramPublisher,
    "threads": ThreadsPublisher,
    "x": XPublisher,
    "linkedin": LinkedInPublisher,
    "pinterest": PinterestPublisher,
    "tumblr": TumblrPublisher,
    "wordpress": WordPressPublisher,
}


def make_publisher(channel: ChannelBase, ctx: Context) -> Publisher:
    cls = REGISTRY.get(channel.type)
    if cls is None:
        raise KeyError(f"no publisher for channel type {channel.type!r} yet")
    pub = cls(channel, ctx)
    assert isinstance(pub, Publisher)
    return pub
