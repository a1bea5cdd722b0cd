"""Claims name their node: at start a node takes back its own at once, never another's.

Issue 11 point 7 and issue 17 point 4: a restarted node used to wait the whole
`publish_lease` for its own posts, and `release_claims` reset every node's messages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from tests.seed import seed

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def message(engine: object, n: int) -> int:
    return store.add_message(
        engine, now=NOW, brand="b", transport="smtp", mail_from="", rcpt="", sender=None,  # type: ignore[arg-type]
        message_id=f"<{n}@x>", spool=f"spool/{n}.eml", size=0,
    )  # fmt: skip


def test_a_node_releases_only_its_own_messages_at_start(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    a, b = message(engine, 1), message(engine, 2)
    assert store.claim_messages(engine, now=NOW, lease=LEASE, ids=[a], node="node-a") == [a]
    assert store.claim_messages(engine, now=NOW, lease=LEASE, ids=[b], node="node-b") == [b]
    assert store.message(engine, a).claimed_by == "node-a"
    # node-a restarts: its message is planned again at once; node-b's is node-b's
    assert store.release_claims(engine, "node-a") == 1
    assert store.pending_messages(engine, now=NOW) == [a]
    # after the lease, anyone takes node-b's over
    assert store.pending_messages(engine, now=NOW + LEASE + timedelta(seconds=1)) == [a, b]
    later = NOW + LEASE + timedelta(seconds=1)
    assert store.claim_messages(engine, now=later, lease=LEASE, ids=[b], node="node-a") == [b]
    assert store.message(engine, b).claimed_by == "node-a"
    engine.dispose()


def test_a_restarted_node_recovers_its_own_posts_without_waiting_the_lease(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    _, ids = seed(engine, [NOW, NOW])
    claimed = store.claim_due(engine, now=NOW, lease=LEASE, limit=1, node="node-a")
    mine = claimed[0].id
    (theirs,) = [p.id for p in store.claim_due(engine, now=NOW, lease=LEASE, node="node-b")]
    assert {mine, theirs} == set(ids)
    rows = {p["id"]: p["claimed_by"] for p in store.posts(engine)}
    assert rows == {mine: "node-a", theirs: "node-b"}
    # node-a is killed and restarts a second later: nothing is stale for anyone yet ...
    restart = NOW + timedelta(seconds=1)
    assert store.claim_stale(engine, now=restart, lease=LEASE, node="node-a") == []
    # ... until it marks its own claims stale; node-b's stay node-b's until the lease ends
    assert store.recover_own(engine, "node-a", now=restart) == 1
    assert [p.id for p in store.claim_stale(engine, now=restart, lease=LEASE, node="node-a")] == [
        mine
    ]
    assert store.claim_stale(engine, now=restart, lease=LEASE, node="node-a") == []
    after = NOW + LEASE + timedelta(seconds=1)
    assert [p.id for p in store.claim_stale(engine, now=after, lease=LEASE, node="node-a")] == [
        theirs
    ]
    engine.dispose()
