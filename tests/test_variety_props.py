"""Property tests for issue 18 over random submissions, brands and recent posts:

- no two posts on one channel share their text, nor repeat a recent post's (30 days);
- every photo appears on every selected channel, unless a note names the channel and photo;
- the images of one carousel share one aspect.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from dripcast.core.config import Brand
from dripcast.core.domain import Directives, Photo, Submission
from formatters.compose import carousel_size, format_drafts
from formatters.images import Variant
from formatters.vary import same_key
from scheduler.plan import plan
from tests.formatters.helpers import CREDS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
SHAPES = [(400, 300), (300, 400), (320, 320), (480, 270), (270, 480)]
NETWORKS = ["instagram", "x", "bluesky", "mastodon", "threads", "facebook", "telegram", "pinterest"]


@cache
def _jpeg(shape: int, n: int) -> bytes:
    w, h = SHAPES[shape]
    im = Image.new("RGB", (w, h), (40 * n % 255, 90, 160))
    im.paste((250, 250, 250), (n * 7 % (w // 2), 10, n * 7 % (w // 2) + w // 3, h // 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


class Folder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, v: Variant, p: Photo, network: str) -> str:
        path = self.root / f"{network}-{hashlib.sha256(v.data).hexdigest()[:16]}.jpg"
        path.write_bytes(v.data)
        return str(path)


words = st.sampled_from(["Croissants", "Rye 🥐", "Kanelsnegle", "今日のパン", "Buns", ""])


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 8))
    shapes = draw(st.lists(st.integers(0, len(SHAPES) - 1), min_size=n, max_size=n))
    photos = []
    for i, shape in enumerate(shapes, start=1):
        data = _jpeg(shape, i)
        w, h = SHAPES[shape]
        photos.append(
            Photo(index=i, filename=f"p{i}.jpg", sha256=f"{i:064d}", width=w, height=h, data=data)
        )
    types = draw(st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=3, unique=True))
    channels = [
        {"id": t, "type": t, **CREDS[t], "group": draw(st.sampled_from([False, True, "auto"]))}
        for t in types
    ]
    cta = draw(
        st.one_of(
            st.none(),
            st.just("Order today"),
            st.lists(
                st.sampled_from(["Order today", "Bestil nu", "Come by"]),
                min_size=1,
                max_size=3,
                unique=True,
            ),
        )
    )
    hashtags = draw(
        st.one_of(
            st.just(["#bakery"]),
            st.just([]),
            st.lists(
                st.lists(
                    st.sampled_from(["#bakery", "#rye", "#cph", "#bread"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                ),
                min_size=1,
                max_size=3,
            ),
        )
    )
    vary = draw(st.sampled_from([["alt", "series"], ["alt"], ["series"], []]))
    brand = Brand.model_validate(
        {
            "id": "b",
            "name": "Bakery",
            "address": "b@localhost",
            "link": "https://example.com/shop",
            "cta": cta,
            "hashtags": hashtags,
            "vary": vary,
            "drip": {"days": draw(st.sampled_from([1, 1, 2, 5]))},
            "channels": channels,
        }
    )
    leads = {i: w for i in range(1, n + 1) if (w := draw(words))}
    alts = {i: f"photo of {w}" for i in range(1, n + 1) if (w := draw(words))}
    caption = draw(st.sampled_from(["Fresh today.", "The whole week's bakes.", ""]))
    sub = Submission(
        message_id="<m@x>",
        from_addr="owner@example.com",
        subject="",
        caption=caption,
        directives=Directives(alts=alts),
        attachments=(),
        leads=leads,
    )
    return {"brand": brand, "photos": photos, "sub": sub, "again": draw(st.booleans())}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_no_text_twice_every_photo_placed_or_noted_one_aspect_per_carousel(
    case: dict[str, Any],
) -> None:
    brand: Brand = case["brand"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Folder(Path(tmp))
        recent: dict[str, list[str]] = {}
        if case["again"]:  # the same mail again: everything the first one said is recent
            first = format_drafts(case["sub"], case["photos"], brand, brand.channels, store)
            for d in first.drafts:
                recent.setdefault(d.channel, []).append(d.text)
        done = format_drafts(
            case["sub"], case["photos"], brand, brand.channels, store, recent=recent
        )
        planned = plan(
            done.drafts,
            drip=brand.drip,
            channels=brand.channels,
            queue=(),
            now=NOW,
            when=None,
            capacity={c.id: carousel_size(c) for c in brand.channels if carousel_size(c) > 1},
        )
        notes = [*done.notes, *planned.notes]
        for ch in brand.channels:
            posts = [s.draft for s in planned.slots if s.draft.channel == ch.id]
            keys = [same_key(d.text) for d in posts]
            assert len(keys) == len(set(keys)), f"{ch.id}: the same text twice"
            assert not set(keys) & {same_key(t) for t in recent.get(ch.id, ())}
            shown = sorted(p for d in posts for p in d.photos)
            missing = {p.index for p in case["photos"]} - set(shown)
            assert len(shown) == len(set(shown))
            if missing:
                event("a photo left out with a note")
                named = {
                    int(x)
                    for note in notes
                    if note.startswith(f"{ch.id}: photo")
                    for x in re.findall(r"\d+", note.partition(" not posted")[0])
                }
                assert missing <= named, f"{ch.id}: photos {missing} gone without a note"
            for d in posts:
                if len(d.media) > 1:
                    event("carousel")
                    if (
                        len(
                            {
                                (p.width > p.height) - (p.width < p.height)
                                for p in case["photos"]
                                if p.index in d.photos
                            }
                        )
                        > 1
                    ):
                        event("carousel of photos in mixed shapes")
                    aspects = [m.width / m.height for m in d.media]
                    assert max(aspects) / min(aspects) < 1.025, f"{ch.id}: carousel {aspects}"
