"""Bluesky rich-text facets: links and tags are plain text unless marked by byte range.

atproto `app.bsky.richtext.facet`: `index` counts UTF-8 bytes, end exclusive. Tags are
found exactly as the official client's `RichText.detectFacets` finds them
(@atproto/api `rich-text/util.ts` TAG_REGEX), links by the project's one URL finder
(`links.find_urls`, bare domains with a real TLD included, as the app links them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from formatters.counting import graphemes
from formatters.links import find_urls

# TAG_REGEX, translated: JS `\s` also matches U+FEFF; `\d` under the `u` flag is [0-9].
_NOT_IN_TAG = r"\s\ufeff\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
_TAG = regex.compile(
    rf"(?:^|(?<=[\s\ufeff]))[#＃]((?!\ufe0f)[^{_NOT_IN_TAG}]*[^0-9\p{{P}}{_NOT_IN_TAG}]+[^{_NOT_IN_TAG}]*)"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
MAX_TAG_GRAPHEMES = 64


def hashtags(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tag) of every hashtag Bluesky's client would mark; `tag` has no `#`."""
    out: list[tuple[int, int, str]] = []
    for m in _TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", m[1].strip())
        if not tag or graphemes(tag) > MAX_TAG_GRAPHEMES:
            continue
        out.append((m.start(), m.start() + 1 + len(tag), tag))
    return out


def facets(text: str, links: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Facets for every URL and hashtag in `text`.

    `links` maps a shortened link text shown in the post to the URL it stands for.
    """
    found: list[tuple[int, int, dict[str, Any]]] = []
    for shown, uri in (links or {}).items():
        start = text.rfind(shown)  # the link line comes after the caption, which may quote it
        if start >= 0:
            found.append(
                (start, start + len(shown), {"$type": "app.bsky.richtext.facet#link", "uri": uri})
            )
    for link in find_urls(text, bare=True):
        if not _overlaps(found, link.start, link.end):
            found.append(
                (link.start, link.end, {"$type": "app.bsky.richtext.facet#link", "uri": link.uri})
            )
    for start, end, tag in hashtags(text):
        if not _overlaps(found, start, end):
            found.append((start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return [
        {"index": {"byteStart": _b(text, s), "byteEnd": _b(text, e)}, "features": [feature]}
        for s, e, feature in sorted(found, key=lambda f: f[0])
    ]


def _b(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _overlaps(found: list[tuple[int, int, dict[str, Any]]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e, _ in found)
