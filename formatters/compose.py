"""Turn a submission's photos into one draft per channel and photo.

The loop is photo → one decode → every channel's variant, so a 12 MP photo is
decoded once however many networks the brand posts to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import regex

from dripcast.core.channels import ChannelBase
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
from formatters.images import Source, Variant
from formatters.links import display, tag_caption_links, utm_params, with_utm
from formatters.specs import SPECS, ChannelSpec

LINK_FIELD_MAX = 2048

# Saves a variant's bytes and returns where they are: the caller owns the files.
Store = Callable[[Variant, Photo, str], str]


def format_submission(
    sub: Submission,
    photos: Sequence[Photo],
    brand: Brand,
    channels: Sequence[ChannelBase],
    store: Store,
    *,
    limits: Mapping[str, int] | None = None,
    utm: Mapping[str, str] | None = None,
) -> list[Draft]:
    """One draft per channel and photo, in photo order.

    `limits` overrides a channel's text limit by channel id (Mastodon's instance limit,
    read by its publisher). `utm` replaces the default UTM parameters; `{network}` and
    `{brand}` in a value are filled in.
    """
    specs = {ch.id: spec_for(ch, limits) for ch in channels}
    # Everything the client wrote that may be published: caption, CTA, alt texts.
    said = [sub.caption, sub.directives.cta or "", sub.directives.alt or ""]
    held = off_limits("\n".join([*said, *sub.directives.alts.values()]), brand.off_limits)
    drafts: list[Draft] = []
    for photo in photos:
        source = Source.open(photo.data, specs.values())
        alt = sub.directives.alts.get(photo.index) or sub.directives.alt or ""
        for ch in channels:
            spec = specs[ch.id]
            variant = source.variant(spec)
            cap = _caption(sub, photo.index, len(photos), brand, ch, spec, utm)
            media = Media(
                path=store(variant, photo, spec.network),
                width=variant.width,
                height=variant.height,
                bytes=len(variant.data),
                format=variant.format,
                alt="" if spec.alt_limit is None else captions.shorten(alt, spec.alt_limit),
            )
            drafts.append(
                Draft(
                    channel=ch.id,
                    type=spec.network,
                    photos=(photo.index,),
                    text=cap.text,
                    media=(media,),
                    held=held,
                    extra=_extra(cap, spec, sub.caption, brand.name, brand.language),
                )
            )
    return drafts


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


def recaption(
    sub: Submission,
    brand: Brand,
    ch: ChannelBase,
    *,
    index: int,
    count: int,
    limits: Mapping[str, int] | None = None,
    utm: Mapping[str, str] | None = None,
) -> tuple[str, Extra, str | None]:
    """A post's text and extras again, for a new `sub.caption` (a `caption:` reply):
    (text, extra, held) exactly as `format_submission` makes them for photo `index` of
    `count`; `held` is the off-limits reason when the new words hold the post."""
    spec = spec_for(ch, limits)
    cap = _caption(sub, index, count, brand, ch, spec, utm)
    said = [sub.caption, sub.directives.cta or "", sub.directives.alt or ""]
    held = off_limits("\n".join([*said, *sub.directives.alts.values()]), brand.off_limits)
    return cap.text, _extra(cap, spec, sub.caption, brand.name, brand.language), held


def _caption(
    sub: Submission,
    index: int,
    count: int,
    brand: Brand,
    ch: ChannelBase,
    spec: ChannelSpec,
    utm: Mapping[str, str] | None,
) -> _Built:
    params = _utm(spec.network, brand, utm)
    link = sub.directives.link or ch.link or brand.link
    text = sub.caption
    if link and params:
        text = tag_caption_links(text, link, params)
        link = with_utm(link, params)
    # Bluesky counts every character of a URL: show the short form, link the full one.
    link_text = display(link) if link and spec.network == "bluesky" else None
    parts = captions.Parts(
        caption=text,
        cta=sub.directives.cta or ch.cta or brand.cta,
        link=link,
        link_text=link_text,
        brand_tags=ch.hashtags if ch.hashtags is not None else brand.hashtags,
        brand=brand.name,
        index=index,
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
