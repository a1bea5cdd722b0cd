"""Streamed DATA over a real socket: size limit, smuggling, dots, disconnects, the shield."""

from __future__ import annotations

import random
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dripcast.store import queries as store
from ingest.dotstream import stuff
from ingest.intake import Intake, Outcome
from ingest.smtp_server import BLOCK
from ingest.spool import SpoolWriter
from tests.conftest import free_port, wait_for
from tests.mail import jpeg, photo_mail
from tests.rawsmtp import Raw
from tests.smtp_listener import Listener


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(intake: type[Intake] = Intake, **smtp: Any) -> Listener:
        cfg = make_config(smtp={"host": "127.0.0.1", "port": free_port(), **smtp})
        made.append(Listener(cfg, intake=intake))
        return made[-1]

    yield make
    for item in made:
        item.close()


def all_spool(lst: Listener) -> list[Path]:
    """Committed files and half-written temporaries alike."""
    folder = lst.config.resolve(lst.config.service.spool_dir)
    staged = sorted(folder.iterdir()) if folder.is_dir() else []
    return staged + lst.spool_files()


def test_552_mid_stream_then_the_same_connection_delivers(
    listener: Callable[..., Listener],
) -> None:
    lst = listener(max_message_mb=0.05)
    big = photo_mail(photos=[jpeg(1600, 1200, color=(1, 2, 3))] * 3)
    small = photo_mail(photos=[jpeg(64, 48)], message_id="<small@example.com>")
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.ehlo()
        s.mail("owner@example.com")
        s.rcpt("bakery@localhost")
        code, msg = s.data(big)
        assert (code, msg[:5]) == (552, b"5.3.4")
        assert all_spool(lst) == []
        s.sendmail("owner@example.com", ["bakery@localhost"], small)
    assert len(lst.stored) == 1
    (f,) = lst.spool_files()
    assert f.read_bytes() == small


def test_bare_lf_dot_does_not_end_data_so_nothing_is_smuggled(
    listener: Callable[..., Listener],
) -> None:
    lst = listener()
    first = photo_mail(photos=[jpeg(64, 48)], message_id="<first@example.com>")
    smuggled = photo_mail(photos=[jpeg(64, 48)], subject="Smuggled", message_id="<s@example.com>")
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost")
    for bare in (b"\n.\n", b"\n.\r\n", b"\r\n.\n"):
        c.send(first + bare)
        c.send(b"MAIL FROM:<owner@example.com>\r\nRCPT TO:<bakery@localhost>\r\nDATA\r\n")
        c.send(smuggled)
    c.send(b".\r\n")
    code, _ = c.reply()
    assert code == 250
    assert c.cmd("QUIT")[0] == 221  # no replies to smuggled commands were queued
    c.close()
    (row,) = store.messages(lst.engine)
    (f,) = lst.spool_files()
    assert b"Subject: Smuggled" in f.read_bytes()  # kept as text of the one message
    assert row["message_id"] == "<first@example.com>"


def test_dot_unstuffing_over_the_socket_in_odd_pieces(listener: Callable[..., Listener]) -> None:
    lst = listener()
    head = photo_mail(photos=[jpeg(64, 48)], message_id="<dots@example.com>")
    rng = random.Random(7)
    lines = [
        rng.choice([b".", b"..", b".x", b"x.", b"...\r", b"\n.", b"a" * 900]) for _ in range(5000)
    ]
    message = head + b"\r\n".join(lines) + b"\r\n"
    assert len(message) > 2 * BLOCK
    wire = stuff(message)
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost")
    at = 0
    while at < len(wire):
        n = rng.choice([1, 2, 3, 5, 700, 70_000])
        c.send(wire[at : at + n])
        at += n
    assert c.reply()[0] == 250
    c.close()
    (f,) = lst.spool_files()
    assert f.read_bytes() == message


@pytest.mark.parametrize("early", [False, True], ids=["after-354", "with-the-DATA-command"])
def test_commands_pipelined_behind_the_final_dot_are_answered_in_order(
    listener: Callable[..., Listener], early: bool
) -> None:
    lst = listener()
    one = photo_mail(photos=[jpeg(640, 480)], message_id="<one@example.com>")
    two = photo_mail(photos=[jpeg(64, 48)], message_id="<two@example.com>")
    envelope = b"MAIL FROM:<owner@example.com>\r\nRCPT TO:<bakery@localhost>\r\nDATA\r\n"
    c = Raw(lst.port)
    assert c.reply()[0] == 220 and c.cmd("EHLO client.example")[0] == 250
    if early:  # a client that does not wait for the 354: all of it is in the reader already
        c.send(envelope + stuff(one) + envelope + stuff(two) + b"QUIT\r\n")
    else:
        c.send(envelope)
        assert [c.reply()[0] for _ in range(3)] == [250, 250, 354]
        c.send(stuff(one) + envelope + stuff(two) + b"QUIT\r\n")
    codes = [c.reply()[0] for _ in range(9 if early else 6)]
    assert codes == ([250, 250, 354] if early else []) + [250, 250, 250, 354, 250, 221]
    c.close()
    assert sorted(f.read_bytes() for f in lst.spool_files()) == sorted([one, two])


def test_disconnect_mid_data_leaves_nothing(listener: Callable[..., Listener]) -> None:
    lst = listener()
    raw = stuff(photo_mail(photos=[jpeg(1600, 1200)] * 2))
    for cut in (10, len(raw) // 2, len(raw) - 4):  # also just short of the final dot
        c = Raw(lst.port)
        c.envelope("owner@example.com", "bakery@localhost")
        c.send(raw[:cut])
        time.sleep(0.2)  # let the server write what it got
        c.close()
    wait_for(lambda: not all_spool(lst), timeout=5, what="temporary spool files to go")
    assert store.messages(lst.engine) == [] and lst.stored == []


def test_half_close_mid_data_leaves_nothing_at_once(listener: Callable[..., Listener]) -> None:
    """A client that stops sending (FIN) inside DATA: the message is dropped then, not at
    the idle timeout."""
    lst = listener()
    raw = stuff(photo_mail(photos=[jpeg(1600, 1200)]))
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost")
    c.send(raw[: len(raw) // 2])
    wait_for(lambda: all_spool(lst), timeout=5, what="the spool file begun")
    c.sock.shutdown(socket.SHUT_WR)
    wait_for(lambda: not all_spool(lst), timeout=5, what="the temporary spool file to go")
    c.close()
    assert store.messages(lst.engine) == [] and lst.stored == []


class SlowIntake(Intake):
    """Takes its time to store, so the client can hang up while it does."""

    started = threading.Event()

    def accept_spooled(self, *args: Any, **kwargs: Any) -> Outcome:
        SlowIntake.started.set()
        time.sleep(0.5)
        return super().accept_spooled(*args, **kwargs)


def test_hang_up_while_storing_the_store_finishes_whole(listener: Callable[..., Listener]) -> None:
    lst = listener(intake=SlowIntake)
    raw = photo_mail(photos=[jpeg(64, 48)], message_id="<hangup@example.com>")
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost")
    c.send(stuff(raw))
    assert SlowIntake.started.wait(5)
    c.close()  # aiosmtpd cancels the handler now; the store must not stop halfway
    wait_for(lambda: lst.stored, timeout=5, what="the message handed to the processor")
    (row,) = store.messages(lst.engine)
    (f,) = lst.spool_files()
    assert (row["spool"], f.read_bytes()) == (f"spool/{f.name}", raw)
    assert [p for p in all_spool(lst) if p.name.startswith(".tmp")] == []


def test_a_broken_header_block_is_refused_also_in_a_large_message(
    listener: Callable[..., Listener],
) -> None:
    lst = listener()
    noise = random.Random(5).randbytes(300 * 1024)  # no need to be a picture: never decoded
    raw = photo_mail(photos=[noise], message_id="<broken@example.com>")
    assert len(raw) > 256 * 1024  # past the head the verdict reads
    broken = raw.replace(b"Subject:", b"this line is no header\r\nSubject:", 1)
    with smtplib.SMTP("127.0.0.1", lst.port) as s, pytest.raises(smtplib.SMTPDataError) as e:
        s.sendmail("owner@example.com", ["bakery@localhost"], broken)
    assert (e.value.smtp_code, e.value.smtp_error[:5]) == (550, b"5.6.0")
    assert all_spool(lst) == []


def test_the_same_message_id_from_the_same_sender_is_stored_once(
    listener: Callable[..., Listener],
) -> None:
    lst = listener()
    raw = photo_mail(photos=[jpeg(64, 48)], message_id="<again@example.com>")
    replies = []
    for _ in range(2):
        c = Raw(lst.port)
        c.envelope("owner@example.com", "bakery@localhost")
        c.send(stuff(raw))
        replies.append(c.reply())
        c.close()
    assert [code for code, _ in replies] == [250, 250]
    assert b"already received" in replies[1][1]
    assert len(store.messages(lst.engine)) == 1 and len(lst.spool_files()) == 1
    assert [p for p in all_spool(lst) if p.name.startswith(".tmp")] == []


def test_a_large_message_is_read_back_once_to_decide(
    listener: Callable[..., Listener], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The header checks and the verdict read the same first bytes: one read, not two.
    reads: list[int] = []
    original = SpoolWriter.read

    def counted(self: SpoolWriter, limit: int = -1) -> bytes:
        reads.append(limit)
        return original(self, limit)

    monkeypatch.setattr(SpoolWriter, "read", counted)
    lst = listener()
    noise = random.Random(6).randbytes(600 * 1024)
    raw = photo_mail(photos=[noise], message_id="<once@example.com>")
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.sendmail("owner@example.com", ["bakery@localhost"], raw)
    (f,) = lst.spool_files()
    assert f.read_bytes() == raw
    assert len(reads) == 1 and 0 < reads[0] < len(raw)
