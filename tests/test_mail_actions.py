"""Replies through the real application layer (dripcast.app.actions): each command
changes exactly what it names; `approval: client` publishes nothing until `yes`; a
forged reply changes nothing and mails no one."""

from __future__ import annotations

import asyncio
import email.policy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from dripcast.app import actions, pipeline
from dripcast.app.context import App
from dripcast.app.mail.outbox import Mailer
from dripcast.core.config import Config, load
from dripcast.core.lifecycle import Actor
from dripcast.mail.wiring import ClientMail
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from dripcast.store.lifecycle import history
from ingest.intake import Intake
from tests.conftest import brand
from tests.mail import jpeg, photo_mail
from tests.ports import free_port
from tests.test_mail_outbox import Sink

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@dataclass
class Setup:
    cfg: Config
    intake: Intake
    mail: ClientMail
    sink: Sink
    conf: EmailMessage
    numbered: list[int]  # post ids in the confirmation's numbering

    def status(self) -> dict[int, str]:
        return {p["id"]: str(p["status"]) for p in store.posts(self.intake.engine)}

    def reply(self, text: str, sender: str = "owner@example.com", transport: str = "smtp") -> None:
        msg = EmailMessage()
        msg["From"], msg["To"] = sender, str(self.conf["Reply-To"])
        msg["Subject"], msg["Date"] = "Re: plan", "Sat, 21 Nov 2026 10:20:00 +0100"
        msg["Message-ID"] = f"<{abs(hash((text, sender)))}@example.com>"
        msg["In-Reply-To"] = self.conf["Message-ID"]
        msg.set_content(f"{text}\n\n> quoted: cancel\n")
        self.intake.accept(
            msg.as_bytes(policy=email.policy.SMTP), mail_from=sender,
            rcpt=str(self.conf["Reply-To"]), transport=transport,
        )  # fmt: skip
        self.mail.handle_replies(NOW)
        asyncio.run(Mailer(self.cfg, self.intake.engine).deliver_due())


@pytest.fixture
def setup(make_config: Callable[..., Path]) -> Iterator[Setup]:
    port, sink = free_port(), Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "archive", "type": "outbox", "path": "var/archive"},
    ]
    cfg = load(make_config([brand(channels=channels, approval="client")],
                           outgoing_mail=f"smtp://127.0.0.1:{port}"))  # fmt: skip
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: NOW)
    mail = ClientMail(cfg, engine, blobs=intake.blobs)
    assert mail.replies.actions is not None  # the application layer is there
    out = intake.accept(
        photo_mail(photos=[jpeg(), jpeg(color=(9, 9, 9))], message_id="<p@example.com>"),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.message_id is not None

    def done(mid: int, p: pipeline.Prepared, ids: list[int]) -> None:
        mail.after_processing(
            mid, submission=p.submission, accepted=p.accepted, reason=p.reason, slots=p.slots,
            skipped=p.skipped, notes=p.notes, post_ids=ids, now=NOW,
        )  # fmt: skip

    assert pipeline.process(cfg, engine, out.message_id, NOW, on_done=done, blobs=intake.blobs)
    asyncio.run(Mailer(cfg, engine).deliver_due())
    conf = message_from_bytes(sink.got[0][2], policy=email.policy.default)
    assert isinstance(conf, EmailMessage)
    sent = store_mail.find_sent(engine, "demo-bakery", message_ids=[conf["Message-ID"]])
    assert sent is not None
    yield Setup(cfg, intake, mail, sink, conf, list(sent.about["posts"]))
    engine.dispose()
    controller.stop()


def test_approval_client_holds_everything_until_yes_and_cancel_n_names_one(s: Setup) -> None:
    ids = s.numbered
    assert set(s.status().values()) == {"held"}  # nothing goes out before the client says so
    s.reply("cancel 2")
    st = s.status()
    assert st[ids[1]] == "cancelled" and all(st[i] == "held" for i in ids if i != ids[1])
    s.reply("yes")
    st = s.status()
    assert st[ids[1]] == "cancelled" and all(st[i] == "scheduled" for i in ids if i != ids[1])
    answers = [message_from_bytes(r, policy=email.policy.default) for *_x, r in s.sink.got[1:]]
    assert len(answers) == 2 and all(a["In-Reply-To"] for a in answers)


def test_cancel_a_network_and_move_one(s: Setup) -> None:
    ids = s.numbered
    channels = {p["id"]: p["channel"] for p in store.posts(s.intake.engine)}
    s.reply("cancel archive\nmove 1 to friday 9:00")
    st = s.status()
    assert {i for i in ids if st[i] == "cancelled"} == {i for i in ids if channels[i] == "archive"}
    due = {p["id"]: p["due_at"] for p in store.posts(s.intake.engine)}
    if channels[ids[0]] != "archive":
        assert due[ids[0]].astimezone(s.cfg.brands[0].zone).strftime("%a %H:%M") == "Fri 09:00"


def test_a_forged_reply_changes_nothing_and_mails_no_one(s: Setup) -> None:
    before, mails = s.status(), len(s.sink.got)
    s.reply("cancel", sender="mallory@evil.example", transport="lmtp")
    assert s.status() == before and len(s.sink.got) == mails


@pytest.fixture
def s(setup: Setup) -> Setup:
    return setup


def test_approve_n_approves_that_post_only(s: Setup) -> None:
    ids = s.numbered
    s.reply("approve 3")
    st = s.status()
    assert st[ids[2]] == "scheduled" and all(st[i] == "held" for i in ids if i != ids[2])


def test_caption_changes_the_text_of_every_waiting_post_and_nothing_else(s: Setup) -> None:
    ids = s.numbered
    before = {p["id"]: p for p in store.posts(s.intake.engine)}
    s.reply("cancel 4\ncaption: Rye and honey, baked at dawn")
    after = {p["id"]: p for p in store.posts(s.intake.engine)}
    for i in ids[:3]:  # waiting (held for approval): new words, same status and time
        assert "Rye and honey, baked at dawn" in after[i]["text"]
        assert "Sourdough" not in after[i]["text"]
        assert (after[i]["status"], after[i]["due_at"]) == ("held", before[i]["due_at"])
    assert (
        after[ids[3]]["status"] == "cancelled" and after[ids[3]]["text"] == before[ids[3]]["text"]
    )
    events = history(s.intake.engine, ids[0])
    assert events[-1]["reason"] == "caption changed"
    assert (events[-1]["actor_kind"], events[-1]["actor_name"]) == ("mail", "owner@example.com")
    answer = message_from_bytes(s.sink.got[-1][2], policy=email.policy.default)
    assert isinstance(answer, EmailMessage)
    said = answer.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "New caption on 3 posts." in said and "Cancelled post 4." in said
    assert "submission" not in said and "recaption" not in said


def test_a_caption_with_an_off_limits_phrase_holds_the_post_for_review(
    make_config: Callable[..., Path],
) -> None:
    cfg = load(make_config([brand(off_limits=["free"])]))
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: NOW)
    out = intake.accept(photo_mail(photos=[jpeg()]), mail_from="owner@example.com",
                        rcpt="bakery@localhost", transport="smtp")  # fmt: skip
    assert out.message_id is not None
    (pid,) = pipeline.process(cfg, engine, out.message_id, NOW, blobs=intake.blobs) or []
    app = App(config=cfg, engine=engine)
    who = Actor("mail", "owner@example.com")
    r = actions.recaption(app, post=pid, caption="Free coffee today", actor=who, now=NOW)
    (row,) = store.posts(engine, ids=[pid])
    assert r.changed == (pid,) and "held for review" in r.message
    assert (row["status"], row["held_for"]) == ("held", "review")
    assert "Free coffee today" in row["text"]
    engine.dispose()


def test_with_the_dashboard_on_the_confirmation_links_the_clients_page(
    make_config: Callable[..., Path],
) -> None:
    from dripcast.app.client_links import read_client_token, web_key

    web = {"host": "127.0.0.1", "port": 8080, "public_url": "https://posts.example"}
    cfg = load(make_config(outgoing_mail="smtp://127.0.0.1:9", web=web))
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: NOW)
    out = intake.accept(photo_mail(photos=[jpeg()]), mail_from="owner@example.com",
                        rcpt="bakery@localhost", transport="smtp")  # fmt: skip
    assert out.message_id is not None
    mail = ClientMail(cfg, engine, blobs=intake.blobs)

    def done(mid: int, p: pipeline.Prepared, ids: list[int]) -> None:
        mail.after_processing(
            mid, submission=p.submission, accepted=p.accepted, reason=p.reason, slots=p.slots,
            skipped=p.skipped, notes=p.notes, post_ids=ids, now=NOW,
        )  # fmt: skip

    assert pipeline.process(cfg, engine, out.message_id, NOW, on_done=done, blobs=intake.blobs)
    (queued,) = store_mail.claim(engine, now=NOW, lease=timedelta(minutes=1))
    conf = message_from_bytes(queued.raw, policy=email.policy.default)
    assert isinstance(conf, EmailMessage)
    text = conf.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://posts.example/c/" in conf.get_body(("html",)).get_content()  # type: ignore[union-attr]
    link = next(w for w in text.split() if w.startswith("https://posts.example/c/"))
    token = link.rsplit("/", 1)[1]
    assert read_client_token(token, web_key(cfg, "client"), NOW) == out.message_id
    engine.dispose()
