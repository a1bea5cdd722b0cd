"""Facebook Page: photos through the Graph API (`/{page-id}/photos`, `/{page-id}/feed`).

One photo is one call that publishes. Several are uploaded unpublished, then
attached to one feed post; the unpublished photo ids are remembered, so a retry
after a failure at the feed step attaches them again instead of uploading twice.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from dripcast.core.channels import Facebook
from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import OutcomeUnknown, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.meta import FACEBOOK_GRAPH, graph, same_post

# Meta's clock and ours may differ a little; an earlier sibling is hours away.
CLOCK_SLACK = timedelta(minutes=10)


class FacebookPublisher(Publisher):
    def __init__(self, channel: Facebook, ctx: Context) -> None:
        self.page = channel.page_id
        self.token = channel.token.get_secret_value()
        self.ctx = ctx

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return await graph(self.ctx.http, method, f"{FACEBOOK_GRAPH}/{path}", self.token, **kwargs)

    async def publish(self, post: Post) -> Published:
        if not post.media:
            body = await self._call("POST", f"{self.page}/feed", data={"message": post.text})
            return _published(str(body["id"]))
        if len(post.media) == 1:
            body = await self._photo(post.media[0], message=post.text, published=True)
            return _published(str(body.get("post_id") or body["id"]))
        photos = list(post.remote.get("photos") or ())
        if len(photos) != len(post.media):
            photos = [str((await self._photo(m, published=False))["id"]) for m in post.media]
            if self.ctx.remember is not None:
                await self.ctx.remember(post.id, {"photos": photos})
        data = {"message": post.text}
        for i, fbid in enumerate(photos):
            data[f"attached_media[{i}]"] = json.dumps({"media_fbid": fbid})
        body = await self._call("POST", f"{self.page}/feed", data=data)
        return _published(str(body["id"]))

    async def _photo(
        self, media: Media, *, published: bool, message: str | None = None
    ) -> dict[str, Any]:
        fields = {} if published else {"published": "false"}
        if message is not None:
            fields["message"] = message
        if media.alt:
            fields["alt_text_custom"] = media.alt
        kwargs: dict[str, Any] = {"data": fields}
        if self.ctx.media_url is not None:
            fields["url"] = self.ctx.media_url(media)
        else:
            data = await read_media(self.ctx, media)
            kwargs["files"] = {
                "source": (PurePosixPath(media.path).name, data, f"image/{media.format}")
            }
        try:
            return await self._call("POST", f"{self.page}/photos", **kwargs)
        except OutcomeUnknown as e:
            if published:
                raise
            # An unpublished photo shows nowhere; uploading it again is harmless.
            raise Retryable(f"{e} (an unpublished photo only)") from e

    async def find(self, post: Post) -> Published | None:
        body = await self._call(
            "GET",
            f"{self.page}/published_posts",
            params={"fields": "id,message,created_time,permalink_url", "limit": "25"},
        )
        item = same_post(
            body.get("data"),
            post.text,
            post.at - CLOCK_SLACK,
            text_key="message",
            time_key="created_time",
        )
        if item is None:
            return None
        return Published(external_id=str(item["id"]), url=item.get("permalink_url"))

    async def check(self) -> str:
        body = await self._call("GET", self.page, params={"fields": "id,name"})
        return f"Facebook Page {body.get('name')} ({body.get('id')})"


def _published(post_id: str) -> Published:
    # Page post ids read `<page-id>_<post-id>`, and facebook.com resolves them as a path.
    return Published(external_id=post_id, url=f"https://www.facebook.com/{post_id}")
