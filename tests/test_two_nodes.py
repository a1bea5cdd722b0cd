"""Two `serve` nodes on one PostgreSQL and one S3 server, with different local folders.

100 mails spread over both (a sender retries on the other node, as with two MX
records); one node is killed with SIGKILL mid-burst and the other finishes its
work once `publish_lease` has passed. Every mail is planned once, every post is
published once (a shared outbox folder and a fake Bluesky PDS on loopback), and
the Bluesky session, whose access token expires mid-burst, is refreshed once.
"""

from __future__ import annotations

import json
import signal
import smtplib
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from dripcast.store import queries as store
from dripcast.store.db import make_engine
from tests.conftest import Server, brand, free_port, wait_for
from tests.mail import photo_mail
from tests.pds_server import FakePDS, running
from tests.pg import PgServer
from tests.s3 import ENV as S3_ENV
from tests.s3 import S3Server
from tests.test_kill9 import noise

N = 100
CLIENTS = 4
LEASE = 4.0  # seconds: short, so the test sees the take-over


def node_config(
    folder: Path, name: str, *, db: str, bucket: str, s3: S3Server, outbox: Path, pds: str
) -> Path:
    folder.mkdir()
    channels = [
        {"id": "outbox", "type": "outbox", "path": str(outbox)},
        {
            "id": "sky",
            "type": "bluesky",
            "handle": "bakery.example",
            "app_password": "${BSKY_PASSWORD}",
            "service": pds,
        },
    ]
    drip = {"days": 1, "slots": ["09:00"], "weekdays": "mon-sun", "min_gap": "1s"}
    cfg = {
        "service": {
            "smtp": {"host": "127.0.0.1", "port": free_port(), "per_sender_hour": 0},
            "tick_seconds": 0.3,
            "database": db,
            "blobs": f"s3://{bucket}/dripcast",
            "s3": s3.file_settings(),
            "secret_key": "${DRIPCAST_SECRET}",
            "node_id": name,
            "publish_lease": f"{LEASE:g}s",
        },
        "brands": [brand(channels=channels, drip=drip)],
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def send(ports: list[int], first: int, raw: bytes, stop: threading.Event, moved: list[int]) -> str:
    """Deliver like a sending MTA with two MX records: try the next node when one is gone."""
    k = first
    while not stop.is_set():
        try:
            with smtplib.SMTP("127.0.0.1", ports[k % 2], timeout=10) as s:
                s.sendmail("owner@example.com", ["bakery@localhost"], raw)
                return "250"
        except smtplib.SMTPResponseException as e:
            if e.smtp_code >= 500:
                return f"{e.smtp_code} {e.smtp_error!r}"
        except (smtplib.SMTPException, OSError):
            moved.append(k)
        k += 1
    return "gave up"


def test_two_nodes_share_the_work_and_one_takes_over_after_a_kill(
    tmp_path: Path,
    pg_server: PgServer,
    s3_server: S3Server,
    server_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIPCAST_SECRET", "one-secret-for-every-node-0123456789abcdef")
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    pds = FakePDS(uses=16, delay=0.1)  # the first access token dies after 8 posts
    monkeypatch.setenv("BSKY_PASSWORD", pds.password)
    db = pg_server.new_database()
    bucket = s3_server.new_bucket()
    outbox = tmp_path / "outbox"
    with running(pds) as pds_url:
        shared = {"db": db, "bucket": bucket, "s3": s3_server, "outbox": outbox, "pds": pds_url}
        a = server_for(node_config(tmp_path / "a", "node-a", **shared)).start()
        b = server_for(node_config(tmp_path / "b", "node-b", **shared)).start()
        mails = [
            photo_mail(
                subject=f"Loaf {i}",
                body=f"token-{i:03d}-end\nwhen: now",
                photos=[noise(1000 + i)],
                message_id=f"<two-{i}@example.com>",
            )
            for i in range(N)
        ]
        results: dict[int, str] = {}
        moved: list[int] = []
        stop = threading.Event()

        def client(c: int) -> None:
            for i in range(c, N, CLIENTS):
                results[i] = send([a.port, b.port], i, mails[i], stop, moved)

        engine = make_engine(db)
        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        try:
            # Kill node-a mid-burst, once the session has been refreshed and posts flow.
            in_flight = freeze_holding(a, engine, pds)
            a.kill()
            killed = time.monotonic()
            sent_at_kill = len(results)
            for t in threads:
                t.join(40)
            stop.set()
            assert results == dict.fromkeys(range(N), "250")

            def done() -> bool:
                posts = store.posts(engine, limit=10 * N)
                return len(posts) == 2 * N and all(p["status"] == "published" for p in posts)

            wait_for(
                lambda: not (in_flight & unfinished(engine)), timeout=LEASE + 20, what="take-over"
            )
            taken_over = time.monotonic()
            wait_for(done, timeout=40, what="every post published by the surviving node")
            finished = time.monotonic()
            rows = store.messages(engine)
            posts = store.posts(engine, limit=10 * N)
        finally:
            stop.set()
            engine.dispose()
        b.stop()

    # every mail stored and planned once: one post per channel per mail
    assert Counter(r["message_id"] for r in rows) == {f"<two-{i}@example.com>": 1 for i in range(N)}
    assert {r["status"] for r in rows} == {"planned"}
    assert sorted(Counter((p["message"], p["channel"]) for p in posts).values()) == [1] * (2 * N)
    # both nodes planned and published (claims carry the node's name)
    by = Counter(p["claimed_by"] for p in posts)
    assert set(by) == {"node-a", "node-b"}, by
    # each post reached each network once
    tokens = Counter(
        t
        for d in outbox.rglob("post.json")
        if not d.parent.name.startswith(".")
        for t in json.loads(d.read_text())["text"].split()
        if t.startswith("token-")
    )
    assert len(tokens) == N and max(tokens.values()) == 1, "a post reached the outbox twice"
    assert len(pds.records) == N and max(pds.creates.values()) == 1
    # the Bluesky session: one login, one refresh, never a retired token spent again
    assert (pds.logins, pds.refreshes, pds.stale_refreshes) == (1, 1, 0)
    # what node-a held when it died was finished by node-b, once the lease had passed
    mine = {p["id"] for p in posts if p["claimed_by"] == "node-b"}
    assert {i for kind, i in in_flight if kind == "p"} <= mine
    takeover = taken_over - killed
    assert takeover < LEASE + 8, f"took {takeover:.1f}s to take over node-a's claims"
    print(
        f"\ntwo nodes: {N} mails ({sent_at_kill} answered when node-a was killed, {len(moved)}"
        f" deliveries moved to node-b), {len(posts)} posts, 0 duplicates;"
        f" node-a's claims ({sum(k == 'm' for k, _ in in_flight)} messages,"
        f" {sum(k == 'p' for k, _ in in_flight)} posts) finished {takeover:.1f}s after the kill"
        f" (lease {LEASE:g}s), all done after {finished - killed:.1f}s;"
        f" published by {dict(by)}; whole run {finished - started:.1f}s"
    )


def freeze_holding(node: Server, engine: Any, pds: FakePDS) -> set[tuple[str, int]]:
    """Stop `node` (SIGSTOP) at a moment it holds claims, once posts flow; returns them.

    Stopped, it can finish nothing, so what it holds is exactly what it leaves behind.
    """
    assert node.proc is not None
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if pds.refreshes and len(pds.records) >= 12:
            node.proc.send_signal(signal.SIGSTOP)
            held = held_by(engine, "node-a")
            if held:
                return held
            node.proc.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError("node-a never held a claim while posts flowed")


def held_by(engine: Any, node: str) -> set[tuple[str, int]]:
    """Messages and posts `node` holds a claim on right now."""
    msgs = store.messages(engine, statuses=["processing"])
    posts = store.posts(engine, statuses=["publishing"], limit=1000)
    return {("m", r["id"]) for r in msgs if r["claimed_by"] == node} | {
        ("p", p["id"]) for p in posts if p["claimed_by"] == node
    }


def unfinished(engine: Any) -> set[tuple[str, int]]:
    msgs = store.messages(engine, statuses=["received", "processing"])
    posts = store.posts(engine, statuses=["scheduled", "publishing"], limit=1000)
    return {("m", r["id"]) for r in msgs} | {("p", p["id"]) for p in posts}
