"""Sender verification decided before the reply to DATA, over a real SMTP socket."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import pytest

from dripcast.store import queries as store
from tests.conftest import brand
from tests.mail import jpeg
from tests.smtp_listener import Listener
from tests.verify.mail import FakeDNS, Key, message, rsa_key, sign

TOKEN = "k7qz3x2m5c4v6b7n8p9q2r3s4t5u6v7w"


@pytest.fixture(scope="module")
def keys() -> tuple[Key, Key]:
    return rsa_key(1024), rsa_key(1024)


def photo_message(sender: str, to: str) -> bytes:
    import base64

    b64 = base64.encodebytes(jpeg()).decode().replace("\n", "\r\n")
    body = (
        "--b\r\nContent-Type: text/plain\r\n\r\nCroissants\r\n"
        "--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment; filename=c.jpg\r\n\r\n{b64}--b--\r\n"
    )
    return message(
        sender=sender,
        to=to,
        date=formatdate(localtime=True),
        extra='MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n',
        body=body,
    )


@pytest.fixture
def dmarc_listener(make_config: Callable[..., Path], keys: tuple[Key, Key]) -> Listener:
    brand_key, relay_key = keys
    dns = FakeDNS(
        {"s1._domainkey.brand.com": brand_key.record, "s1._domainkey.relay.net": relay_key.record}
    )
    cfg = make_config(
        [brand(address="bakery@dripcast.dk", senders=["*@brand.com"], verify="dmarc")]
    )
    return Listener(cfg, resolver=dns)


def test_unaligned_signature_is_550_5_7_26_and_leaves_nothing(
    dmarc_listener: Listener, keys: tuple[Key, Key]
) -> None:
    lst = dmarc_listener
    try:
        raw = sign(
            photo_message("alice@brand.com", "bakery@dripcast.dk"), keys[1], domain="relay.net"
        )
        with smtplib.SMTP("127.0.0.1", lst.port) as s, pytest.raises(smtplib.SMTPDataError) as e:
            s.sendmail("alice@brand.com", ["bakery@dripcast.dk"], raw)
        assert (e.value.smtp_code, e.value.smtp_error[:6]) == (550, b"5.7.26")
        assert store.messages(lst.engine) == [] and lst.spool_files() == []
        assert store.posts(lst.engine) == []
    finally:
        lst.close()


def test_aligned_signature_is_accepted(dmarc_listener: Listener, keys: tuple[Key, Key]) -> None:
    lst = dmarc_listener
    try:
        raw = sign(
            photo_message("alice@brand.com", "bakery@dripcast.dk"), keys[0], domain="brand.com"
        )
        with smtplib.SMTP("127.0.0.1", lst.port) as s:
            s.sendmail("alice@brand.com", ["bakery@dripcast.dk"], raw)
        assert [m["status"] for m in store.messages(lst.engine)] == ["received"]
    finally:
        lst.close()


def test_token_brand_wrong_or_missing_token_is_550_5_1_1(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAKERY_TOKEN", TOKEN)
    cfg = make_config([brand(verify="token", token="${BAKERY_TOKEN}")])
    lst = Listener(cfg)
    try:
        with smtplib.SMTP("127.0.0.1", lst.port) as s:
            s.ehlo()
            s.mail("owner@example.com")
            for rcpt in (
                "bakery@localhost",
                "bakery+wrong@localhost",
                f"bakery+{TOKEN[:-1]}x@localhost",
            ):
                code, msg = s.rcpt(rcpt)
                assert (code, msg[:5]) == (550, b"5.1.1")
                assert TOKEN.encode() not in msg
            assert s.rcpt(f"bakery+{TOKEN}@localhost")[0] == 250
    finally:
        lst.close()


def test_replayed_old_message_is_held_not_planned(make_config: Callable[..., Path]) -> None:
    lst = Listener(make_config([brand(senders=["alice@brand.com"])]))
    try:
        raw = photo_message("alice@brand.com", "bakery@localhost").replace(
            formatdate(localtime=True).encode()[:16], b"Mon, 02 Mar 2026"
        )
        old = message(
            sender="alice@brand.com", to="bakery@localhost", date="Mon, 02 Mar 2026 10:00:00 +0000"
        )
        for data in (raw, old):
            with smtplib.SMTP("127.0.0.1", lst.port) as s:
                s.sendmail(
                    "alice@brand.com",
                    ["bakery@localhost"],
                    data.replace(b"<m1@", b"<m%d@" % len(data)),
                )
        rows = store.messages(lst.engine)
        assert rows and all(r["status"] == "held" for r in rows)
        assert lst.stored == []  # never handed to the processor
    finally:
        lst.close()
