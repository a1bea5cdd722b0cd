"""What the verdict reads of a message: its header block as the stdlib parser delimits it."""

from __future__ import annotations

import email.policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.intake import HEAD_MAX, decision_bytes
from ingest.spool import SpoolWriter
from tests.ingest.test_corpus import DATA


def parsed_whole(raw: bytes) -> bytes:
    """The header block as the parser delimits it when given all of the head."""
    head = raw[:HEAD_MAX]
    if len(head) == HEAD_MAX:
        head = head[: head.rfind(b"\n") + 1]
    rest = BytesParser(policy=email.policy.compat32).parsebytes(head, headersonly=True)
    del rest["content-transfer-encoding"]
    body = rest.get_payload(decode=True)
    assert isinstance(body, bytes)
    if not body and len(head) < len(raw):
        return raw
    if rest.defects:
        return head
    return head[: len(head) - len(body)]


def decided(tmp_path: Path, raw: bytes) -> bytes:
    writer = SpoolWriter(tmp_path)
    try:
        writer.write(raw)
        return decision_bytes(writer, full=False)
    finally:
        writer.abort()


ENDS = [b"\r\n", b"\n", b"\r"]
piece = st.sampled_from(
    [b"From: a@b.test", b"Subject: x", b" folded", b"no header line", b"X-A:", b"", b"\xff: 8bit"]
)


@given(
    lines=st.lists(st.tuples(piece, st.sampled_from(ENDS)), max_size=12),
    body=st.binary(max_size=40),
)
def test_the_header_block_is_where_the_whole_head_parsed_ends_it(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[bytes, bytes]], body: bytes
) -> None:
    raw = b"".join(text + end for text, end in lines) + body
    assert decided(tmp_path_factory.mktemp("spool"), raw) == parsed_whole(raw)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.eml")), ids=lambda p: p.name)
def test_corpus_messages(tmp_path: Path, path: Path) -> None:
    raw = path.read_bytes()
    assert decided(tmp_path, raw) == parsed_whole(raw)


def test_a_head_longer_than_head_max(tmp_path: Path) -> None:
    photo = b"From: a@b.test\r\n\r\n" + (b"A" * 76 + b"\r\n") * (HEAD_MAX // 50)
    assert decided(tmp_path, photo) == parsed_whole(photo) == b"From: a@b.test\r\n\r\n"
    one_line = b"From: a@b.test\r\n\r\n" + b"A" * HEAD_MAX  # no line end inside the head
    assert decided(tmp_path, one_line) == parsed_whole(one_line) == one_line
    fields = b"".join(b"X-%d: y\r\n" % i for i in range(HEAD_MAX // 8)) + b"\r\nbody"
    assert decided(tmp_path, fields) == parsed_whole(fields)
