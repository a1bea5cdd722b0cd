"""A node restarted after a crash publishes the posts it had claimed at once (issue 11.7).

Before claims carried the node's name, it waited the whole `publish_lease` (10 min)
for its own posts, like any other node would.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.blobs import open_blobs
from dripcast.store.db import make_engine, migrate
from tests.conftest import Server, wait_for
from tests.seed import seed


def test_a_restarted_node_publishes_its_own_claimed_posts_without_waiting_the_lease(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    path = make_config(node_id="solo", publish_lease="10m")
    config = load(path)
    engine = make_engine(config.database_url)
    migrate(engine)
    blobs = open_blobs(config)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, "JPEG")
    blobs.put_sync("media/demo-bakery/aa/p.jpg", out.getvalue())
    blobs.close()
    now = datetime.now(UTC)
    _, (mine, theirs) = seed(engine, [now, now], media="media/demo-bakery/aa/p.jpg")
    # the crashed "solo" held one post mid-publish; another node holds the other
    assert [p.id for p in store.claim_due(engine, now=now, lease=timedelta(minutes=10), limit=1, node="solo")] == [mine]  # fmt: skip
    assert [p.id for p in store.claim_due(engine, now=now, lease=timedelta(minutes=10), node="other")] == [theirs]  # fmt: skip
    server_for(path).start()

    def status(pid: int) -> str:
        return str(store.posts(engine, ids=[pid])[0]["status"])

    wait_for(lambda: status(mine) == "published", timeout=20, what="its own post recovered")
    assert status(theirs) == "publishing"  # another node's claim waits out its lease
    engine.dispose()
