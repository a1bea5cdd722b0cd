"""The planner on worked examples: what a bakery sees in its confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dripcast.core.channels import ChannelBase, Outbox
from dripcast.core.config import Drip
from dripcast.core.domain import Draft, Media, Queued
from scheduler.free import next_free
from scheduler.plan import Plan, plan

CPH = ZoneInfo("Europe/Copenhagen")
MON = datetime(2026, 11, 23, 8, 0, tzinfo=CPH)  # Monday 08:00, before the first slot
DRIP = Drip()  # 5 days, 09:00 12:30 18:00, mon-sat, min_gap 3h


def chan(cid: str, **kw: object) -> ChannelBase:
    return Outbox(id=cid, type="outbox", path="out", **kw)  # type: ignore[arg-type]


def drafts(channels: list[ChannelBase], photos: int, held: int | None = None) -> list[Draft]:
    return [
        Draft(
            channel=c.id,
            type="outbox",
            photos=(p,),
            text=f"{c.id} photo {p}",
            media=(Media(path=f"{c.id}-{p}.jpg", width=1, height=1, bytes=1, format="jpeg"),),
            held="off-limits word" if p == held else None,
        )
        for c in channels
        for p in range(1, photos + 1)
    ]


def run(
    channels: list[ChannelBase],
    photos: int,
    *,
    drip: Drip = DRIP,
    queue: list[Queued] | None = None,
    now: datetime = MON,
    when: str | None = None,
    capacity: dict[str, int] | None = None,
) -> Plan:
    return plan(
        drafts(channels, photos),
        drip=drip,
        channels=channels,
        queue=queue or [],
        now=now,
        when=when,
        capacity=capacity,
    )


def table(p: Plan) -> list[str]:
    return [f"{s.at:%a %H:%M} {s.draft.channel} {s.draft.photos}" for s in p.slots]


def test_three_channels_are_staggered_across_slots_and_photos() -> None:
    p = run([chan("ig"), chan("fb"), chan("masto")], 5)
    assert table(p) == [
        "Mon 09:00 ig (1,)", "Mon 12:30 fb (2,)", "Mon 18:00 masto (3,)",
        "Tue 09:00 ig (2,)", "Tue 12:30 fb (3,)", "Tue 18:00 masto (4,)",
        "Wed 09:00 ig (3,)", "Wed 12:30 fb (4,)", "Wed 18:00 masto (5,)",
        "Thu 09:00 ig (4,)", "Thu 12:30 fb (5,)", "Thu 18:00 masto (1,)",
        "Fri 09:00 ig (5,)", "Fri 12:30 fb (1,)", "Fri 18:00 masto (2,)",
    ]  # fmt: skip
    assert p.notes == ()


def test_few_photos_run_from_the_first_day_to_the_last() -> None:
    p = run([chan("ig")], 3)
    assert table(p) == ["Mon 09:00 ig (1,)", "Wed 12:30 ig (2,)", "Fri 18:00 ig (3,)"]


def test_slots_are_in_the_brand_zone_even_if_now_is_utc() -> None:
    p = plan(
        drafts([chan("ig")], 1),
        drip=DRIP,
        channels=[chan("ig")],
        queue=[],
        now=MON.astimezone(UTC),
        when=None,
        zone=CPH,
    )
    assert [s.at.isoformat() for s in p.slots] == ["2026-11-23T09:00:00+01:00"]


def test_too_many_photos_extend_the_horizon_and_say_so() -> None:
    p = run([chan("ig")], 20)
    assert len(p.slots) == 20
    assert p.slots[-1].at.date().isoformat() == "2026-11-30"
    assert p.notes == (
        "ig: 20 posts do not fit the 5-day drip without breaking min_gap 3h;"
        " the drip was extended to 7 days, until Mon 30 Nov",
    )


def test_a_carousel_channel_groups_only_as_much_as_needed() -> None:
    ig = chan("ig", group=True)
    p = plan(
        drafts([ig], 20, held=8),
        drip=DRIP,
        channels=[ig],
        queue=[],
        now=MON,
        when=None,
        capacity={"ig": 4},
    )
    # 15 slots in 5 days: 15 posts, five of them carry two photos.
    assert len(p.slots) == 15
    assert sorted(len(s.draft.photos) for s in p.slots) == [1] * 10 + [2] * 5
    assert max(s.at for s in p.slots).date().isoformat() == "2026-11-27"
    # Pairs are spread through the photos, not bunched at the start.
    pairs = [s.draft.photos for s in sorted(p.slots, key=lambda s: s.draft.photos)]
    assert [ps for ps in pairs if len(ps) == 2] == [(3, 4), (7, 8), (11, 12), (15, 16), (19, 20)]
    pair = next(s.draft for s in p.slots if 7 in s.draft.photos)
    assert [m.path for m in pair.media] == ["ig-7.jpg", "ig-8.jpg"]
    assert pair.text == "ig photo 7"
    assert pair.held == "off-limits word"  # photo 8's hold is not lost by merging
    assert p.notes == (
        "ig: 20 photos grouped into 15 posts of up to 2 images to fit the 5-day drip",
    )


def test_channels_with_the_same_note_share_one_line() -> None:
    p = run([chan("ig"), chan("fb"), chan("x", min_gap="1d")], 20)
    assert p.notes == (
        "ig, fb: 20 posts do not fit the 5-day drip without breaking min_gap 3h;"
        " the drip was extended to 7 days, until Mon 30 Nov",
        "x: 20 posts do not fit the 5-day drip without breaking min_gap 1d;"
        " the drip was extended to 20 days, until Tue 15 Dec",
    )


def test_a_carousel_channel_with_room_does_not_group() -> None:
    p = run([chan("ig", group=True)], 5, capacity={"ig": 10})
    assert all(len(s.draft.photos) == 1 for s in p.slots) and p.notes == ()


def test_a_full_queue_groups_into_the_room_left_then_extends() -> None:
    ig = chan("ig", group=True, max_per_day=1)
    queue = [Queued(channel="ig", at=MON + timedelta(days=d, hours=4)) for d in range(3)]
    p = run([ig], 9, queue=queue, capacity={"ig": 4})
    # Mon–Wed are full (one a day); Thu and Fri are left: ceil(9/4) = 3 carousels, one late.
    assert [s.draft.photos for s in p.slots] == [(1, 2, 3), (4, 5, 6), (7, 8, 9)]
    assert [f"{s.at:%a}" for s in p.slots] == ["Thu", "Fri", "Sat"]
    assert len(p.notes) == 2 and "grouped into 3 posts" in p.notes[0]
    assert "max_per_day 1" in p.notes[1] and "until Sat 28 Nov" in p.notes[1]


def test_queued_posts_from_earlier_mails_keep_their_gap_and_cap() -> None:
    queue = [
        Queued(channel="ig", at=datetime(2026, 11, 23, 10, 0, tzinfo=CPH)),
        Queued(channel="other", at=datetime(2026, 11, 24, 9, 0, tzinfo=CPH)),
    ]
    p = run([chan("ig", max_per_day=1)], 2, queue=queue, drip=Drip(days=2))
    # Monday already has its one ig post; the other channel's post is not ig's business.
    assert table(p) == ["Tue 09:00 ig (1,)", "Wed 09:00 ig (2,)"]
    assert "extended" in p.notes[0]


def test_blackout_dates_and_closed_weekdays_are_skipped() -> None:
    drip = Drip(days=3, weekdays="mon-fri", blackout=("2026-11-24",))
    p = run([chan("ig")], 3, drip=drip, now=datetime(2026, 11, 23, 20, 0, tzinfo=CPH))
    # Monday's slots are over, Tuesday is blacked out: Wed, Thu, Fri.
    assert table(p) == ["Wed 09:00 ig (1,)", "Thu 12:30 ig (2,)", "Fri 18:00 ig (3,)"]


def test_channel_overrides_beat_the_brand_drip() -> None:
    x = chan("x", slots=("07:15", "21:00"), weekdays="sat,sun", min_gap="1d")
    p = run([x], 2)
    assert table(p) == ["Sat 07:15 x (1,)", "Sun 07:15 x (2,)"]


def test_when_now_posts_the_first_photo_at_once_everywhere() -> None:
    now = datetime(2026, 11, 23, 11, 0, tzinfo=CPH)
    queue = [Queued(channel="ig", at=now + timedelta(minutes=5))]  # caps and gaps do not apply
    p = run([chan("ig"), chan("fb")], 3, now=now, when="now", queue=queue)
    assert table(p)[:2] == ["Mon 11:00 ig (1,)", "Mon 11:00 fb (1,)"]
    later = [s for s in p.slots if s.at > now]
    assert len(later) == 4 and all(1 not in s.draft.photos for s in later)
    # The rest keep min_gap from the immediate post: 12:30 is too close, 18:00 is not.
    assert min(s.at for s in later) == datetime(2026, 11, 23, 18, 0, tzinfo=CPH)


def test_when_a_date_starts_the_drip_there_on_a_slot() -> None:
    p = run([chan("ig")], 2, when="tomorrow 10:00", drip=Drip(days=2))
    assert table(p) == ["Tue 12:30 ig (1,)", "Wed 18:00 ig (2,)"]


def test_unreadable_when_is_noted_and_the_drip_starts_now() -> None:
    p = run([chan("ig")], 1, when="asap please")
    assert table(p) == ["Mon 09:00 ig (1,)"]
    assert len(p.notes) == 1 and p.notes[0].startswith("when: 'asap please' was not understood")


def test_no_drafts_no_slots() -> None:
    assert run([chan("ig")], 0) == Plan(slots=())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"now": datetime(2026, 11, 23, 8, 0)}, "time-zone aware"),
        ({"drafts": drafts([chan("nope")], 1)}, "does not have"),
        ({"drafts": drafts([chan("ig")], 1) * 2}, "same photo"),
        ({"queue": [Queued(channel="ig", at=datetime(2026, 11, 23))]}, "naive"),
    ],
)
def test_bad_input_is_a_clear_error(change: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "drafts": drafts([chan("ig")], 1),
        "drip": DRIP,
        "channels": [chan("ig")],
        "queue": [],
        "now": MON,
        "when": None,
    }
    with pytest.raises(ValueError, match=message):
        plan(**{**args, **change})  # type: ignore[arg-type]


def test_next_free_takes_the_next_slot_that_keeps_the_rules() -> None:
    ig = chan("ig", max_per_day=2)
    after = datetime(2026, 11, 23, 9, 0, tzinfo=CPH)
    assert next_free(ig, drip=DRIP, queue=[], after=after).isoformat() == (
        "2026-11-23T12:30:00+01:00"
    )
    queue = [
        Queued(channel="ig", at=datetime(2026, 11, 23, 10, 0, tzinfo=CPH)),
        Queued(channel="ig", at=datetime(2026, 11, 23, 17, 0, tzinfo=CPH)),
        Queued(channel="fb", at=datetime(2026, 11, 24, 9, 0, tzinfo=CPH)),
    ]
    # 12:30 is too close to 10:00; 18:00 would be a third post on Monday.
    assert next_free(ig, drip=DRIP, queue=queue, after=after).isoformat() == (
        "2026-11-24T09:00:00+01:00"
    )
    # Saturday evening → Sunday is closed (mon-sat) → Monday 09:00; UTC in, brand zone out.
    sat = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
    assert next_free(ig, drip=DRIP, queue=[], after=sat, zone=CPH).isoformat() == (
        "2026-11-30T09:00:00+01:00"
    )
    with pytest.raises(ValueError, match="aware"):
        next_free(ig, drip=DRIP, queue=[], after=datetime(2026, 11, 28))
    with pytest.raises(ValueError, match="aware"):
        naive = [Queued(channel="ig", at=datetime(2026, 11, 28))]
        next_free(ig, drip=DRIP, queue=naive, after=sat)
