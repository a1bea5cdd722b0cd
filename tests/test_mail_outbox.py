"""Outgoing mail against a real SMTP sink (aiosmtpd on loopback as the smarthost):
what arrives is parsed — threading, parts, numbering, inline images — and a
smarthost that is down, then up, delivers each mail exactly once."""

from __future__ import annotations

import asyncio
import email.policy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from dripcast.app.mail.build import confirmation_view
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.outbox import Mailer
from dripcast.app.pipeline import MediaStore, prepare
from dripcast.core.config import Config, load
from dripcast.core.tokens import read_reply_tag
from dripcast.store import mails as store_mail
from dripcast.store.db import make_engine, migrate
from tests.conftest import brand
from tests.mail import jpeg, photo_mail
from tests.ports import free_port

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Sink:
    def __init__(self, answer: str = "250 OK") -> None:
        self.got: list[tuple[str, list[str], bytes]] = []
        self.answer = answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.got.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return self.answer


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sink(port: int) -> Iterator[Sink]:
    s = Sink()
    c = Controller(s, hostname="127.0.0.1", port=port)
    c.start()
    yield s
    c.stop()


def setup(make_config: Callable[..., Path], port: int, **b: Any) -> tuple[Config, Engine]:
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "archive", "type": "outbox", "path": "var/archive"},
    ]
    cfg = load(
        make_config(
            [brand(channels=channels, **b)],
            outgoing_mail=f"smtp://127.0.0.1:{port}",
            mail_from="dripcast@agency.example",
        )
    )
    engine = make_engine(cfg.database_url)
    migrate(engine)
    return cfg, engine


def confirm(cfg: Config, engine: Engine, tmp: Path, photos: int = 2) -> int | None:
    b = cfg.brands[0]
    raw = photo_mail(photos=[jpeg(800, 600, color=(40 * i, 90, 200)) for i in range(photos)])
    p = prepare(raw, b, now=NOW, media=MediaStore(tmp / "media"))
    assert p.accepted, p.reason
    view = confirmation_view(
        b, subject=p.submission.subject, slots=p.slots,
        post_ids=list(range(100, 100 + len(p.slots))), skipped=p.skipped, notes=p.notes,
    )  # fmt: skip
    return Notifier(cfg, engine).confirmation(
        b, view, message=1, sender="owner@example.com", answering="<photo-1@example.com>",
        now=NOW,
    )  # fmt: skip


def test_a_confirmation_arrives_threaded_numbered_with_inline_thumbnails(
    make_config: Callable[..., Path], port: int, sink: Sink, tmp_path: Path
) -> None:
    cfg, engine = setup(make_config, port, approval="client")
    mid = confirm(cfg, engine, tmp_path)
    assert mid is not None
    assert confirm(cfg, engine, tmp_path) is None  # the same event mails once
    assert asyncio.run(Mailer(cfg, engine).deliver_due()) == (1, 0)
    ((env_from, rcpts, raw),) = sink.got
    assert (env_from, rcpts) == ("dripcast@agency.example", ["owner@example.com"])
    msg = message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["In-Reply-To"] == "<photo-1@example.com>"
    assert msg["References"] == "<photo-1@example.com>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["From"].addresses[0].display_name == "Demo Bakery"
    # the Message-ID is stored, so a reply's In-Reply-To finds the mail
    (row,) = store_mail.mails(engine)
    assert row["message_id"] == msg["Message-ID"] and row["status"] == "sent"
    found = store_mail.find_sent(engine, "demo-bakery", message_ids=[msg["Message-ID"]])
    assert found is not None and found.about["posts"] == [100, 101, 102, 103]
    assert found.about["message"] == 1 and len(found.about["channels"]) == 4
    # Reply-To carries the signed tag of this mail
    reply_to = msg["Reply-To"].addresses[0]
    assert reply_to.domain == "localhost" and reply_to.username.startswith("bakery+r-")
    key = Notifier(cfg, engine).key
    assert read_reply_tag(key, "demo-bakery", reply_to.username.split("+")[1]) == mid
    # multipart/alternative: plain first, then HTML with its images (multipart/related)
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()  # type: ignore[misc]
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    text, html = plain.get_content(), html_part.get_content()
    # numbered lines: network, brand-time day and time, caption start
    lines = [ln for ln in text.splitlines() if ln[:3].strip().rstrip(".").isdigit()]
    assert [ln.split(".")[0].strip() for ln in lines] == ["1", "2", "3", "4"]
    assert lines[0].startswith(" 1. ") and ("outbox" in lines[0] or "archive" in lines[0])
    assert "Mon 23 Nov" in text or "Tue 24 Nov" in text
    assert "Fresh bread" in text
    assert "Nothing goes out until you approve" in text and "Nothing goes out" in html
    assert "cancel 2-4" in text and "move 3 to friday 9:00" in text
    # each inline image is named in the HTML by its cid and is a JPEG
    assert images and all(i.get_content_type() == "image/jpeg" for i in images)
    for i in images:
        assert f'src="cid:{i["Content-ID"].strip("<>")}"' in html
        assert i.get_content()[:2] == b"\xff\xd8"
    assert "<style" not in html and 'style="' in html  # CSS inlined for mail clients
    engine.dispose()


def test_danish_brand_gets_danish_mail(
    make_config: Callable[..., Path], port: int, sink: Sink, tmp_path: Path
) -> None:
    cfg, engine = setup(make_config, port, language="da")
    confirm(cfg, engine, tmp_path, photos=1)
    asyncio.run(Mailer(cfg, engine).deliver_due())
    msg = message_from_bytes(sink.got[0][2], policy=email.policy.default)
    assert str(msg["Subject"]).startswith("Planlagt: 2 opslag")
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Tak! Dine billeder er planlagt" in text and "annullér 2-4" in text
    assert "Nothing" not in text  # approval none: no approval line
    engine.dispose()


def test_confirm_false_mails_nothing(
    make_config: Callable[..., Path], port: int, tmp_path: Path
) -> None:
    cfg, engine = setup(make_config, port, confirm=False)
    assert confirm(cfg, engine, tmp_path) is None
    assert store_mail.mails(engine) == []
    engine.dispose()


def test_a_smarthost_down_then_up_delivers_each_mail_exactly_once(
    make_config: Callable[..., Path], port: int, tmp_path: Path
) -> None:
    cfg, engine = setup(make_config, port)
    confirm(cfg, engine, tmp_path)
    clock = [NOW]
    mailer = Mailer(cfg, engine, clock=lambda: clock[0], timeout=5)
    assert asyncio.run(mailer.deliver_due()) == (0, 1)  # nobody listens on the port
    (row,) = store_mail.mails(engine)
    assert row["status"] == "queued" and row["attempts"] == 1
    assert row["next_try"] == NOW + timedelta(minutes=1)
    assert asyncio.run(mailer.deliver_due()) == (0, 0)  # backoff: not yet
    clock[0] = NOW + timedelta(seconds=61)
    assert asyncio.run(mailer.deliver_due()) == (0, 1)  # still down: 2 minutes next
    assert store_mail.mails(engine)[0]["next_try"] == clock[0] + timedelta(minutes=2)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock[0] += timedelta(minutes=3)
        assert asyncio.run(mailer.deliver_due()) == (1, 0)
        clock[0] += timedelta(hours=2)
        assert asyncio.run(mailer.deliver_due()) == (0, 0)
        assert asyncio.run(Mailer(cfg, engine, clock=lambda: clock[0]).deliver_due()) == (0, 0)
    finally:
        controller.stop()
    assert len(sink.got) == 1
    (row,) = store_mail.mails(engine)
    assert row["status"] == "sent" and row["attempts"] == 3
    engine.dispose()


def test_two_mailers_at_once_send_once_and_a_5xx_ends_as_failed(
    make_config: Callable[..., Path], port: int, tmp_path: Path
) -> None:
    cfg, engine = setup(make_config, port)
    confirm(cfg, engine, tmp_path)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:

        async def both() -> list[tuple[int, int]]:
            return list(
                await asyncio.gather(
                    Mailer(cfg, engine).deliver_due(), Mailer(cfg, engine).deliver_due()
                )
            )

        assert sorted(asyncio.run(both())) == [(0, 0), (1, 0)]
        assert len(sink.got) == 1
        sink.answer = "550 5.7.1 relaying denied"
        Notifier(cfg, engine).refusal(
            cfg.brands[0],
            __import__("dripcast.app.mail.views", fromlist=["Refusal"]).Refusal(
                brand_name="Demo Bakery", language="en", subject="Hi",
                reason="the message has no photo",
            ),
            message=2, sender="owner@example.com", answering=None, now=NOW,
        )  # fmt: skip
        assert asyncio.run(Mailer(cfg, engine).deliver_due()) == (0, 1)
    finally:
        controller.stop()
    rows = store_mail.mails(engine)
    assert [r["status"] for r in rows] == ["sent", "failed"]
    assert "550" in (rows[1]["answer"] or "")
    engine.dispose()


def test_a_sender_that_died_mid_send_is_taken_over_after_the_lease(
    make_config: Callable[..., Path], port: int, sink: Sink, tmp_path: Path
) -> None:
    """The documented window: claimed (sending) and never marked: sent again, same bytes."""
    cfg, engine = setup(make_config, port)
    confirm(cfg, engine, tmp_path)
    (taken,) = store_mail.claim(engine, now=NOW, lease=timedelta(minutes=5))
    assert (
        store_mail.claim(engine, now=NOW + timedelta(minutes=4), lease=timedelta(minutes=5)) == []
    )
    later = NOW + timedelta(minutes=6)
    assert asyncio.run(Mailer(cfg, engine, clock=lambda: later).deliver_due()) == (1, 0)
    assert sink.got[0][2].replace(b"\r\n", b"\n") == taken.raw.replace(b"\r\n", b"\n")
    # the dead sender's late mark does not undo anything: its claim is gone
    store_mail.mark_failed(
        engine, taken.id, claim=taken.claim, now=later, error="x", attempts=1, permanent=True
    )
    assert store_mail.mails(engine)[0]["status"] == "sent"
    engine.dispose()


def test_without_a_smarthost_nothing_is_queued_and_the_log_says_so_once(
    make_config: Callable[..., Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = load(make_config())
    engine = make_engine(cfg.database_url)
    migrate(engine)
    mailer = Mailer(cfg, engine)
    with caplog.at_level("INFO", logger="dripcast.mail"):
        mailer.announce()
    assert not mailer.enabled
    assert [r.message for r in caplog.records if "outgoing_mail is not set" in r.message]
    assert Notifier(cfg, engine).enqueue(
        cfg.brands[0], __import__("dripcast.app.mail.compose", fromlist=["Draft"]).Draft(
            subject="s", text="t"),
        kind="summary", key="k", to=["a@example.com"], about={}, now=NOW,
    ) is None  # fmt: skip
    engine.dispose()


def test_a_verified_but_too_old_mail_gets_a_refusal_a_forged_one_nothing(
    make_config: Callable[..., Path], port: int, sink: Sink
) -> None:
    from dripcast.mail.wiring import ClientMail
    from ingest.intake import Intake

    cfg, engine = setup(make_config, port)
    now = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)  # the test mails are dated 21 Nov
    intake = Intake(cfg, engine, clock=lambda: now)
    old = photo_mail(message_id="<old@example.com>", subject="Old bread")
    forged = photo_mail(message_id="<f@example.com>", sender="mallory@evil.example")
    for raw, sender in ((old, "owner@example.com"), (forged, "mallory@evil.example")):
        intake.accept(raw, mail_from=sender, rcpt="bakery@localhost", transport="lmtp")
    mail = ClientMail(cfg, engine, blobs=intake.blobs)  # the raw message is in the blob store
    assert len(mail.sweep_too_old(now)) == 1
    assert mail.sweep_too_old(now) == []  # one mail per event
    asyncio.run(Mailer(cfg, engine, clock=lambda: now).deliver_due())
    ((_f, to, raw),) = sink.got
    assert to == ["owner@example.com"]
    msg = message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Not posted: “Old bread”"
    assert msg["In-Reply-To"] == "<old@example.com>"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "older than max_age" in text and "Send the mail again" in text
    engine.dispose()
