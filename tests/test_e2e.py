"""The whole chain through a real `dripcast serve` subprocess and a real SMTP socket."""

from __future__ import annotations

import io
import json
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from tests.conftest import Server, brand, wait_for
from tests.mail import jpeg, photo_mail


def outbox_posts(root: Path) -> list[dict[str, object]]:
    folder = root / "var/outbox/demo-bakery/outbox"
    docs = []
    for d in sorted(folder.glob("*")) if folder.is_dir() else []:
        if not d.name.startswith(".") and (d / "post.json").exists():
            docs.append({**json.loads((d / "post.json").read_text()), "dir": str(d)})
    return docs


def soon_slot(seconds: int) -> str:
    """A drip slot a few seconds from now in the brand's zone, so the second photo comes fast."""
    return (datetime.now(ZoneInfo("Europe/Copenhagen")) + timedelta(seconds=seconds)).strftime(
        "%H:%M:%S"
    )


def quick_brand() -> dict[str, object]:
    # far enough ahead that a slow start under load still finds it in the future
    return brand(drip={"days": 1, "slots": [soon_slot(25)], "weekdays": "mon-sun", "min_gap": "1s"})


def send(port: int, raw: bytes, rcpt: str = "bakery@localhost") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.sendmail("owner@example.com", [rcpt], raw)


def test_two_photos_when_now_become_two_upright_outbox_posts(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    cfg = make_config([quick_brand()])
    server = server_for(cfg).start()
    # Photo 1 is stored sideways with EXIF orientation 6: upright it is portrait.
    raw = photo_mail(
        subject="Fresh bread",
        body="Sourdough out of the oven\nwhen: now",
        photos=[jpeg(640, 480, orientation=6), jpeg(800, 600)],
    )
    send(server.port, raw)
    posts = wait_for(
        lambda: len(outbox_posts(cfg.parent)) == 2 and outbox_posts(cfg.parent),
        timeout=60,
        what="two outbox posts",
    )
    for post in posts:
        assert "Fresh bread" in post["text"] and "Sourdough out of the oven" in post["text"]
        assert "when:" not in post["text"]
        assert "utm_source=outbox" in post["text"]
    sizes = []
    for post in posts:
        (media,) = post["media"]
        with Image.open(Path(post["dir"]) / media["path"]) as im:
            assert not im.getexif(), "metadata must be stripped"
            sizes.append(im.size)
            # the red quarter is top-left only if the image was turned upright
            if im.size == (480, 640):
                assert im.convert("RGB").getpixel((10, 10))[0] > 200
                assert im.convert("RGB").getpixel((470, 630))[0] < 230
    assert sorted(sizes) == [(480, 640), (800, 600)]


def test_kill_right_after_250_then_restart_publishes_exactly_once(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    cfg = make_config(tick_seconds=30)  # no tick before the kill: the work is left undone
    server = server_for(cfg).start()
    raw = photo_mail(body="One loaf\nwhen: now", photos=[jpeg()], message_id="<kill-1@example.com>")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as s:
        s.sendmail("owner@example.com", ["bakery@localhost"], raw)
        server.kill()  # SIGKILL the moment the 250 arrived
    server.start()
    wait_for(lambda: outbox_posts(cfg.parent), timeout=60, what="the post after restart")
    # Sending the same message again (a client retrying) must not post twice either.
    send(server.port, raw)
    server.stop()
    server.start()
    import time

    time.sleep(3)
    assert len(outbox_posts(cfg.parent)) == 1


def test_stdin_ingest_plans_and_serve_publishes(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    import subprocess
    import sys

    cfg = make_config()
    raw = photo_mail(body="By pipe\nwhen: now", photos=[jpeg()])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "dripcast",
            "--config",
            str(cfg),
            "ingest",
            "-r",
            "bakery@localhost",
            "-",
        ],
        input=raw,
        capture_output=True,
        cwd=cfg.parent,
    )
    assert run.returncode == 0, run.stderr
    server_for(cfg).start()
    posts = wait_for(lambda: outbox_posts(cfg.parent), timeout=60, what="the piped post")
    assert "By pipe" in posts[0]["text"]
    with Image.open(io.BytesIO((Path(posts[0]["dir"]) / "1.jpg").read_bytes())) as im:
        assert im.format == "JPEG"
