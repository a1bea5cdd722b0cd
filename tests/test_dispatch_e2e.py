"""The dispatcher's promises through real `dripcast serve` processes.

Posts are put on the schedule with the store's own functions, then real serve
processes publish them. "Published twice" is counted where it would show: the
outbox is idempotent and would hide a second publish, so every `published post N`
line of every process's log is counted, and the webhook receiver counts requests.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from sqlalchemy import Engine

from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from tests.conftest import Server, brand, wait_for
from tests.mail import jpeg
from tests.seed import seed

PUBLISHED = re.compile(r"published post (\d+) to")


def published_lines(*logs: Path) -> Counter[int]:
    return Counter(int(m[1]) for log in logs for m in PUBLISHED.finditer(log.read_text()))


def outbox_ids(root: Path) -> Counter[int]:
    folder = root / "var/outbox/demo-bakery/outbox"
    names = [d.name for d in folder.iterdir() if not d.name.startswith(".")]
    return Counter(int(n.rsplit("-", 1)[1]) for n in names)


def photo(tmp: Path) -> str:
    path = tmp / "photo.jpg"
    path.write_bytes(jpeg(64, 48))
    return str(path)


@pytest.fixture
def engine_for() -> Iterator[Callable[[Path], Engine]]:
    made: list[Engine] = []

    def make(cfg: Path) -> Engine:
        e = make_engine(load(cfg).database_url)
        migrate(e)
        made.append(e)
        return e

    yield make
    for e in made:
        e.dispose()


def second_config(cfg: Path, port: int) -> Path:
    """The same database and outbox, another SMTP port: a second process."""
    doc = yaml.safe_load(cfg.read_text())
    doc["service"]["smtp"]["port"] = port
    other = cfg.with_name("config2.yaml")
    other.write_text(yaml.safe_dump(doc))
    return other


def test_two_serve_processes_publish_500_posts_each_once(
    make_config: Callable[..., Path],
    server_for: Callable[[Path], Server],
    engine_for: Callable[[Path], Engine],
    tmp_path: Path,
    db_url: str,
) -> None:
    """On one SQLite file (the Done-when case) and on one PostgreSQL database."""
    from tests.ports import free_port

    cfg = make_config(tick_seconds=0.2, database=db_url)
    engine = engine_for(cfg)
    servers = [server_for(cfg), server_for(second_config(cfg, free_port()))]
    for i, s in enumerate(servers):
        s.log = tmp_path / f"serve{i}.log"
        s.start()
    # Both are running before the posts appear, so both race for them.
    _, ids = seed(engine, [datetime.now(UTC) - timedelta(minutes=1)] * 500, media=photo(tmp_path))
    logs = [s.log for s in servers]
    try:
        wait_for(
            lambda: store.count_posts(engine, "published") == 500, timeout=120, what="500 published"
        )
    except AssertionError:
        states = {st: store.count_posts(engine, st) for st in ("scheduled", "publishing", "held")}
        tails = "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)
        raise AssertionError(f"not all published: {states}\n{tails}") from None
    calls = published_lines(*logs)
    assert sorted(calls) == sorted(ids)
    assert max(calls.values()) == 1, [i for i, n in calls.items() if n > 1]
    assert outbox_ids(cfg.parent) == Counter(ids)
    per_process = [sum(published_lines(log).values()) for log in logs]
    assert sum(per_process) == 500
    assert min(per_process) > 0, f"one process did all the work, nothing raced: {per_process}"


class SlowHook(BaseHTTPRequestHandler):
    """A webhook receiver that counts requests per post and answers after `delay` seconds."""

    counts: ClassVar[Counter[str]] = Counter()
    delay = 0.0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.counts[self.headers["Idempotency-Key"]] += 1
        time.sleep(self.delay)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")
        except OSError:
            pass  # the publisher was killed while we slept

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, type[SlowHook]]]:
    handler = type("Hook", (SlowHook,), {"counts": Counter(), "delay": 30.0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/hook", handler
    httpd.shutdown()
    httpd.server_close()


def test_sigkill_mid_publish_then_restart_never_publishes_twice(
    make_config: Callable[..., Path],
    server_for: Callable[[Path], Server],
    engine_for: Callable[[Path], Engine],
    hook: tuple[str, type[SlowHook]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
) -> None:
    url, receiver = hook
    monkeypatch.setenv("HOOK_SECRET", "s3cret-for-tests")
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "hook", "type": "webhook", "url": url, "secret": "${HOOK_SECRET}"},
    ]
    cfg = make_config(
        [brand(channels=channels)], tick_seconds=0.2, publish_lease="4s", database=db_url
    )
    engine = engine_for(cfg)
    pic = photo(tmp_path)
    server = server_for(cfg).start()
    now = datetime.now(UTC)
    _, boxed = seed(engine, [now - timedelta(minutes=1)] * 60, media=pic)
    _, in_flight = seed(
        engine, [now - timedelta(minutes=1)] * 3, channel="hook", type="webhook", media=pic
    )
    _, later = seed(
        engine, [now + timedelta(seconds=20)] * 2, channel="hook", type="webhook", media=pic
    )
    wait_for(lambda: len(receiver.counts) == 3, timeout=30, what="three webhook requests")
    server.kill()  # SIGKILL while the receiver still holds all three
    assert store.count_posts(engine, "publishing") >= 3
    receiver.delay = 0.0
    server.start()
    every = [*boxed, *in_flight, *later]

    def settled() -> bool:
        rows = store.posts(engine, ids=every, limit=1000)
        return all(r["status"] in ("published", "held") for r in rows)

    wait_for(settled, timeout=90, what="every post published or held")
    rows = {r["id"]: r for r in store.posts(engine, ids=every, limit=1000)}
    for pid in in_flight:  # sent once, answer lost: a person decides, nothing resent
        assert rows[pid]["status"] == "held"
        assert "may or may not be live" in rows[pid]["reason"]
        assert receiver.counts[str(pid)] == 1
    for pid in later:
        assert rows[pid]["status"] == "published" and receiver.counts[str(pid)] == 1
    assert all(rows[pid]["status"] == "published" for pid in boxed)
    assert outbox_ids(cfg.parent) == Counter(boxed)
    assert max(receiver.counts.values()) == 1
