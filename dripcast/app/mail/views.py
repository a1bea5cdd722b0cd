"""What each mail shows, as plain values: built by the application layer from stored
rows (or a fresh plan), rendered by `render`. No database, no clock in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class PostLine:
    """One numbered post, as the client sees it and names it in a reply (`cancel 3`)."""

    number: int
    post_id: int | None
    channel: str
    network: str
    at: datetime  # aware, in the brand's zone
    caption: str
    image: str | None = None  # blob key of the image as cropped for this network
    held: str | None = None  # why it waits for a person
    url: str | None = None  # where it went live (summary)


@dataclass(frozen=True, kw_only=True)
class Confirmation:
    brand_name: str
    language: str
    approval: str  # none | client | agency
    subject: str  # the subject of the client's mail
    posts: tuple[PostLine, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (filename, why)
    notes: tuple[str, ...] = ()
    link: str | None = None  # the client's page of this submission (service.web), if on


@dataclass(frozen=True, kw_only=True)
class Refusal:
    brand_name: str
    language: str
    subject: str
    reason: str
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Held:
    """One mail to the agency for posts held since the last one: a digest when many."""

    brand_name: str
    language: str
    posts: tuple[PostLine, ...]


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What a reply's commands did, one line each (the actions' `Result.message`)."""

    language: str
    subject: str
    lines: tuple[str, ...]
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Comment:
    """A comment the FAQ monitor hands to a person: an escalation (for the client's own
    answer) or, with `draft`, an FAQ answer waiting for the agency's `approve`."""

    brand_name: str
    language: str
    network: str
    channel: str
    author: str
    text: str
    url: str | None
    post_url: str | None
    reason: str
    draft: str | None = None


@dataclass(frozen=True, kw_only=True)
class Summary:
    brand_name: str
    language: str
    since: datetime
    until: datetime
    published: tuple[PostLine, ...]
    refused: tuple[tuple[datetime, str, str], ...] = ()  # (received, subject or sender, why)
    held: tuple[PostLine, ...] = ()  # numbered for `approve 2` / `cancel 2`
    upcoming: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    comments: tuple[str, ...] = ()  # FAQ monitoring: figures, then a few examples
