"""Time planning 20 photos x 12 channels against a 10k-post queue.

Prints the time next to references measured in the same run, as ratios:
planning the same submission against an empty queue, and sorting the queue.
Run from the repository root: `python bench/plan.py`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dripcast.core.channels import ChannelBase, Outbox
from dripcast.core.config import Drip
from dripcast.core.domain import Draft, Media, Queued
from scheduler.plan import plan

ZONE = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=ZONE)
PHOTOS, CHANNELS, QUEUE, ROUNDS = 20, 12, 10_000, 15


def brand() -> tuple[Drip, list[ChannelBase], dict[str, int]]:
    drip = Drip(days=5, slots=("09:00", "12:30", "18:00"), weekdays="mon-sat", min_gap="3h")
    channels: list[ChannelBase] = []
    for i in range(CHANNELS):
        extra: dict[str, object] = {}
        if i % 3 == 1:
            extra = {"slots": ("08:00", "11:00", "15:00", "20:00"), "max_per_day": 3}
        if i % 4 == 0:
            extra["group"] = True
        channels.append(Outbox(id=f"ch{i}", type="outbox", path="out", **extra))  # type: ignore[arg-type]
    return drip, channels, {c.id: 4 for c in channels if c.group}


def drafts(channels: list[ChannelBase]) -> list[Draft]:
    return [
        Draft(
            channel=c.id,
            type="outbox",
            photos=(p,),
            text=f"photo {p}",
            media=(Media(path=f"{c.id}/{p}.jpg", width=1080, height=1350, bytes=1, format="jpeg"),),
        )
        for c in channels
        for p in range(1, PHOTOS + 1)
    ]


def queue(channels: list[ChannelBase]) -> list[Queued]:
    # Earlier mails: 10k posts over the coming year, on slot-like times, every channel.
    rng = random.Random(6)
    out = []
    for _ in range(QUEUE):
        day = NOW + timedelta(days=rng.randrange(-14, 365))
        at = day.replace(hour=rng.choice((8, 9, 11, 12, 15, 18, 20)), minute=rng.choice((0, 30)))
        out.append(Queued(channel=rng.choice(channels).id, at=at))
    return out


def best(fn: object, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    drip, channels, capacity = brand()
    ds, q = drafts(channels), queue(channels)

    def run(qq: list[Queued]) -> int:
        p = plan(ds, drip=drip, channels=channels, queue=qq, now=NOW, when=None, capacity=capacity)
        return len(p.slots)

    posts = run(q)
    run([])  # warm caches for both
    full = best(lambda: run(q))
    empty = best(lambda: run([]))
    sort = best(lambda: sorted(q, key=lambda x: x.at))
    print(f"plan {PHOTOS} photos x {CHANNELS} channels -> {posts} posts (median of {ROUNDS})")
    print(f"  against a {QUEUE}-post queue: {full * 1000:8.2f} ms")
    print(f"  against an empty queue:      {empty * 1000:8.2f} ms   ratio {full / empty:6.2f}x")
    print(f"  sorting the queue by time:   {sort * 1000:8.2f} ms   ratio {full / sort:6.2f}x")


if __name__ == "__main__":
    main()
