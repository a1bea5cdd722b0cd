"""After downtime: a post that missed its time by more than `drip.grace` is moved, not sent.

A bakery's "fresh out of the oven" at 09:00 may still go out at 10:30, but not
at 16:00 after a night's outage, and not together with everything else that
piled up: it takes its channel's next free slot instead. Pure: `now` is passed in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from dripcast.channels import ChannelBase
from dripcast.config import Brand, Drip
from dripcast.domain import Queued
from dripcast.timeparse import parse_duration, parse_slot, parse_weekdays

NextFree = Callable[..., datetime]


def missed(at: datetime, now: datetime, drip: Drip) -> bool:
    """True when a post due at `at` is too late to go out at `now`."""
    return now - at > parse_duration(drip.grace)


def new_time(brand: Brand, channel_id: str, queue: Sequence[Queued], now: datetime) -> datetime:
    """The channel's next free slot after `now`; `queue` must not contain the moved post."""
    channel = next(c for c in brand.channels if c.id == channel_id)
    return _next_free()(channel, drip=brand.drip, queue=queue, after=now.astimezone(brand.zone))


def _next_free() -> NextFree:
    # The planner provides next_free; until that lands, the small fallback below.
    for name in ("scheduler.plan", "scheduler.free"):
        try:
            found = getattr(importlib.import_module(name), "next_free", None)
        except ImportError:
            continue
        if found is not None:
            return cast(NextFree, found)
    return fallback_next_free


def fallback_next_free(
    channel: ChannelBase, *, drip: Drip, queue: Sequence[Queued], after: datetime, **_: Any
) -> datetime:
    """First slot after `after` on an allowed day, keeping min_gap and max_per_day."""
    zone = after.tzinfo
    slots = sorted(parse_slot(s) for s in (channel.slots or drip.slots))
    weekdays = parse_weekdays(channel.weekdays or drip.weekdays)
    blackout = {date.fromisoformat(d) for d in drip.blackout}
    gap = parse_duration(channel.min_gap or drip.min_gap)
    cap = channel.max_per_day or drip.max_per_day
    taken = [q.at.astimezone(zone) for q in queue if q.channel == channel.id]
    day = after.date()
    for _day in range(3660):
        if day.weekday() in weekdays and day not in blackout:
            today = sum(1 for t in taken if t.date() == day)
            for t in slots:
                # wall time → UTC → zone: a slot in a DST gap lands on its real instant
                at = datetime.combine(day, t, tzinfo=zone).astimezone(zone)
                if at <= after or (cap is not None and today >= cap):
                    continue
                if all(abs(at - q) >= gap for q in taken):
                    return at
        day += timedelta(days=1)
    raise ValueError(f"no free slot for channel {channel.id} within ten years")
