"""The client's `when:` directive → where the drip starts.

Accepted (case-insensitive, brand time zone; `at` and `next` are optional filler):

    now                          the first photo at once on every channel, the rest drip
    today 18:00 / tomorrow 9:00  a day word and a time (9:00, 09:00, 9am, 6:30pm, 18)
    monday 9:00 / next mon       the next such weekday (today if the time is still ahead)
    18:00                        the next time it is 18:00
    2026-12-01 18:00 / 2026-12-01T18:00 / 2026-12-01

A day without a time starts at that day's first slot. The drip still only
posts on slots: `tomorrow 10:00` with slots 09:00 and 12:30 starts at 12:30.

Nothing here raises: text that is not understood, a time already past and a
date more than a year ahead (a typo, most likely) are ignored and the drip
starts now, with a note the client sees in the confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dripcast.core.timeparse import DAYS
from scheduler.slots import realize

_HELP = "write now, today 18:00, tomorrow 9:00, monday 9:00 or 2026-12-01 18:00"
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_FAR = timedelta(days=366)
_WEEKDAYS = {
    **{d: i for i, d in enumerate(DAYS)},
    **{
        d: i
        for i, d in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


@dataclass(frozen=True, kw_only=True)
class Start:
    """Where the drip starts (UTC); `immediate` for `when: now`."""

    at: datetime
    immediate: bool = False
    note: str | None = None


def resolve_when(text: str | None, *, now: datetime, zone: tzinfo) -> Start:
    now = now.astimezone(UTC)
    if text is None or not text.strip():
        return Start(at=now)
    words = re.sub(r"(\d)t(\d)", r"\1 \2", text.strip().lower().rstrip(".!")).split()
    words = [w for w in words if w not in ("at", "next", "on")]
    if words == ["now"]:
        return Start(at=now, immediate=True)
    try:
        at, explicit = _resolve(words, now.astimezone(zone), zone)
    except (ValueError, OverflowError):  # OverflowError: year 9999 in a zone west of UTC
        return Start(
            at=now, note=f"when: {text.strip()!r} was not understood ({_HELP}); the drip starts now"
        )
    if at < now:
        if explicit:
            return Start(at=now, note=f"when: {text.strip()!r} is in the past; the drip starts now")
        return Start(at=now)
    if at - now > _FAR:
        return Start(
            at=now,
            note=f"when: {text.strip()!r} is more than a year ahead; ignored, the drip starts now",
        )
    return Start(at=at)


def _resolve(words: list[str], now: datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """(start, whether a past result is the client's mistake rather than 'the next one')."""
    if not words or len(words) > 3:
        raise ValueError
    head, rest = words[0], words[1:]
    today = now.date()
    if head in ("today", "tomorrow"):
        day = today + timedelta(days=head == "tomorrow")
        t = _time(rest)
        if t is None:
            return (now if head == "today" else realize(day, time(0), zone)), True
        return realize(day, t, zone), True
    if head in _WEEKDAYS:
        day = today + timedelta(days=(_WEEKDAYS[head] - today.weekday()) % 7)
        t = _time(rest)
        at = realize(day, t or time(0), zone)
        if t is not None and at < now:
            at = realize(day + timedelta(days=7), t, zone)
        return max(at, now), False
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head):
        day = date.fromisoformat(head)
        t = _time(rest)
        if t is None and day == today:
            return now, False
        return realize(day, t or time(0), zone), True
    t = _time(words)
    if t is None:
        raise ValueError
    at = realize(today, t, zone)
    return (at if at >= now else realize(today + timedelta(days=1), t, zone)), False


def _time(words: list[str]) -> time | None:
    if not words:
        return None
    m = _TIME.fullmatch(" ".join(words))
    if not m:
        raise ValueError
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= hour <= 12:
            raise ValueError
        hour = hour % 12 + (12 if m[3] == "pm" else 0)
    return time(hour, minute)  # raises ValueError past 23:59
