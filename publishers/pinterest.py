"""Pinterest (pinterest/api-description, v5 OpenAPI): one call makes the Pin.

    POST /v5/pins  {board_id, title, description, link, alt_text, media_source}

One image: `media_source.source_type = image_base64`; 2–5 images: a carousel,
`multiple_image_base64` with `items`. Errors come as {"code", "message"}.
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

from dripcast.core.channels import Pinterest
from dripcast.core.domain import Post, Published
from dripcast.core.errors import Rejected
from dripcast.core.extras import PinterestExtra, title_of
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import check, send

API = "https://api.pinterest.com/v5"
TITLE_MAX = 100
ALT_MAX = 500
MAX_IMAGES = 5


class PinterestPublisher(Publisher):
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: Pinterest, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.board_id = channel.board_id
        self._token = channel.token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    async def publish(self, post: Post) -> Published:
        if not post.media:
            raise Rejected("a Pin needs an image")
        if len(post.media) > MAX_IMAGES:
            raise Rejected(f"Pinterest takes at most {MAX_IMAGES} images, got {len(post.media)}")
        title = _title(post)
        link = post.extra.link if isinstance(post.extra, PinterestExtra) else None
        images = [
            base64.b64encode(await read_media(self.ctx, m)).decode("ascii") for m in post.media
        ]
        media_source: dict[str, Any]
        if len(images) == 1:
            media_source = {
                "source_type": "image_base64",
                "content_type": "image/jpeg",
                "data": images[0],
            }
        else:
            item: dict[str, Any] = {"title": title, "description": post.text}
            if link:
                item["link"] = link
            media_source = {
                "source_type": "multiple_image_base64",
                "items": [{"content_type": "image/jpeg", "data": d, **item} for d in images],
            }
        body: dict[str, Any] = {
            "board_id": self.board_id,
            "title": title,
            "description": post.text,
            "media_source": media_source,
        }
        if link:
            body["link"] = link
        if post.media[0].alt:
            body["alt_text"] = post.media[0].alt[:ALT_MAX]
        r = check(await send(self.http, "POST", f"{API}/pins", headers=self._headers(), json=body))
        try:
            pin_id = str(r.json()["id"])
        except (ValueError, KeyError, TypeError):
            # 2xx means the Pin exists; an odd body must not lead to a second one.
            return Published(external_id="")
        return Published(external_id=pin_id, url=f"https://www.pinterest.com/pin/{pin_id}/")

    async def find(self, post: Post) -> Published | None:
        r = check(
            await send(
                self.http,
                "GET",
                f"{API}/boards/{self.board_id}/pins",
                params={"page_size": "25"},
                headers=self._headers(),
            )
        )
        for pin in r.json().get("items") or []:
            if pin.get("description") == post.text and pin.get("id"):
                pid = str(pin["id"])
                return Published(external_id=pid, url=f"https://www.pinterest.com/pin/{pid}/")
        return None

    async def check(self) -> str:
        r = check(await send(self.http, "GET", f"{API}/user_account", headers=self._headers()))
        return str(r.json().get("username") or "ok")


def _title(post: Post) -> str:
    """The formatter's title, else the caption's first line, within 100 characters."""
    title = title_of(post.extra).strip()
    if not title:
        first = post.text.strip().splitlines()
        title = first[0] if first else ""
    if len(title) <= TITLE_MAX:
        return title
    cut = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] or title[: TITLE_MAX - 1]
    return cut.rstrip() + "…"
