"""DST: slots that do not exist or exist twice, and min_gap as elapsed time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dripcast.core.channels import Outbox
from dripcast.core.config import Drip
from dripcast.core.domain import Draft, Queued
from scheduler.free import next_free
from scheduler.plan import plan
from scheduler.slots import Rules, day_slots, day_span, realize

CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
SPRING_CPH, AUTUMN_CPH = date(2026, 3, 29), date(2026, 10, 25)
SPRING_NYC, AUTUMN_NYC = date(2026, 3, 8), date(2026, 11, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_missing_time_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist on 29 March in Copenhagen: clocks jump 02:00 → 03:00.
    at = realize(SPRING_CPH, time(2, 30), CPH)
    assert at == utc(2026, 3, 29, 1, 30)
    assert at.astimezone(CPH).isoformat() == "2026-03-29T03:30:00+02:00"
    at = realize(SPRING_NYC, time(2, 30), NYC)
    assert at.astimezone(NYC).isoformat() == "2026-03-08T03:30:00-04:00"


def test_doubled_time_is_its_first_occurrence() -> None:
    # 02:30 happens twice on 25 October in Copenhagen (CEST, then CET): the first one.
    at = realize(AUTUMN_CPH, time(2, 30), CPH)
    assert at == utc(2026, 10, 25, 0, 30)
    assert at.astimezone(CPH).isoformat() == "2026-10-25T02:30:00+02:00"
    # In New York the doubled hour is 01:00–02:00.
    at = realize(AUTUMN_NYC, time(1, 30), NYC)
    assert at.astimezone(NYC).isoformat() == "2026-11-01T01:30:00-04:00"


def test_a_doubled_slot_is_used_once_and_a_shifted_one_merges_with_its_twin() -> None:
    times = (time(2, 30), time(3, 30))
    # Spring: 02:30 becomes 03:30, the same instant as the 03:30 slot: one slot.
    assert day_slots(CPH, SPRING_CPH, times) == (utc(2026, 3, 29, 1, 30),)
    # Autumn: 02:30 once (summer time), 03:30 once.
    assert day_slots(CPH, AUTUMN_CPH, times) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 30))


def test_transition_days_are_23_and_25_hours_long() -> None:
    lo, hi = day_span(CPH, SPRING_CPH)
    assert hi - lo == timedelta(hours=23)
    lo, hi = day_span(NYC, AUTUMN_NYC)
    assert hi - lo == timedelta(hours=25)


def one_channel(slots: tuple[str, ...], gap: str, **drip: object) -> tuple[Drip, list[Outbox]]:
    d = Drip(slots=slots, min_gap=gap, weekdays="mon-sun", **drip)  # type: ignore[arg-type]
    return d, [Outbox(id="out", type="outbox", path="out")]  # type: ignore[arg-type]


def drafts(n: int) -> list[Draft]:
    return [
        Draft(channel="out", type="outbox", photos=(i,), text=f"p{i}", media=())
        for i in range(1, n + 1)
    ]


def test_plan_on_the_spring_day_uses_0330_for_the_missing_0230() -> None:
    drip, chans = one_channel(("02:30",), "1h", days=1)
    now = datetime(2026, 3, 28, 23, 0, tzinfo=CPH)
    p = plan(drafts(1), drip=drip, channels=chans, queue=[], now=now, when=None)
    assert [s.at.isoformat() for s in p.slots] == ["2026-03-29T03:30:00+02:00"]


def test_plan_on_the_autumn_day_uses_the_doubled_0230_once() -> None:
    drip, chans = one_channel(("02:30",), "10m", days=1)
    now = datetime(2026, 10, 24, 23, 0, tzinfo=CPH)
    p = plan(drafts(2), drip=drip, channels=chans, queue=[], now=now, when=None)
    # Only one 02:30 that day; the second photo goes to the next day's 02:30.
    assert [s.at.isoformat() for s in p.slots] == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
    ]
    assert p.notes and "extended" in p.notes[0]


def test_min_gap_is_elapsed_time_in_spring() -> None:
    # 01:30 CET and 04:30 CEST are 3 wall-clock hours apart but only 2 real hours.
    drip, chans = one_channel(("01:30", "04:30"), "3h", days=1)
    now = datetime(2026, 3, 29, 0, 0, tzinfo=CPH)
    p = plan(drafts(2), drip=drip, channels=chans, queue=[], now=now, when=None)
    first, second = (s.at for s in p.slots)
    assert first.isoformat() == "2026-03-29T01:30:00+01:00"
    assert second.date() == date(2026, 3, 30)
    assert second - first >= timedelta(hours=3)


def test_min_gap_is_elapsed_time_in_autumn() -> None:
    # 00:30 CEST and 03:30 CET are 3 wall-clock hours apart but 4 real hours: 3h30m fits.
    drip, chans = one_channel(("00:30", "03:30"), "3h30m", days=1)
    now = datetime(2026, 10, 25, 0, 0, tzinfo=CPH)
    p = plan(drafts(2), drip=drip, channels=chans, queue=[], now=now, when=None)
    assert [s.at.isoformat() for s in p.slots] == [
        "2026-10-25T00:30:00+02:00",
        "2026-10-25T03:30:00+01:00",
    ]
    assert p.notes == ()


def test_min_gap_counts_a_queued_post_across_the_us_spring_change() -> None:
    drip, chans = one_channel(("01:30", "04:30"), "3h", days=1)
    queued = [Queued(channel="out", at=datetime(2026, 3, 8, 1, 30, tzinfo=NYC))]
    now = datetime(2026, 3, 8, 0, 0, tzinfo=NYC)
    p = plan(drafts(1), drip=drip, channels=chans, queue=queued, now=now, when=None)
    # 04:30 EDT is only 2h after 01:30 EST: the next slot is the next day's 01:30.
    assert [s.at.isoformat() for s in p.slots] == ["2026-03-09T01:30:00-04:00"]


def test_max_per_day_counts_the_local_day_of_25_hours() -> None:
    drip, chans = one_channel(("00:30", "23:30"), "1h", days=1, max_per_day=1)
    queued = [Queued(channel="out", at=datetime(2026, 11, 1, 0, 30, tzinfo=NYC))]
    now = datetime(2026, 10, 31, 23, 45, tzinfo=NYC)
    p = plan(drafts(1), drip=drip, channels=chans, queue=queued, now=now, when=None)
    assert [s.at.isoformat() for s in p.slots] == ["2026-11-02T00:30:00-05:00"]


def test_next_free_skips_the_hour_that_does_not_exist() -> None:
    rules_drip, chans = one_channel(("02:30", "09:00"), "3h")
    after = datetime(2026, 3, 29, 1, 0, tzinfo=CPH)
    queue = [Queued(channel="out", at=datetime(2026, 3, 29, 1, 45, tzinfo=CPH))]
    # The missing 02:30 is 03:30 CEST (01:30 UTC), only 45 real minutes after the queued
    # 01:45 CET (00:45 UTC): too close for 3h, so 09:00 is next.
    at = next_free(chans[0], drip=rules_drip, queue=queue, after=after)
    assert at.isoformat() == "2026-03-29T09:00:00+02:00"
    at = next_free(chans[0], drip=rules_drip, queue=[], after=after)
    assert at.isoformat() == "2026-03-29T03:30:00+02:00"
    assert Rules.of(chans[0], rules_drip, CPH).on(SPRING_CPH)[0] == at
