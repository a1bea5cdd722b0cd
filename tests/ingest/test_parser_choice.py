"""Which MIME reader finds which photos of the corpus: the evidence behind using the stdlib
parser with our own walk (ingest/README.md, design notes), not mail-parser's attachment list
nor the stdlib's `iter_attachments()`.

Each table row is a corpus file and the photo files a client meant to send. If an upgrade
of mail-parser changes its row, re-read the decision.
"""

from __future__ import annotations

import email
import email.policy
from base64 import b64decode
from email.message import EmailMessage
from pathlib import Path

import mailparser
import pytest

from ingest.mime import sniff
from ingest.parse import parse

DATA = Path(__file__).parent.parent / "data"

# corpus file → photo parts in it, and how many of them mail-parser's attachment list and
# the stdlib's iter_attachments() hold (counted by their bytes, not their labels)
TRAPS = {
    # An image part with no filename, Content-ID or disposition: mail-parser skips it.
    "android_octet": (2, 1, 2),
    # A message that is one image part: neither lists it.
    "single_part_image": (1, 0, 0),
    # An inline image inside multipart/related inside multipart/alternative.
    "macmail_heic": (1, 1, 0),
    # The photo inside an attached (forwarded) message/rfc822.
    "forwarded_rfc822": (1, 1, 0),
    # Photos inside winmail.dat: both list only the container.
    "tnef_winmail": (2, 0, 0),
}


def _mail_parser(raw: bytes) -> int:
    parsed = mailparser.parse_from_bytes(raw)
    return sum(1 for a in parsed.attachments if a["binary"] and sniff(b64decode(a["payload"])))


def _iter_attachments(raw: bytes) -> int:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    found = 0
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and sniff(data):
            found += 1
    return found


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_who_finds_the_photos(name: str) -> None:
    raw = (DATA / f"{name}.eml").read_bytes()
    photos, by_mail_parser, by_iter_attachments = TRAPS[name]
    ours = parse(raw).attachments
    assert len(ours) == photos
    assert _mail_parser(raw) == by_mail_parser
    assert _iter_attachments(raw) == by_iter_attachments


def test_our_walk_finds_every_photo_of_the_corpus() -> None:
    # The photo count of each file is checked in test_corpus; here: never fewer parts than
    # either library finds, across the whole corpus.
    for path in sorted(DATA.glob("*.eml")):
        raw = path.read_bytes()
        ours = len(parse(raw).attachments)
        assert ours >= _iter_attachments(raw), path.name
        assert ours >= _mail_parser(raw) - (1 if path.stem == "outlook_related_logo" else 0)
