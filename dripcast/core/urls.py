"""The one URL finder: where a link starts and ends in text, the same for every part of dripcast.

Counting, UTM tagging, HTML and Bluesky facets (formatters) and the WordPress body
(publishers) all ask `find_urls`, so a link is the same span everywhere: an IRI
with non-ASCII path, query or host, balanced parentheses kept (`…/Bread_(food)`),
trailing punctuation left out (`…/shop).` → `…/shop`). Imports nothing of ours.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import regex
from publicsuffixlist import PublicSuffixList

# A scheme URL starts a word; it runs to the next space or character that cannot be
# in a written link (quotes and angle brackets delimit one; zero-width characters
# are formatting, never address).
_SCHEME = regex.compile(r"(?<![\w@])https?://[^\s<>\"\u200b-\u200d\u2060\ufeff]+", regex.IGNORECASE)
# A bare domain, as Bluesky's RichText links it: after a space or "(" at the start of
# a word, ASCII labels, a real top-level domain (checked separately).
_BARE = regex.compile(
    r"(?:^|(?<=[\s(]))(?P<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)[^\s<>\"\u200b-\u200d\u2060\ufeff]*",
    regex.IGNORECASE,
)
# Punctuation that may end a URL; any other punctuation at the end is the sentence's.
_KEEP_END = frozenset("/#-_=&+~%$*@")
_CLOSE = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, kw_only=True)
class Link:
    """A link found in text: `text[start:end]` is what the reader sees, `uri` where it goes."""

    start: int
    end: int
    uri: str


def find_urls(text: str, *, bare: bool = False) -> list[Link]:
    """Every `http(s)://` link in `text`; with `bare`, also `example.com/shop` (→ https://)."""
    found = [Link(start=s, end=e, uri=text[s:e]) for s, e in _spans(_SCHEME, text)]
    if bare:
        for s, e in _spans(_BARE, text):
            if any(f.start < e and s < f.end for f in found):
                continue
            m = _BARE.match(text, s)
            if m is not None and _psl().publicsuffix(m["domain"].lower()) is not None:
                found.append(Link(start=s, end=e, uri="https://" + text[s:e]))
        found.sort(key=lambda f: f.start)
    return found


def _spans(pattern: regex.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    for m in pattern.finditer(text):
        end = m.start() + len(_trim(m[0]))
        if regex.search(r"[\w.]\w", text[m.start() : end].split("://")[-1]):
            yield m.start(), end


def _trim(url: str) -> str:
    while url:
        c = url[-1]
        if c in _CLOSE:
            if url.count(_CLOSE[c]) >= url.count(c):
                break  # closes a bracket opened inside the URL: part of it
        elif c in _KEEP_END or not unicodedata.category(c).startswith("P"):
            break
        url = url[:-1]
    return url


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList(accept_unknown=False)


def known_tld(uri: str) -> bool:
    """Whether the link's host ends in a real top-level domain (IDN hosts included)."""
    host = regex.sub(r"^[a-z]+://(?:[^@/?#]*@)?", "", uri, flags=regex.IGNORECASE)
    host = regex.split(r"[:/?#]", host, maxsplit=1)[0].rstrip(".").lower()
    return "." in host and _psl().publicsuffix(host) is not None
