"""The weekly summary carries the FAQ figures (store.comments.summary) with a few examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dripcast.app.report import Report, render


def test_the_weekly_summary_counts_each_action() -> None:
    until = datetime(2026, 11, 30, 7, tzinfo=UTC)
    faq = {
        "seen": 12,
        "answered": 7,
        "escalated": 2,
        "ignored": 3,
        "waiting": 0,
        "examples": {
            "answered": [{"text": "when are you open?"}],
            "escalated": [{"text": "I want a refund"}],
            "ignored": [{"text": "😍"}],
        },
    }
    r = Report(
        brand_id="b",
        brand_name="B",
        zone=ZoneInfo("Europe/Copenhagen"),
        since=until - timedelta(days=7),
        until=until,
        published=[],
        attention=[],
        upcoming=0,
        faq=faq,
    )
    text = render(r)
    assert "Comments: 12 seen, 7 answered, 2 sent to you, 3 needed no answer" in text
    assert "I want a refund" in text and "when are you open?" in text
    quiet = Report(**{**r.__dict__, "faq": {"seen": 0}})
    assert "Comments" not in render(quiet)
