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


def test_the_weekly_summary_mail_carries_the_faq_figures() -> None:
    from dripcast.app.mail import render
    from dripcast.app.mail.views import Summary
    from dripcast.app.report import faq_lines

    until = datetime(2026, 11, 30, 7, tzinfo=UTC)
    lines = faq_lines({"seen": 3, "answered": 2, "escalated": 1, "ignored": 0,
                       "examples": {"escalated": [{"text": "I want a refund"}]}})  # fmt: skip
    view = Summary(brand_name="B", language="en", since=until - timedelta(days=7), until=until,
                   published=(), comments=tuple(lines))  # fmt: skip
    draft = render.summary(view)
    assert "Comments: 3 seen, 2 answered, 1 sent to you, 0 needed no answer" in draft.text
    assert "I want a refund" in draft.text and "I want a refund" in (draft.html or "")
    assert "Comments" not in render.summary(Summary(**{**view.__dict__, "comments": ()})).text
