"""The listener's protections over real sockets: recipients, connections, per-sender rate."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.guard import Guard
from tests.conftest import free_port
from tests.mail import jpeg, photo_mail
from tests.rawsmtp import Raw
from tests.smtp_listener import Listener


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(**smtp: Any) -> Listener:
        made.append(Listener(make_config(smtp={"host": "127.0.0.1", "port": free_port(), **smtp})))
        return made[-1]

    yield make
    for item in made:
        item.close()


def test_at_most_20_recipients(listener: Callable[..., Listener]) -> None:
    lst = listener()
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.ehlo()
        s.mail("owner@example.com")
        for i in range(20):
            assert s.rcpt(f"bakery+r{i}@localhost")[0] == 250
        code, msg = s.rcpt("bakery+r20@localhost")
        assert (code, msg[:5]) == (452, b"4.5.3")
        code, _ = s.data(photo_mail(photos=[jpeg(64, 48)]))
        assert code == 250  # the twenty it accepted are delivered
    assert len(lst.stored) == 1


def test_connections_over_the_cap_get_421_4_3_2(listener: Callable[..., Listener]) -> None:
    lst = listener(max_connections=2)
    first, second = Raw(lst.port), Raw(lst.port)
    assert first.reply()[0] == 220 and second.reply()[0] == 220
    third = Raw(lst.port)
    code, msg = third.reply()
    assert (code, msg[:5]) == (421, b"4.3.2")
    third.close()
    first.cmd("QUIT")
    first.close()
    # a slot is free again once a client leaves
    for _ in range(50):
        again = Raw(lst.port)
        code, _ = again.reply()
        if code == 220:
            break
        again.close()
    assert code == 220
    assert again.cmd("EHLO client.example")[0] == 250
    again.close()
    second.close()


def test_more_than_the_hourly_rate_from_one_sender_is_451_4_7_1(
    listener: Callable[..., Listener],
) -> None:
    lst = listener(per_sender_hour=2)
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        for i in range(2):
            raw = photo_mail(photos=[jpeg(64, 48)], message_id=f"<r{i}@example.com>")
            s.sendmail("owner@example.com", ["bakery@localhost"], raw)
        code, msg = s.mail("Owner@Example.com")
        assert (code, msg[:5]) == (451, b"4.7.1")
        s.rset()
        assert s.mail("someone-else@example.com")[0] == 250  # other senders are not held up
    assert len(lst.stored) == 2


def test_the_rate_window_slides() -> None:
    now = [0.0]
    g = Guard(max_connections=1, per_sender_hour=2, clock=lambda: now[0])
    g.sent("a@x")
    now[0] = 1800
    g.sent("a@x")
    assert g.over_rate("A@x")
    now[0] = 3601  # the first one is more than an hour old
    assert not g.over_rate("a@x")
    assert not Guard(max_connections=1, per_sender_hour=0).over_rate("a@x")
