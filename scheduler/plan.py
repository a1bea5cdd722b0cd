"""`plan(...) -> list[Slot]`: when each draft goes out. Pure: `now` is passed in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from dripcast.channels import ChannelBase
from dripcast.config import Drip
from dripcast.domain import Draft, Queued, Slot
from dripcast.timeparse import parse_duration, parse_slot, parse_weekdays


def plan(
    drafts: Sequence[Draft],
    *,
    drip: Drip,
    channels: Sequence[ChannelBase],
    queue: Sequence[Queued],
    now: datetime,
    when: str | None,
) -> list[Slot]:
    """Spread the drafts over the drip's horizon; `when: now` sends photo 1 at once."""
    zone = now.tzinfo
    assert zone is not None, "now must be time-zone aware (the brand's zone)"
    start = now
    immediate = False
    if when:
        w = when.strip().lower()
        if w == "now":
            immediate = True
        else:
            start = max(now, _parse_when(w, now))
    by_channel = {c.id: c for c in channels}
    photos = sorted({p for d in drafts for p in d.photos})
    slots: list[Slot] = []
    for ch_id in dict.fromkeys(d.channel for d in drafts):
        ch = by_channel[ch_id]
        gap = parse_duration(ch.min_gap or drip.min_gap)
        taken = sorted(q.at for q in queue if q.channel == ch_id)
        mine = [d for d in drafts if d.channel == ch_id]
        candidates = list(_times(ch, drip, start, zone, drip.days))
        stride = max(1, len(candidates) // max(1, len(photos)))
        pos = 0
        for draft in sorted(mine, key=lambda d: d.photos):
            if immediate and draft.photos[0] == photos[0]:
                slots.append(Slot(draft=draft, at=now))
                taken.append(now)
                continue
            while True:
                if pos >= len(candidates):
                    more = _times(ch, drip, candidates[-1] + timedelta(minutes=1), zone, 7)
                    candidates.extend(more)
                at = candidates[pos]
                pos += 1
                if all(abs(at - t) >= gap for t in taken):
                    break
            slots.append(Slot(draft=draft, at=at))
            taken.append(at)
            pos += stride - 1
    return sorted(slots, key=lambda s: (s.at, s.draft.channel))


def _times(
    ch: ChannelBase, drip: Drip, start: datetime, zone: object, days: int
) -> Iterator[datetime]:
    slots = sorted(parse_slot(s) for s in (ch.slots or drip.slots))
    weekdays = parse_weekdays(ch.weekdays or drip.weekdays)
    blackout = {date.fromisoformat(d) for d in drip.blackout}
    day = start.date()
    seen = 0
    while seen < days:
        if day.weekday() in weekdays and day not in blackout:
            seen += 1
            for t in slots:
                at = datetime.combine(day, t, tzinfo=start.tzinfo)
                if at > start:
                    yield at
        day += timedelta(days=1)


def _parse_when(text: str, now: datetime) -> datetime:
    """`tomorrow 9:00`, `2026-12-01 18:00`, `2026-12-01` in the zone of `now`."""
    parts = text.split()
    if parts and parts[0] in ("today", "tomorrow"):
        day = now.date() + timedelta(days=1 if parts[0] == "tomorrow" else 0)
        parts = parts[1:]
    else:
        try:
            day = date.fromisoformat(parts[0])
        except (ValueError, IndexError):
            return now
        parts = parts[1:]
    t = parse_slot(parts[0]) if parts else parse_slot("09:00")
    return datetime.combine(day, t, tzinfo=now.tzinfo)
