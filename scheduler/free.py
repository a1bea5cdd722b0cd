"""`next_free`: where a post that missed its time by more than `drip.grace` goes instead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from dripcast.core.channels import ChannelBase
from dripcast.core.config import Drip
from dripcast.core.domain import Queued
from scheduler.book import Book
from scheduler.slots import Rules, iter_slots


def next_free(
    channel: ChannelBase,
    *,
    drip: Drip,
    queue: Sequence[Queued],
    after: datetime,
    zone: tzinfo | None = None,
) -> datetime:
    """The channel's first slot strictly after `after` that keeps its rules against `queue`.

    `queue` is the brand's other posts (entries of other channels are ignored);
    leave out the post being moved, or it will keep its own gap. `zone` is the
    brand's time zone and defaults to `after.tzinfo`. The answer is in `zone`.
    """
    if after.tzinfo is None:
        raise ValueError("after must be time-zone aware")
    zone = zone or after.tzinfo
    assert zone is not None
    own = [q.at.astimezone(UTC) for q in queue if q.channel == channel.id]
    if any(q.at.tzinfo is None for q in queue):
        raise ValueError("queued posts must have time-zone aware times")
    book = Book(Rules.of(channel, drip, zone), own)
    after = after.astimezone(UTC)
    for at in iter_slots(book.rules, after):
        if at > after and book.fits(at):
            return at.astimezone(zone)
    raise AssertionError("iter_slots never ends")  # pragma: no cover
