"""Every SMTP reply the listener gives, over a real socket with smtplib."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dripcast.store import queries as store
from tests.conftest import brand, free_port
from tests.mail import jpeg, photo_mail
from tests.smtp_listener import Listener


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(**service: object) -> Listener:
        made.append(Listener(make_config(**service)))
        return made[-1]

    yield make
    for item in made:
        item.close()


def test_accepts_and_stores_before_250(listener: Callable[..., Listener]) -> None:
    lst = listener()
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        code, reply = s.docmd("EHLO", "client.example")
        assert code == 250
        assert b"SIZE" in reply
        s.sendmail("owner@example.com", ["bakery@localhost"], photo_mail())
    assert len(lst.stored) == 1
    row = store.message(lst.engine, lst.stored[0])
    assert (row.status, row.sender, row.transport) == ("received", "owner@example.com", "smtp")
    assert [f"spool/{p.name}" for p in lst.spool_files()] == [row.spool]


def test_unknown_recipient_is_550_5_1_1_at_rcpt(listener: Callable[..., Listener]) -> None:
    lst = listener()
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.ehlo()
        s.mail("owner@example.com")
        code, msg = s.rcpt("nobody@localhost")
    assert (code, msg[:5]) == (550, b"5.1.1")


def test_sender_not_allowed_is_550_5_7_1_and_leaves_nothing(
    listener: Callable[..., Listener],
) -> None:
    lst = listener()
    with smtplib.SMTP("127.0.0.1", lst.port) as s, pytest.raises(smtplib.SMTPDataError) as e:
        s.sendmail("evil@example.net", ["bakery@localhost"], photo_mail(sender="evil@example.net"))
    assert (e.value.smtp_code, e.value.smtp_error[:5]) == (550, b"5.7.1")
    assert lst.stored == [] and lst.spool_files() == []
    assert store.messages(lst.engine) == []


def test_too_big_is_552_5_3_4(listener: Callable[..., Listener]) -> None:
    lst = listener(smtp={"host": "127.0.0.1", "port": free_port(), "max_message_mb": 0.05})
    big = photo_mail(photos=[jpeg(1600, 1200, color=(1, 2, 3))] * 3)
    assert len(big) > 0.05 * 1024 * 1024
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.ehlo()
        # announced size over the limit: refused at MAIL FROM
        code, msg = s.mail("owner@example.com", [f"SIZE={len(big)}"])
        assert (code, msg[:5]) == (552, b"5.3.4")
        s.rset()
        # no size announced: the data is read and then refused
        assert s.mail("owner@example.com")[0] == 250
        assert s.rcpt("bakery@localhost")[0] == 250
        code, msg = s.data(big)
    assert (code, msg[:5]) == (552, b"5.3.4")
    assert lst.stored == [] and lst.spool_files() == []


def test_unexpected_failure_is_451_4_3_0_not_a_bounce(
    listener: Callable[..., Listener], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the spool cannot be created here")
    lst = listener(spool_dir=str(blocker / "spool"))
    with smtplib.SMTP("127.0.0.1", lst.port) as s, pytest.raises(smtplib.SMTPDataError) as e:
        s.sendmail("owner@example.com", ["bakery@localhost"], photo_mail())
    assert (e.value.smtp_code, e.value.smtp_error[:5]) == (451, b"4.3.0")
    assert store.messages(lst.engine) == []


def test_plus_tag_reaches_the_brand(listener: Callable[..., Listener]) -> None:
    lst = listener()
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.sendmail("owner@example.com", ["Bakery+tag@LOCALHOST"], photo_mail())
    assert len(lst.stored) == 1


def test_two_brands_in_one_message_are_told_to_resend(make_config: Callable[..., Path]) -> None:
    cfg = make_config([brand(), brand(id="flowers", name="Flowers", address="flowers@localhost")])
    lst = Listener(cfg)
    try:
        with smtplib.SMTP("127.0.0.1", lst.port) as s:
            s.ehlo()
            s.mail("owner@example.com")
            assert s.rcpt("bakery@localhost")[0] == 250
            code, msg = s.rcpt("flowers@localhost")
        assert (code, msg[:5]) == (452, b"4.5.3")
    finally:
        lst.close()


def test_start_cleans_only_old_temporaries(tmp_path: Path) -> None:
    """A crash leaves .tmp- files; a second process sharing the spool may be writing one now."""
    import os
    import time

    from ingest.spool import clean_temporaries

    old, young = tmp_path / ".tmp-old.eml", tmp_path / ".tmp-young.eml"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert clean_temporaries(tmp_path) == 1
    assert not old.exists() and young.exists()
