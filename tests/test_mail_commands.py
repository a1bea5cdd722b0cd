"""Reply parsing (pure), reply tags and the references a reply carries."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest

from dripcast.core.tokens import read_reply_tag, reply_tag
from dripcast.mail.commands import (
    Approve,
    Cancel,
    Caption,
    Move,
    Unknown,
    When,
    own_lines,
    parse_line,
    parse_reply,
    resolve_when,
)
from ingest.replies import auto_submitted, reply_refs

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=CPH)  # a Wednesday


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("approve", Approve()),
        ("Yes", Approve()),
        ("OK!", Approve()),
        ("yes please, looks great", Approve()),
        ("ja", Approve()),
        ("approve 2", Approve((2,))),
        ("cancel", Cancel()),
        ("CANCEL all", Cancel()),
        ("cancel 3", Cancel(numbers=(3,))),
        ("cancel #3", Cancel(numbers=(3,))),
        ("cancel 2-4", Cancel(numbers=(2, 3, 4))),
        ("cancel 2, 5 and 7", Cancel(numbers=(2, 5, 7))),
        ("cancel Instagram", Cancel(network="instagram")),
        ("annullér 2", Cancel(numbers=(2,))),
        ("move 3 to friday 9:00", Move(3, "friday 9:00")),
        ("Move #3 to tomorrow 18:00", Move(3, "tomorrow 18:00")),
        ("flyt 2 til fredag kl. 9", Move(2, "fredag kl. 9")),
        ("when: tomorrow 9:00", When("tomorrow 9:00")),
        ("When:2026-12-01 18:00", When("2026-12-01 18:00")),
        ("caption: Fresh Rye, today only!", Caption("Fresh Rye, today only!")),
        ("cancel the whole thing please", Unknown("cancel the whole thing please")),
        ("move 3 somewhere", Unknown("move 3 somewhere")),
        ("caption:", Unknown("caption:")),
        ("Hi there,", None),
        ("Thanks, Anne", None),
    ],
)
def test_one_line(line: str, command: object) -> None:
    assert parse_line(line) == command


def test_only_the_first_lines_the_client_wrote_count() -> None:
    text = (
        "Hi!\n\ncancel 2\nmove 3 to friday 9:00\n\nThanks, Anne\n\n"
        "On Mon, 23 Nov 2026 at 10:00, Demo Bakery <bakery@localhost> wrote:\n"
        "> yes\n> cancel\n"
    )
    assert parse_reply(text) == [Cancel(numbers=(2,)), Move(3, "friday 9:00")]


@pytest.mark.parametrize(
    "quote",
    [
        "> cancel",
        "-- \ncancel",
        "-----Original Message-----\ncancel",
        "From: Demo Bakery <bakery@localhost>\ncancel",
        "Sent from my iPhone\ncancel",
        "Den 23. nov. 2026 kl. 10.00 skrev Demo Bakery <bakery@localhost>:\ncancel",
    ],
)
def test_quotes_and_signatures_end_the_commands(quote: str) -> None:
    assert parse_reply(f"yes\n{quote}") == [Approve()]
    assert own_lines(f"yes\n{quote}") == ["yes"]


def test_a_reply_of_only_quotes_has_no_commands() -> None:
    assert parse_reply("> cancel\n> yes\n") == []
    assert parse_reply("") == []


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("friday 9:00", datetime(2026, 11, 27, 9, 0, tzinfo=CPH)),
        ("fri 9", datetime(2026, 11, 27, 9, 0, tzinfo=CPH)),
        ("fredag kl. 9", datetime(2026, 11, 27, 9, 0, tzinfo=CPH)),
        ("wednesday 9:00", datetime(2026, 12, 2, 9, 0, tzinfo=CPH)),  # today's 9:00 is past
        ("wednesday 18:00", datetime(2026, 11, 25, 18, 0, tzinfo=CPH)),
        ("tomorrow 9:00", datetime(2026, 11, 26, 9, 0, tzinfo=CPH)),
        ("i morgen 9:00", datetime(2026, 11, 26, 9, 0, tzinfo=CPH)),
        ("2026-12-01 18:00", datetime(2026, 12, 1, 18, 0, tzinfo=CPH)),
    ],
)
def test_times_in_replies(text: str, at: datetime) -> None:
    assert resolve_when(text, NOW) == at


def test_reply_tags_are_signed_per_brand_and_mail() -> None:
    key = b"k" * 32
    tag = reply_tag(key, "bakery", 42)
    assert tag.startswith("r-42-") and tag == tag.lower()
    assert read_reply_tag(key, "bakery", tag) == 42
    assert read_reply_tag(key, "other", tag) is None  # another brand's tag
    assert read_reply_tag(b"x" * 32, "bakery", tag) is None  # another key
    assert read_reply_tag(key, "bakery", tag.replace("r-42-", "r-43-")) is None  # forged id
    assert read_reply_tag(key, "bakery", "r-42") is None


def test_reply_refs_reads_headers_and_the_tag() -> None:
    key = b"k" * 32
    head = message_from_bytes(
        b"From: owner@example.com\r\nIn-Reply-To: <a@dripcast>\r\n"
        b"References: <root@x> <a@dripcast>\r\n\r\n"
    )
    refs = reply_refs(head, f"bakery+{reply_tag(key, 'b', 7)}@localhost", "b", key)
    assert refs.mail_ids == (7,) and refs.message_ids == ("<a@dripcast>", "<root@x>")
    plain = message_from_bytes(b"From: owner@example.com\r\n\r\n")
    assert not reply_refs(plain, "bakery+r-7-aaaaaaaaaaaaaaaa@localhost", "b", key)
    assert not auto_submitted(plain)
    assert auto_submitted(message_from_bytes(b"Auto-Submitted: auto-replied\r\n\r\n"))
    assert auto_submitted(message_from_bytes(b"Precedence: bulk\r\n\r\n"))
