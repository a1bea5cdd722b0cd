"""kill -9 at random points during a burst of 200 messages: every 250 is processed exactly once.

A real `dripcast serve` subprocess takes a burst over SMTP from four clients
that retry what was not acknowledged (as a sending MTA would) while it is
SIGKILLed and restarted several times.
"""

from __future__ import annotations

import io
import json
import random
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine
from tests.conftest import Server, brand, free_port, wait_for
from tests.mail import photo_mail

N = 200
CLIENTS = 4
KILLS = 4


def noise(seed: int) -> bytes:
    im = Image.frombytes("RGB", (320, 240), random.Random(seed).randbytes(320 * 240 * 3))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def send_until_acked(port: int, raw: bytes, stop: threading.Event, broken: list[int]) -> str:
    while not stop.is_set():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
                s.sendmail("owner@example.com", ["bakery@localhost"], raw)
                return "250"
        except smtplib.SMTPResponseException as e:
            if e.smtp_code >= 500:
                return f"{e.smtp_code} {e.smtp_error!r}"
        except (smtplib.SMTPException, OSError):
            broken.append(1)  # the server died under us: try again, as a sending MTA would
        time.sleep(0.05)
    return "gave up"


def test_kill_9_during_a_burst_loses_nothing_and_doubles_nothing(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    cfg = make_config(
        [brand(drip={"days": 1, "slots": ["09:00"], "weekdays": "mon-sun", "min_gap": "1s"})],
        smtp={"host": "127.0.0.1", "port": free_port(), "per_sender_hour": 0},
    )
    server = server_for(cfg).start()
    mails = [
        photo_mail(
            subject=f"Loaf {i}",
            body=f"token-{i:03d}-end\nwhen: now",
            photos=[noise(i)],  # all different: the same picture twice is skipped
            message_id=f"<burst-{i}@example.com>",
        )
        for i in range(N)
    ]
    results: dict[int, str] = {}
    broken: list[int] = []
    stop = threading.Event()

    def client(k: int) -> None:
        for i in range(k, N, CLIENTS):
            results[i] = send_until_acked(server.port, mails[i], stop, broken)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    rng = random.Random(9)
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        server.start()
    for t in threads:
        t.join(40)
    stop.set()
    assert results == dict.fromkeys(range(N), "250")
    assert broken, "no kill landed while mail was flowing"

    config = load(cfg)
    engine = make_engine(config.database_url)
    try:
        planned = lambda: [  # noqa: E731
            m for m in store.messages(engine) if m["status"] == "planned"
        ]
        wait_for(lambda: len(planned()) >= N, timeout=60, what="every message planned")
        rows = store.messages(engine)
        assert Counter(r["message_id"] for r in rows) == {
            f"<burst-{i}@example.com>": 1 for i in range(N)
        }
        assert {r["status"] for r in rows} == {"planned"}
        per_message = Counter(p["message"] for p in store.posts(engine, limit=10 * N))
        assert sorted(per_message.values()) == [1] * N  # one photo, one channel: one post each
    finally:
        engine.dispose()
    server.stop()
    tokens = Counter(
        t
        for d in (cfg.parent / "var/outbox").rglob("post.json")
        if not d.parent.name.startswith(".")  # a killed writer's half-written copy is no post
        for t in json.loads(d.read_text())["text"].split()
        if t.startswith("token-")
    )
    assert tokens and max(tokens.values()) == 1, "a post reached the outbox twice"
