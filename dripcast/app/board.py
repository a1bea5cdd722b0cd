"""What the dashboard's pages show, as plain data (the web adapter renders it or sends JSON).

Every read the web needs lives here, so the web imports the application and the
core only. Times are in the brand's zone; weeks are ISO weeks (`2026-W48`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dripcast.app.context import App
from dripcast.app.mail.build import numbered
from dripcast.app.tiles import tile
from dripcast.app.views import QUARANTINED
from dripcast.core.blobs import MEDIA, safe_key
from dripcast.core.config import Brand
from dripcast.core.lifecycle import PostStatus
from dripcast.store import lifecycle
from dripcast.store import queries as store

MANY = 10_000
STATUSES = [s.value for s in PostStatus]
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_week(text: str) -> date:
    """The Monday of an ISO week `YYYY-Www`; ValueError if it is not one."""
    m = _WEEK.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a week: {text!r} (use YYYY-Www, e.g. 2026-W48)")
    return date.fromisocalendar(int(m[1]), int(m[2]), 1)


def week_name(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def brands(app: App, now: datetime) -> list[dict[str, Any]]:
    """The home page: each brand with this week's name and its held count."""
    held = store.posts(app.engine, statuses=[PostStatus.HELD], limit=MANY)
    return [
        {
            "id": b.id,
            "name": b.name,
            "timezone": b.timezone,
            "approval": b.approval,
            "week": week_name(now.astimezone(b.zone).date()),
            "held": sum(1 for r in held if r["brand"] == b.id),
            "channels": [{"id": c.id, "network": c.type} for c in b.channels],
        }
        for b in app.config.brands
    ]


def week(
    app: App,
    brand: Brand,
    *,
    monday: date,
    channel: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """One brand's week as seven days of tiles, filtered by channel and status."""
    zone = brand.zone
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    rows = store.posts(
        app.engine,
        brand=brand.id,
        due_from=start.astimezone(UTC),
        due_before=end.astimezone(UTC),
        limit=MANY,
    )
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        counts[r["status"]] += 1
    rows = [
        r
        for r in rows
        if (not channel or channel in (r["channel"], r["type"]))
        and (not status or r["status"] == status)
    ]
    tiles = [tile(r, brand, zone) for r in rows]
    days = [monday + timedelta(days=i) for i in range(7)]
    return {
        "brand": _brand(brand),
        "week": week_name(monday),
        "previous": week_name(monday - timedelta(days=7)),
        "next": week_name(monday + timedelta(days=7)),
        "from": start,
        "until": end,
        "filters": {"channel": channel, "status": status},
        "channels": [{"id": c.id, "network": c.type} for c in brand.channels],
        "statuses": STATUSES,
        "counts": counts,
        "days": [{"date": d, "tiles": [t for t in tiles if t["day"] == d]} for d in days],
    }


def held(app: App, brand: str | None = None) -> dict[str, Any]:
    """Held posts with their reasons, and messages that were not posted."""
    rows = store.posts(app.engine, brand=brand, statuses=[PostStatus.HELD], limit=MANY)
    messages = store.messages(app.engine, brand=brand, statuses=QUARANTINED)
    return {
        "brand": brand,
        "posts": [tile(r, _find(app, r["brand"]), _zone(app, r["brand"])) for r in rows],
        "messages": [_message(m) for m in messages],
    }


def post(app: App, post_id: int) -> dict[str, Any]:
    """One post with its history (its events and its message's). KeyError if none."""
    rows = store.posts(app.engine, ids=[post_id])
    if not rows:
        raise KeyError(post_id)
    row = rows[0]
    zone = _zone(app, row["brand"])
    events = lifecycle.history(app.engine, post_id)
    return {
        "post": tile(row, _find(app, row["brand"]), zone),
        "message": _message_of(app, row["message"]),
        "history": [
            {
                "at": e["at"].astimezone(zone),
                "of": "message" if e["post"] is None else "post",
                "from": e["from_status"],
                "to": e["to_status"],
                "by": f"{e['actor_kind']}:{e['actor_name']}",
                "reason": e["reason"],
            }
            for e in events
        ],
    }


def submission(app: App, message_id: int) -> dict[str, Any]:
    """A submission's posts as tiles (the client's page). KeyError if it has none."""
    rows = store.posts(app.engine, message_ids=[message_id], limit=MANY)
    if not rows:
        raise KeyError(message_id)
    brand = _find(app, rows[0]["brand"])
    return {
        "submission": message_id,
        "brand": _brand(brand) if brand else {"id": rows[0]["brand"], "name": rows[0]["brand"]},
        "approval": brand.approval if brand else "none",
        "tiles": [
            {**tile(r, brand, _zone(app, r["brand"])), "number": n}
            for n, r in numbered(rows, at=lambda r: r["due_at"], channel=lambda r: r["channel"])
        ],
    }


@dataclass(frozen=True)
class Image:
    """A post's image: `name` changes whenever its bytes do (a blob key: variants are
    named by their content); `read()` fetches the bytes (BlobMissing, OSError)."""

    name: str
    read: Callable[[], bytes]
    content_type: str


def media_image(app: App, post_id: int, n: int, *, message: int | None = None) -> Image | None:
    """The n-th image of a post (and, given `message`, only of that submission's posts):
    read from the blob store every node shares, so any node shows it; a post planned
    by an older version, a file inside the media folder. None for anything else."""
    rows = store.posts(app.engine, ids=[post_id])
    if not rows or (message is not None and rows[0]["message"] != message):
        return None
    media = rows[0]["media"]
    if not 0 <= n < len(media):
        return None
    ref = str(media[n]["path"])
    kind = f"image/{media[n].get('format') or 'jpeg'}"
    if ref.startswith(MEDIA):
        try:
            key = safe_key(ref)
        except ValueError:
            return None
        return Image(name=key, read=lambda: app.blobs.get_sync(key), content_type=kind)
    path = Path(ref)
    file = (path if path.is_absolute() else app.config.path.parent / path).resolve()
    folder = app.config.resolve(app.config.service.media_dir).resolve()
    if not (file.is_relative_to(folder) and file.is_file()):
        return None
    st = file.stat()
    return Image(
        name=f"{file}\0{st.st_size}\0{st.st_mtime_ns}", read=file.read_bytes, content_type=kind
    )


def _message_of(app: App, message_id: int) -> dict[str, Any] | None:
    try:
        row = store.message(app.engine, message_id)
    except KeyError:
        return None
    return {
        "id": row.id,
        "sender": row.sender,
        "status": row.status,
        "reason": row.reason,
        "received_at": row.received_at,
    }


def _message(m: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "brand", "sender", "status", "reason", "received_at")
    return {k: m[k] for k in keys}


def _brand(b: Brand) -> dict[str, Any]:
    return {"id": b.id, "name": b.name, "timezone": b.timezone, "approval": b.approval}


def _find(app: App, brand_id: str) -> Brand | None:
    return next((b for b in app.config.brands if b.id == brand_id), None)


def _zone(app: App, brand_id: str) -> ZoneInfo:
    b = _find(app, brand_id)
    return b.zone if b else ZoneInfo("UTC")
