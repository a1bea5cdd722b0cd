"""Small parsers for the time words in config: `3h`, `mon-sat`, `09:00`."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`90m`, `3h`, `1h30m`, `7d` → timedelta."""
    parts = re.findall(r"(\d+)\s*([smhdw])", text.strip().lower())
    if not parts or re.sub(r"\s|\d+\s*[smhdw]", "", text.lower()):
        raise ValueError(f"not a duration: {text!r} (use e.g. 90m, 3h, 7d)")
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


def parse_weekdays(text: str) -> frozenset[int]:
    """`mon-sat`, `mon,wed,fri`, `sat-mon` → {0..6} with Monday = 0."""
    out: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e not in DAYS for e in ends):
            raise ValueError(f"not a weekday range: {text!r} (use e.g. mon-sat or mon,wed,fri)")
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        day = first
        while True:
            out.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    return frozenset(out)


def parse_slot(text: str) -> time:
    """`09:00` → time(9, 0); seconds are allowed (`09:00:30`)."""
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", text.strip())
    if not m:
        raise ValueError(f"not a time of day: {text!r} (use HH:MM or HH:MM:SS)")
    return time(int(m[1]), int(m[2]), int(m[3] or 0))


def parse_when(text: str, now: datetime) -> datetime:
    """A person's time for `reschedule`, in the zone of `now`.

    `now`, `+2h` / `in 90m`, `today 18:00`, `tomorrow 9:00`, `2026-12-01 18:00`,
    `2026-12-01` (09:00), or ISO 8601 with an offset.
    """
    t = " ".join(text.strip().lower().split())
    zone = now.tzinfo
    if t == "now":
        return now
    if t.startswith(("+", "in ")):
        return now + parse_duration(t.removeprefix("+").removeprefix("in "))
    day_word, _, rest = t.partition(" ")
    day: date | None = None
    if day_word in ("today", "tomorrow"):
        day = now.date() + timedelta(days=1 if day_word == "tomorrow" else 0)
    else:
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(day_word)
    if day is not None:
        try:
            clock = parse_slot(rest) if rest else time(9, 0)
        except ValueError:
            clock = None
        if clock is not None:
            return datetime.combine(day, clock, tzinfo=zone).astimezone(zone)
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        at = None
    if at is None:
        raise ValueError(
            f"not a time: {text!r} (use e.g. now, +2h, tomorrow 9:00, 2026-12-01 18:00)"
        )
    return at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone).astimezone(zone)
