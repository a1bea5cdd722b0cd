"""Connection exhaustion over real sockets: one client's idle and trickling connections
hold at most its share, and real mail from elsewhere is still accepted meanwhile."""

from __future__ import annotations

import contextlib
import select
import smtplib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.guard import Guard, client_key
from tests.conftest import free_port
from tests.mail import jpeg, photo_mail
from tests.rawsmtp import Raw
from tests.smtp_listener import Listener

ATTACKER = "127.0.0.2"  # another loopback address: another client to the listener


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(**smtp: Any) -> Listener:
        made.append(Listener(make_config(smtp={"host": "127.0.0.1", "port": free_port(), **smtp})))
        return made[-1]

    yield make
    for item in made:
        item.close()


def start_data(r: Raw) -> None:
    """Greeted already: EHLO … DATA, then the client owes the message."""
    assert r.cmd("EHLO attacker.example")[0] == 250
    assert r.cmd("MAIL FROM:<owner@example.com>")[0] == 250
    assert r.cmd("RCPT TO:<bakery@localhost>")[0] == 250
    assert r.cmd("DATA")[0] == 354
    r.send(b"From: owner@example.com\r\n")


def hung_up(r: Raw) -> bytes | None:
    """What the server said before closing, once it has closed; None while it is open."""
    r.sock.setblocking(False)
    try:
        while True:
            chunk = r.sock.recv(65536)
            if not chunk:
                return r.buf
            r.buf += chunk
    except BlockingIOError:
        return None
    except OSError:
        return r.buf
    finally:
        r.sock.setblocking(True)


def test_200_idle_and_trickling_connections_leave_room_for_real_mail(
    listener: Callable[..., Listener],
) -> None:
    lst = listener(
        max_connections=100, max_connections_per_client=10, idle_seconds=3, data_seconds=2
    )
    connected = time.monotonic()  # the held ones connect first: their idle timers start here
    attack = [Raw(lst.port, source=ATTACKER) for _ in range(200)]
    greetings = [r.reply() for r in attack]
    held = [r for r, (code, _) in zip(attack, greetings, strict=True) if code == 220]
    refused = [msg for code, msg in greetings if code == 421]
    assert (len(held), len(refused)) == (10, 190)
    assert all(msg.startswith(b"4.7.0") for msg in refused)
    for r in attack:
        if r not in held:
            r.close()
    trickling = held[:5]  # held[5:] stay idle after the greeting
    for r in trickling:
        start_data(r)
    began = time.monotonic()

    # Real mail from another address, while the attacker holds its share.
    with smtplib.SMTP("127.0.0.1", lst.port, timeout=10) as s:
        s.sendmail("owner@example.com", ["bakery@localhost"], photo_mail(photos=[jpeg(64, 48)]))
    legit = time.monotonic() - began
    assert len(lst.stored) == 1

    # One byte per 0.2 s resets the idle timer each time; the DATA deadline still ends it.
    ended: dict[int, tuple[float, bytes]] = {}
    while len(ended) < len(held) and time.monotonic() - began < 15:
        for i, r in enumerate(held):
            if i in ended:
                continue
            if r in trickling:
                with contextlib.suppress(OSError):  # closed already: hung_up reads why
                    r.send(b"x")
            said = hung_up(r)
            if said is not None:
                ended[i] = (time.monotonic(), said)
        select.select([], [], [], 0.2)
    for r in held:
        r.close()
    assert len(ended) == len(held), "a connection outlived its deadline"
    trickle_end = max(ended[i][0] for i in range(5)) - began
    idle_end = max(ended[i][0] for i in range(5, 10)) - connected
    assert all(b"421 4.4.2" in ended[i][1] for i in range(5))
    assert 1.5 < trickle_end < 6 and 2.9 < idle_end < 8
    print(
        f"\nattacker {ATTACKER}: 200 connections, {len(held)} held, {len(refused)} refused (421);"
        f" real mail from 127.0.0.1: 250 in {legit:.2f} s; trickling DATA cut after"
        f" {trickle_end:.1f} s (data_seconds 2), idle ones after {idle_end:.1f} s (idle_seconds 3)"
    )


def test_a_client_is_its_ipv4_address_or_its_ipv6_64() -> None:
    assert client_key(("192.0.2.7", 25)) == "192.0.2.7"
    assert client_key(("::ffff:192.0.2.7", 25, 0, 0)) == "192.0.2.7"
    assert client_key(("2001:db8::1", 25, 0, 0)) == client_key(("2001:db8::ffff:2", 25, 0, 0))
    assert client_key(("2001:db8::1", 25, 0, 0)) != client_key(("2001:db8:0:1::1", 25, 0, 0))


def test_the_per_client_count_frees_its_slot() -> None:
    g = Guard(max_connections=3, max_per_client=2, per_sender_hour=0)
    assert g.enter("a") is None and g.enter("a") is None
    assert g.enter("a") == "client" and g.enter("b") is None
    assert g.enter("c") == "full"
    g.leave("a")
    assert g.enter("a") is None and g.per_client == {"a": 2, "b": 1}


def test_over_lmtp_the_local_mta_is_not_capped_per_client(
    listener: Callable[..., Listener],
) -> None:
    lst = listener(lmtp=True, max_connections=3, max_connections_per_client=1)
    mta = [Raw(lst.port) for _ in range(3)]
    assert [r.reply()[0] for r in mta] == [220, 220, 220]
    extra = Raw(lst.port)
    assert extra.reply()[:2] == (421, b"4.3.2 Too many connections, try again later")
    for r in [*mta, extra]:
        r.close()
