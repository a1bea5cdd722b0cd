"""Threads (graph.threads.net): a photo, a carousel, or text alone.

The container flow and its at-most-once rules live in `publishers.meta_container`.
"""

from __future__ import annotations

from typing import ClassVar

from dripcast.core.channels import Threads
from dripcast.core.domain import Media, Post
from dripcast.core.publisher import Context
from publishers.meta import THREADS_GRAPH
from publishers.meta_container import ContainerPublisher
from publishers.meta_token import NAME, LongLivedToken

REFRESH_URL = "https://graph.threads.net/refresh_access_token"


class ThreadsPublisher(ContainerPublisher):
    network: ClassVar[str] = "Threads"
    base: ClassVar[str] = THREADS_GRAPH
    create_edge: ClassVar[str] = "threads"
    publish_edge: ClassVar[str] = "threads_publish"
    text_field: ClassVar[str] = "text"
    status_fields: ClassVar[str] = "status,error_message"
    status_key: ClassVar[str] = "status"
    limit_edge: ClassVar[str] = "threads_publishing_limit"
    detail_key: ClassVar[str] = "error_message"

    def __init__(self, channel: Threads, ctx: Context) -> None:
        token = LongLivedToken(
            http=ctx.http,
            creds=ctx.credential(NAME),
            configured=channel.token.get_secret_value(),
            refresh_url=REFRESH_URL,
            grant_type="th_refresh_token",
        )
        super().__init__(channel.user_id, token, ctx)

    def single_fields(self, media: Media, url: str, post: Post) -> dict[str, str]:
        return {"media_type": "IMAGE", "image_url": url, "text": post.text, **_alt(media)}

    def child_fields(self, media: Media, url: str) -> dict[str, str]:
        return {"media_type": "IMAGE", "image_url": url, "is_carousel_item": "true", **_alt(media)}

    def text_fields(self, post: Post) -> dict[str, str]:
        return {"media_type": "TEXT", "text": post.text}


def _alt(media: Media) -> dict[str, str]:
    return {"alt_text": media.alt} if media.alt else {}
