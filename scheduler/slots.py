"""A channel's posting calendar: which instants are slots, in the brand's time zone.

All arithmetic is done on UTC instants. Python compares and subtracts two
datetimes that share a `tzinfo` by their wall-clock fields, ignoring the offset
and `fold`, so local times would make `min_gap` wrong by an hour across DST.

DST rules (decided here, tested in tests/scheduler/test_dst.py):

- A slot time that does not exist on a spring-forward day (02:30 in Europe,
  02:30 in the US) moves forward by the length of the gap: it is published at
  03:30, the time a clock that was set forward shows an hour after 02:30 would
  have been. Two slots that land on the same instant this way count once.
- A slot time that exists twice on a fall-back day (02:30 in Europe, 01:30 in
  the US) is used once, at its first occurrence (summer time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from dripcast.core.channels import ChannelBase
from dripcast.core.config import Drip
from dripcast.core.timeparse import parse_duration, parse_slot, parse_weekdays

# No real zone skips more than a day; a calendar that yields nothing for this
# long has no slots at all, and looping on would hang the caller.
_GIVE_UP = timedelta(days=3660)


@dataclass(frozen=True, kw_only=True)
class Rules:
    """One channel's effective rules: its own overrides, else the brand's drip."""

    zone: tzinfo
    times: tuple[time, ...]  # sorted slot times of day
    weekdays: frozenset[int]  # Monday = 0
    blackout: frozenset[date]
    min_gap: timedelta
    max_per_day: int | None

    @classmethod
    def of(cls, channel: ChannelBase | None, drip: Drip, zone: tzinfo) -> Rules:
        """The channel's rules; `channel=None` gives the brand's own drip rules."""

        slots, weekdays, gap, cap = drip.slots, drip.weekdays, drip.min_gap, drip.max_per_day
        if channel is not None:
            slots = drip.slots if channel.slots is None else channel.slots
            weekdays = channel.weekdays or drip.weekdays
            gap = channel.min_gap or drip.min_gap
            cap = channel.max_per_day or drip.max_per_day
        if not slots:
            raise ValueError(f"channel {channel and channel.id}: slots must not be empty")
        return cls(
            zone=zone,
            times=tuple(sorted({parse_slot(s) for s in slots})),
            weekdays=parse_weekdays(weekdays),
            blackout=frozenset(date.fromisoformat(d) for d in drip.blackout),
            min_gap=parse_duration(gap),
            max_per_day=cap,
        )

    def open_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.blackout

    def on(self, day: date) -> tuple[datetime, ...]:
        """The slot instants (UTC) of one local day, or () if the day is closed."""
        return day_slots(self.zone, day, self.times) if self.open_on(day) else ()

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def describe(self) -> str:
        cap = f", max_per_day {self.max_per_day}" if self.max_per_day else ""
        return f"min_gap {_duration(self.min_gap)}{cap}"


def realize(day: date, t: time, zone: tzinfo) -> datetime:
    """The UTC instant of local `day t`, by the DST rules in the module docstring.

    fold=0 gives exactly those rules: for a doubled time the first occurrence,
    for a missing one the offset in force before the gap, which lands after it.
    """
    return datetime.combine(day, t, tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=8192)
def day_slots(zone: tzinfo, day: date, times: tuple[time, ...]) -> tuple[datetime, ...]:
    out: set[datetime] = set()
    for t in times:
        at = realize(day, t, zone)
        # A day a zone skipped whole (Samoa, 2011-12-30) maps onto the next one.
        if at.astimezone(zone).date() == day:
            out.add(at)
    return tuple(sorted(out))


@lru_cache(maxsize=8192)
def day_span(zone: tzinfo, day: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next day) of a local day, in UTC.

    Local midnight may not exist (zones that change clocks at 00:00); fold=0
    moves it forward to the first instant that does, which is what we want.
    """
    return realize(day, time(0), zone), realize(day + timedelta(days=1), time(0), zone)


def iter_slots(rules: Rules, start: datetime) -> Iterator[datetime]:
    """Every slot instant (UTC) at or after `start`, in order, without end."""
    day = rules.local_date(start)
    last_found = start
    while True:
        for at in rules.on(day):
            if at >= start:
                last_found = at
                yield at
        day += timedelta(days=1)
        if realize(day, time(0), rules.zone) - last_found > _GIVE_UP:
            raise ValueError("this calendar has no slots: check slots, weekdays and blackout")


def _duration(d: timedelta) -> str:
    secs = int(d.total_seconds())
    parts = [(secs // 86400, "d"), (secs % 86400 // 3600, "h"), (secs % 3600 // 60, "m")]
    return "".join(f"{n}{u}" for n, u in parts if n) or "0m"
