"""`plan(...) -> Plan`: when each draft goes out. Pure: `now` and the queue are passed in.

The rules every plan keeps (issue 6), and how:

1. Posts fall on the channel's slots, weekdays, outside blackout dates, in the
   brand's zone (scheduler/slots.py says what DST does to a slot).
2. Per channel, `min_gap` of real elapsed time and `max_per_day` per local
   day, counting the queue (scheduler/book.py).
3. A photo never goes out on two channels at the same instant: channel k of K
   starts its photos rotated by k and its slots shifted by k/K of a stride,
   and every pick is checked against the picks of the channels before it.
4. Each channel's posts are spread evenly over the horizon (the first `days`
   open days of the brand from the start): of the most posts its slots there
   can take under rule 2 (filled earliest-first), its n posts aim at n evenly
   spaced ones, first to last (channel k of K shifted by k/K of a stride);
   each takes the nearest slot that keeps rules 1–3. A channel with
   `group: true` and a capacity merges photos, only as much as needed to fit
   (scheduler/group.py); what still does not fit extends that channel's
   horizon, and the plan says so in `notes`. Nothing is dropped.
5. `when: now` posts each channel's first photo at `now`, whatever the gap,
   caps, slots and rule 3; the rest drip from now and keep every rule against
   it. `when: <date>` starts the drip there (scheduler/when.py).
6. No clock, randomness or set order is consulted: the same input gives the
   same plan, whatever the order of `drafts` and `queue`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from dripcast.core.channels import ChannelBase
from dripcast.core.config import Drip
from dripcast.core.domain import Draft, Queued, Slot
from scheduler.book import Book
from scheduler.free import next_free
from scheduler.group import group_to_fit
from scheduler.slots import Rules, day_span, iter_slots
from scheduler.when import resolve_when

__all__ = ["Plan", "next_free", "plan"]

_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The slots in time order, and what the client should know about them."""

    slots: tuple[Slot, ...]
    notes: tuple[str, ...] = ()


def plan(
    drafts: Sequence[Draft],
    *,
    drip: Drip,
    channels: Sequence[ChannelBase],
    queue: Sequence[Queued],
    now: datetime,
    when: str | None,
    capacity: Mapping[str, int] | None = None,
    zone: tzinfo | None = None,
) -> Plan:
    """Spread one submission's drafts (one per channel and photo) over the drip.

    `zone` is the brand's time zone; it defaults to `now.tzinfo`, so pass
    `now` in the brand's zone or pass `zone`. `capacity` maps a channel with
    `group: true` to the images one of its posts can carry.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    zone = zone or now.tzinfo
    assert zone is not None
    per_channel = _by_channel(drafts, channels)
    order = [c for c in channels if c.id in per_channel]
    start = resolve_when(when, now=now, zone=zone)
    notes: list[str] = [start.note] if start.note else []
    if not order:
        return Plan(slots=(), notes=tuple(notes))
    queued = _queued(queue)
    books = {c.id: Book(Rules.of(c, drip, zone), queued.get(c.id, ())) for c in order}
    brand = Rules.of(None, drip, zone)
    first_day, horizon_end = _horizon(brand, start.at, drip.days)

    placed: list[tuple[datetime, int, Draft]] = []
    photos_at: dict[datetime, set[int]] = defaultdict(set)  # rule 3, across channels
    if start.immediate:
        for k, c in enumerate(order):
            first = per_channel[c.id].pop(0)
            books[c.id].add(start.at)
            placed.append((start.at, k, first))
    for k, c in enumerate(order):
        posts = per_channel[c.id]
        book = books[c.id]
        stream = _Stream(book.rules, start.at)
        size = (capacity or {}).get(c.id, 1) if c.group else 1
        if size > 1 and len(posts) > 1:
            room = len(_room(stream, book.copy(), stop=stream.count_before(horizon_end)))
            if room < len(posts):
                grouped = group_to_fit(posts, size=size, room=room)
                most = max(len(d.photos) for d in grouped)
                notes.append(
                    f"{c.id}: {len(posts)} photos grouped into {len(grouped)} posts"
                    f" of up to {most} images to fit the {drip.days}-day drip"
                )
                posts = grouped
        if not posts:
            continue
        picks = _place(posts, stream, book, photos_at, k=k, of=len(order), end=horizon_end)
        placed.extend((at, k, d) for at, d in picks)
        late = max(at for at, _ in picks)
        if late >= horizon_end:
            notes.append(_extended(c.id, len(posts), book.rules, brand, drip.days, first_day, late))
    placed.sort(key=lambda p: (p[0], p[1], p[2].photos))
    slots = tuple(Slot(draft=d, at=at.astimezone(zone)) for at, _, d in placed)
    return Plan(slots=slots, notes=_merge_notes(notes))


class _Stream:
    """A channel's slot instants from the start, as a list that grows on demand."""

    def __init__(self, rules: Rules, start: datetime) -> None:
        self._it: Iterator[datetime] = iter_slots(rules, start)
        self._items: list[datetime] = []

    def __getitem__(self, i: int) -> datetime:
        while len(self._items) <= i:
            self._items.append(next(self._it))
        return self._items[i]

    def count_before(self, end: datetime) -> int:
        i = 0
        while self[i] < end:
            i += 1
        return i


def _room(stream: _Stream, book: Book, *, stop: int, at_least: int = 0) -> list[int]:
    """The most posts `book` (a copy, filled here) takes among candidates [0, stop).

    Earliest-first, which is optimal for a minimum gap and a daily cap on a
    line; then on past `stop` until there are `at_least`. Any subset of the
    answer keeps rule 2, which is what makes it a good set to choose from.
    """
    picks: list[int] = []
    i = 0
    while i < stop or len(picks) < at_least:
        if book.fits(stream[i]):
            book.add(stream[i])
            picks.append(i)
        i += 1
    return picks


def _place(
    posts: list[Draft],
    stream: _Stream,
    book: Book,
    photos_at: dict[datetime, set[int]],
    *,
    k: int,
    of: int,
    end: datetime,
) -> list[tuple[datetime, Draft]]:
    n = len(posts)
    horizon = stream.count_before(end)
    room = _room(stream, book.copy(), stop=horizon, at_least=n)
    m = max(horizon, room[-1] + 1)
    picks: list[tuple[datetime, Draft]] = []
    for j in range(n):
        draft = posts[(j + k) % n]
        target = room[_target(j, n, len(room), k=k, of=of)]

        def ok(at: datetime, draft: Draft = draft) -> bool:
            return book.fits(at) and photos_at.get(at, _NONE).isdisjoint(draft.photos)

        at = _nearest(stream, m, target, ok)
        book.add(at)
        photos_at[at].update(draft.photos)
        picks.append((at, draft))
    return picks


def _target(j: int, n: int, m: int, *, k: int, of: int) -> int:
    """Post j of n, on channel k of `of`, aims at this of m candidates.

    Evenly spaced from the first candidate to the last, like a linspace, so the
    drip opens at once and runs to the end of the horizon. Channel k starts k/of
    of a stride later and ends (of-1-k)/of of a stride earlier: the channels
    interleave instead of all taking the first slot.
    """
    lo = (k * m) // (of * n)
    hi = max(lo, m - 1 - ((of - 1 - k) * m) // (of * n))
    if n == 1:
        return lo
    return lo + (2 * j * (hi - lo) + n - 1) // (2 * (n - 1))


def _nearest(stream: _Stream, m: int, target: int, ok: Callable[[datetime], bool]) -> datetime:
    """The candidate nearest to `target` (later on a tie) that is ok, else the first ok past m."""
    for d in range(m):
        for i in (target + d, target - d) if d else (target,):
            if 0 <= i < m and ok(stream[i]):
                return stream[i]
    i = m
    while not ok(stream[i]):
        i += 1
    return stream[i]


def _by_channel(drafts: Sequence[Draft], channels: Sequence[ChannelBase]) -> dict[str, list[Draft]]:
    known = {c.id for c in channels}
    out: dict[str, list[Draft]] = defaultdict(list)
    for d in drafts:
        if d.channel not in known:
            raise ValueError(f"a draft for channel {d.channel!r}, which the brand does not have")
        if not d.photos:
            raise ValueError(f"a draft for channel {d.channel!r} carries no photo")
        out[d.channel].append(d)
    for ch, ds in out.items():
        ds.sort(key=lambda d: d.photos)
        seen = [p for d in ds for p in d.photos]
        if len(seen) != len(set(seen)):
            raise ValueError(f"channel {ch!r} has two drafts for the same photo")
    return out


def _queued(queue: Sequence[Queued]) -> dict[str, list[datetime]]:
    out: dict[str, list[datetime]] = defaultdict(list)
    for q in queue:
        if q.at.tzinfo is None:
            raise ValueError(f"queued post on {q.channel!r} has a naive time {q.at}")
        out[q.channel].append(q.at.astimezone(UTC))
    return out


def _horizon(brand: Rules, start: datetime, days: int) -> tuple[date, datetime]:
    """The first open day of the brand and the end of its `days`-th, counting from `start`.

    A day counts only if one of the brand's slots is still ahead on it, so a
    mail at 20:00 does not spend a day of the drip on the evening it came.
    """
    day, first, count = brand.local_date(start), None, 0
    for _ in range(7 * (days + len(brand.blackout) + 1)):  # each closed date may cost a week
        if any(at >= start for at in brand.on(day)):
            first = first or day
            count += 1
            if count == days:
                return first, day_span(brand.zone, day)[1]
        day += timedelta(days=1)
    raise ValueError("the drip has no open days: check weekdays and blackout")


def _merge_notes(notes: list[str]) -> tuple[str, ...]:
    """`a: same words`, `b: same words` → `a, b: same words`: twelve channels, one line."""
    merged: dict[str, list[str]] = {}
    for note in notes:
        who, _, what = note.partition(": ")
        merged.setdefault(what, []).append(who)
    return tuple(f"{', '.join(who)}: {what}" for what, who in merged.items())


def _extended(
    channel: str, n: int, rules: Rules, brand: Rules, days: int, first: date, last: datetime
) -> str:
    last_day = rules.local_date(last)
    span = [first + timedelta(days=i) for i in range((last_day - first).days + 1)]
    counted = sum(1 for d in span if brand.open_on(d) or rules.open_on(d) or d == last_day)
    return (
        f"{channel}: {n} posts do not fit the {days}-day drip without breaking"
        f" {rules.describe()}; the drip was extended to {counted} days, until"
        f" {last.astimezone(rules.zone):%a %d %b}"
    )
