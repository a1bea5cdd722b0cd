"""Mail as real clients send it: 8-bit bodies (RFC 6152) and UTF-8 header fields and
addresses (RFC 6532, SMTPUTF8), over SMTP, LMTP and `dripcast ingest`."""

from __future__ import annotations

import email.policy
import shutil
import smtplib
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from dripcast.app.pipeline import process
from dripcast.cli import main
from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine
from ingest.dotstream import stuff
from ingest.parse import parse
from tests.conftest import brand, free_port
from tests.ingest.test_corpus import DATA, EXPECTED
from tests.mail import jpeg
from tests.rawsmtp import Raw
from tests.smtp_listener import Listener

SENDERS = ["owner@example.com", "søren@bageri.example"]
TEXT = "Nyt rugbrød og kanelsnegle i dag 🍞 – kom før kl. 12!"


def eight_bit_mail(
    *, sender: str = "owner@example.com", message_id: str = "<8bit-1@example.com>"
) -> bytes:
    """What Thunderbird or mutt send, and Python's EmailMessage with cte="8bit"."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "bakery@localhost", "Rugbrød"
    msg["Date"], msg["Message-ID"] = "Sat, 21 Nov 2026 10:00:00 +0100", message_id
    msg.set_content(TEXT + "\n", cte="8bit")
    msg.add_attachment(jpeg(), maintype="image", subtype="jpeg", filename="rugbrød.jpg")
    policy = email.policy.SMTP if sender.isascii() else email.policy.SMTPUTF8
    raw = msg.as_bytes(policy=policy)
    assert b"Content-Transfer-Encoding: 8bit" in raw and TEXT.encode() in raw
    return raw


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(**smtp: object) -> Listener:
        cfg = make_config(
            [brand(senders=SENDERS)],
            smtp={"host": "127.0.0.1", "port": free_port(), "per_sender_hour": 0, **smtp},
        )
        made.append(Listener(cfg))
        return made[-1]

    yield make
    for item in made:
        item.close()


def spooled(lst: Listener, row_id: int) -> bytes:
    row = store.message(lst.engine, row_id)
    return lst.intake.blobs.get_sync(row.spool)  # the spool hands each message to the blob store


def options(raw: bytes) -> list[str]:
    """The MAIL FROM parameters a client uses for these bytes (RFC 6152, RFC 6531)."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    return (["SMTPUTF8"] if not head.isascii() else []) + (
        ["BODY=8BITMIME"] if not raw.isascii() else []
    )


def test_whole_corpus_over_smtp(listener: Callable[..., Listener]) -> None:
    """Every corpus message through a real socket is accepted, stored byte for byte, and
    becomes the same caption from the stored copy; the 8-bit ones are planned as posts."""
    lst = listener()
    names = sorted(EXPECTED)
    assert {n for n in names if options((DATA / f"{n}.eml").read_bytes())} >= {
        "thunderbird_8bit",
        "mutt_latin1_8bit",
        "outlook_cp1252_8bit",
        "binary_cte",
        "smtputf8_headers",
    }
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        assert s.ehlo()[0] == 250
        assert s.has_extn("8bitmime") and s.has_extn("smtputf8")
        for name in names:
            raw = (DATA / f"{name}.eml").read_bytes()
            sender = parse(raw).from_addr or "owner@example.com"
            refused = s.sendmail(sender, ["bakery@localhost"], raw, mail_options=options(raw))
            assert refused == {}, name
    assert len(lst.stored) == len(names)
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    for name, row_id in zip(names, lst.stored, strict=True):
        raw = spooled(lst, row_id)
        assert raw == (DATA / f"{name}.eml").read_bytes(), name
        assert parse(raw).caption == EXPECTED[name].caption, name
        if options(raw):
            (post_id,) = process(lst.config, lst.engine, row_id, now, blobs=lst.intake.blobs) or [0]
            (post,) = store.posts(lst.engine, ids=[post_id])
            words = EXPECTED[name].caption.split("\n\n", 1)[1].split(" #")[0]
            assert words in post["text"], name


def test_smtputf8_addresses_in_the_envelope(listener: Callable[..., Listener]) -> None:
    lst = listener()
    c = Raw(lst.port)
    assert c.reply()[0] == 220
    code, _ = c.cmd("EHLO client.example")
    assert code == 250
    assert c.cmd("MAIL FROM:<søren@bageri.example> SMTPUTF8 BODY=8BITMIME")[0] == 250
    assert c.cmd("RCPT TO:<bakery@localhost>")[0] == 250
    assert c.cmd("DATA")[0] == 354
    c.send(stuff(eight_bit_mail(sender="Søren Ærø <søren@bageri.example>")))
    code, msg = c.reply()
    assert (code, msg[:5]) == (250, b"2.0.0"), msg
    c.close()
    (row,) = store.messages(lst.engine)
    assert (row["status"], row["sender"], row["mail_from"]) == (
        "received",
        "søren@bageri.example",
        "søren@bageri.example",
    )


def test_utf8_recipient_address(make_config: Callable[..., Path]) -> None:
    cfg = make_config(
        [brand(address="bageri@smørrebrød.example")],
        smtp={"host": "127.0.0.1", "port": free_port()},
    )
    lst = Listener(cfg)
    try:
        with smtplib.SMTP("127.0.0.1", lst.port) as s:
            raw = eight_bit_mail()
            s.sendmail(
                "owner@example.com",
                ["bageri@smørrebrød.example"],
                raw,
                mail_options=["SMTPUTF8", "BODY=8BITMIME"],
            )
        (row,) = store.messages(lst.engine)
        assert (row["status"], row["rcpt"]) == ("received", "bageri@smørrebrød.example")
    finally:
        lst.close()


def test_8bit_body_over_lmtp(listener: Callable[..., Listener]) -> None:
    lst = listener(lmtp=True)
    c = Raw(lst.port)
    c.envelope("owner@example.com", "bakery@localhost", hello="LHLO")
    c.send(stuff(eight_bit_mail()))
    code, msg = c.reply()
    assert (code, msg[:5]) == (250, b"2.0.0"), msg
    c.close()
    (row_id,) = lst.stored
    assert TEXT in parse(spooled(lst, row_id)).caption


def test_8bit_body_through_ingest(make_config: Callable[..., Path]) -> None:
    cfg = make_config()
    raw = eight_bit_mail()
    result = CliRunner().invoke(main, ["--config", str(cfg), "ingest", "-"], input=raw)
    assert result.exit_code == 0, result.output
    engine = make_engine(load(cfg).database_url)
    (row,) = store.messages(engine)
    assert row["status"] == "planned"
    (post,) = store.posts(engine)
    assert TEXT in post["text"]
    engine.dispose()


@pytest.mark.skipif(shutil.which("swaks") is None, reason="swaks is not installed")
def test_swaks_8bit_body(listener: Callable[..., Listener], tmp_path: Path) -> None:
    """swaks sends a non-ASCII --body as raw 8-bit text, with no charset and no CTE."""
    lst = listener()
    (tmp_path / "bread.jpg").write_bytes(jpeg())
    sent = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{lst.port}", "--to", "bakery@localhost",
         "--from", "owner@example.com", "--header", "Subject: Rugbrød", "--body", TEXT,
         "--attach-type", "image/jpeg", "--attach-name", "bread.jpg", "--attach", "@bread.jpg"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "250 2.0.0 OK: queued" in sent.stdout, sent.stdout + sent.stderr
    (row_id,) = lst.stored
    caption = parse(spooled(lst, row_id)).caption
    assert caption == f"Rugbrød\n\n{TEXT}"
