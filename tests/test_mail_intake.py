"""A reply to a mail dripcast sent is recognised at intake and kept away from the
photo pipeline (a reply "cancel" is not refused as "the message has no photo")."""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from dripcast.core.config import load
from dripcast.core.lifecycle import IllegalMove, MessageStatus, check_message_move
from dripcast.core.tokens import reply_tag
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from ingest.intake import Intake
from tests.conftest import brand

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
TOKEN = "abcdefghijklmnopqrstuvwxyz234567"


def reply(text: str = "cancel", *, sender: str = "owner@example.com", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "bakery@localhost"
    msg["Subject"] = "Re: Planned: 2 posts"
    msg["Date"] = "Sat, 21 Nov 2026 10:00:00 +0100"
    msg["Message-ID"] = f"<r{abs(hash((text, sender, *headers.values())))}@example.com>"
    for k, v in headers.items():
        msg[k.replace("_", "-")] = v
    msg.set_content(text)
    return msg.as_bytes(policy=email.policy.SMTP)


def intake(make_config: Callable[..., Path], **b: object) -> Intake:
    path = make_config([brand(**b)], reply_key="${file:reply.key}")
    (path.parent / "reply.key").write_text("k" * 32)
    (path.parent / "reply.key").chmod(0o600)
    (path.parent / "token").write_text(TOKEN)
    (path.parent / "token").chmod(0o600)
    cfg = load(path)
    engine = make_engine(cfg.database_url)
    migrate(engine)
    store_mail.enqueue(
        engine, now=NOW, brand="demo-bakery", kind="confirmation", key="confirm:1",
        to=["owner@example.com"], sender="bakery@localhost", subject="Planned",
        about={"message": 1, "posts": [1, 2]}, in_reply_to=None,
        build=lambda i: ("<sent-1@dripcast>", b"raw"),
    )  # fmt: skip
    return Intake(cfg, engine, clock=lambda: NOW)


def status(i: Intake, row: int | None) -> str:
    assert row is not None
    return store.message(i.engine, row).status


def test_a_reply_by_in_reply_to_is_stored_as_a_reply_not_queued_for_photos(
    make_config: Callable[..., Path],
) -> None:
    i = intake(make_config)
    out = i.accept(
        reply(In_Reply_To="<sent-1@dripcast>"),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.reply.startswith("250") and out.answers_mail and not out.queued
    assert status(i, out.message_id) == "reply"
    assert store.pending_messages(i.engine, now=NOW) == []  # the photo pipeline never sees it
    # References alone (the root of a longer thread) counts as well
    out = i.accept(
        reply("yes", References="<x@y> <sent-1@dripcast>"),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.answers_mail and status(i, out.message_id) == "reply"
    i.engine.dispose()


def test_a_reply_that_dropped_references_is_known_by_its_signed_tag(
    make_config: Callable[..., Path],
) -> None:
    i = intake(make_config)
    rcpt = f"bakery+{reply_tag(i.reply_key, 'demo-bakery', 1)}@localhost"
    out = i.accept(reply(), mail_from="owner@example.com", rcpt=rcpt, transport="smtp")
    assert out.answers_mail and status(i, out.message_id) == "reply"
    # a tag naming a mail that does not exist is no reply: the photo path refuses it later
    rcpt = f"bakery+{reply_tag(i.reply_key, 'demo-bakery', 99)}@localhost"
    out = i.accept(reply("hi"), mail_from="owner@example.com", rcpt=rcpt, transport="smtp")
    assert out.queued and not out.answers_mail
    i.engine.dispose()


def test_a_signed_reply_tag_stands_in_for_the_token(make_config: Callable[..., Path]) -> None:
    i = intake(make_config, verify="token", token="${file:token}")
    rcpt = f"bakery+{reply_tag(i.reply_key, 'demo-bakery', 1)}@localhost"
    assert i.brand_for(rcpt) is not None
    out = i.accept(reply(), mail_from="owner@example.com", rcpt=rcpt, transport="smtp")
    assert out.answers_mail and status(i, out.message_id) == "reply"
    forged = "bakery+r-1-aaaaaaaaaaaaaaaa@localhost"
    assert i.brand_for(forged) is None
    out = i.accept(reply("yes"), mail_from="owner@example.com", rcpt=forged, transport="smtp")
    assert out.reply.startswith("550 5.1.1") and out.message_id is None
    assert i.brand_for("bakery@localhost") is None  # the plain address stays closed
    i.engine.dispose()


def test_a_forged_reply_changes_nothing_and_is_no_reply(
    make_config: Callable[..., Path],
) -> None:
    i = intake(make_config)
    raw = reply(sender="mallory@evil.example", In_Reply_To="<sent-1@dripcast>")
    out = i.accept(raw, mail_from="mallory@evil.example", rcpt="bakery@localhost", transport="smtp")
    assert out.reply.startswith("550 5.7.1") and out.message_id is None
    # behind an MTA that already accepted it: quarantined as refused, never a reply
    out = i.accept(raw, mail_from="mallory@evil.example", rcpt="bakery@localhost", transport="lmtp")
    assert not out.answers_mail and status(i, out.message_id) == "refused"
    i.engine.dispose()


def test_a_mail_answering_something_else_is_a_submission(
    make_config: Callable[..., Path],
) -> None:
    i = intake(make_config)
    out = i.accept(
        reply("new photos", In_Reply_To="<someone-else@example.com>"),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.queued and not out.answers_mail and status(i, out.message_id) == "received"
    i.engine.dispose()


def test_a_single_part_utf8_8bit_message_is_taken(make_config: Callable[..., Path]) -> None:
    """Regression: the decision head was cut by the length of the body *decoded* by its
    charset, and a one-part UTF-8 message with 8-bit text (most replies, Danish ones
    always) raised UnicodeEncodeError at intake."""
    i = intake(make_config)
    msg = EmailMessage()
    msg["From"] = "owner@example.com"
    msg["To"] = "bakery@localhost"
    msg["Subject"] = "Re: Planlagt"
    msg["Date"] = "Sat, 21 Nov 2026 10:00:00 +0100"
    msg["Message-ID"] = "<da@example.com>"
    msg["In-Reply-To"] = "<sent-1@dripcast>"
    msg.set_content("annullér 2 — tak!", cte="8bit")
    raw = msg.as_bytes(policy=email.policy.SMTP)
    assert 'charset="utf-8"' in raw.decode() and "annullér".encode() in raw
    out = i.accept(raw, mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp")
    assert out.answers_mail and status(i, out.message_id) == "reply"
    i.engine.dispose()


def test_a_reply_moves_reply_answering_answered_and_nothing_else_claims_it(
    make_config: Callable[..., Path],
) -> None:
    M = MessageStatus
    check_message_move(M.REPLY, M.ANSWERING)
    check_message_move(M.ANSWERING, M.ANSWERED)
    for frm, to in [(M.REPLY, M.PROCESSING), (M.ANSWERED, M.ANSWERING), (M.REPLY, M.PLANNED)]:
        with pytest.raises(IllegalMove):
            check_message_move(frm, to)
    cfg = load(make_config())
    engine = make_engine(cfg.database_url)
    migrate(engine)
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    mid = store.add_message(
        engine, now=now, brand="demo-bakery", transport="smtp", mail_from="owner@example.com",
        rcpt="bakery@localhost", sender="owner@example.com", message_id="<r@x>", spool="s",
        size=1, status=M.REPLY.value,
    )  # fmt: skip
    assert store.claim_messages(engine, now=now, lease=timedelta(minutes=5), ids=[mid]) == []
    assert store_mail.claim_replies(engine, now=now, lease=timedelta(minutes=5)) == [mid]
    assert store.message(engine, mid).status == "answering"
    store_mail.close_reply(engine, mid, now=now, reason="done")
    assert store.message(engine, mid).status == "answered"
    assert (
        store_mail.claim_replies(engine, now=now + timedelta(hours=1), lease=timedelta(minutes=5))
        == []
    )
    engine.dispose()
