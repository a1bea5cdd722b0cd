"""After downtime: a post that missed its time by more than `drip.grace` is moved, not sent.

A bakery's "fresh out of the oven" at 09:00 may still go out at 10:30, but not
at 16:00 after a night's outage, and not together with everything else that
piled up: it takes its channel's next free slot instead. Pure: `now` is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dripcast.core.config import Brand, Drip
from dripcast.core.domain import Queued
from dripcast.core.timeparse import parse_duration
from scheduler.free import next_free


def missed(at: datetime, now: datetime, drip: Drip) -> bool:
    """True when a post due at `at` is too late to go out at `now`."""
    return now - at > parse_duration(drip.grace)


def new_time(brand: Brand, channel_id: str, queue: Sequence[Queued], now: datetime) -> datetime:
    """The channel's next free slot after `now`; `queue` must not contain the moved post."""
    channel = next(c for c in brand.channels if c.id == channel_id)
    return next_free(channel, drip=brand.drip, queue=queue, after=now, zone=brand.zone)
