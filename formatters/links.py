"""Links: the one URL finder, UTM tagging that never duplicates, and the short form a reader sees.

Every part of dripcast that looks for links in text (counting, UTM, HTML, Bluesky
facets) asks `find_urls`, so a link is the same span everywhere: an IRI with
non-ASCII path, query or host, balanced parentheses kept (`…/Bread_(food)`),
trailing punctuation left out (`…/shop).` → `…/shop`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def utm_params(network: str, brand_id: str) -> dict[str, str]:
    """The default UTM set (SPEC, "Promises")."""
    return {"utm_source": network, "utm_medium": "social", "utm_campaign": brand_id}


def with_utm(link: str, params: Mapping[str, str]) -> str:
    """`link` with each of `params` added to its query unless the link already has that key.

    The existing query and #fragment are kept byte for byte: re-encoding them could
    change what the shop's server sees (`%20` → `+`, `Århus` → `%C3%85rhus`).
    """
    parts = urlsplit(link)
    have = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    add = [(k, v) for k, v in params.items() if k not in have]
    if not add:
        return link
    query = "&".join(q for q in (parts.query, urlencode(add)) if q)
    return urlunsplit(parts._replace(query=query))


def tag_caption_links(text: str, site: str | None, params: Mapping[str, str]) -> str:
    """UTM-tag the client's own links to the brand's site (same host); leave others alone."""
    if not site:
        return text
    host = _host(site)
    out: list[str] = []
    pos = 0
    for link in find_urls(text):
        out.append(text[pos : link.start])
        out.append(with_utm(link.uri, params) if _host(link.uri) == host else link.uri)
        pos = link.end
    out.append(text[pos:])
    return "".join(out)


def display(link: str, width: int = 30) -> str:
    """What a reader sees for a link whose text may differ from its target (Bluesky)."""
    parts = urlsplit(link)
    shown = (parts.hostname or "").lower().removeprefix("www.") + parts.path.rstrip("/")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _host(link: str) -> str:
    """The host for comparing sites: lower case, `www.` dropped, IDN as punycode."""
    host = (urlsplit(link).hostname or "").lower().removeprefix("www.")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
