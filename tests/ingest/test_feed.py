"""`ingest.feed.RunsParser` builds the very message the stdlib's `BytesFeedParser` builds:
the same tree, headers, payloads, preambles, epilogues and defects, however the bytes
are cut into blocks."""

from __future__ import annotations

import email.policy
import re
from email.feedparser import BytesFeedParser
from email.message import Message
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import feed
from ingest.parse import DECODE_AT_ONCE, read_message
from tests.ingest.test_fuzz import CORPUS, DATA, mutated

BLOCKS = (1, 3, 77, 8192, 1 << 20)


def tree(msg: Message) -> Any:
    payload = msg.get_payload()
    return (
        [(k, str(v)) for k, v in msg.raw_items()],
        msg.get_unixfrom(),
        msg.preamble,
        msg.epilogue,
        [type(d).__name__ for d in msg.defects],
        [tree(p) for p in payload if isinstance(p, Message)]
        if isinstance(payload, list)
        else payload,
    )


def parsed(parser: BytesFeedParser, raw: bytes, block: int) -> Any:
    for at in range(0, len(raw), block):
        parser.feed(raw[at : at + block])
    return tree(parser.close())


def same(raw: bytes, blocks: tuple[int, ...] = BLOCKS, policy: Any = email.policy.default) -> None:
    want = parsed(BytesFeedParser(policy=policy), raw, 1 << 20)
    for block in blocks:
        assert parsed(feed.RunsParser(policy=policy), raw, block) == want, block


EDGES = {
    "dash lines in a body": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\n"
    b"- a list\n-- \nsig\n--bx\n---\n--b \t\nnext\n--b--\n",
    "lone CR lines": b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\ry\r-"
    b"\r--b\r\nz\r\r\n--b--\r",
    "no close boundary": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n",
    "epilogue": b"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n\nx\n--b--\n\nafter\n-x\n",
    "no start boundary": b"Content-Type: multipart/mixed; boundary=b\n\nonly text\n-- b\n",
    "no boundary parameter": b"Content-Type: multipart/mixed\n\nline\n--x\n",
    "nested": b"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/"
    b"alternative; boundary=i\n\n--i\n\nplain\n--o\nouter in inner\n--i--\n--o\n"
    b"Content-Type: message/rfc822\n\nSubject: in\n\nbody\n-\n--o--\n",
    "delivery status": b"Content-Type: multipart/report; boundary=r\n\n--r\nContent-Type: "
    b"message/delivery-status\n\nA: 1\n\nB: 2\n-x\n\n--r--\n",
    "mbox from line": b"From someone\nSubject: x\n\nFrom here\n-\n",
    "header without body": b"Subject: x\nFrom: a@b.c",
    "broken header line": b"Subject: x\nnot a header\n-body\n",
    "eight bit": b"Content-Type: text/plain; charset=latin-1\n\ncaf\xe9\n-\xff\n",
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_cases(name: str) -> None:
    same(EDGES[name])
    same(EDGES[name], policy=email.policy.compat32)


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.eml")))
def test_corpus(name: str) -> None:
    raw = (DATA / f"{name}.eml").read_bytes()
    same(raw, (77, 8192, 1 << 20) if len(raw) > 1e6 else BLOCKS)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(BLOCKS[1:]))
def test_mutated_corpus(raw: bytes, block: int) -> None:
    same(raw, (block,))


def test_runs_are_on_and_only_for_dash_predicates() -> None:
    assert feed.RUNS
    boundary = re.compile("(?P<sep>" + re.escape("--b") + ")(?P<end>--)?$")
    assert feed.starts_with_dashes(boundary.match)
    assert not feed.starts_with_dashes(re.compile(r"\r\n|\r|\n").match)
    assert not feed.starts_with_dashes(lambda line: True)


def test_a_body_comes_in_runs() -> None:
    """The point of it: a base64 body is not handed over line by line."""
    runs = feed._Runs()
    body = "QUJD\r\n" * 1000
    runs.push(body)
    runs.gathering = True
    assert next(runs) == body
    runs.push_eof_matcher(re.compile("(?P<sep>" + re.escape("--b") + ")").match)
    runs.push("x\r\n-y\r\n--b\r\n")
    assert [next(runs), next(runs), runs.readline()] == ["x\r\n", "-y\r\n", ""]
    assert CORPUS  # the mutations come from the corpus


def leaves(msg: Message) -> list[tuple[Any, list[str]]]:
    """Every leaf's decoded body and the defects of every part, as the walk reads them."""
    out = []
    for part in msg.walk():
        body = None if part.is_multipart() else part.get_payload(decode=True)
        out.append((body, [type(d).__name__ for d in part.defects]))
    return out


def same_decoded(raw: bytes) -> None:
    stock = BytesFeedParser(policy=email.policy.default)
    stock.feed(raw)
    assert leaves(read_message(raw)) == leaves(stock.close())


BASE64 = {
    "no padding": b"QUJD\r\nREVG\r\nRw",
    "bad padding": b"QUJD\r\nREVGRw=",
    "junk": b"QUJD\r\n*!\r\nREVG\r\n",
    "bare CR and LF": b"QUJD\rREVG\nR0hJ\r\n\n",
    "not ascii": "QUJD\r\nREVG\u00e9\r\n".encode(),
}


@pytest.mark.parametrize("name", sorted(BASE64))
def test_large_bodies_decode_as_the_stdlib_does(name: str) -> None:
    body = BASE64[name] * (DECODE_AT_ONCE // 8)
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/jpeg\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n--b--\r\n"
    )
    same_decoded(raw)
    same_decoded(raw.replace(b"\r\n", b"\n"))


@pytest.mark.parametrize("name", ["twenty_photos", "iphone_split_exif", "binary_cte"])
def test_corpus_decodes_as_the_stdlib_does(name: str) -> None:
    same_decoded((DATA / f"{name}.eml").read_bytes())
