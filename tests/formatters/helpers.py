"""Shared makers for formatter tests: a brand with every network, photos in many shapes."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from dripcast.core.config import Brand
from dripcast.core.domain import Directives, Photo, Submission

CREDS: dict[str, dict[str, Any]] = {
    "outbox": {"path": "out"},
    "webhook": {"url": "https://hooks.example/x", "secret": "s"},
    "mastodon": {"instance": "https://m.example", "token": "t"},
    "bluesky": {"handle": "shop.example", "app_password": "p"},
    "telegram": {"bot_token": "t", "chat_id": "1"},
    "discord": {"webhook_url": "https://discord.example/h"},
    "facebook": {"page_id": "1", "token": "t"},
    "instagram": {"account_id": "1", "token": "t"},
    "threads": {"user_id": "1", "token": "t"},
    "x": {"token": "t", "refresh_token": "r", "client_id": "c"},
    "linkedin": {"author": "urn:li:organization:1", "token": "t"},
    "pinterest": {"board_id": "1", "token": "t"},
    "tumblr": {"blog": "shop", "token": "t"},
    "wordpress": {"site": "https://shop.example", "user": "u", "app_password": "p"},
}


def brand(types: list[str] | None = None, **kw: Any) -> Brand:
    channels = [{"id": t, "type": t, **CREDS[t]} for t in (types or list(CREDS))]
    data: dict[str, Any] = {
        "id": "demo-bakery",
        "name": "Demo Bakery",
        "address": "bakery@localhost",
        "link": "https://example.com/shop",
        "cta": "Order for pickup today",
        "hashtags": ["#bakery", "#copenhagen"],
        "channels": channels,
    }
    data.update(kw)
    return Brand.model_validate(data)


def submission(caption: str = "Fresh sourdough this morning", **directives: Any) -> Submission:
    return Submission(
        message_id="<m@x>",
        from_addr="owner@example.com",
        subject="",
        caption=caption,
        directives=Directives(**directives),
        attachments=(),
    )


def jpeg(im: Image.Image, **save: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, **save)
    return buf.getvalue()


def photo(data: bytes, index: int = 1) -> Photo:
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
    return Photo(
        index=index, filename=f"p{index}.jpg", sha256="0" * 64, width=w, height=h, data=data
    )


def marked(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """Grey with a red block in the top-left corner: which way is up survives any resize."""
    im = Image.new("RGB", size, (128, 128, 128))
    im.paste((255, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    return im
