"""The explicit map from channel `type` to publisher class. No import magic."""

from __future__ import annotations

from typing import Any

from dripcast.channels import ChannelBase
from dripcast.publisher import Context, Publisher
from publishers.facebook import FacebookPublisher
from publishers.instagram import InstagramPublisher
from publishers.outbox import OutboxPublisher
from publishers.threads import ThreadsPublisher

REGISTRY: dict[str, type[Any]] = {
    "outbox": OutboxPublisher,
    "facebook": FacebookPublisher,
    "instagram": InstagramPublisher,
    "threads": ThreadsPublisher,
}


def make_publisher(channel: ChannelBase, ctx: Context) -> Publisher:
    cls = REGISTRY.get(channel.type)
    if cls is None:
        raise KeyError(f"no publisher for channel type {channel.type!r} yet")
    pub = cls(channel, ctx)
    assert isinstance(pub, Publisher)
    return pub
