"""A mail to a brand with a Mastodon channel reaches a real (fake) Mastodon server on loopback."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Server, brand, wait_for
from tests.mail import jpeg, photo_mail
from tests.publishers.mastodon_server import serving


def test_mail_becomes_one_mastodon_status_with_media_and_alt(
    make_config: Callable[..., Path],
    server_for: Callable[[Path], Server],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serving() as mastodon:
        monkeypatch.setenv("M_TOKEN", mastodon.token)
        channels = [
            {"id": "masto", "type": "mastodon", "instance": mastodon.base, "token": "${M_TOKEN}"}
        ]
        cfg = make_config([brand(channels=channels)])
        server = server_for(cfg).start()
        raw = photo_mail(
            subject="Rye loaves",
            body="Dark rye today\nalt: three rye loaves on a board\nwhen: now",
            photos=[jpeg(1200, 900)],
        )
        with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as s:
            s.sendmail("owner@example.com", ["bakery@localhost"], raw)
        wait_for(lambda: mastodon.statuses, timeout=60, what="a Mastodon status")
        time.sleep(2)  # more ticks: nothing may be sent twice
        (status,) = mastodon.statuses
        assert "Rye loaves" in status["text"] and "Dark rye today" in status["text"]
        assert "utm_source=mastodon" in status["text"]
        (media,) = status["media_attachments"]
        assert media["description"] == "three rye loaves on a board"
        assert len(mastodon.media) == 1


def test_the_instances_own_text_limit_is_respected(
    make_config: Callable[..., Path],
    server_for: Callable[[Path], Server],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.publishers.mastodon_server import FakeMastodon

    with serving(FakeMastodon(max_characters=120)) as mastodon:
        monkeypatch.setenv("M_TOKEN", mastodon.token)
        channels = [
            {"id": "masto", "type": "mastodon", "instance": mastodon.base, "token": "${M_TOKEN}"}
        ]
        cfg = make_config([brand(channels=channels)])
        server = server_for(cfg).start()
        words = " ".join(["sourdough"] * 60)
        raw = photo_mail(subject="Long", body=f"{words}\nwhen: now", photos=[jpeg(1200, 900)])
        with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as s:
            s.sendmail("owner@example.com", ["bakery@localhost"], raw)
        wait_for(lambda: mastodon.statuses, timeout=60, what="a Mastodon status")
        text = mastodon.statuses[0]["text"]
        assert "…" in text and "#bakery" in text
        # Mastodon counts every URL as 23 characters
        import re

        counted = len(re.sub(r"https?://\S+", "x" * 23, text))
        assert counted <= 120 < len(words)
