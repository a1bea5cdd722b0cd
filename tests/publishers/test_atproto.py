from __future__ import annotations

import pytest

from publishers.atproto import B32_SORTABLE, TID_BASE_US, TID_RE, post_rkey, tid


def decode(t: str) -> int:
    n = 0
    for ch in t:
        n = n * 32 + B32_SORTABLE.index(ch)
    return n


def test_tid_layout_is_timestamp_then_clock_id() -> None:
    assert tid(0, 0) == "2222222222222"
    t = tid(1_700_000_000_000_000, 7)
    assert TID_RE.match(t)
    assert decode(t) == (1_700_000_000_000_000 << 10) | 7


def test_tid_sorts_like_its_timestamp() -> None:
    keys = [tid(TID_BASE_US + i, 5) for i in (1, 2, 10, 1000, 10**9)]
    assert keys == sorted(keys)


def test_tid_refuses_out_of_range_time() -> None:
    with pytest.raises(ValueError, match="out of range"):
        tid(1 << 53, 0)


def test_post_rkey_is_stable_and_distinct() -> None:
    assert post_rkey(42, "b/c") == post_rkey(42, "b/c")
    keys = {post_rkey(i, "b/c") for i in range(500)}
    assert len(keys) == 500
    assert post_rkey(42, "b/c") != post_rkey(42, "b/other")
    assert post_rkey(42, "b/c", 1) != post_rkey(42, "b/c")
    assert all(TID_RE.match(k) for k in keys)
    assert decode(post_rkey(42, "b/c")) >> 10 == TID_BASE_US + 42


def test_post_rkey_refuses_negative_ids() -> None:
    with pytest.raises(ValueError, match="negative"):
        post_rkey(-1, "b/c")
