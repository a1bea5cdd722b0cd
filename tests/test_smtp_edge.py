"""The SMTP edge over real sockets: oversized header blocks, nesting bombs, From read two ways."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dripcast.store import queries as store
from tests.conftest import brand, free_port
from tests.mail import jpeg, photo_mail
from tests.smtp_listener import Listener
from tests.test_preview import preview
from tests.verify.mail import FakeDNS


@pytest.fixture
def listener(make_config: Callable[..., Path]) -> Iterator[Callable[..., Listener]]:
    made: list[Listener] = []

    def make(brands: list[dict[str, Any]] | None = None, **smtp: Any) -> Listener:
        cfg = make_config(brands, smtp={"host": "127.0.0.1", "port": free_port(), **smtp})
        made.append(Listener(cfg, resolver=FakeDNS({})))
        return made[-1]

    yield make
    for item in made:
        item.close()


def send(lst: Listener, raw: bytes, rcpt: str = "bakery@localhost") -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", lst.port, timeout=30) as s:
        s.ehlo()
        assert s.mail("owner@example.com")[0] == 250
        assert s.rcpt(rcpt)[0] == 250
        s.putcmd("data")
        assert s.getreply()[0] == 354
        s.send(raw.replace(b"\r\n.", b"\r\n..") + b".\r\n")
        return s.getreply()


def nothing_stored(lst: Listener) -> bool:
    return store.messages(lst.engine) == [] and lst.spool_files() == [] and lst.stored == []


def with_header(extra: bytes) -> bytes:
    """A real photo mail with `extra` header lines (CRLF-ended) at the top."""
    return extra + photo_mail(photos=[jpeg(64, 48)])


@pytest.mark.parametrize(
    "extra",
    [
        b"X-Long: " + b"a" * (1 << 20) + b"\r\n",  # one 1 MB line
        b"".join(b"X-F%d: v\r\n" % i for i in range(40_000)),  # 40,000 fields
        b"".join(b"A: \r\n" for _ in range(40_000)),  # 40,000 fields under 256 KB
    ],
    ids=["1MB-line", "40000-fields", "40000-tiny-fields"],
)
def test_a_header_block_over_the_limit_is_552_at_data_and_nothing_stored(
    listener: Callable[..., Listener], extra: bytes
) -> None:
    lst = listener()
    code, msg = send(lst, with_header(extra))
    assert (code, msg[:5]) == (552, b"5.3.4")
    assert nothing_stored(lst)


def nested(depth: int) -> bytes:
    head = (
        "From: owner@brand.com\r\nTo: bakery@localhost\r\nSubject: deep\r\n"
        "Date: Sat, 21 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    )
    body = "Content-Type: text/plain\r\n\r\nhi\r\n"
    for i in range(depth):
        body = f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n{body}--b{i}--\r\n'
    return (head + body).encode()


def test_a_nesting_bomb_for_a_dmarc_brand_is_a_5xx_not_a_451(
    listener: Callable[..., Listener],
) -> None:
    lst = listener([brand(senders=["*@brand.com"], verify="dmarc")])
    code, msg = send(lst, nested(1000))
    assert 500 <= code < 600, (code, msg)
    assert nothing_stored(lst)


def test_a_nesting_bomb_is_a_clear_refusal_in_preview(make_config: Callable[..., Path]) -> None:
    doc = preview(make_config([brand(senders=["*@brand.com"])]), nested(1000))
    assert doc["accepted"] is False and "MIME parts" in str(doc["reason"])


REST = b"To: bakery@localhost\r\nSubject: hi\r\nDate: Sat, 21 Nov 2026 10:00:00 +0100\r\n"
BODY = b"Content-Type: text/plain\r\n\r\nhello\r\n"
OWNER = b"From: owner@example.com\r\n"
TWO_WAYS = {
    # Python takes the first line for an mbox "From " line; others read a From field
    "mbox-from": b"From : evil@x.test\r\n" + OWNER + REST + BODY,
    # Python splits on the bare CR; a CRLF-only parser sees an X-A value and no From
    "bare-cr": b"X-A: a\rFrom: owner@example.com\r\n" + REST + BODY,
    # a bare LF inside a CRLF header block: the same, for parsers that split on CRLF only
    "bare-lf": b"X-A: a\nFrom: owner@example.com\r\n" + REST + BODY,
    # a last field `From : …`: Python ends the header block before it, others read a From
    "name-space-colon": OWNER + REST + b"From : evil@x.test\r\n\r\nhello\r\n",
    # a NUL ends a C string: what follows is gone for some parsers
    "nul": OWNER + b"X-A: a\0From: evil@x.test\r\n" + REST + BODY,
}


@pytest.mark.parametrize("raw", TWO_WAYS.values(), ids=TWO_WAYS.keys())
def test_two_ways_names_each_differential(raw: bytes) -> None:
    from ingest.limits import two_ways

    assert two_ways(raw) is not None


@pytest.mark.parametrize("raw", TWO_WAYS.values(), ids=TWO_WAYS.keys())
def test_a_header_block_read_two_ways_is_refused(
    listener: Callable[..., Listener], raw: bytes
) -> None:
    lst = listener()
    code, msg = send(lst, raw)
    assert (code, msg[:5]) == (550, b"5.6.0")
    assert nothing_stored(lst)


def test_lf_only_mail_from_a_pipe_is_not_read_two_ways() -> None:
    from ingest.limits import two_ways

    assert two_ways(OWNER + REST + BODY) is None
    assert two_ways((OWNER + REST + BODY).replace(b"\r\n", b"\n")) is None


def test_the_streamed_part_count_is_the_parsers_bound_in_any_block_split() -> None:
    import random

    from ingest.limits import PartCounter, count_parts
    from tests.ingest.test_corpus import DATA

    rng = random.Random(7)
    samples = [p.read_bytes() for p in sorted(DATA.glob("*.eml"))] + [nested(60), nested(3)]
    for raw in samples:
        expected = count_parts(raw, raw.lower(), stop=10_000)
        for _ in range(5):
            counter, at = PartCounter(), 0
            while at < len(raw):
                step = rng.choice([1, 2, 7, 100, 4096, 70_000])
                counter.feed(raw[at : at + step])
                at += step
            assert counter.count == expected


def test_the_streamed_part_count_finds_declarations_amid_base64_and_white_space() -> None:
    import random

    from ingest.limits import PartCounter, count_parts

    rng = random.Random(11)
    filler = b"QUJD" * 19 + b"\r\n"  # base64 lines: no `=`, `:` or `-`
    for spaces in (b"", b" ", b" \r\n\t " * 40):
        outer, inner = b"=_o" + b"x" * 150, b"In" * 100  # long boundaries, quoted and not
        raw = (
            filler * 5  # the counter sees bytes: a declaration may come anywhere
            + b'Content-Type: multipart/mixed;\r\n BOUNDARY' + spaces + b"=" + spaces
            + b'"' + outer + b'"\r\n\r\n--' + outer + b"\r\n"
            + filler * 20 + b"content-type" + spaces + b":" + spaces + b"Message/rfc822\r\n\r\n"
            + b"Content-Type: multipart/related; boundary=" + spaces + inner + b"\r\n\r\n"
            + b"a-b --c\r\n-\r\n" * 50  # dashes, none a delimiter line's
            + (b"--" + inner + b"\r\n\r\n" + filler * 3000) * 3
            + b"--" + inner + b"--\r\n--" + outer + b"--\r\n"
        )  # fmt: skip
        expected = count_parts(raw, raw.lower(), stop=10_000)
        assert expected >= 6
        for size in (1, 3, 1000, 256 * 1024, rng.randrange(100, 5000)):
            counter = PartCounter()
            for at in range(0, len(raw), size):
                counter.feed(raw[at : at + size])
            assert counter.count == expected, (spaces, size)


def test_a_nesting_bomb_is_a_5xx_for_any_brand(listener: Callable[..., Listener]) -> None:
    lst = listener()
    raw = nested(1000).replace(b"owner@brand.com", b"owner@example.com")
    code, msg = send(lst, raw)
    assert (code, msg[:5]) == (554, b"5.6.0")
    assert nothing_stored(lst)
    assert send(lst, photo_mail(photos=[jpeg(64, 48)]))[0] == 250  # others still go through
