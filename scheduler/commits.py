"""Group commit for published posts: one transaction for all that finished meanwhile.

Each success must be on disk soon (until it is, a crash leaves the post in
`publishing` and recovery has to find out what happened), but one fsync per
post makes a tick of a hundred posts cost a hundred fsyncs. So the first
success is written at once, and every success that arrives while that write
runs goes into the next one: a slow network gets one write per post, a fast
burst gets a few writes in all.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import Engine

from dripcast.core.domain import Published
from dripcast.store import queries as store


class GroupCommit:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pending: list[tuple[int, Published, datetime, asyncio.Future[None]]] = []
        self.lock = asyncio.Lock()

    async def published(self, post_id: int, result: Published, *, now: datetime) -> None:
        """Returns once this post's success is committed; raises if that write failed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((post_id, result, now, done))
        await asyncio.sleep(0)  # let siblings that finished in the same instant join the batch
        async with self.lock:
            if not done.done():
                batch, self.pending = self.pending, []
                try:
                    await asyncio.to_thread(
                        store.published_many, self.engine, [(i, r, t) for i, r, t, _ in batch]
                    )
                except Exception as e:
                    for *_, f in batch:
                        f.set_exception(e)
                else:
                    for *_, f in batch:
                        f.set_result(None)
        await done
