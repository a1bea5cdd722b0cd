"""Small parsers for the time words in config: `3h`, `mon-sat`, `09:00`."""

from __future__ import annotations

import re
from datetime import time, timedelta

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
