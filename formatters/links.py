"""Links: UTM tagging that never duplicates, and the short form a reader sees."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from formatters.counting import URL


def utm_params(network: str, brand_id: str) -> dict[str, str]:
    """The default UTM set (SPEC, "Promises")."""
    return {"utm_source": network, "utm_medium": "social", "utm_campaign": brand_id}


def with_utm(link: str, params: Mapping[str, str]) -> str:
    """`link` with each of `params` added unless the link already has that key.

    The existing query is kept byte for byte: re-encoding it could change what the
    shop's server sees (`%20` → `+`).
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
    return URL.sub(lambda m: with_utm(m[0], params) if _host(m[0]) == host else m[0], text)


def display(link: str, width: int = 30) -> str:
    """What a reader sees for a link whose text may differ from its target (Bluesky)."""
    parts = urlsplit(link)
    shown = _host(link) + parts.path.rstrip("/")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _host(link: str) -> str:
    host = (urlsplit(link).hostname or "").lower()
    return host.removeprefix("www.")
