"""Turn a submission's photos into one draft per channel and photo."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from dripcast.channels import ChannelBase
from dripcast.config import Brand
from dripcast.domain import Draft, Media, Photo, Submission
from formatters.caption import render_caption, with_utm
from formatters.images import Variant, render
from formatters.specs import SPECS

# Saves a variant's bytes and returns where they are: the caller owns the files.
Store = Callable[[Variant, Photo, str], str]


def format_submission(
    sub: Submission,
    photos: Sequence[Photo],
    brand: Brand,
    channels: Sequence[ChannelBase],
    store: Store,
) -> list[Draft]:
    drafts: list[Draft] = []
    held = off_limits(sub.caption, brand.off_limits)
    for photo in photos:
        alt = sub.directives.alts.get(photo.index) or sub.directives.alt or ""
        for ch in channels:
            ctype: str = ch.type
            spec = SPECS[ctype]
            variant = render(photo.data, spec)
            path = store(variant, photo, ctype)
            link = sub.directives.link or ch.link or brand.link
            if link and brand.utm:
                link = with_utm(link, ctype, brand.id)
            text = render_caption(
                template=ch.template,
                spec=spec,
                caption=sub.caption,
                cta=sub.directives.cta or ch.cta or brand.cta,
                link=link,
                hashtags=ch.hashtags if ch.hashtags is not None else brand.hashtags,
                brand=brand.name,
                index=photo.index,
                count=len(photos),
            )
            media = Media(
                path=path,
                width=variant.width,
                height=variant.height,
                bytes=len(variant.data),
                format=variant.format,
                alt=alt,
            )
            drafts.append(
                Draft(
                    channel=ch.id,
                    type=ctype,
                    photos=(photo.index,),
                    text=text,
                    media=(media,),
                    held=held,
                )
            )
    return drafts


def off_limits(text: str, phrases: tuple[str, ...]) -> str | None:
    for phrase in phrases:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I):
            return f"off-limits: {phrase}"
    return None
