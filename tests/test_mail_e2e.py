"""`dripcast serve` with an SMTP sink as its smarthost: a submission gets its confirmation
(threaded to it), a mail without a photo its refusal, a reply is no submission, and a
held post reaches the agency."""

from __future__ import annotations

import email.policy
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import Server, brand, wait_for
from tests.mail import jpeg, photo_mail
from tests.ports import free_port
from tests.test_e2e import send
from tests.test_mail_outbox import Sink


@pytest.fixture
def smarthost() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    c = Controller(sink, hostname="127.0.0.1", port=port)
    c.start()
    yield sink, port
    c.stop()


def parsed(sink: Sink) -> list[EmailMessage]:
    out = []
    for _f, _to, raw in sink.got:
        m = message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(m, EmailMessage)
        out.append(m)
    return out


def test_serve_confirms_refuses_and_tells_the_agency(
    make_config: Callable[..., Path],
    server_for: Callable[[Path], Server],
    smarthost: tuple[Sink, int],
) -> None:
    sink, port = smarthost
    b = brand(agency=["agency@example.org"], off_limits=["free"])
    cfg = make_config([b], outgoing_mail=f"smtp://127.0.0.1:{port}")
    server = server_for(cfg).start()
    send(server.port, photo_mail(subject="Fresh bread", body="Rye today, free coffee",
                                 photos=[jpeg()], message_id="<sub-1@example.com>"))  # fmt: skip
    conf = wait_for(lambda: parsed(sink) and parsed(sink)[0], timeout=60, what="confirmation")
    assert conf["In-Reply-To"] == "<sub-1@example.com>"
    assert sink.got[0][1] == ["owner@example.com"]
    text = conf.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert " 1. outbox" in text and "held: off-limits" in text.lower().replace("[", "")
    # a reply is a reply: no refusal "the message has no photo", no post
    reply = EmailMessage()
    reply["From"], reply["To"] = "owner@example.com", str(conf["Reply-To"])
    reply["Subject"], reply["Date"] = "Re: x", "Sat, 21 Nov 2026 10:00:00 +0100"
    reply["Message-ID"], reply["In-Reply-To"] = "<re-1@example.com>", conf["Message-ID"]
    reply.set_content("cancel")
    send(server.port, reply.as_bytes(policy=email.policy.SMTP), rcpt=str(conf["Reply-To"]))
    # a mail with no photo is refused in processing: the sender hears why
    send(server.port, photo_mail(subject="Hello", photos=[], message_id="<nophoto@example.com>"))
    kinds = wait_for(
        lambda: (len(sink.got) >= 4) and {str(m["Subject"]).split(":")[0] for m in parsed(sink)},
        timeout=90, what="refusal, held notice and the answer to the reply",
    )  # fmt: skip
    assert {"Planned", "Not posted", "Demo Bakery"} <= kinds
    msgs = parsed(sink)
    refusal = next(m for m in msgs if str(m["Subject"]).startswith("Not posted"))
    assert refusal["In-Reply-To"] == "<nophoto@example.com>"
    assert "Send the photos again as attachments" in refusal.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    held = next(m for m in msgs if str(m["Subject"]).startswith("Demo Bakery"))
    assert held["To"] == "agency@example.org"
    # the reply acted through the actions: one answer, threaded to it, saying what was done
    (answer,) = [m for m in msgs if str(m["In-Reply-To"]) == "<re-1@example.com>"]
    assert answer["To"] == "owner@example.com"
    assert "Cancelled post 1." in answer.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    server.stop()
    log = (cfg.parent / "serve.log").read_text()
    assert "mail goes out through smtp://127.0.0.1" in log
    assert log.count("is a reply to a mail we sent") == 1


def test_serve_without_smarthost_says_so_once(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server]
) -> None:
    cfg = make_config()
    server = server_for(cfg).start()
    wait_for(lambda: "outgoing_mail is not set" in (cfg.parent / "serve.log").read_text(),
             timeout=30, what="the log line")  # fmt: skip
    server.stop()
    assert (cfg.parent / "serve.log").read_text().count("outgoing_mail is not set") == 1
