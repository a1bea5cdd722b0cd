"""How long one `publish_due` tick takes as the posts table grows, and one plan.

    /work/venv/bin/python bench/dispatch.py [--sizes 10000,100000,1000000]

For each size: a fresh SQLite file with that many posts (half published in the
past, half scheduled ahead, plus 100 due now), then the median of a few ticks
that each find the 100 due posts and hand them to a no-op publisher. Printed
next to references from the same run: the tick at the smallest size, and the
bare indexed SELECT the claim is built on. Then EXPLAIN QUERY PLAN of the
claim's own SQL, captured as it runs, to show the index is used (no table scan).
Last, the time to plan 20 photos × 12 channels against a 10k-post queue.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine, event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dripcast.core.domain import Post, Published
from dripcast.core.publisher import Publisher
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from scheduler.dispatch import Dispatcher

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DUE = 100
CHANNELS = 12
SA_FORMAT = "%Y-%m-%d %H:%M:%S.000000"  # how SQLAlchemy stores DateTime on SQLite


class NoOp(Publisher):
    idempotent: ClassVar[bool] = True

    async def publish(self, post: Post) -> Published:
        return Published(external_id=str(post.id))


def fill(path: Path, n: int) -> Engine:
    """n posts in one INSERT … SELECT over a counter: seconds, not minutes, for a million."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    db = sqlite3.connect(path)
    base = NOW.replace(tzinfo=None)
    db.execute(
        "INSERT INTO messages (brand, transport, mail_from, rcpt, spool, size, received_at,"
        " status) VALUES ('b', 'smtp', '', '', 'x', 0, ?, 'planned')",
        (base.strftime(SA_FORMAT),),
    )
    rest = n - DUE
    db.execute(
        """
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < :n)
        INSERT INTO posts (message, brand, channel, type, photos, text, media, extra, remote,
                           due_at, status, attempts, created_at)
        SELECT 1, 'b', 'ch' || (i % :channels), 'outbox', '[1]', 'a caption', '[]', '{}', '{}',
               CASE WHEN i <= :due
                    THEN strftime('%Y-%m-%d %H:%M:%S', :base, '-' || i || ' seconds')
                    WHEN i % 2 = 0
                    THEN strftime('%Y-%m-%d %H:%M:%S', :base, '-' || (i * 60) || ' seconds')
                    ELSE strftime('%Y-%m-%d %H:%M:%S', :base, '+' || (i * 60) || ' seconds')
               END || '.000000',
               CASE WHEN i > :due AND i % 2 = 0 THEN 'published' ELSE 'scheduled' END,
               0, :base
        FROM k
        """,
        {"n": n, "due": DUE, "channels": CHANNELS, "base": base.strftime(SA_FORMAT)},
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    assert rest >= 0
    return make_engine(f"sqlite:///{path}")


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def grab(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((sql, params))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


async def ticks(engine: Engine, dispatcher: Dispatcher, n: int) -> list[float]:
    """Wall time of n ticks in one event loop, as in the service; the 100 posts are put
    back after each so the next tick finds them again. The first tick only warms up."""
    out = []
    for _ in range(n + 1):
        t0 = time.perf_counter()
        got = await dispatcher.publish_due(NOW)
        out.append(time.perf_counter() - t0)
        assert got == DUE, got
        with engine.begin() as c:
            c.exec_driver_sql(
                "UPDATE posts SET status = 'scheduled', claimed_until = NULL,"
                " published_at = NULL WHERE id <= ?",
                (DUE,),
            )
    return out[1:]


def commit_floor(path: Path) -> float:
    """One durable one-row commit on the same file: the disk's price for any write."""
    engine = make_engine(f"sqlite:///{path}")
    took = []
    for _ in range(7):
        t0 = time.perf_counter()
        with engine.begin() as c:
            c.exec_driver_sql("UPDATE posts SET attempts = attempts + 1 WHERE id = ?", (DUE + 2,))
        took.append(time.perf_counter() - t0)
    engine.dispose()
    return statistics.median(took)


def bare_select(path: Path) -> float:
    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    rows = db.execute(
        "SELECT id FROM posts WHERE status = 'scheduled' AND due_at <= ? ORDER BY due_at LIMIT ?",
        (NOW.replace(tzinfo=None).strftime(SA_FORMAT), DUE),
    ).fetchall()
    took = time.perf_counter() - t0
    db.close()
    assert len(rows) == DUE
    return took


def query_plan(engine: Engine, path: Path) -> list[str]:
    """EXPLAIN QUERY PLAN of the claim statement exactly as claim_due sends it."""
    with captured(engine) as seen:
        store.claim_due(engine, now=NOW - timedelta(days=3650), lease=timedelta(minutes=1))
    sql, params = next((s, p) for s, p in seen if "UPDATE posts" in s)
    db = sqlite3.connect(path)
    lines = [str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    db.close()
    return lines


def bench_size(n: int, folder: Path) -> tuple[float, float, float, list[str]]:
    path = folder / f"posts-{n}.db"
    t0 = time.perf_counter()
    engine = fill(path, n)
    print(f"\n{n:>9,} posts: filled in {time.perf_counter() - t0:.1f} s")
    d = Dispatcher(
        engine=engine,
        publishers={("b", f"ch{i}"): NoOp() for i in range(CHANNELS)},
    )
    took = asyncio.run(ticks(engine, d, 7))
    selects = [bare_select(path) for _ in range(7)]
    floor = commit_floor(path)
    plan = query_plan(engine, path)
    engine.dispose()
    path.unlink()
    return statistics.median(took), statistics.median(selects), floor, plan


def bench_plan() -> tuple[float, float]:
    from bench.plan_case import plan_once

    empty = statistics.median(plan_once(queue_size=0) for _ in range(3))
    full = statistics.median(plan_once(queue_size=10_000) for _ in range(3))
    return full, empty


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    sizes = [int(s) for s in ap.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="dripcast-bench-", dir=Path.cwd()) as tmp:
        results = {n: bench_size(n, Path(tmp)) for n in sizes}
    ref = results[sizes[0]][0]
    print(f"\none publish_due tick finding {DUE} due posts (no-op publisher), median of 7:")
    head = ("posts", "tick ms", f"× tick@{sizes[0]:,}", "bare SELECT ms", "1 commit ms", "÷ commit")
    print("{:>10} {:>9} {:>12} {:>15} {:>12} {:>9}".format(*head))
    for n, (t, sel, floor, _plan) in results.items():
        print(
            f"{n:>10,} {t * 1000:>9.2f} {t / ref:>12.2f} {sel * 1000:>15.3f}"
            f" {floor * 1000:>12.2f} {t / floor:>9.2f}"
        )
    for n, (*_, plan) in results.items():
        # `SCAN due` walks the 100 picked ids (the CTE), not the table
        scans = [ln for ln in plan if ln.startswith("SCAN posts") and "USING" not in ln]
        print(f"\nEXPLAIN QUERY PLAN of the claim at {n:,} posts:")
        for ln in plan:
            print("   ", ln)
        verdict = "TABLE SCAN: " + "; ".join(scans) if scans else "index used, no table scan"
        print("    -> " + verdict)
    full, empty = bench_plan()
    print(
        f"\nplan 20 photos × 12 channels: {full * 1000:.1f} ms against a 10k-post queue,"
        f" {empty * 1000:.1f} ms against an empty one (× {full / empty:.2f})"
    )


if __name__ == "__main__":
    main()
