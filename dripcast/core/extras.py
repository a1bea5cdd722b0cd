"""What a formatter tells a publisher beyond text and media: one frozen class per network.

These replace the old free-form `extra` mapping, whose keys had drifted (read but
never written, written but never read). A publisher reads only the fields of its
own class, so mypy finds a field read that no formatter writes. Stored as JSON in
`posts.extra`; `extra_from` reads it back (keys of older versions are ignored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True, kw_only=True)
class BlueskyExtra:
    """Rich-text facets (links, #tags) with byte offsets, as the record takes them."""

    facets: tuple[Mapping[str, Any], ...] = ()
    langs: tuple[str, ...] = ()  # the brand's `language`, as the record's `langs`


@dataclass(frozen=True, kw_only=True)
class MastodonExtra:
    """The status's language (the brand's `language`, ISO 639-1)."""

    language: str | None = None


@dataclass(frozen=True, kw_only=True)
class PinterestExtra:
    """A Pin's own title and its destination link (Pinterest has a link field)."""

    title: str = ""
    link: str | None = None


@dataclass(frozen=True, kw_only=True)
class TumblrExtra:
    """Hashtags go in the post's tag list, not in the text."""

    tags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class WordPressExtra:
    """A post's title and its tags."""

    title: str = ""
    tags: tuple[str, ...] = ()


Extra = BlueskyExtra | MastodonExtra | PinterestExtra | TumblrExtra | WordPressExtra | None

EXTRAS: dict[
    str, type[BlueskyExtra | MastodonExtra | PinterestExtra | TumblrExtra | WordPressExtra]
] = {
    "bluesky": BlueskyExtra,
    "mastodon": MastodonExtra,
    "pinterest": PinterestExtra,
    "tumblr": TumblrExtra,
    "wordpress": WordPressExtra,
}


def extra_json(extra: Extra) -> dict[str, Any]:
    """The JSON form for the database, a webhook or the outbox ({} for none)."""
    if extra is None:
        return {}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(extra).items()}


def extra_from(network: str, data: Mapping[str, Any]) -> Extra:
    """The network's extra from its JSON form; None for a network that has none."""
    cls = EXTRAS.get(network)
    if cls is None or not data:
        return None
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
    }
    return cls(**values)


def title_of(extra: Extra) -> str:
    """The title a network shows outside the text ("" when it has none)."""
    return extra.title if isinstance(extra, PinterestExtra | WordPressExtra) else ""


def tags_of(extra: Extra) -> tuple[str, ...]:
    """The tags a network keeps in a field of their own (() when it has none)."""
    return extra.tags if isinstance(extra, TumblrExtra | WordPressExtra) else ()
