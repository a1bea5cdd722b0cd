"""A stored post as a person sees it on the network: the tile the dashboard draws.

The caption is the network's own (LinkedIn's escapes undone), counted by the
network's rule against its limit; hashtags and links are marked so a page can
show them; "link in bio" networks say where the brand's link went.
"""

from __future__ import annotations

import functools
from datetime import tzinfo
from typing import Any

from dripcast.core.config import Brand
from dripcast.core.lifecycle import ACTIONS, HoldReason, PostStatus
from dripcast.core.urls import find_urls
from formatters.counting import measure
from formatters.hashtags import TAG
from formatters.specs import COLOURS, SPECS  # not from formatters.sheet: Pillow's drawing


def _marks(text: str) -> list[tuple[int, int, str]]:
    """Links (the one URL finder's) and hashtags outside them, in the order they appear."""
    links = [(link.start, link.end, "link") for link in find_urls(text)]
    tags = [
        (m.start(), m.end(), "tag")
        for m in TAG.finditer(text)
        if not any(s <= m.start() < e for s, e, _ in links)
    ]
    return sorted(links + tags)


def tile(row: dict[str, Any], brand: Brand | None, zone: tzinfo) -> dict[str, Any]:
    """One post row (`store.posts`) as the dashboard's tile data."""
    spec = SPECS.get(row["type"])
    shown = _shown(row)
    at = row["due_at"].astimezone(zone)
    extra = row.get("extra") or {}
    colour = COLOURS.get(row["type"], (90, 90, 90))
    link = brand.link if brand else None
    return {
        "id": row["id"],
        "message": row["message"],
        "brand": row["brand"],
        "channel": row["channel"],
        "network": row["type"],
        "label": spec.label if spec else row["type"],
        "colour": "#{:02x}{:02x}{:02x}".format(*colour),
        "status": row["status"],
        "held_for": row.get("held_for"),
        "reason": row["reason"],
        "at": at,
        "day": at.date(),
        "time": f"{at:%H:%M}",
        "attempts": row["attempts"],
        "text": shown,
        "segments": segments(shown),
        "hashtags": [shown[s:e] for s, e, kind in _marks(shown) if kind == "tag"],
        "title": extra.get("title"),
        "tags": list(extra.get("tags") or ()),
        "count": _count(row["text"], row["type"]),
        "limit": spec.text_limit if spec else None,
        "counting": spec.counting if spec else "chars",
        "link_in_bio": link if spec and spec.links == "bio" and link else None,
        "link_field": extra.get("link") if spec and spec.links == "field" else None,
        "media": [
            {"n": i, "width": x["width"], "height": x["height"], "alt": x.get("alt", "")}
            for i, x in enumerate(row["media"])
        ],
        # an outbox post's url is its folder (file://), which a browser will not open from
        # an http page: the page shows the path as text instead of a link
        "url": None if _is_file(row.get("url")) else row.get("url"),
        "folder": _folder(row.get("url")),
        "published_at": row.get("published_at"),
        "actions": allowed(row),
    }


def _is_file(url: str | None) -> bool:
    return bool(url) and str(url).startswith("file:")


def _folder(url: str | None) -> str | None:
    if not url or not _is_file(url):
        return None
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(url).path)


def network_colours() -> dict[str, str]:
    """Each network's own colour (the contact sheet's), for the page's stylesheet."""
    return {net: "#{:02x}{:02x}{:02x}".format(*rgb) for net, rgb in COLOURS.items()}


def allowed(row: dict[str, Any]) -> list[str]:
    """The actions a person may take on this post now (the buttons a page shows)."""
    status = PostStatus(row["status"])
    out = [a for a, (sources, _) in ACTIONS.items() if status in sources]
    if "approve" in out and row.get("held_for") != HoldReason.APPROVAL:
        out.remove("approve")
    return out


def segments(text: str) -> list[dict[str, str]]:
    """The caption cut into plain text, hashtags (`tag`) and links (`link`)."""
    out: list[dict[str, str]] = []
    pos = 0
    for start, end, kind in _marks(text):
        if start > pos:
            out.append({"k": "", "t": text[pos:start]})
        out.append({"k": kind, "t": text[start:end]})
        pos = end
    if pos < len(text):
        out.append({"k": "", "t": text[pos:]})
    return out


@functools.lru_cache(maxsize=4096)
def _count(text: str, network: str) -> int:
    """The caption's length by the network's rule; X's weighting is slow, and a page
    shows the same captions again and again."""
    spec = SPECS.get(network)
    return measure(text, spec) if spec else len(text)


def _shown(row: dict[str, Any]) -> str:
    if row["type"] == "linkedin":
        from formatters.littletext import unescape

        return unescape(row["text"])
    return str(row["text"])
