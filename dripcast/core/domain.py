"""The value objects that travel ingest → formatters → scheduler → publishers.

Frozen, keyword-only and free of I/O: every stage takes some of these and
returns others, so each can be tested on its own with plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dripcast.core.extras import Extra


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A part of a message that may be a photo, as found, not yet decoded."""

    filename: str
    content_type: str
    data: bytes
    lead: str = ""  # the words the client placed next to this image in the mail


@dataclass(frozen=True, kw_only=True)
class Directives:
    """The `key: value` lines a client may write in the body (SPEC, "What the client writes")."""

    when: str | None = None
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    link: str | None = None
    cta: str | None = None
    alt: str | None = None
    alts: Mapping[int, str] = field(default_factory=dict)  # 1-based photo number → alt


@dataclass(frozen=True, kw_only=True)
class Submission:
    """What one message says: who sent it, the caption, the candidate photos."""

    message_id: str | None
    from_addr: str | None  # the one canonical address, lower-cased domain; None if unusable
    subject: str
    caption: str  # subject and body, cleaned, directives removed
    directives: Directives
    attachments: tuple[Attachment, ...]
    date: datetime | None = None
    problems: tuple[str, ...] = ()  # why the message itself is unusable, if it is
    # A photo's own words from `1: …` / `photo 3: …` lines, by 1-based photo number;
    # they are not in `caption`, which is what the photos share.
    leads: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Photo:
    """A readable photo of a submission; `index` is 1-based, as clients count."""

    index: int
    filename: str
    sha256: str
    width: int
    height: int
    data: bytes
    pixels: str = ""  # hash of the decoded pixels: the same photo re-sent with other metadata


@dataclass(frozen=True, kw_only=True)
class Skipped:
    filename: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Media:
    """One image file prepared for one network."""

    path: str
    width: int
    height: int
    bytes: int
    format: str
    alt: str = ""


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A formatted post for one channel, not yet given a time."""

    channel: str
    type: str
    photos: tuple[int, ...]  # photo indexes this post carries
    text: str
    media: tuple[Media, ...]
    held: str | None = None  # reason to hold for review (off-limits phrase…)
    extra: Extra = None  # network specifics: facets, title… (dripcast.core.extras)
    lead: str = ""  # the photo's own line that opens the text, if it has one
    # The image cut to the aspect every photo of this submission shares on this channel,
    # for when the planner puts it in a carousel; () when `media` already has that aspect.
    carousel: tuple[Media, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Slot:
    """The planner's answer: this draft goes out at this time."""

    draft: Draft
    at: datetime  # aware, brand time zone


@dataclass(frozen=True, kw_only=True)
class Queued:
    """A post already on the schedule, as the planner needs to see it."""

    channel: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class Post:
    """A stored post, as a publisher receives it."""

    id: int
    brand: str
    channel: str
    type: str
    text: str
    media: tuple[Media, ...]
    at: datetime
    attempts: int = 1
    extra: Extra = None
    remote: Mapping[str, Any] = field(default_factory=dict)  # what a publisher kept between tries


@dataclass(frozen=True, kw_only=True)
class Published:
    """Where a post went live."""

    external_id: str
    url: str | None = None
