"""MIME limits: more than 50 parts or nesting deeper than 10 refuse the message clearly,
before the stdlib parser can spend minutes or overflow the stack on it."""

from __future__ import annotations

import base64
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ingest import limits
from ingest.parse import MAX_DEPTH, MAX_PARTS, parse
from tests.ingest.test_fuzz import mutated

HEAD = b"From: Maria <owner@example.com>\r\nSubject: Limits\r\nMessage-ID: <lim@example.com>\r\n"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 100, 50)).save(out, "JPEG")
    return base64.encodebytes(out.getvalue()).replace(b"\n", b"\r\n")


def flat(leaves: int) -> bytes:
    """A multipart/mixed with `leaves` image parts: 1 + leaves MIME entities."""
    part = (
        b"--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n" + _photo()
    )
    return (
        HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + part * leaves + b"--b--\r\n"
    )


def nested(levels: int, *, via_message: bool = False) -> bytes:
    """A photo under `levels` containers (multipart/mixed, or attached message/rfc822)."""
    head = tail = b""
    for i in range(levels):
        if via_message:
            head += b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n"
        else:
            head += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
            tail = b"\r\n--b%d--\r\n" % i + tail
    leaf = b"Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n" + _photo()
    return HEAD + head + leaf + tail


def test_fifty_parts_are_accepted() -> None:
    submission = parse(flat(MAX_PARTS - 1))
    assert submission.problems == ()
    assert len(submission.attachments) == MAX_PARTS - 1


def test_more_than_fifty_parts_are_refused() -> None:
    submission = parse(flat(MAX_PARTS))
    assert submission.problems == ("the message has more than 50 MIME parts",)
    assert submission.attachments == ()
    assert submission.subject == "Limits"  # still says what it was, for the refusal reply
    assert submission.from_addr in (None, "owner@example.com")


def test_a_hundred_thousand_parts_are_refused_without_parsing_them() -> None:
    raw = HEAD + b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n'
    raw += b"--z\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 100_000 + b"--z--\r\n"
    assert (parse(raw)).problems == ("the message has more than 50 MIME parts",)


def test_ten_levels_are_accepted() -> None:
    submission = parse(nested(MAX_DEPTH))
    assert submission.problems == ()
    assert len(submission.attachments) == 1


def test_eleven_levels_are_refused() -> None:
    submission = parse(nested(MAX_DEPTH + 1))
    assert submission.problems == ("the message nests MIME parts deeper than 10 levels",)
    assert submission.attachments == ()


def test_deep_forwarding_is_refused() -> None:
    assert (parse(nested(MAX_DEPTH + 1, via_message=True))).problems == (
        "the message nests MIME parts deeper than 10 levels",
    )
    assert len(parse(nested(MAX_DEPTH - 1, via_message=True)).attachments) == 1


def test_nesting_that_would_overflow_the_stdlib_parser_is_refused() -> None:
    # 1,000 levels raise RecursionError inside email.feedparser; we never get there.
    assert (parse(nested(1000))).problems == ("the message has more than 50 MIME parts",)
    assert (parse(nested(1000, via_message=True))).problems == (
        "the message has more than 50 MIME parts",
    )


def _part_with(header: bytes) -> bytes:
    return (
        HEAD
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        + header
        + b"\r\n\r\nx\r\n--b--\r\n"
    )


def test_header_fields_the_parser_reads_are_capped() -> None:
    # 100,000 parameters take the stdlib minutes; refused from the raw bytes at once.
    many = _part_with(b"Content-Type: text/plain; " + b"a=b; " * 100_000)
    assert (parse(many)).problems == ("a Content-Type header is longer than 8 KB",)
    some = _part_with(b"Content-Type: text/plain; " + b"a=b; " * 40)
    assert (parse(some)).problems == (
        "a Content-Type header has more than 32 parameters or comments",
    )
    comments = _part_with(b"Content-Disposition: inline" + b"(x)" * 40)
    assert (parse(comments)).problems == (
        "a Content-Disposition header has more than 32 parameters or comments",
    )
    ok = _part_with(b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes")
    assert (parse(ok)).problems == ()


def test_subject_may_hold_parentheses_but_not_megabytes() -> None:
    fine = HEAD.replace(b"Subject: Limits", b"Subject: Cake (vegan)" + b" (x)" * 50)
    assert (parse(fine + b"\r\nbody")).problems == ()
    folded = HEAD.replace(b"Subject: Limits", b"Subject: " + b"=?utf-8?q?a?=\r\n " * 2000)
    assert (parse(folded + b"\r\nbody")).problems == ("a Subject header is longer than 8 KB",)


def test_header_block_is_capped() -> None:
    raw = HEAD + b"X-Filler: yes\r\n" * 20_000 + b"\r\nbody"
    assert (parse(raw)).problems == ("the message header is larger than 256 KB",)


def test_long_bodies_are_cut_before_cleaning() -> None:
    body = b"Cake of the week\r\n" + b"more text here\r\n" * 500_000
    raw = HEAD + b"Content-Type: text/plain\r\n\r\n" + body
    submission = parse(raw)
    assert submission.caption.startswith("Limits\n\nCake of the week\nmore text here")
    assert len(submission.caption) <= 64_000 + len("Limits\n\n")


SCAN_CASES = [
    b'Content-Type: multipart/mixed;\r\n BOUNDARY  \r\n = "a=b"\r\n\r\n--a=b\r\n',
    b"boundary=boundary=x; Boundary=y\nContent-Type:\tMessage/rfc822\n",
    b"\nCONTENT-TYPE :x\n\nx-content-type: message/x\nxcontent-type: message/\n:=",
    b"content-type:" + b" " * 300 + b"message/x\nboundary" + b"\t" * 5000 + b"=z",
    b"\ncontent-\t \t:\ncontent-:\n:content-type: boundary=\n",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.sampled_from(SCAN_CASES), mutated()), st.sampled_from([limits.MAX_ANCHORS, 2]))
def test_searches_find_what_a_lower_cased_copy_finds(raw: bytes, anchors: int) -> None:
    """Without the copy, from the `=` and `:` bytes; with it past MAX_ANCHORS of them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_ANCHORS", anchors)
        for pattern in (limits._BOUNDARY, limits._MESSAGE_TYPE, limits._CONTENT_FIELD):
            want = [m.regs for m in pattern.finditer(raw.lower())]
            assert [m.regs for m in limits._Scan(raw).find(pattern)] == want


@given(st.binary(max_size=40).map(lambda b: bytes(b"-\nx"[c % 3] for c in b)), st.integers(0, 41))
def test_delimiter_search_is_find(raw: bytes, start: int) -> None:
    assert limits._dashes(raw, start) == raw.find(b"\n--", start)
