"""Bluesky rich-text facets: links and tags are plain text unless marked by byte range.

atproto `app.bsky.richtext.facet`: `index` counts UTF-8 bytes, end exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from formatters.counting import URL, graphemes

# The app's own tag grammar, simplified: `#` after a space or the start, not all digits.
_TAG = regex.compile(
    r"(?<!\S)[#＃]((?:\w|\p{Extended_Pictographic})*[^\W\d_](?:\w|\p{Extended_Pictographic})*)"
)
MAX_TAG_GRAPHEMES = 64


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
    for m in URL.finditer(text):
        if not _overlaps(found, m.start(), m.end()):
            found.append(
                (m.start(), m.end(), {"$type": "app.bsky.richtext.facet#link", "uri": m[0]})
            )
    for m in _TAG.finditer(text):
        if graphemes(m[1]) <= MAX_TAG_GRAPHEMES and not _overlaps(found, m.start(), m.end()):
            found.append(
                (m.start(), m.end(), {"$type": "app.bsky.richtext.facet#tag", "tag": m[1]})
            )
    return [
        {"index": {"byteStart": _b(text, s), "byteEnd": _b(text, e)}, "features": [feature]}
        for s, e, feature in sorted(found, key=lambda f: f[0])
    ]


def _b(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _overlaps(found: list[tuple[int, int, dict[str, Any]]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e, _ in found)
