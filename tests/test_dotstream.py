"""DATA framing as pure bytes: the end marker, dot-unstuffing, block boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dotstream import DotStream, stuff

# Lines built from the bytes that matter to the framing, so dots, CRs and LFs
# meet block boundaries in every arrangement.
line = st.binary(max_size=12).map(lambda b: b.replace(b"\r\n", b"\r"))
tricky = st.lists(
    st.sampled_from([b".", b"..", b"\r", b"\n", b"x", b".\n", b"\n.\n", b"\r\n.", b"\n.\r"]),
    max_size=6,
).map(b"".join)


def run(wire: bytes, cuts: list[int]) -> tuple[bytes, DotStream, bytes]:
    """Feed `wire` cut at `cuts`; returns the output, the stream and what was never fed."""
    s, out, at = DotStream(), [], 0
    for c in [*sorted({c for c in cuts if c < len(wire)}), len(wire)]:
        if s.done:
            break
        out.append(s.feed(wire[at:c]))
        at = c
    return b"".join(out), s, wire[at:]


@given(
    st.lists(st.one_of(line, tricky), max_size=20),
    st.lists(st.integers(min_value=0, max_value=400), max_size=30),
    st.binary(max_size=8),
)
def test_any_message_in_any_blocks_comes_back_exact(
    lines: list[bytes], cuts: list[int], after: bytes
) -> None:
    message = b"".join(x + b"\r\n" for x in lines)
    out, s, unread = run(stuff(message) + after, cuts)
    assert s.done
    assert out == message
    assert s.rest + unread == after


def test_stuffed_dots_lose_one_dot_only_at_line_start() -> None:
    out, s, _ = run(b"..a\r\nb.c\r\n...\r\n.\r\n", [1, 2, 3, 6, 7, 12, 13])
    assert (out, s.done) == (b".a\r\nb.c\r\n..\r\n", True)


def test_empty_message() -> None:
    out, s, _ = run(b".\r\nQUIT\r\n", [1, 2])
    assert (out, s.done, s.rest) == (b"", True, b"QUIT\r\n")


@pytest.mark.parametrize("bare", [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r"])
def test_bare_line_ends_never_end_the_data(bare: bytes) -> None:
    wire = b"Subject: a\r\n\r\nbody" + bare + b"MAIL FROM:<x@y>\r\n"
    out, s, _ = run(wire, list(range(len(wire))))
    assert not s.done
    out += s.feed(b"\r\n.\r\n")
    assert s.done
    # all of it is message text (a line that starts with a dot loses that dot)
    assert out == (b"\r\n" + wire).replace(b"\r\n.", b"\r\n")[2:] + b"\r\n"


def test_feeding_after_the_end_is_an_error() -> None:
    s = DotStream()
    s.feed(b".\r\n")
    with pytest.raises(ValueError, match="already ended"):
        s.feed(b"x")


@pytest.mark.parametrize("lines", [3, 200])  # a few dots, found one by one; many, by search
@pytest.mark.parametrize("block", [1, 7, 64, 4096])
def test_dots_few_or_many_in_any_block_size(lines: int, block: int) -> None:
    message = b"".join(b".%d\r\n..\r\nx.y\r\n.\r\r\n" % i for i in range(lines))
    wire = stuff(message) + b"QUIT\r\n"
    out, s, unread = run(wire, list(range(block, len(wire), block)))
    assert s.done
    assert out == message
    assert s.rest + unread == b"QUIT\r\n"
