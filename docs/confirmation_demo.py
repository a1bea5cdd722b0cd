"""Render a sample confirmation to docs/confirmation.html (images as data: URIs) for a
screenshot: python docs/confirmation_demo.py && chromium --headless --screenshot …"""

from __future__ import annotations

import base64
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from dripcast.app.mail import render
from dripcast.app.mail.build import confirmation_view
from dripcast.app.pipeline import MediaStore, prepare
from dripcast.core.config import load
from tests.mail import photo_mail

ROOT = Path(__file__).parent.parent


def sample_photo(hue: int) -> bytes:
    import io

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (1600, 1200), (240, 226, 200))
    d = ImageDraw.Draw(im)
    for i in range(7):
        d.ellipse(
            (180 + i * 170, 380 + (i % 2) * 120, 420 + i * 170, 620 + (i % 2) * 120),
            fill=(190 - hue, 120 + i * 8, 50 + hue),
        )  # loaves on a counter
    d.rectangle((0, 980, 1600, 1200), fill=(120, 80, 50))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg_path = Path(tmp) / "config.yaml"
        cfg_path.write_text(
            "brands:\n- id: demo-bakery\n  name: Demo Bakery\n  timezone: Europe/Copenhagen\n"
            "  address: bakery@localhost\n  senders: [owner@example.com]\n  approval: client\n"
            "  hashtags: ['#bakery']\n  cta: Order for pickup today\n"
            "  channels:\n  - {id: instagram, type: outbox, path: var/ig}\n"
            "  - {id: mastodon, type: outbox, path: var/m}\n"
        )
        brand = load(cfg_path).brands[0]
        raw = photo_mail(
            subject="Fresh sourdough today",
            body="Our rye and sourdough are out of the oven, still warm. Come early!",
            photos=[sample_photo(0), sample_photo(60), b"not an image"],
        )
        p = prepare(
            raw,
            brand,
            now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            media=MediaStore(Path(tmp) / "media"),
        )
        view = confirmation_view(
            brand,
            subject=p.submission.subject,
            slots=p.slots,
            post_ids=list(range(1, len(p.slots) + 1)),
            skipped=p.skipped,
            notes=p.notes,
        )
        draft = render.confirmation(view)
        assert draft.html is not None
        html = draft.html
        for cid, data in draft.images.items():
            html = html.replace(
                f"cid:{cid}", "data:image/jpeg;base64," + base64.b64encode(data).decode()
            )
        out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "confirmation.html"
        out.write_text(html)
        (out.with_suffix(".txt")).write_text(draft.text)


if __name__ == "__main__":
    main()
