"""Instagram (API with Instagram Login, graph.instagram.com): one photo or a carousel.

The container flow and its at-most-once rules live in `publishers.meta_container`.
"""

from __future__ import annotations

from typing import ClassVar

from dripcast.core.channels import Instagram
from dripcast.core.domain import Media, Post
from dripcast.core.publisher import Context
from publishers.meta import INSTAGRAM_GRAPH
from publishers.meta_container import ContainerPublisher
from publishers.meta_token import NAME, LongLivedToken

REFRESH_URL = "https://graph.instagram.com/refresh_access_token"


class InstagramPublisher(ContainerPublisher):
    network: ClassVar[str] = "Instagram"
    base: ClassVar[str] = INSTAGRAM_GRAPH
    create_edge: ClassVar[str] = "media"
    publish_edge: ClassVar[str] = "media_publish"
    text_field: ClassVar[str] = "caption"
    status_fields: ClassVar[str] = "status_code,status"
    status_key: ClassVar[str] = "status_code"
    limit_edge: ClassVar[str] = "content_publishing_limit"
    detail_key: ClassVar[str] = "status"

    def __init__(self, channel: Instagram, ctx: Context) -> None:
        token = LongLivedToken(
            http=ctx.http,
            creds=ctx.credential(NAME),
            configured=channel.token.get_secret_value(),
            refresh_url=REFRESH_URL,
            grant_type="ig_refresh_token",
        )
        super().__init__(channel.account_id, token, ctx)

    def single_fields(self, media: Media, url: str, post: Post) -> dict[str, str]:
        return {"image_url": url, "caption": post.text, **_alt(media)}

    def child_fields(self, media: Media, url: str) -> dict[str, str]:
        return {"image_url": url, "is_carousel_item": "true", **_alt(media)}


def _alt(media: Media) -> dict[str, str]:
    return {"alt_text": media.alt} if media.alt else {}
