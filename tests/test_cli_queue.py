"""The queue commands through click, against the config's own SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from dripcast.cli import main
from dripcast.core.lifecycle import HoldReason
from dripcast.core.timeparse import parse_when
from dripcast.store import queries as store
from tests.seed import put, seed

CPH = ZoneInfo("Europe/Copenhagen")
SOON = datetime.now(UTC) + timedelta(days=2)


def run(cfg: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(cfg), *args], env={"COLUMNS": "200"})


def row(engine: Engine, pid: int) -> dict[str, object]:
    (r,) = store.posts(engine, ids=[pid])
    return r


def test_queue_shows_posts_in_the_brand_zone(cfg: Path, engine: Engine) -> None:
    at = datetime(2030, 6, 3, 7, 0, tzinfo=UTC)  # 09:00 in Copenhagen (summer time)
    seed(engine, [at])
    seed(engine, [at], brand="other")
    result = run(cfg, "queue", "--brand", "demo-bakery")
    assert result.exit_code == 0, result.output
    assert "2030-06-03 09:00 CEST" in result.output and "photo 1" in result.output
    assert "other" not in result.output


def test_cancel_one_then_again_fails(cfg: Path, engine: Engine) -> None:
    _, (a, b) = seed(engine, [SOON, SOON + timedelta(hours=3)])
    result = run(cfg, "cancel", str(a))
    assert result.exit_code == 0 and "1 post(s)" in result.output
    assert (row(engine, a)["status"], row(engine, b)["status"]) == ("cancelled", "scheduled")
    assert run(cfg, "cancel", str(a)).exit_code == 1


def test_cancel_a_whole_submission(cfg: Path, engine: Engine) -> None:
    mid, ids = seed(engine, [SOON, SOON + timedelta(hours=3), SOON + timedelta(days=1)])
    put(engine, [ids[0]], "published")
    result = run(cfg, "cancel", "-m", str(mid))
    assert result.exit_code == 0 and "2 post(s)" in result.output
    assert [row(engine, i)["status"] for i in ids] == ["published", "cancelled", "cancelled"]


def test_retry_puts_a_failed_post_back_at_its_own_time(cfg: Path, engine: Engine) -> None:
    # issue 12 point 2: retry no longer means "now"; a time still ahead is kept
    _, (pid,) = seed(engine, [SOON])
    put(engine, [pid], "failed", reason="rejected")
    assert run(cfg, "retry", str(pid)).exit_code == 0
    r = row(engine, pid)
    assert (r["status"], r["due_at"], r["reason"]) == ("scheduled", SOON, None)
    again = run(cfg, "retry", str(pid))
    assert again.exit_code == 1 and f"post {pid} is not waiting" in again.output


def test_publish_now_brings_a_future_post_forward(cfg: Path, engine: Engine) -> None:
    _, (pid,) = seed(engine, [SOON])
    assert run(cfg, "publish-now", str(pid)).exit_code == 0
    assert row(engine, pid)["due_at"] <= datetime.now(UTC)  # type: ignore[operator]


def test_approve_releases_only_what_waits_for_approval(cfg: Path, engine: Engine) -> None:
    mid, (a, b) = seed(engine, [SOON, SOON + timedelta(hours=3)], status="held")
    # held_for, not the reason text, says what a held post waits for (issue 12)
    store.set_status(engine, [b], "held", reason='contains "free beer"', held_for=HoldReason.REVIEW)
    result = run(cfg, "approve", "-m", str(mid))
    assert result.exit_code == 0 and "1 post(s)" in result.output
    assert (row(engine, a)["status"], row(engine, b)["status"]) == ("scheduled", "held")


def test_reschedule_one_post_in_brand_time(cfg: Path, engine: Engine) -> None:
    _, (pid,) = seed(engine, [SOON])
    result = run(cfg, "reschedule", str(pid), "2030-01-02", "18:00")
    assert result.exit_code == 0, result.output
    assert row(engine, pid)["due_at"] == datetime(2030, 1, 2, 18, 0, tzinfo=CPH)


def test_reschedule_a_submission_keeps_its_gaps_and_holds(cfg: Path, engine: Engine) -> None:
    mid, ids = seed(engine, [SOON, SOON + timedelta(hours=3), SOON + timedelta(days=1)])
    store.set_status(engine, [ids[1]], "held", reason="awaiting approval")
    result = run(cfg, "reschedule", "-m", str(mid), "2030-01-02 09:00")
    assert result.exit_code == 0 and "3 post(s)" in result.output
    start = datetime(2030, 1, 2, 9, 0, tzinfo=CPH)
    got = [row(engine, i)["due_at"] for i in ids]
    assert got == [start, start + timedelta(hours=3), start + timedelta(days=1)]
    assert row(engine, ids[1])["status"] == "held"


def test_reschedule_refuses_bad_and_past_times(cfg: Path, engine: Engine) -> None:
    _, (pid,) = seed(engine, [SOON])
    bad = run(cfg, "reschedule", str(pid), "next blue moon")
    assert bad.exit_code == 2 and "not a time" in bad.output
    past = run(cfg, "reschedule", str(pid), "2001-01-01 09:00")
    assert past.exit_code == 2 and "in the past" in past.output
    assert row(engine, pid)["due_at"] == SOON
    put(engine, [pid], "failed", reason="rejected")
    assert run(cfg, "reschedule", str(pid), "+1h").exit_code == 1


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("now", datetime(2026, 3, 28, 12, 0, tzinfo=CPH)),
        ("+2h", datetime(2026, 3, 28, 14, 0, tzinfo=CPH)),
        ("in 90m", datetime(2026, 3, 28, 13, 30, tzinfo=CPH)),
        ("today 18:00", datetime(2026, 3, 28, 18, 0, tzinfo=CPH)),
        # the night clocks go forward: 9:00 on Sunday is CEST
        ("tomorrow 9:00", datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        ("2026-04-01", datetime(2026, 4, 1, 9, 0, tzinfo=CPH)),
        ("2026-04-01T18:00+00:00", datetime(2026, 4, 1, 18, 0, tzinfo=UTC)),
    ],
)
def test_parse_when(text: str, want: datetime) -> None:
    assert parse_when(text, datetime(2026, 3, 28, 12, 0, tzinfo=CPH)) == want


def test_parse_when_names_the_problem() -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_when("tomorrow at noon", datetime(2026, 3, 28, 12, 0, tzinfo=CPH))
