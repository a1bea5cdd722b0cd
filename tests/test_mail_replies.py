"""Replies end to end up to the actions: intake → reply handler → the actions it calls
(a recording stand-in for dripcast.app.actions, same signatures) → the answer mail,
received by a real SMTP sink and parsed."""

from __future__ import annotations

import asyncio
import email.policy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from dripcast.app import pipeline
from dripcast.app.mail.compose import Draft
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.outbox import Mailer
from dripcast.core.config import Config, load
from dripcast.mail.commands import Cancel, Unknown, parse_reply
from dripcast.mail.replies import ReplyHandler, Target, said
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from ingest.intake import Intake
from tests.conftest import brand
from tests.mail import jpeg, photo_mail
from tests.ports import free_port
from tests.test_mail_outbox import Sink

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # Saturday 10:30 in Copenhagen
CPH = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class Result:
    action: str
    changed: tuple[int, ...]
    message: str


class Recorder:
    """Stands in for dripcast.app.actions: records each call, answers like a Result."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _do(self, name: str, kw: dict[str, Any]) -> Result:
        kw = {k: v for k, v in kw.items() if k not in ("now",)}
        self.calls.append((name, kw))
        what = ", ".join(f"{k}={v}" for k, v in kw.items() if k not in ("actor",))
        changed = (kw["post"],) if "post" in kw else ()
        return Result(name, changed, f"{name} {what}")

    def approve(self, app: Any, **kw: Any) -> Result:
        return self._do("approve", kw)

    def cancel(self, app: Any, **kw: Any) -> Result:
        return self._do("cancel", kw)

    def reschedule(self, app: Any, **kw: Any) -> Result:
        return self._do("reschedule", kw)


@dataclass
class World:
    cfg: Config
    intake: Intake
    sink: Sink
    confirmation: EmailMessage
    posts: list[int]
    message: int
    actions: Recorder

    def reply(self, raw: bytes, transport: str = "smtp", rcpt: str = "bakery@localhost") -> int:
        out = self.intake.accept(raw, mail_from="x@example.com", rcpt=rcpt, transport=transport)
        assert out.message_id is not None, out.reply
        return out.message_id

    def handle(self) -> list[str]:
        h = ReplyHandler(
            self.cfg, self.intake.engine, actions=self.actions, app="APP",
            make_actor=lambda kind, name: f"{kind}:{name}",
        )  # fmt: skip
        done = [h.handle(mid, NOW) for mid in h.pending(NOW)]
        asyncio.run(Mailer(self.cfg, self.intake.engine).deliver_due())
        return done


@pytest.fixture
def world(make_config: Callable[..., Path]) -> Iterator[World]:
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "archive", "type": "outbox", "path": "var/archive"},
    ]
    cfg = load(make_config([brand(channels=channels)], outgoing_mail=f"smtp://127.0.0.1:{port}"))
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: NOW)
    out = intake.accept(
        photo_mail(photos=[jpeg(), jpeg(color=(1, 2, 3))], message_id="<photos@example.com>"),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.queued and out.message_id is not None
    ids = pipeline.process(cfg, engine, out.message_id, NOW, blobs=intake.blobs)
    assert ids
    rows = {p["id"]: p for p in store.posts(engine)}
    Notifier(cfg, engine).enqueue(
        cfg.brands[0], Draft(subject="Planned: 4 posts", text="1. …"), kind="confirmation",
        key="confirm:1", to=["owner@example.com"], now=NOW, answering="<photos@example.com>",
        about={"message": out.message_id, "posts": ids,
               "channels": [rows[i]["channel"] for i in ids]},
    )  # fmt: skip
    asyncio.run(Mailer(cfg, engine).deliver_due())
    conf = message_from_bytes(sink.got[0][2], policy=email.policy.default)
    assert isinstance(conf, EmailMessage)
    yield World(cfg, intake, sink, conf, ids, out.message_id, Recorder())
    engine.dispose()
    controller.stop()


def answer_to(conf: EmailMessage, text: str, sender: str = "owner@example.com",
              **headers: str) -> bytes:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = str(conf["Reply-To"])
    msg["Subject"] = f"Re: {conf['Subject']}"
    msg["Date"] = "Sat, 21 Nov 2026 10:20:00 +0100"
    msg["Message-ID"] = f"<reply-{abs(hash(text + sender))}@example.com>"
    msg["In-Reply-To"] = conf["Message-ID"]
    msg["References"] = f"<photos@example.com> {conf['Message-ID']}"
    for k, v in headers.items():
        msg[k.replace("_", "-")] = v
    msg.set_content(text + "\n\nOn Sat, Demo Bakery wrote:\n> 1. outbox …\n> cancel\n")
    return msg.as_bytes(policy=email.policy.SMTP)


def test_each_command_calls_the_action_for_exactly_what_it_names(world: World) -> None:
    w = world
    mid = w.reply(answer_to(w.confirmation, "Hi!\ncancel 2\nmove 3 to friday 9:00\n"
                                            "cancel archive\nyes\nplease do it\nwhen: soon"))  # fmt: skip
    (done,) = w.handle()
    actor = "mail:owner@example.com"
    assert w.actions.calls == [
        ("cancel", {"post": w.posts[1], "actor": actor}),
        ("reschedule", {"post": w.posts[2], "when": datetime(2026, 11, 27, 9, 0, tzinfo=CPH),
                        "actor": actor}),
        ("cancel", {"submission": w.message, "channel": "archive", "actor": actor}),
        ("approve", {"submission": w.message, "actor": actor}),
    ]  # fmt: skip
    assert "when: not a time" in done
    assert store.message(w.intake.engine, mid).status == "answered"
    # the answer: to the verified sender, threaded to the reply, saying what was done
    answer = message_from_bytes(w.sink.got[-1][2], policy=email.policy.default)
    assert w.sink.got[-1][1] == ["owner@example.com"]
    assert answer["In-Reply-To"].startswith("<reply-")
    assert w.confirmation["Message-ID"] in answer["References"]
    assert answer["Subject"] == f"Re: {w.confirmation['Subject']}"
    text = answer.get_content()  # type: ignore[attr-defined]
    assert "- Cancelled post 2." in text  # the mail's number, not the post id
    assert "Not understood:\n  > please do it\n" in text.replace("\r\n", "\n")
    assert "Hi!" not in text  # a greeting is no command, and no mistake either
    assert "These are the lines we understand:" in text and "cancel 2-4" in text
    # a second pass finds nothing left to do, and mails nothing more
    n = len(w.sink.got)
    assert w.handle() == [] and len(w.sink.got) == n


def test_cancel_all_and_numbers_out_of_range(world: World) -> None:
    w = world
    w.reply(answer_to(w.confirmation, "cancel 9\ncancel"))
    (done,) = w.handle()
    assert w.actions.calls == [
        ("cancel", {"submission": w.message, "actor": "mail:owner@example.com"})
    ]
    assert "There is no post 9 in that mail (it has 4)." in done


def test_a_reply_by_tag_alone_acts_too(world: World) -> None:
    w = world
    raw = answer_to(w.confirmation, "cancel 1")
    head, _, body = raw.partition(b"\r\n\r\n")
    head = b"\r\n".join(h for h in head.split(b"\r\n")
                        if not h.lower().startswith((b"in-reply-to", b"references")))  # fmt: skip
    w.reply(head + b"\r\n\r\n" + body, rcpt=str(w.confirmation["Reply-To"]))
    w.handle()
    assert w.actions.calls == [("cancel", {"post": w.posts[0], "actor": "mail:owner@example.com"})]


def test_a_forged_reply_changes_nothing_and_mails_no_one(world: World) -> None:
    w = world
    n = len(w.sink.got)
    raw = answer_to(w.confirmation, "cancel", sender="mallory@evil.example")
    mid = w.reply(raw, transport="lmtp")  # behind an MTA: stored, quarantined
    assert store.message(w.intake.engine, mid).status == "refused"
    assert w.handle() == []
    assert w.actions.calls == [] and len(w.sink.got) == n


def test_an_autoresponder_is_no_command_and_gets_no_answer(world: World) -> None:
    w = world
    n = len(w.sink.got)
    w.reply(answer_to(w.confirmation, "cancel\nI am away", Auto_Submitted="auto-replied"))
    assert w.handle() == ["automatic reply: nothing done"]
    assert w.actions.calls == [] and len(w.sink.got) == n


def test_without_actions_wired_replies_wait(world: World) -> None:
    w = world
    mid = w.reply(answer_to(w.confirmation, "cancel"))
    h = ReplyHandler(w.cfg, w.intake.engine, actions=None)
    assert h.pending(NOW) == []
    assert store.message(w.intake.engine, mid).status == "reply"


def test_a_reply_to_a_held_notice_acts_on_its_numbered_posts(
    make_config: Callable[..., Path],
) -> None:
    from dripcast.mail.commands import parse_reply
    from dripcast.mail.replies import Target, run_commands

    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "archive", "type": "outbox", "path": "var/archive"},
    ]
    b = load(make_config([brand(channels=channels)])).brands[0]
    t = Target(message=None, posts=(7, 8, 9), channels=("outbox", "archive", "outbox"))
    rec = Recorder()
    run_commands(parse_reply("approve 2\ncancel archive\napprove"), t, b,
                 actions=rec, app=None, actor="a", now=NOW)  # fmt: skip
    assert [(n, kw.get("post")) for n, kw in rec.calls] == [
        ("approve", 8), ("cancel", 8),
        ("approve", 7), ("approve", 8), ("approve", 9),
    ]  # fmt: skip


def test_an_answer_names_posts_by_the_number_in_the_mail_not_the_store_id() -> None:
    from dripcast.mail.replies import numbered

    line = "cancel: 1 post(s) of post 17 → cancelled"
    assert numbered(line, 17, 2) == "cancel: 1 post(s) of post 2 → cancelled"
    assert numbered("post 170 is held", 17, 2) == "post 170 is held"


def test_unknown_lines_are_answered_up_to_the_sign_off() -> None:
    """QA: `frobnicate` was dropped silently; greetings and the signature are not errors."""
    text = "Hej Anna,\ncancel 2\nfrobnicate\nMvh\nBo Bager\n\n> quoted\n"
    assert parse_reply(text) == [Cancel(numbers=(2,)), Unknown("frobnicate")]
    assert parse_reply("frobnicate") == [Unknown("frobnicate")]


def test_the_answer_speaks_the_clients_words_and_numbers() -> None:
    """QA: the answer said `reschedule: 1 post(s) of post 1 …; recaption: new caption
    on 3 post(s) of submission 10`."""
    t = Target(message=10, posts=(41, 42, 43), channels=("outbox",) * 3)
    fri = datetime(2026, 11, 27, 9, 0, tzinfo=CPH)
    moved = Result("reschedule", (42,), "reschedule: 1 post(s) of post 42 → from Fri …")
    assert said(moved, t, "en", fri) == "Moved post 2 to Fri 27 Nov 09:00."
    assert said(moved, t, "da", fri) == "Flyttet: opslag 2 til fre 27. nov 09:00."
    caption = Result(
        "recaption", (41, 42, 43), "recaption: new caption on 3 post(s) of submission 10"
    )
    assert said(caption, t, "en") == "New caption on 3 posts."
    assert said(caption, t, "da") == "Ny tekst på 3 opslag."
    gone = Result("cancel", (41, 43), "cancel: 2 post(s) of submission 10 → cancelled")
    assert said(gone, t, "en") == "Cancelled posts 1 and 3."
    nothing = Result("recaption", (), "recaption: nothing to change in submission 10")
    assert "submission" not in said(nothing, t, "en")
