"""`publish_due(now)`: claim the posts whose time has come and hand each to its publisher.

The posts table is the schedule; this module decides what each outcome means:

    published       done
    Retryable       again later, exponential backoff with jitter, never before the
                    network's own reset time; after the last attempt, held
    Rejected        failed, with the network's message
    AuthExpired     held, and the channel paused until a person reconnects it
    OutcomeUnknown  looked up where the network allows; resent only if the publisher
                    is idempotent; otherwise held for a person
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dripcast.core.config import Brand
from dripcast.core.domain import Post
from dripcast.core.errors import AuthExpired, OutcomeUnknown, PublishError, Rejected, Retryable
from dripcast.core.publisher import Publisher
from dripcast.store import queries as store
from scheduler import grace
from scheduler.commits import GroupCommit

log = logging.getLogger("dripcast.dispatch")

# The longest wait any answer can ask for: `Retry-After: inf` or a reset in the year
# 9999 means "later", not "never" (a person sees the post waiting, and can act).
MAX_WAIT = 24 * 3600.0


def backoff(attempt: int, retry_after: float | None, rand: random.Random) -> timedelta:
    """1 min, 2, 4, 8… capped at 6 h, ±20 % jitter, and never sooner than the network asked.

    After a reset time the posts a limit stopped are spread over up to a minute
    more, so they do not all hit the network again in the same second. Whatever
    the network asked, the wait is at most a day.
    """
    base = min(60.0 * 2 ** max(0, min(attempt, 64) - 1), 6 * 3600.0)
    delay = base * rand.uniform(0.8, 1.2)
    if retry_after is not None and not math.isnan(retry_after) and retry_after > 0:
        asked = min(retry_after, MAX_WAIT)
        delay = max(delay, asked + rand.uniform(0, min(60.0, asked / 10)))
    return timedelta(seconds=min(delay, MAX_WAIT))


@dataclass
class Dispatcher:
    engine: Engine
    publishers: Mapping[tuple[str, str], Publisher]  # (brand, channel) → publisher
    # brand id → brand: its time zone for the `at` a publisher sees, its drip for the grace rule
    brands: Mapping[str, Brand] = field(default_factory=dict)
    lease: timedelta = timedelta(minutes=10)
    node: str | None = None  # this node's name on its claims
    max_attempts: int = 5
    batch: int = 100
    concurrency: int = 8
    rand: random.Random = field(default_factory=random.Random)
    _gate: asyncio.Semaphore = field(init=False, repr=False)
    _commits: GroupCommit = field(init=False, repr=False)

    async def publish_due(self, now: datetime) -> int:
        """One tick: recover posts a dead process left behind, then publish what is due."""
        # Per tick: both belong to the running event loop.
        self._gate = asyncio.Semaphore(self.concurrency)  # network calls at once
        self._commits = GroupCommit(self.engine)
        for post in await asyncio.to_thread(
            store.claim_stale, self.engine, now=now, lease=self.lease, node=self.node
        ):
            await self._guarded(self._recover, post, now)
        posts = await asyncio.to_thread(
            store.claim_due,
            self.engine,
            now=now,
            lease=self.lease,
            limit=self.batch,
            node=self.node,
        )
        log.debug("tick at %s: claimed %d due posts", now.isoformat(), len(posts))
        posts = [p for p in posts if not await self._moved(p, now)]
        await asyncio.gather(*(self._guarded(self._publish, p, now) for p in posts))
        return len(posts)

    async def _guarded(
        self, step: Callable[[Post, datetime], Awaitable[None]], post: Post, now: datetime
    ) -> None:
        """One post's step; whatever goes wrong in it stays with that post.

        A failure here (a bug, the database refusing a value) must not stop the other
        posts of the batch, nor leave this one `publishing` to be re-sent every lease:
        it is held for a person with the error.
        """
        try:
            await step(post, now)
        except Exception as e:
            log.exception("post %d: handling it failed", post.id)
            try:
                await self._set(post, "held", f"dripcast failed handling this post: {e!r}")
            except Exception:
                log.exception("post %d: could not hold it either", post.id)

    async def _moved(self, post: Post, now: datetime) -> bool:
        """Past `drip.grace`, a missed post takes its channel's next free slot instead."""
        brand = self.brands.get(post.brand)
        if brand is None or not any(c.id == post.channel for c in brand.channels):
            return False
        if not grace.missed(post.at, now, brand.drip):
            return False
        queue = await asyncio.to_thread(
            store.queued,
            self.engine,
            post.brand,
            now - timedelta(days=1),
            channel=post.channel,
            but=post.id,
        )
        at = grace.new_time(brand, post.channel, queue, now)
        why = (
            f"missed {post.at.astimezone(brand.zone):%a %Y-%m-%d %H:%M} by more than"
            f" {brand.drip.grace} (service down?); moved to the next free slot"
        )
        log.warning("post %d: %s %s", post.id, why, at.isoformat())
        await asyncio.to_thread(store.unclaim, self.engine, post.id, due_at=at, reason=why)
        return True

    def _publisher(self, post: Post) -> Publisher | None:
        return self.publishers.get((post.brand, post.channel))

    async def _publish(self, post: Post, now: datetime) -> None:
        pub = self._publisher(post)
        if pub is None:
            await self._set(post, "held", "the channel is no longer in the config")
            return
        brand = self.brands.get(post.brand)
        zone = brand.zone if brand else None
        seen = replace(post, at=post.at.astimezone(zone)) if zone else post
        try:
            async with self._gate:
                result = await pub.publish(seen)
        except OutcomeUnknown as e:
            # What the publisher remembered while publishing (a container id, uploaded
            # media) is what find() recognises the post by: read it back, not the
            # copy from before publishing.
            await self._unknown(pub, await self._fresh(seen), now, str(e))
        except Retryable as e:
            await self._retry(post, now, e)
        except AuthExpired as e:
            log.warning("%s/%s needs reconnecting: %s", post.brand, post.channel, e)
            reason = f"the channel needs reconnecting: {e}"
            await self._set(post, "held", reason)
            await asyncio.to_thread(
                store.hold_channel, self.engine, post.brand, post.channel, reason
            )
        except Rejected as e:
            await self._set(post, "failed", f"rejected by {post.type}: {e}")
        except Exception as e:
            # A bug in a publisher is treated like a passing fault: retried, then held.
            log.exception("publishing post %d failed unexpectedly", post.id)
            await self._retry(post, now, PublishError(repr(e)))
        else:
            await self._commits.published(post.id, result, now=now)
            log.info(
                "published post %d to %s/%s: %s",
                post.id,
                post.brand,
                post.channel,
                result.external_id,
            )

    async def _recover(self, post: Post, now: datetime) -> None:
        """A post found in `publishing` with an expired lease: its process died mid-publish.

        Each recovery counts as an attempt, so a post that stops its process every
        time is held after `max_attempts` instead of being re-sent every lease.
        """
        pub = self._publisher(post)
        if pub is None:
            await self._set(post, "held", "the channel is no longer in the config")
        elif not pub.idempotent:
            await self._unknown(pub, post, now, "the service stopped while publishing")
        elif post.attempts > self.max_attempts:
            await self._set(
                post,
                "held",
                f"gave up after {post.attempts - 1} attempts: the service stopped while publishing",
            )
        else:
            await self._publish(post, now)

    async def _fresh(self, post: Post) -> Post:
        """The post with the `remote` state the publisher remembered since it was claimed."""
        rows = await asyncio.to_thread(store.posts, self.engine, ids=[post.id])
        if not rows or not isinstance(rows[0].get("remote"), Mapping):
            return post
        return replace(post, remote=dict(rows[0]["remote"]))

    async def _unknown(self, pub: Publisher, post: Post, now: datetime, why: str) -> None:
        try:
            found = await pub.find(post)
        except PublishError:
            found = None
        if found is not None:
            await asyncio.to_thread(store.published, self.engine, post.id, found, now=now)
        elif pub.idempotent:
            await self._retry(post, now, Retryable(why))
        else:
            await self._set(
                post, "held", f"{why}; it may or may not be live — check, then retry or cancel"
            )

    async def _retry(self, post: Post, now: datetime, e: PublishError) -> None:
        if post.attempts >= self.max_attempts:
            await self._set(post, "held", f"gave up after {post.attempts} attempts: {e}")
            return
        due = now + backoff(post.attempts, e.retry_after, self.rand)
        log.info("post %d: %s; retry at %s", post.id, e, due.isoformat())
        await asyncio.to_thread(
            store.set_status, self.engine, [post.id], "scheduled", reason=str(e), due_at=due
        )

    async def _set(self, post: Post, status: str, reason: str) -> None:
        await asyncio.to_thread(store.set_status, self.engine, [post.id], status, reason=reason)
