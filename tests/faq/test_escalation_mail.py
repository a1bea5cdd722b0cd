"""FAQ escalations by mail: the monitor's hand-off becomes one mail to `report_to`
(a draft in review mode one to `agency`), and the client's reply to it, its own
words without the quote, is posted once as the brand's answer in the thread."""

from __future__ import annotations

import asyncio
import email.policy
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from dripcast.app.context import App
from dripcast.app.faq_monitor import Monitor
from dripcast.app.mail.outbox import Mailer
from dripcast.app.service import build_sources
from dripcast.core.config import load
from dripcast.mail.wiring import ClientMail
from ingest.intake import Intake
from tests.faq.test_monitor import FAQ, NOW, FakeMastodon, fake_facebook, fb_comment
from tests.ports import free_port
from tests.test_mail_outbox import Sink

LATER = NOW + timedelta(hours=1)  # the outbox's clock: every mail queued so far is due


@pytest.fixture(autouse=True)
def _tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M_TOKEN", "t")
    monkeypatch.setenv("FB_TOKEN", "t")


class World:
    def __init__(self, tmp_path: Path, port: int, mode: str) -> None:
        p = tmp_path / "config.yaml"
        p.write_text(
            f"service: {{database: 'sqlite:///{tmp_path / 'd.db'}', state_dir: {tmp_path / 'state'},"
            f" outgoing_mail: 'smtp://127.0.0.1:{port}'}}\n"
            "brands:\n  - id: bakery\n    name: Bakery\n    address: bakery@example.com\n"
            "    senders: [owner@example.com]\n    verify: none\n"
            "    agency: [studio@agency.example]\n"
            "    channels:\n"
            "      - {id: social, type: mastodon, instance: 'https://m.example', token: '${M_TOKEN}'}\n"
            "      - {id: fb, type: facebook, page_id: PAGE, token: '${FB_TOKEN}'}\n"
            + FAQ.format(mode=mode)
        )
        self.config = load(p)
        self.app = App.open(self.config)
        self.mail = ClientMail(self.config, self.app.engine)
        self.mastodon = FakeMastodon()
        self.fb_comments: list[dict[str, Any]] = []
        self.fb_replies: dict[str, list[dict[str, Any]]] = {}
        self.fb = fake_facebook(self.fb_comments, self.fb_replies, [], [])

    def route(self, r: httpx.Request) -> httpx.Response:
        return self.mastodon(r) if r.url.host == "m.example" else self.fb(r)

    async def poll(self, minutes: int) -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.route))
        monitor = Monitor(
            self.config, self.app.engine, build_sources(self.config, self.app.engine, http),
            send_escalation=self.mail.escalation, send_draft=self.mail.escalation,
        )  # fmt: skip
        await monitor.poll(self.config.brands[0], NOW.replace(minute=minutes))
        await http.aclose()
        await Mailer(self.config, self.app.engine, lambda: LATER).deliver_due()

    def reply(self, to: EmailMessage, text: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"] = "owner@example.com", str(to["Reply-To"])
        msg["Subject"], msg["Date"] = f"Re: {to['Subject']}", "Thu, 26 Nov 2026 11:20:00 +0100"
        msg["Message-ID"], msg["In-Reply-To"] = "<answer-1@example.com>", to["Message-ID"]
        msg.set_content(f"{text}\n\nOn Thu, Bakery wrote:\n> I want a refund\n")
        Intake(self.config, self.app.engine, clock=lambda: NOW).accept(
            msg.as_bytes(policy=email.policy.SMTP), mail_from="owner@example.com",
            rcpt=str(to["Reply-To"]), transport="smtp",
        )  # fmt: skip
        self.mail.handle_replies(NOW)
        asyncio.run(Mailer(self.config, self.app.engine, lambda: LATER).deliver_due())


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    s, port = Sink(), free_port()
    c = Controller(s, hostname="127.0.0.1", port=port)
    c.start()
    yield s, port
    c.stop()


def parsed(raw: bytes) -> EmailMessage:
    m = message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(m, EmailMessage)
    return m


def test_an_escalation_is_mailed_once_and_the_reply_is_posted_in_the_thread(
    tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    got, port = sink
    w = World(tmp_path, port, "auto")
    w.fb_comments.append(fb_comment("c2", "I want a refund, the cake was dry"))
    asyncio.run(w.poll(0))
    asyncio.run(w.poll(5))
    (one,) = got.got  # one mail per escalation, however often the monitor runs
    assert one[1] == ["owner@example.com"]
    mail = parsed(one[2])
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "I want a refund, the cake was dry" in body and "refund" in body.split("Why")[1]
    w.reply(mail, "So sorry! Come by, it's on us.")
    asyncio.run(w.poll(10))
    assert [x["message"] for x in w.fb_replies["c2"]] == ["So sorry! Come by, it's on us."]
    answer = parsed(got.got[-1][2])
    assert answer["In-Reply-To"] == "<answer-1@example.com>"
    w.app.engine.dispose()


def test_a_draft_goes_to_the_agency_and_approve_posts_it(
    tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    got, port = sink
    w = World(tmp_path, port, "review")
    w.mastodon.mention("501", "when are you open?")
    asyncio.run(w.poll(0))
    asyncio.run(w.poll(1))
    (one,) = got.got
    assert one[1] == ["studio@agency.example"]
    mail = parsed(one[2])
    assert "Open 7-17 every day" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    w.reply(mail, "Looks good!\napprove")  # a line before it is no answer text
    asyncio.run(w.poll(5))
    assert len(w.mastodon.posted) == 1
    assert "Open 7-17" in str(w.mastodon.posted[0]) and "Looks good" not in str(
        w.mastodon.posted[0]
    )
    w.app.engine.dispose()
