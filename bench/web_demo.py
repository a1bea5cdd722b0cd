"""A realistic brand week for the dashboard's screenshots and bench: real mails through
the real pipeline (parse, format, crop, plan), stored as `serve` stores them.

Used by `docs/screenshots.py` and `bench/web.py`; run from the repository root.
"""

from __future__ import annotations

import io
import math
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dripcast.app.context import App
from dripcast.app.pipeline import BlobMedia, prepare
from dripcast.core.config import Config, load
from dripcast.core.domain import Draft, Media, Published, Slot
from dripcast.core.extras import extra_from
from dripcast.store import queries as store
from dripcast.web.passwords import hash_password

PASSWORD = "bakery-demo"
CHANNELS = [
    {"id": "instagram", "type": "instagram", "account_id": "1784", "token": "x"},
    {"id": "bluesky", "type": "bluesky", "handle": "bakery.example.com", "app_password": "x"},
    {"id": "x", "type": "x", "token": "x", "refresh_token": "x", "client_id": "x"},
    {"id": "linkedin", "type": "linkedin", "author": "urn:li:organization:1", "token": "x"},
    {"id": "facebook", "type": "facebook", "page_id": "1", "token": "x"},
]
MAILS = [
    (
        "Fresh sourdough 🍞",
        "Our sourdough is out of the oven, crackling crust and all. "
        "Come early, it goes fast! #sourdough #realbread",
        3,
    ),
    (
        "Cardamom buns",
        "Saturday means cardamom buns, rolled by hand since 6 am. "
        "Pair one with a flat white. #fika #cardamom",
        2,
    ),
    (
        "Christmas cakes",
        "Pre-orders for Christmas cakes are open: rye, fig and walnut, "
        "baked to order. #christmas #preorder",
        2,
    ),
    (
        "New: rye crispbread",
        "Our rye crispbread is back on the shelf — seeded, thin and "
        "made for cheese. #rye #crispbread",
        1,
    ),
]


def write_config(folder: Path, port: int = 0) -> Path:
    brand = {
        "id": "demo-bakery",
        "name": "Demo Bakery",
        "timezone": "Europe/Copenhagen",
        "address": "bakery@localhost",
        "senders": ["owner@example.com"],
        "approval": "client",
        "link": "https://example.com/shop",
        "cta": "Order for pickup today",
        "hashtags": ["#bakery", "#copenhagen"],
        "drip": {"days": 5, "slots": ["09:00", "12:30", "18:00"], "weekdays": "mon-sat"},
        "channels": CHANNELS,
    }
    service = {
        "public_base_url": "https://media.example.com",
        "web": {
            "port": port,
            "users": [{"name": "demo", "password_hash": hash_password(PASSWORD)}],
        },
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump({"service": service, "brands": [brand]}, allow_unicode=True))
    return path


def photo(seed: int, w: int = 1600, h: int = 1200) -> bytes:
    """A warm still life: a soft gradient table and a few loaves, different per seed."""
    hue = [(214, 160, 96), (180, 120, 70), (226, 190, 140), (160, 98, 60), (200, 150, 110)]
    base = hue[seed % len(hue)]
    im = Image.new("RGB", (w, h), base)
    d = ImageDraw.Draw(im)
    for y in range(h):
        t = y / h
        d.line([(0, y), (w, y)], fill=tuple(int(c * (0.75 + 0.35 * t)) for c in base))
    for k in range(3 + seed % 3):
        cx = int(w * (0.2 + 0.3 * k + 0.05 * math.sin(seed + k)) % w)
        cy = int(h * (0.55 + 0.1 * math.cos(seed * 2 + k)))
        rx, ry = int(w * 0.16), int(h * 0.12)
        d.ellipse((cx - rx, cy - ry + 20, cx + rx, cy + ry + 40), fill=(60, 40, 25))
        d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=(150 + 8 * k, 92, 40))
        for s in range(3):
            x = cx - rx // 2 + s * rx // 2
            d.arc(
                (x - 40, cy - ry // 2, x + 40, cy + ry // 2),
                200,
                340,
                fill=(235, 200, 150),
                width=8,
            )
    im = im.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


def mail(subject: str, body: str, photos: list[bytes], at: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "owner@example.com", "bakery@localhost", subject
    msg["Date"], msg["Message-ID"] = format_datetime(at), make_msgid()
    msg.set_content(body)
    for i, data in enumerate(photos):
        msg.add_attachment(data, maintype="image", subtype="jpeg", filename=f"IMG_{i:04d}.JPG")
    return msg.as_bytes()


def submit(app: App, raw: bytes, now: datetime, status: str = "scheduled") -> tuple[int, list[int]]:
    """One mail planned and stored as the service would (with a queue to respect)."""
    brand = app.config.brands[0]
    media = BlobMedia(brand.id)
    queue = store.queued(app.engine, brand.id, since=now - timedelta(days=1))
    prepared = prepare(raw, brand, now=now, media=media, queue=queue)
    assert prepared.accepted, prepared.reason
    media.flush(app.blobs)  # the variants in the blob store, as the service keeps them
    mid = _message(app, now)
    ids = store.finish_message(
        app.engine,
        mid,
        now=now,
        status="planned",
        photos=prepared.photos,
        slots=prepared.slots,
        post_status=status,
    )
    return mid, ids


def _message(app: App, now: datetime) -> int:
    return store.add_message(
        app.engine,
        now=now,
        brand="demo-bakery",
        transport="smtp",
        mail_from="owner@example.com",
        rcpt="bakery@localhost",
        sender="owner@example.com",
        message_id=make_msgid(),
        spool="none",
        size=0,
        status="processing",
        claimed_until=now + timedelta(days=1),
    )


def demo_week(folder: Path, monday: datetime, port: int = 0) -> tuple[Config, App, int]:
    """The screenshots' week: some posts out, some waiting, one submission held for its
    client, one failed. Returns the config, the app, and the held submission's id."""
    config = load(write_config(folder, port))
    app = App.open(config)
    seed = 0
    ids: list[list[int]] = []
    held = 0
    for n, (subject, body, count) in enumerate(MAILS):
        pics = [photo(seed + i) for i in range(count)]
        seed += count
        now = monday + timedelta(hours=6 + n)
        mid, posted = submit(
            app, mail(subject, body, pics, now), now, "held" if n == 2 else "scheduled"
        )
        held = mid if n == 2 else held
        ids.append(posted)
    out = sorted(ids[0] + ids[1], key=lambda i: i)[:5]
    for pid in out:
        at = store.posts(app.engine, ids=[pid])[0]["due_at"]
        store.set_status(app.engine, [pid], "publishing", now=at)
        store.published(app.engine, pid, Published(external_id=f"p{pid}", url=None), now=at)
    bad = ids[3][-1]
    at = store.posts(app.engine, ids=[bad])[0]["due_at"]
    store.set_status(app.engine, [bad], "publishing", now=at)
    why = "403 from the network: the page's token has expired; reconnect the page, then retry"
    store.set_status(app.engine, [bad], "failed", reason=why, now=at + timedelta(seconds=2))
    return config, app, held


def many_posts(app: App, monday: datetime, n: int) -> None:
    """`n` posts spread over the week, copies of one real mail's drafts (the bench)."""
    now = monday
    pics = [photo(i) for i in range(2)]
    _, ids = submit(app, mail(*MAILS[0][:2], pics, now), now)
    rows = store.posts(app.engine, ids=ids)
    mid = _message(app, now)
    slots = []
    for i in range(n - len(ids)):
        r = rows[i % len(rows)]
        at = monday + timedelta(minutes=(i * 7 * 24 * 60) // n + 5)
        slots.append(Slot(draft=_draft(r), at=at))
    store.finish_message(app.engine, mid, now=now, status="planned", slots=slots)


def _draft(row: dict[str, Any]) -> Draft:
    return Draft(
        channel=row["channel"],
        type=row["type"],
        photos=tuple(row["photos"]),
        text=row["text"],
        media=tuple(Media(**m) for m in row["media"]),
        extra=extra_from(row["type"], row["extra"]),
    )


def monday_of_next_week(zone_now: datetime) -> datetime:
    day = zone_now.date() + timedelta(days=7 - zone_now.weekday())
    return datetime(day.year, day.month, day.day, tzinfo=zone_now.tzinfo)


def utc_now() -> datetime:
    return datetime.now(UTC)


__all__ = ["PASSWORD", "demo_week", "many_posts", "monday_of_next_week", "utc_now"]
