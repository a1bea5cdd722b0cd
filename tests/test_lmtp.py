"""LMTP for Postfix's `lmtp:` transport: LHLO, one reply per recipient, quarantine not bounce."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dripcast.store import queries as store
from ingest.dotstream import stuff
from tests.conftest import free_port
from tests.mail import jpeg, photo_mail
from tests.rawsmtp import Raw
from tests.smtp_listener import Listener


@pytest.fixture
def lmtp(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(**smtp: Any) -> Listener:
        port = free_port()
        made.append(Listener(make_config(smtp={"port": port, "lmtp": True, **smtp})))
        return made[-1]

    yield make
    for item in made:
        item.close()


def test_one_reply_per_accepted_recipient(lmtp: Callable[..., Listener]) -> None:
    lst = lmtp()
    c = Raw(lst.port)
    assert c.reply()[0] == 220
    assert c.cmd("EHLO client.example")[0] == 500  # LMTP speaks LHLO only
    assert c.cmd("LHLO mta.example")[0] == 250
    assert c.cmd("MAIL FROM:<owner@example.com>")[0] == 250
    assert c.cmd("RCPT TO:<bakery@localhost>")[0] == 250
    assert c.cmd("RCPT TO:<nobody@localhost>")[0] == 550
    assert c.cmd("RCPT TO:<bakery+shop@localhost>")[0] == 250
    assert c.cmd("DATA")[0] == 354
    c.send(stuff(photo_mail(photos=[jpeg(64, 48)])))
    first, second = c.reply(), c.reply()
    assert first[0] == second[0] == 250
    assert c.cmd("QUIT")[0] == 221  # and no third reply was waiting
    c.close()
    (row,) = store.messages(lst.engine)
    assert (row["transport"], row["status"]) == ("lmtp", "received")


def test_refused_sender_is_quarantined_not_bounced(lmtp: Callable[..., Listener]) -> None:
    lst = lmtp()
    c = Raw(lst.port)
    c.envelope("evil@example.net", "bakery@localhost", hello="LHLO")
    c.send(stuff(photo_mail(sender="evil@example.net", photos=[jpeg(64, 48)])))
    code, msg = c.reply()
    assert code == 250 and b"held" in msg
    c.close()
    (row,) = store.messages(lst.engine)
    assert row["status"] == "refused" and "not in the brand's senders" in row["reason"]
    assert lst.stored == []  # never handed to the processor


def test_too_big_is_answered_for_each_recipient(lmtp: Callable[..., Listener]) -> None:
    lst = lmtp(max_message_mb=0.01)
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost", "bakery+a@localhost", hello="LHLO")
    c.send(stuff(photo_mail(photos=[jpeg(800, 600)])))
    assert [c.reply()[0], c.reply()[0]] == [552, 552]
    assert c.cmd("NOOP")[0] == 250
    c.close()
    assert store.messages(lst.engine) == []
