"""Captions: a sandboxed Jinja2 template per channel, fitted to the network's limit.

Too long → the client's caption is cut at a word boundary with an ellipsis; the call
to action, the link and the hashtags are kept whole. Only when the caption is gone
entirely are hashtags dropped (least important first), then the call to action,
then the link; a last-resort hard cut makes "never exceed a limit" unconditional.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from formatters import littletext
from formatters.counting import fits, grapheme_clusters, utf16_units
from formatters.hashtags import TAG, Tags, gather, split_trailing
from formatters.specs import ChannelSpec

if TYPE_CHECKING:  # Jinja loads for a brand's own template only (~20 ms to import)
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

DEFAULT_TEMPLATE = """{{ caption }}

{% if cta and link %}{{ cta }}: {{ link }}{% elif cta %}{{ cta }}{% elif link %}{{ link }}{% endif %}

{{ hashtags | join(' ') }}"""

# Instagram does not link URLs in captions: the link lives in the profile.
BIO = "link in bio"
ELLIPSIS = "…"

_WORD_END = regex.compile(r"\S(?=\s|$)")


class TemplateError(ValueError):
    """A channel or brand template that does not render; names the problem."""


def check_template(source: str) -> None:
    """Raise TemplateError if `source` is not a usable template (for config checks)."""
    _render(
        source,
        caption="caption",
        cta="cta",
        link="https://example.com",
        tags=Tags(shown=("#tag",), rank=(0,)),
        brand="Brand",
        index=1,
        count=2,
    )


@dataclass(frozen=True, kw_only=True)
class Parts:
    """What a caption is made of, before a network's rules apply."""

    caption: str
    cta: str | None
    link: str | None  # already UTM-tagged
    link_text: str | None = None  # how the link reads, when not the URL itself (Bluesky)
    client_tags: tuple[str, ...] = ()
    brand_tags: tuple[str, ...] = ()
    brand: str
    index: int = 1
    count: int = 1


@dataclass(frozen=True, kw_only=True)
class Caption:
    text: str  # as sent (LinkedIn: escaped)
    shortened: bool
    hashtags: tuple[str, ...]  # appended tags that were kept
    tags: tuple[str, ...] = ()  # for networks with a tag field: every tag, without '#'


def compose(parts: Parts, spec: ChannelSpec, template: str | None = None) -> Caption:
    source = template or DEFAULT_TEMPLATE
    body, closing = split_trailing(parts.caption)
    field: tuple[str, ...] = ()
    if spec.tags_field:
        # Tumblr and WordPress link tags from their own field; in the text they are noise.
        inline = tuple("#" + m[1] for m in TAG.finditer(body))
        field = tuple(t[1:] for t in gather("", inline + closing, parts.brand_tags, None)[1].shown)
    cap = 0 if spec.tags_field else spec.hashtag_cap
    body, tags = gather(body, parts.client_tags + closing, parts.brand_tags, cap)
    link: str | None
    if spec.links == "inline":
        link = parts.link_text or parts.link
    elif spec.links == "bio":
        link = BIO if parts.link else None
    else:
        link = None
    cta = parts.cta

    def text(caption: str, tags: Tags, cta: str | None, link: str | None) -> str:
        out = _render(
            source,
            caption=caption,
            cta=cta,
            link=link,
            tags=tags,
            brand=parts.brand,
            index=parts.index,
            count=parts.count,
        )
        return littletext.escape(out) if spec.escape == "little" else out

    def done(text: str, shortened: bool, tags: Tags) -> Caption:
        return Caption(text=text, shortened=shortened, hashtags=tags.shown, tags=field)

    full = text(body, tags, cta, link)
    if fits(full, spec):
        return done(full, False, tags)
    while not fits(text("", tags, cta, link), spec):
        if len(tags):
            tags = tags.keep(len(tags) - 1)
        elif cta:
            cta = None
        elif link:
            link = None
        else:
            return done(_hard_cut(text("", tags, None, None), spec), True, tags)
    cut = _longest(body, lambda c: fits(text(c, tags, cta, link), spec))
    return done(text(cut, tags, cta, link), True, tags)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary with an ellipsis to at most `limit` UTF-16 units.

    For alt texts and titles: UTF-16 is never less than what the networks count.
    """

    def ok(t: str) -> bool:
        return utf16_units(t) <= limit

    if ok(text):
        return text
    best = _longest(text, ok)
    if best:
        return best
    clusters = grapheme_clusters(text)
    while clusters and not ok("".join(clusters) + ELLIPSIS):
        clusters.pop()
    return "".join(clusters) + ELLIPSIS if clusters else ""


def _longest(body: str, ok: Callable[[str], bool]) -> str:
    """The longest word-boundary prefix of `body` (with an ellipsis) that `ok` accepts."""
    ends = [m.end() for m in _WORD_END.finditer(body)]
    best = ""
    lo, hi = 0, len(ends) - 1
    while lo <= hi:  # more words never make a text shorter, so bisecting is sound
        mid = (lo + hi) // 2
        candidate = _with_ellipsis(body[: ends[mid]])
        if ok(candidate):
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def _with_ellipsis(prefix: str) -> str:
    return prefix.rstrip().rstrip(",;:–—-") + ELLIPSIS


def _hard_cut(text: str, spec: ChannelSpec) -> str:
    clusters = grapheme_clusters(text)
    while clusters and not fits("".join(clusters) + ELLIPSIS, spec):
        clusters.pop()
    return "".join(clusters) + ELLIPSIS if clusters else ""


@functools.cache
def _env() -> SandboxedEnvironment:
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template compiled once, not once per post: a brand's 20 photos × 7 channels
    rendered 140 compiles of the same one or two sources. (The sandbox's rendering state
    lives in each `render` call, so one compiled template serves every post.)"""
    return _env().from_string(source)


def _default(caption: str, cta: str | None, link: str | None, hashtags: list[str]) -> str:
    """DEFAULT_TEMPLATE rendered without Jinja: the same text (a test renders both)."""
    line = f"{cta}: {link}" if cta and link else cta or link or ""
    return f"{caption}\n\n{line}\n\n{' '.join(hashtags)}"


def _render(
    source: str,
    *,
    caption: str,
    cta: str | None,
    link: str | None,
    tags: Tags,
    brand: str,
    index: int,
    count: int,
) -> str:
    if source == DEFAULT_TEMPLATE:
        out = _default(caption, cta, link, list(tags.shown))
    else:
        from jinja2 import TemplateError as JinjaError

        try:
            out = _compiled(source).render(
                caption=caption,
                cta=cta,
                link=link,
                hashtags=list(tags.shown),
                brand=brand,
                index=index,
                count=count,
            )
        except JinjaError as e:
            raise TemplateError(f"template does not render: {e}") from e
    # Blank paragraphs left by empty variables collapse; the client's own line breaks stay.
    paras = (p.strip() for p in regex.split(r"\n[ \t]*\n", out))
    return "\n\n".join(p for p in paras if p)
