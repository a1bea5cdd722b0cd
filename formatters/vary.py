"""No text twice on one channel: what changes between posts that would say the same thing.

Twenty photos with one paragraph must not become twenty identical posts (X refuses the
second, and followers tire of the rest). Each photo on a channel gets, in this order of
preference, the first text that neither an earlier photo of the submission nor a recent
post of the channel (queued or out in the last 30 days) already has:

1. its own words (a `N:` line or text placed next to it), the brand's calls to action
   and hashtag sets in turn: photo i takes the i-th of each, then the other pairs;
2. with `vary: [alt]`, the photo's alt text as its first line, if it has no own words;
3. with `vary: [series]`, a series marker, "(2/5)", at the end of the first line.

Deterministic: the same submission, brand and recent texts give the same choices, so
`preview` and `serve` agree. Pure: the caller passes the recent texts in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dripcast.core.domain import Photo

B = TypeVar("B")


@dataclass(frozen=True, kw_only=True)
class Choice:
    """What one post says besides the shared caption."""

    lead: str = ""
    series: str = ""  # "2/5"
    cta: str | None = None
    tags: tuple[str, ...] = ()

    def caption(self, shared: str) -> str:
        text = "\n\n".join(t for t in (self.lead.strip(), shared.strip()) if t)
        if not self.series:
            return text
        first, sep, rest = text.partition("\n")
        return f"{first} ({self.series}){sep}{rest}" if first else f"({self.series})"


def same_key(text: str) -> str:
    """What two texts must differ in to count as different (case and spacing do not)."""
    return " ".join(text.casefold().split())


def vary_channel(
    photos: Sequence[Photo],
    *,
    build: Callable[[Photo, Choice], B],
    text: Callable[[B], str],
    leads: Mapping[int, str],
    alts: Mapping[int, str],
    ctas: Sequence[str | None],
    tag_sets: Sequence[tuple[str, ...]],
    allowed: Collection[str],
    recent: Collection[str],
) -> tuple[dict[int, tuple[B, str]], list[int]]:
    """For each photo index, the built caption and the lead it opens with; and the photo
    indexes left out because every text they could have is taken."""
    used = {same_key(t) for t in recent}
    chosen: dict[int, tuple[B, str]] = {}
    left_out: list[int] = []
    for i, photo in enumerate(photos):
        for choice in _choices(
            i,
            len(photos),
            leads.get(photo.index, ""),
            alts.get(photo.index, ""),
            ctas or (None,),
            tag_sets or ((),),
            allowed,
        ):
            built = build(photo, choice)
            k = same_key(text(built))
            if k not in used:
                used.add(k)
                chosen[photo.index] = (built, choice.lead)
                break
        else:
            left_out.append(photo.index)
    return chosen, left_out


def _choices(
    i: int,
    n: int,
    own: str,
    alt: str,
    ctas: Sequence[str | None],
    tag_sets: Sequence[tuple[str, ...]],
    allowed: Collection[str],
) -> Iterator[Choice]:
    leads = [own]
    if not own.strip() and alt.strip() and "alt" in allowed:
        leads.append(alt.strip())
    markers = [""] + ([f"{i + 1}/{n}"] if "series" in allowed and n > 1 else [])
    lc, lt = len(ctas), len(tag_sets)
    for series in markers:
        for lead in leads:
            for c in range(lc * lt):
                yield Choice(
                    lead=lead,
                    series=series,
                    cta=ctas[(i + c) % lc],
                    tags=tag_sets[(i + c // lc) % lt],
                )
