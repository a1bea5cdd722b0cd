"""Hypothesis strategies: random brands, queues, photo counts and dates for the planner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from dripcast.core.channels import ChannelBase, Outbox
from dripcast.core.config import Drip
from dripcast.core.domain import Draft, Media, Queued
from dripcast.core.timeparse import DAYS

ZONES = ("Europe/Copenhagen", "America/New_York", "UTC", "Australia/Lord_Howe", "Asia/Kolkata")
# Transition days of those zones, so that DST is hit often rather than 2 days a year.
DST_DAYS = tuple(
    date.fromisoformat(d)
    for d in (
        "2026-03-29",
        "2026-10-25",
        "2026-03-08",
        "2026-11-01",
        "2026-04-05",
        "2026-10-04",
    )
)
SLOT_TIMES = ("00:30", "01:30", "02:00", "02:30", "03:30", "09:00", "12:30", "18:00", "23:30")
GAPS = ("0m", "30m", "1h", "3h", "3h30m", "1d")


@dataclass(frozen=True, kw_only=True)
class Case:
    zone: ZoneInfo
    drip: Drip
    channels: tuple[ChannelBase, ...]
    drafts: tuple[Draft, ...]
    queue: tuple[Queued, ...]
    now: datetime
    when: str | None
    capacity: dict[str, int]


slot_lists = st.lists(
    st.one_of(
        st.sampled_from(SLOT_TIMES),
        st.builds(
            lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30])
        ),
    ),
    min_size=1,
    max_size=4,
    unique=True,
).map(tuple)
weekday_sets = st.sets(st.sampled_from(DAYS), min_size=1).map(
    lambda s: ",".join(d for d in DAYS if d in s)
)
caps = st.one_of(st.none(), st.integers(1, 3))


@st.composite
def cases(draw: st.DrawFn, *, queue: bool = True, whens: bool = True) -> Case:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    day = draw(st.one_of(st.sampled_from(DST_DAYS), st.dates(date(2026, 1, 1), date(2027, 12, 31))))
    day -= timedelta(days=draw(st.integers(0, 3)))
    now = datetime.combine(
        day, time(draw(st.integers(0, 23)), draw(st.integers(0, 59))), tzinfo=zone
    )
    now = now.astimezone(UTC).astimezone(zone)  # a clock never reads a time that is skipped
    blackout = draw(st.lists(st.integers(0, 12), max_size=4))
    drip = Drip(
        days=draw(st.integers(1, 8)),
        slots=draw(slot_lists),
        weekdays=draw(weekday_sets),
        min_gap=draw(st.sampled_from(GAPS)),
        max_per_day=draw(caps),
        blackout=tuple(sorted({(day + timedelta(days=b)).isoformat() for b in blackout})),
    )
    n_channels = draw(st.integers(1, 5))
    channels: list[ChannelBase] = []
    capacity: dict[str, int] = {}
    for i in range(n_channels):
        group = draw(st.booleans())
        channels.append(
            Outbox(
                id=f"c{i}",
                type="outbox",
                path="out",  # type: ignore[arg-type]
                slots=draw(st.none() | slot_lists),
                weekdays=draw(st.none() | weekday_sets),
                min_gap=draw(st.none() | st.sampled_from(GAPS)),
                max_per_day=draw(caps),
                group=group,
            )
        )
        if group and draw(st.booleans()):
            capacity[f"c{i}"] = draw(st.integers(1, 4))
    photos = draw(st.integers(1, 12))
    drafts = [
        Draft(
            channel=c.id,
            type="outbox",
            photos=(p,),
            text=f"photo {p}",
            media=(Media(path=f"{c.id}/{p}.jpg", width=1, height=1, bytes=1, format="jpeg"),),
        )
        for c in channels
        for p in range(1, photos + 1)
        if draw(st.integers(0, 9)) > 0  # now and then a channel lacks a photo
    ]
    queued = []
    if queue:
        for _ in range(draw(st.integers(0, 30))):
            ch = draw(st.sampled_from(channels)).id
            minutes = draw(st.integers(-2 * 1440, 10 * 1440))
            queued.append(Queued(channel=ch, at=now + timedelta(minutes=minutes)))
    when = None
    if whens:
        when = draw(
            st.one_of(
                st.none(),
                st.just("now"),
                st.sampled_from(
                    ["today 18:00", "tomorrow 9:00", "monday 9:00", "2:30", "tomorrow", "soonish"]
                ),
                st.builds(
                    lambda d, t: f"{(day + timedelta(days=d)).isoformat()} {t}",
                    st.integers(-2, 10),
                    st.sampled_from(SLOT_TIMES),
                ),
            )
        )
    return Case(
        zone=zone,
        drip=drip,
        channels=tuple(channels),
        drafts=tuple(drafts),
        queue=tuple(queued),
        now=now,
        when=when,
        capacity=capacity,
    )
