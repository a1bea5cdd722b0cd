"""The container dance Instagram and Threads share: create a media container (Meta
fetches the image from our signed URL), wait until it is FINISHED, publish it.

Neither network takes an idempotency key, so the container id is the key: it is
remembered (`ctx.remember`) as soon as it exists, and a retry asks the container
first. PUBLISHED means the post is live; FINISHED means it is not, and only the
publish call is repeated with the same container; EXPIRED (after 24 h) or gone
means build again. A rate-limit answer to the publish call has been seen while
the post went live, so that case is checked before giving up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import OutcomeUnknown, PublishError, Rejected, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.meta import RETRYABLE_SUBCODES, graph, same_post
from publishers.meta_token import LongLivedToken, MetaLongLivedAuth

CLOCK_SLACK = timedelta(minutes=10)  # Meta's clock vs ours; siblings are hours apart


class ContainerPublisher(Publisher):
    """A network that publishes through Meta media containers. Subclasses fill in the names."""

    network: ClassVar[str]
    base: ClassVar[str]  # Graph host and version
    create_edge: ClassVar[str]  # POST /{owner}/<edge> makes a container; GET lists recent posts
    publish_edge: ClassVar[str]
    text_field: ClassVar[str]  # "caption" / "text"
    status_fields: ClassVar[str]  # what to ask a container for
    status_key: ClassVar[str]
    detail_key: ClassVar[str]
    limit_edge: ClassVar[str]  # the account's publishing quota
    poll_every: float = 3.0  # seconds between container status reads
    polls: int = 20

    def __init__(self, owner: str, token: LongLivedToken, ctx: Context) -> None:
        self.owner = owner
        self.token = token
        self.auth = MetaLongLivedAuth(token)
        self.ctx = ctx

    # ---- what differs between the networks -------------------------------------

    def single_fields(self, media: Media, url: str, post: Post) -> dict[str, str]:
        raise NotImplementedError

    def child_fields(self, media: Media, url: str) -> dict[str, str]:
        raise NotImplementedError

    def carousel_fields(self, children: list[str], post: Post) -> dict[str, str]:
        return {
            "media_type": "CAROUSEL",
            "children": ",".join(children),
            self.text_field: post.text,
        }

    def text_fields(self, post: Post) -> dict[str, str]:
        raise Rejected(f"{self.network} posts need a photo")

    # ---- the flow ----------------------------------------------------------------

    async def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return await graph(self.ctx.http, method, f"{self.base}/{path}", self.auth, **kwargs)

    async def publish(self, post: Post) -> Published:
        container = post.remote.get("container")
        if container:
            status = await self._status_or_gone(str(container))
            if status == "PUBLISHED":
                return await self._live(post, str(container))
            if status in ("FINISHED", "IN_PROGRESS"):
                found = await self._recent(post)
                if found is not None:
                    return found
                if status == "IN_PROGRESS":
                    await self._wait(str(container))
                return await self._publish(str(container), post)
            if status == "GONE":
                # Meta forgot the container; make sure nothing went live before building anew.
                found = await self._recent(post)
                if found is not None:
                    return found
            elif status not in ("EXPIRED", "ERROR"):
                raise OutcomeUnknown(
                    f"{self.network} container {container} is {status or 'in no known state'}"
                )
            # Nothing went live with it: build a new one.
        container = await self._build(post)
        if self.ctx.remember is not None:
            await self.ctx.remember(post.id, {"container": container})
        await self._wait(container)
        return await self._publish(container, post)

    async def _build(self, post: Post) -> str:
        if not post.media:
            return await self._create(self.text_fields(post))
        if self.ctx.media_url is None:
            raise Rejected(f"{self.network} fetches images by URL; set service.public_base_url")
        urls = [self.ctx.media_url(m) for m in post.media]
        if len(post.media) == 1:
            return await self._create(self.single_fields(post.media[0], urls[0], post))
        children = [
            await self._create(self.child_fields(m, u))
            for m, u in zip(post.media, urls, strict=True)
        ]
        return await self._create(self.carousel_fields(children, post))

    async def _create(self, fields: Mapping[str, str]) -> str:
        try:
            body = await self.call("POST", f"{self.owner}/{self.create_edge}", data=dict(fields))
        except OutcomeUnknown as e:
            # A container is not a post: if one was made, it expires unpublished.
            raise Retryable(f"{e} (a media container only; nothing was published)") from e
        return str(body["id"])

    async def _status(self, container: str) -> tuple[str, str]:
        body = await self.call("GET", container, params={"fields": self.status_fields})
        return str(body.get(self.status_key) or ""), str(body.get(self.detail_key) or "")

    async def _status_or_gone(self, container: str) -> str:
        try:
            return (await self._status(container))[0]
        except Rejected:
            return "GONE"  # Meta no longer knows the container

    async def _wait(self, container: str) -> None:
        for i in range(self.polls):
            status, detail = await self._status(container)
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status == "ERROR":
                what = f"{self.network} could not prepare the media: {detail or 'ERROR'}"
                if any(str(code) in detail for code in RETRYABLE_SUBCODES):
                    raise Retryable(what)
                raise Rejected(what)
            if status == "EXPIRED":
                raise Retryable(f"{self.network} media container {container} expired")
            if i + 1 < self.polls:
                await asyncio.sleep(self.poll_every)
        # Still IN_PROGRESS: the next try picks the remembered container up again.
        raise Retryable(f"{self.network} is still processing the media", retry_after=60)

    async def _publish(self, container: str, post: Post) -> Published:
        try:
            body = await self.call(
                "POST", f"{self.owner}/{self.publish_edge}", params={"creation_id": container}
            )
        except (Retryable, OutcomeUnknown) as e:
            # Meta has answered a rate limit, or nothing, for a post that went live.
            try:
                status = (await self._status(container))[0]
            except PublishError:
                raise e from None
            if status == "PUBLISHED":
                return await self._live(post, container)
            raise
        return await self._with_permalink(str(body["id"]))

    async def _with_permalink(self, media_id: str) -> Published:
        try:
            body = await self.call("GET", media_id, params={"fields": "permalink"})
        except PublishError:
            return Published(external_id=media_id)  # it is live; the link is a nicety
        link = body.get("permalink")
        return Published(external_id=media_id, url=str(link) if link else None)

    async def _live(self, post: Post, container: str) -> Published:
        """The container says it went live: the post, or at least its container id."""
        try:
            found = await self._recent(post)
        except PublishError:
            found = None
        return found or Published(external_id=container)

    async def _recent(self, post: Post) -> Published | None:
        body = await self.call(
            "GET",
            f"{self.owner}/{self.create_edge}",
            params={"fields": f"id,{self.text_field},timestamp,permalink", "limit": "25"},
        )
        item = same_post(
            body.get("data"),
            post.text,
            post.at - CLOCK_SLACK,
            text_key=self.text_field,
            time_key="timestamp",
        )
        if item is None:
            return None
        link = item.get("permalink")
        return Published(external_id=str(item["id"]), url=str(link) if link else None)

    async def find(self, post: Post) -> Published | None:
        container = post.remote.get("container")
        if container and await self._status_or_gone(str(container)) == "PUBLISHED":
            return await self._live(post, str(container))
        return await self._recent(post)

    async def check(self) -> str:
        body = await self.call("GET", self.owner, params={"fields": "id,username"})
        who = f"{self.network} @{body.get('username')} ({body.get('id')})"
        return f"{who}, {await self._quota()}"

    async def _quota(self) -> str:
        """The publishing quota as Meta counts it, rather than our table's figure."""
        try:
            body = await self.call(
                "GET", f"{self.owner}/{self.limit_edge}", params={"fields": "quota_usage,config"}
            )
            entry = body["data"][0]
            total, window = entry["config"]["quota_total"], entry["config"]["quota_duration"]
            return f"{entry['quota_usage']}/{total} posts in the last {int(window) // 3600} h"
        except (PublishError, KeyError, IndexError, TypeError, ValueError):
            return "publishing quota unknown"
