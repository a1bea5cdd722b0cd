"""Carousels: when a channel with `group: true` has more photos than room, merge them."""

from __future__ import annotations

from dataclasses import replace

from dripcast.core.domain import Draft


def group_to_fit(drafts: list[Draft], *, size: int, room: int) -> list[Draft]:
    """As few merges as fit `room` posts, none over `size` images; `drafts` sorted by photo.

    Only as much grouping as needed: `room` posts if that fits `size`, else
    ceil(n / size) full carousels, and the horizon extends for the rest.
    """
    n = len(drafts)
    groups = min(n, max(-(-n // size), room))
    # Consecutive photos, sizes differing by at most one, the bigger ones spread out.
    return [merge(drafts[i * n // groups : (i + 1) * n // groups]) for i in range(groups)]


def merge(drafts: list[Draft]) -> Draft:
    """One post carrying the photos and media of several, with the first one's text.

    A hold on any of them holds the merged post: merging must not launder an
    off-limits phrase. Each image comes in its carousel cut when it has one, so every
    image of the post has the same aspect (Instagram crops the others to the first's).
    """
    held = next((d.held for d in drafts if d.held), None)
    if len(drafts) == 1:
        return drafts[0]
    return replace(
        drafts[0],
        photos=tuple(p for d in drafts for p in d.photos),
        media=tuple(m for d in drafts for m in (d.carousel or d.media)),
        held=held,
        carousel=(),
    )
