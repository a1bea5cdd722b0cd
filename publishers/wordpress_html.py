"""The post body WordPress stores: block-editor markup built from the caption and images.

Pure: the caption is plain text from the client, so it is escaped before any
markup is added; bare links become anchors, as a reader of a blog expects.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from dripcast.core.urls import find_urls

TITLE_MAX = 70


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
    lines = [_linkify(line.strip()) for line in paragraph.strip().splitlines()]
    return f"<!-- wp:paragraph -->\n<p>{'<br>'.join(lines)}</p>\n<!-- /wp:paragraph -->"


def _linkify(line: str) -> str:
    """The line escaped, its links (found by the project's one URL finder) as anchors."""
    out: list[str] = []
    pos = 0
    for link in find_urls(line):
        url = html.escape(link.uri)
        out.append(f'{html.escape(line[pos : link.start])}<a href="{url}">{url}</a>')
        pos = link.end
    out.append(html.escape(line[pos:]))
    return "".join(out)


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
