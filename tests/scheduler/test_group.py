"""Carousel grouping: only as much as needed, never over the channel's capacity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dripcast.core.domain import Draft, Media
from scheduler.group import group_to_fit


def drafts(n: int) -> list[Draft]:
    return [
        Draft(
            channel="ig",
            type="instagram",
            photos=(p,),
            text=f"photo {p}",
            media=(Media(path=f"{p}.jpg", width=1, height=1, bytes=1, format="jpeg"),),
        )
        for p in range(1, n + 1)
    ]


@given(st.integers(1, 40), st.integers(2, 10), st.integers(0, 40))
def test_groups_fit_the_room_when_they_can_and_never_exceed_the_size(
    n: int, size: int, room: int
) -> None:
    out = group_to_fit(drafts(n), size=size, room=room)
    assert [p for d in out for p in d.photos] == list(range(1, n + 1))
    assert all(len(d.photos) <= size and len(d.media) == len(d.photos) for d in out)
    assert len(out) == min(n, max(room, -(-n // size)))
    sizes = {len(d.photos) for d in out}
    assert max(sizes) - min(sizes) <= 1


def test_a_carousel_takes_the_first_text_and_any_hold() -> None:
    ds = drafts(3)
    ds[2] = Draft(**{**ds[2].__dict__, "held": "off-limits: 'free'"})
    (one,) = group_to_fit(ds, size=4, room=1)
    assert one.photos == (1, 2, 3) and one.text == "photo 1"
    assert one.held == "off-limits: 'free'"
