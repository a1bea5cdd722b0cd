"""One channel's bookings: the posts it already has, and whether one more fits."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from datetime import UTC, datetime

from scheduler.slots import Rules, day_span


class Book:
    """Sorted UTC instants of one channel's posts, queued and planned.

    Checks rule 2 of the drip: no two posts closer than `min_gap` in elapsed
    time (and never two at the same instant, even with a zero gap), at most
    `max_per_day` per local day. Mutable, but only ever owned by one call.
    """

    def __init__(self, rules: Rules, utc_times: Iterable[datetime] = ()) -> None:
        self.rules = rules
        self.times = sorted(utc_times)  # already UTC: the queue is converted once, by the caller

    def copy(self) -> Book:
        other = Book(self.rules)
        other.times = list(self.times)
        return other

    def fits(self, at: datetime) -> bool:
        times, gap = self.times, self.rules.min_gap
        i = bisect_left(times, at)
        if i < len(times) and (times[i] == at or times[i] - at < gap):
            return False
        if i > 0 and at - times[i - 1] < gap:
            return False
        cap = self.rules.max_per_day
        if cap is not None:
            lo, hi = day_span(self.rules.zone, self.rules.local_date(at))
            if bisect_left(times, hi) - bisect_left(times, lo) >= cap:
                return False
        return True

    def add(self, at: datetime) -> None:
        insort(self.times, at.astimezone(UTC))
