"""The post body WordPress stores: block-editor markup built from the caption and images.

Pure: the caption is plain text from the client, so it is escaped before any
markup is added; bare links become anchors, as a reader of a blog expects.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

TITLE_MAX = 70
# Stops at an escaped quote, so a link written in quotes keeps its quotes outside.
_LINK = re.compile(r"https?://(?:(?!&quot;|&#x27;)[^\s<])+")
_TRAILING = ".,;:!?)]'\""


@dataclass(frozen=True, kw_only=True)
class Image:
    id: int
    url: str
    alt: str = ""


def title_of(text: str, limit: int = TITLE_MAX) -> str:
    """The caption's first non-empty line, cut at a word within `limit` characters."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0] or first[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"


def content_html(text: str, images: list[Image]) -> str:
    blocks = [_paragraph(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    blocks += [_image(img) for img in images]
    return "\n\n".join(blocks)


def _paragraph(paragraph: str) -> str:
    lines = [_linkify(html.escape(line.strip())) for line in paragraph.strip().splitlines()]
    return f"<!-- wp:paragraph -->\n<p>{'<br>'.join(lines)}</p>\n<!-- /wp:paragraph -->"


def _linkify(escaped: str) -> str:
    def anchor(m: re.Match[str]) -> str:
        url = m.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        return f'<a href="{url}">{url}</a>{tail}'

    return _LINK.sub(anchor, escaped)


def _image(img: Image) -> str:
    attrs = json.dumps(
        {"id": img.id, "sizeSlug": "large", "linkDestination": "none"}, separators=(",", ":")
    )
    src, alt = html.escape(img.url), html.escape(img.alt)
    return (
        f"<!-- wp:image {attrs} -->\n"
        f'<figure class="wp-block-image size-large">'
        f'<img src="{src}" alt="{alt}" class="wp-image-{img.id}"/></figure>\n'
        "<!-- /wp:image -->"
    )
