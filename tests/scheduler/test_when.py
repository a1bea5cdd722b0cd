"""The `when:` directive: every accepted form, and text that must not crash."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.when import resolve_when

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CPH)  # a Monday


def local(text: str | None, now: datetime = NOW) -> str:
    start = resolve_when(text, now=now, zone=CPH)
    assert start.note is None, start.note
    return start.at.astimezone(CPH).isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "2026-11-23T10:00:00+01:00"),
        ("  ", "2026-11-23T10:00:00+01:00"),
        ("today 18:00", "2026-11-23T18:00:00+01:00"),
        ("Today at 6pm", "2026-11-23T18:00:00+01:00"),
        ("today", "2026-11-23T10:00:00+01:00"),
        ("tomorrow 9:00", "2026-11-24T09:00:00+01:00"),
        ("tomorrow 09:30am", "2026-11-24T09:30:00+01:00"),
        ("tomorrow 12am", "2026-11-24T00:00:00+01:00"),
        ("tomorrow", "2026-11-24T00:00:00+01:00"),
        ("2026-12-01 18:00", "2026-12-01T18:00:00+01:00"),
        ("2026-12-01T18:00", "2026-12-01T18:00:00+01:00"),
        ("2026-12-01", "2026-12-01T00:00:00+01:00"),
        ("2026-11-23", "2026-11-23T10:00:00+01:00"),  # today: from now on
        ("monday 11:00", "2026-11-23T11:00:00+01:00"),  # still ahead today
        ("monday 9:00", "2026-11-30T09:00:00+01:00"),  # passed today: next week
        ("monday", "2026-11-23T10:00:00+01:00"),
        ("next fri", "2026-11-27T00:00:00+01:00"),
        ("Wednesday at 6:30pm.", "2026-11-25T18:30:00+01:00"),
        ("18:00", "2026-11-23T18:00:00+01:00"),
        ("9:00", "2026-11-24T09:00:00+01:00"),  # a bare time means the next one
    ],
)
def test_accepted_forms(text: str | None, expected: str) -> None:
    assert local(text) == expected


def test_now_is_immediate() -> None:
    start = resolve_when(" NOW ", now=NOW, zone=CPH)
    assert start.immediate and start.at == NOW and start.note is None


@pytest.mark.parametrize(
    "text",
    ["soon-ish", "yesterday", "2026-02-30", "25:00", "13pm", "tomorrow 9:00 or so", "1 2 3 4"],
)
def test_unparseable_text_is_ignored_with_a_note(text: str) -> None:
    start = resolve_when(text, now=NOW, zone=CPH)
    assert start.at == NOW and not start.immediate
    assert start.note is not None and "not understood" in start.note and repr(text) in start.note


@pytest.mark.parametrize("text", ["today 9:00", "2026-11-20 18:00", "2025-01-01"])
def test_a_time_in_the_past_starts_now_with_a_note(text: str) -> None:
    start = resolve_when(text, now=NOW, zone=CPH)
    assert start.at == NOW and not start.immediate
    assert start.note is not None and "in the past" in start.note


def test_a_date_more_than_a_year_ahead_is_ignored_as_a_typo() -> None:
    start = resolve_when("2062-12-01", now=NOW, zone=CPH)
    assert start.at == NOW and start.note is not None and "year" in start.note


def test_a_missing_local_time_moves_forward_like_a_slot() -> None:
    now = datetime(2026, 3, 28, 12, 0, tzinfo=CPH)
    assert local("tomorrow 2:30", now) == "2026-03-29T03:30:00+02:00"
    assert local("2026-10-25 2:30", now) == "2026-10-25T02:30:00+02:00"


def test_now_in_utc_is_read_in_the_brand_zone() -> None:
    # 23:30 UTC on Monday is already Tuesday in Copenhagen: "tomorrow" is Wednesday.
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    start = resolve_when("tomorrow 9:00", now=now, zone=CPH)
    assert start.at.astimezone(CPH).isoformat() == "2026-11-25T09:00:00+01:00"


WORDS = ["now", "today", "tomorrow", "next", "at", "monday", "sun", "9:00", "25:61", "12pm", "0am"]


@given(
    st.one_of(
        st.text(),
        st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
        st.dates().map(lambda d: f"{d.isoformat()} 23:59"),
    ),
    st.sampled_from(["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Copenhagen"]),
)
def test_no_text_crashes_and_the_start_is_never_in_the_past(text: str, zone: str) -> None:
    start = resolve_when(text, now=NOW, zone=ZoneInfo(zone))
    assert start.at >= NOW
    assert not start.immediate or "now" in text.lower()
