"""The planning case of bench/dispatch.py: 20 photos × 12 channels against a queue."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from dripcast.core.config import Brand
from dripcast.core.domain import Draft, Media, Queued
from scheduler.plan import plan

PHOTOS = 20
CHANNELS = 12
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def brand() -> Brand:
    return Brand.model_validate(
        {
            "id": "b",
            "name": "B",
            "address": "b@example.com",
            "timezone": "Europe/Copenhagen",
            "drip": {"days": 5, "slots": ["09:00", "12:30", "18:00"], "min_gap": "3h"},
            "channels": [
                {"id": f"ch{i}", "type": "outbox", "path": "out"} for i in range(CHANNELS)
            ],
        }
    )


def plan_once(queue_size: int) -> float:
    """Seconds for one plan call; the queue is spread over the next 60 days."""
    b = brand()
    rand = random.Random(queue_size)
    media = (Media(path="p.jpg", width=1080, height=1350, bytes=1, format="jpeg"),)
    drafts = [
        Draft(channel=c.id, type=c.type, photos=(p,), text=f"photo {p}", media=media)
        for c in b.channels
        for p in range(1, PHOTOS + 1)
    ]
    queue = [
        Queued(
            channel=f"ch{i % CHANNELS}",
            at=NOW + timedelta(minutes=rand.randrange(-24 * 60, 60 * 24 * 60)),
        )
        for i in range(queue_size)
    ]
    t0 = time.perf_counter()
    result = plan(
        drafts, drip=b.drip, channels=b.channels, queue=queue, now=NOW.astimezone(b.zone), when=None
    )
    took = time.perf_counter() - t0
    # a list of slots today; the planner being rewritten returns a Plan with .slots
    slots = list(getattr(result, "slots", result))
    assert len(slots) == len(drafts), len(slots)
    return took
