"""Turn a submission's photos into one draft per channel and photo.

The loop is photo → one decode → every channel's variant, so a 12 MP photo is
decoded once however many networks the brand posts to.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

import regex

from dripcast.core.channels import ChannelBase, ctas, tag_sets
from dripcast.core.config import Brand
from dripcast.core.domain import Draft, Media, Photo, Submission
from dripcast.core.extras import (
    BlueskyExtra,
    Extra,
    MastodonExtra,
    PinterestExtra,
    TumblrExtra,
    WordPressExtra,
)
from formatters import caption as captions
from formatters.facets import facets
from formatters.hashtags import split_trailing
from formatters.images import Source, Variant, cut_variants
from formatters.links import display, tag_caption_links, utm_params, with_utm
from formatters.specs import SPECS, ChannelSpec
from formatters.vary import Choice, vary_channel

LINK_FIELD_MAX = 2048

# Saves a variant's bytes and returns where they are: the caller owns the files.
Store = Callable[[Variant, Photo, str], str]


# Networks that show several images of one post well: `group: auto` makes carousels only here.
GROUPS_WELL = frozenset(
    {"instagram", "threads", "bluesky", "mastodon", "x", "facebook", "linkedin", "telegram"}
)


@dataclass(frozen=True, kw_only=True)
class Formatted:
    """The drafts, and what the client should know about them (photos left out, and why)."""

    drafts: list[Draft]
    notes: tuple[str, ...] = ()


class FormatOptions(TypedDict, total=False):
    """The keyword options `format_submission` passes on to `format_drafts` (see there)."""

    limits: Mapping[str, int] | None
    utm: Mapping[str, str] | None
    recent: Mapping[str, Collection[str]] | None
    cuts: Mapping[int, Mapping[ChannelSpec, Variant]] | None


def format_submission(
    sub: Submission,
    photos: Sequence[Photo],
    brand: Brand,
    channels: Sequence[ChannelBase],
    store: Store,
    **options: Unpack[FormatOptions],
) -> list[Draft]:
    """One draft per channel and photo, in photo order (see `format_drafts`)."""
    return format_drafts(sub, photos, brand, channels, store, **options).drafts


def format_drafts(
    sub: Submission,
    photos: Sequence[Photo],
    brand: Brand,
    channels: Sequence[ChannelBase],
    store: Store,
    *,
    limits: Mapping[str, int] | None = None,
    utm: Mapping[str, str] | None = None,
    recent: Mapping[str, Collection[str]] | None = None,
    cuts: Mapping[int, Mapping[ChannelSpec, Variant]] | None = None,
) -> Formatted:
    """One draft per channel and photo, in photo order, no two with the same text.

    `limits` overrides a channel's text limit by channel id (Mastodon's instance limit,
    read by its publisher). `utm` replaces the default UTM parameters; `{network}` and
    `{brand}` in a value are filled in. `recent` holds, by channel id, the texts of the
    channel's posts that are queued or went out in the last 30 days: no draft repeats
    one (formatters/vary.py); a photo whose text cannot be made different is left out
    of that channel, and a note says so. `cuts`: the variants already cut (by photo
    index, then spec, as `cut_variants` makes them, e.g. in a worker process); a photo
    or spec not in it (a carousel's common crop) is decoded and cut here.
    """
    specs = {ch.id: spec_for(ch, limits) for ch in channels}
    leads = {p.index: lead_of(sub, p) for p in photos}
    # Everything the client wrote that may be published: caption, CTA, alt texts, leads.
    said = [sub.caption, sub.directives.cta or "", sub.directives.alt or "", *leads.values()]
    held = off_limits("\n".join([*said, *sub.directives.alts.values()]), brand.off_limits)
    texts: dict[tuple[str, int], tuple[_Built, str]] = {}
    notes: list[str] = []
    for ch in channels:
        spec = specs[ch.id]

        def build(photo: Photo, choice: Choice, ch: ChannelBase = ch) -> _Built:
            return _caption(sub, photo, len(photos), brand, ch, specs[ch.id], utm, choice)

        chosen, left_out = vary_channel(
            photos,
            build=build,
            text=lambda b: b.text,
            leads=leads,
            alts={p.index: sub.directives.alts.get(p.index, "") for p in photos},
            ctas=ctas(sub.directives.cta or ch.cta or brand.cta),
            tag_sets=tag_sets(ch.hashtags if ch.hashtags is not None else brand.hashtags),
            allowed=brand.vary,
            recent=(recent or {}).get(ch.id, ()),
        )
        for index, (built, lead) in chosen.items():
            texts[(ch.id, index)] = (built, lead)
        if left_out:
            names = ", ".join(str(i) for i in left_out)
            notes.append(
                f"{ch.id}: photo{'s' if len(left_out) > 1 else ''} {names} not posted: the text"
                " would repeat a post of the last 30 days and nothing is left to vary"
                " (add calls to action, hashtag sets or a line per photo)"
            )
    aspects = {
        ch.id: common_aspect(photos, specs[ch.id]) for ch in channels if carousel_size(ch) > 1
    }
    drafts: list[Draft] = []
    for photo in photos:
        cut = _Cut(photo.data, list(specs.values()), (cuts or {}).get(photo.index))
        alt = sub.directives.alts.get(photo.index) or sub.directives.alt or ""
        for ch in channels:
            if (ch.id, photo.index) not in texts:
                continue
            spec = specs[ch.id]
            cap, lead = texts[(ch.id, photo.index)]

            def media_of(
                spec: ChannelSpec, photo: Photo = photo, alt: str = alt, cut: _Cut = cut
            ) -> Media:
                variant = cut.variant(spec)
                return Media(
                    path=store(variant, photo, spec.network),
                    width=variant.width,
                    height=variant.height,
                    bytes=variant.nbytes,
                    format=variant.format,
                    alt="" if spec.alt_limit is None else captions.shorten(alt, spec.alt_limit),
                )

            media = media_of(spec)
            carousel: tuple[Media, ...] = ()
            aspect = aspects.get(ch.id)
            if aspect is not None and abs(media.width / media.height - aspect) > aspect * 0.01:
                carousel = (media_of(replace(spec, aspect_min=aspect, aspect_max=aspect)),)
            drafts.append(
                Draft(
                    channel=ch.id,
                    type=spec.network,
                    photos=(photo.index,),
                    text=cap.text,
                    media=(media,),
                    held=held,
                    extra=_extra(cap, spec, sub.caption, brand.name, brand.language),
                    lead=lead,
                    carousel=carousel,
                )
            )
    return Formatted(drafts=drafts, notes=tuple(notes))


class _Cut:
    """One photo's variants: those cut already, the rest from one decode made on demand."""

    def __init__(
        self, data: bytes, specs: list[ChannelSpec], done: Mapping[ChannelSpec, Variant] | None
    ) -> None:
        self.data, self.specs = data, specs
        self.done = dict(done) if done is not None else cut_variants(data, specs)
        self.source: Source | None = None

    def variant(self, spec: ChannelSpec) -> Variant:
        if spec in self.done:
            return self.done[spec]
        if self.source is None:
            self.source = Source.open(self.data, [*self.specs, spec])
        return self.source.variant(spec)


def recaption(
    sub: Submission,
    brand: Brand,
    ch: ChannelBase,
    *,
    indexes: Sequence[int],
    count: int,
    limits: Mapping[str, int] | None = None,
    utm: Mapping[str, str] | None = None,
    recent: Collection[str] = (),
) -> dict[int, tuple[str, Extra, str | None]]:
    """New texts for one channel's waiting posts after a new `sub.caption` (a `caption:`
    reply), made as `format_drafts` makes them: photo `index` of `count`, the channel's
    CTA and hashtag choices, none repeating `recent`. By photo index: (text, extra,
    held), `held` being the off-limits reason when the new words hold the post; a photo
    whose text cannot be made different is left out (its post keeps its old text)."""
    spec = spec_for(ch, limits)
    stubs = [Photo(index=i, filename="", sha256="", width=1, height=1, data=b"") for i in indexes]
    leads = {i: sub.leads.get(i, "") for i in indexes}
    said = [sub.caption, sub.directives.cta or "", sub.directives.alt or "", *leads.values()]
    held = off_limits("\n".join([*said, *sub.directives.alts.values()]), brand.off_limits)

    def build(photo: Photo, choice: Choice) -> _Built:
        return _caption(sub, photo, count, brand, ch, spec, utm, choice)

    chosen, _ = vary_channel(
        stubs,
        build=build,
        text=lambda b: b.text,
        leads=leads,
        alts={i: sub.directives.alts.get(i, "") for i in indexes},
        ctas=ctas(sub.directives.cta or ch.cta or brand.cta),
        tag_sets=tag_sets(ch.hashtags if ch.hashtags is not None else brand.hashtags),
        allowed=brand.vary,
        recent=recent,
    )
    return {
        i: (built.text, _extra(built, spec, sub.caption, brand.name, brand.language), held)
        for i, (built, _lead) in chosen.items()
    }


def carousel_size(ch: ChannelBase) -> int:
    """How many images one post of `ch` may carry when the planner groups photos (1: never)."""
    spec = SPECS.get(ch.type)
    if spec is None or not ch.group or (ch.group == "auto" and ch.type not in GROUPS_WELL):
        return 1
    return spec.images_max


def common_aspect(photos: Sequence[Photo], spec: ChannelSpec) -> float | None:
    """The one aspect every image of a carousel on this network gets: the median photo's,
    within the network's range (Instagram crops a carousel to its first image's shape)."""
    if len(photos) < 2:
        return None
    shapes = sorted(min(spec.aspect_max, max(spec.aspect_min, p.width / p.height)) for p in photos)
    return shapes[(len(shapes) - 1) // 2]


def lead_of(sub: Submission, photo: Photo) -> str:
    """The photo's own words: a `N:` line, else the text placed next to it in the mail."""
    if photo.index in sub.leads:
        return sub.leads[photo.index]
    att = next((a for a in sub.attachments if a.data is photo.data), None)
    if att is None:
        att = next((a for a in sub.attachments if a.data == photo.data), None)
    return att.lead if att else ""


def spec_for(ch: ChannelBase, limits: Mapping[str, int] | None = None) -> ChannelSpec:
    try:
        spec = SPECS[ch.type]
    except KeyError:
        raise ValueError(f"channel {ch.id!r}: no formatter for type {ch.type!r}") from None
    if limits and ch.id in limits:
        spec = spec.with_text_limit(limits[ch.id])
    return spec


@dataclass(frozen=True, kw_only=True)
class _Built:
    text: str
    link: str | None
    link_text: str | None
    tags: tuple[str, ...]


def _caption(
    sub: Submission,
    photo: Photo,
    count: int,
    brand: Brand,
    ch: ChannelBase,
    spec: ChannelSpec,
    utm: Mapping[str, str] | None,
    choice: Choice,
) -> _Built:
    params = _utm(spec.network, brand, utm)
    link = sub.directives.link or ch.link or brand.link
    text = choice.caption(sub.caption)
    if link and params:
        text = tag_caption_links(text, link, params)
        link = with_utm(link, params)
    # Bluesky counts every character of a URL: show the short form, link the full one.
    link_text = display(link) if link and spec.network == "bluesky" else None
    parts = captions.Parts(
        caption=text,
        cta=choice.cta,
        link=link,
        link_text=link_text,
        brand_tags=choice.tags,
        brand=brand.name,
        index=photo.index,
        count=count,
    )
    built = captions.compose(parts, spec, ch.template or brand.template)
    return _Built(text=built.text, link=link, link_text=link_text, tags=built.tags)


def _utm(network: str, brand: Brand, utm: Mapping[str, str] | None) -> dict[str, str]:
    if not brand.utm:
        return {}
    if utm is None:
        return utm_params(network, brand.id)
    return {k: v.replace("{network}", network).replace("{brand}", brand.id) for k, v in utm.items()}


def _extra(built: _Built, spec: ChannelSpec, caption: str, brand_name: str, language: str) -> Extra:
    def headline() -> str:
        return title(caption, brand_name, spec.title_limit) if spec.title_limit else ""

    if spec.network == "bluesky":
        links = {built.link_text: built.link} if built.link_text and built.link else None
        return BlueskyExtra(facets=tuple(facets(built.text, links)), langs=(language,))
    if spec.network == "mastodon":
        return MastodonExtra(language=language)
    if spec.network == "pinterest":
        # Pinterest refuses links over 2,048 characters; the page without UTM beats none.
        link = built.link
        if link and len(link) > LINK_FIELD_MAX:
            link = link.split("?")[0]
        return PinterestExtra(title=headline(), link=link or None)
    if spec.network == "tumblr":
        return TumblrExtra(tags=tuple(built.tags))
    if spec.network == "wordpress":
        return WordPressExtra(title=headline(), tags=tuple(built.tags))
    return None


def title(caption: str, brand_name: str, limit: int) -> str:
    """A title from the caption: its first line, or that line's first sentence if too long."""
    body = split_trailing(caption)[0]
    first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "") or brand_name
    if len(first) > limit:
        sentence = regex.split(r"(?<=[.!?…])\s", first, maxsplit=1)[0]
        first = sentence if len(sentence) >= 12 else first  # "Hi!" is no title
    return captions.shorten(first, limit)


def off_limits(text: str, phrases: Sequence[str]) -> str | None:
    """The first off-limits phrase found as whole words, case-insensitively, as a reason."""
    for phrase in phrases:
        words = phrase.split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(regex.escape(w) for w in words) + r"(?!\w)"
        if regex.search(pattern, text, regex.IGNORECASE | regex.V1):
            return f"off-limits phrase: {phrase!r}"
    return None
