"""Mutated MIME through parse + load_photos: never an exception, and every outcome either a
result or a problem / skip reason from the known list (so a client always gets a clear one)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dripcast.core.domain import Submission
from ingest.parse import parse
from ingest.photos import MIN_SIDE, load_photos

DATA = Path(__file__).parent.parent / "data"
# The big one costs 20 decodes per example; the others cover its layout.
CORPUS = {p.stem: p.read_bytes() for p in sorted(DATA.glob("*.eml")) if p.stem != "twenty_photos"}

PROBLEMS = re.compile(
    r"^(the message has more than 50 MIME parts"
    r"|the message nests MIME parts deeper than 10 levels"
    r"|the message could not be read \(\w+\)"
    r"|the message header is larger than 256 KB"
    r"|a [\w-]+ header (is longer than 8 KB|has more than 32 parameters or comments)"
    r"|the message must have exactly one From header"
    r"|the From header (is malformed|must hold exactly one address|cannot be parsed|is ambiguous"
    r"|holds control characters or undecodable bytes|must be a plain address, not a group)"
    r"|the From address is not a plain mailbox at a domain name"
    r"|the message has no readable From header)$"
)
REASONS = re.compile(
    r"^(not a readable image|corrupt or truncated image"
    r"|too many pixels( \(\d+×\d+\))?; the limit is 100 MP"
    r"|too small for a photo \(\d+×\d+\); logos and icons are left out"
    r"|(TIFF|BMP|AVIF) is not supported; send JPEG, PNG, WebP, GIF or HEIC"
    r"|winmail\.dat \(TNEF\) is not readable"
    r"|the same photo as .+)$"
)
HEADER_NAMES = [b"Content-Type", b"Content-Transfer-Encoding", b"Content-Disposition",
                b"Subject", b"From", b"Content-ID", b"MIME-Version", b"Date"]  # fmt: skip
NASTY = st.sampled_from(
    [b"", b"multipart/mixed", b'multipart/mixed; boundary=""', b"message/rfc822",
     b"image/jpeg; name*=x''%ff%fe", b"text/plain; charset=\xff", b"=?utf-8?b?====?=",
     b"base64", b"quoted-printable", b"x-uuencode", b"attachment; filename*0*=bad''%",
     b"<<<>>>", b"\x00\x01\x02", b"a" * 5000, b'"unterminated', b"(comment",
     b"inline; filename=\"=?utf-8?q?=E2=80?=\"", b"=?utf-8?q?caf=C3?="]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(CORPUS[draw(st.sampled_from(sorted(CORPUS)))])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["flip", "truncate", "delete", "insert", "header", "lf", "boundary"])
        )
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del raw[at:]
        elif op == "delete":
            del raw[at : at + draw(st.integers(1, 400))]
        elif op == "insert":
            raw[at:at] = draw(st.binary(max_size=60))
        elif op == "header":
            name = draw(st.sampled_from(HEADER_NAMES))
            value = draw(st.one_of(NASTY, st.binary(max_size=80)))
            lines = [m.start() for m in re.finditer(rb"(?m)^" + name + rb":", bytes(raw), re.I)]
            spot = draw(st.sampled_from(lines)) if lines else at
            end = raw.find(b"\r\n", spot)
            end = len(raw) if end < 0 else end
            raw[spot:end] = name + b": " + value
        elif op == "lf":
            raw = bytearray(bytes(raw).replace(b"\r\n", b"\n"))
        elif op == "boundary":
            starts = [m.start() for m in re.finditer(rb"(?m)^--", bytes(raw))]
            if starts:
                spot = draw(st.sampled_from(starts))
                raw[spot:spot] = raw[spot : raw.find(b"\n", spot) + 1 or len(raw)]
    return bytes(raw)


def check(raw: bytes) -> Submission:
    submission = parse(raw)
    assert isinstance(submission, Submission)
    for problem in submission.problems:
        assert PROBLEMS.match(problem), problem
    if any(
        not p.startswith(("the From", "the message must", "the message has no readable"))
        for p in submission.problems
    ):
        assert submission.attachments == ()
    photos, skipped = load_photos(submission.attachments)
    assert len(photos) + len(skipped) == len(submission.attachments)
    for s in skipped:
        assert REASONS.match(s.reason), s.reason
        assert s.filename
    for p in photos:
        assert min(p.width, p.height) >= MIN_SIDE and len(p.pixels) == 64
    return submission


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus(raw: bytes) -> None:
    check(raw)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


def test_corpus_unmutated_is_clean() -> None:
    for name, raw in CORPUS.items():
        assert check(raw).caption, name
