"""Links: UTM tagging that never duplicates, and the short form a reader sees.

Links are found by the project's one URL finder, `dripcast.core.urls.find_urls`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dripcast.core.urls import Link, find_urls, known_tld

__all__ = [
    "Link",
    "display",
    "find_urls",
    "known_tld",
    "tag_caption_links",
    "utm_params",
    "with_utm",
]


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
