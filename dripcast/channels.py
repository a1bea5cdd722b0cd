"""Channel settings, one strict model per network type (SPEC, "Channel keys")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from dripcast.timeparse import parse_duration, parse_slot, parse_weekdays

# `hashtags: ["#a", "#b"]`, or a list of sets used in turn: `[["#a", "#b"], ["#c"]]`.
Hashtags = tuple[str, ...] | tuple[tuple[str, ...], ...]
# `cta: Order today`, or a list of calls to action used in turn.
Cta = str | tuple[str, ...]


def tag_sets(tags: Hashtags) -> tuple[tuple[str, ...], ...]:
    """The hashtag sets to rotate through (one set when the config gives a flat list)."""
    if all(isinstance(t, str) for t in tags):
        return (tuple(t for t in tags if isinstance(t, str)),)
    return tuple(t for t in tags if isinstance(t, tuple)) or ((),)


def ctas(cta: Cta | None) -> tuple[str | None, ...]:
    """The calls to action to rotate through."""
    if cta is None:
        return (None,)
    return (cta,) if isinstance(cta, str) else (tuple(cta) or (None,))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelBase(Strict):
    type: str
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    template: str | None = None
    slots: tuple[str, ...] | None = None
    weekdays: str | None = None
    min_gap: str | None = None
    max_per_day: int | None = Field(default=None, ge=1)
    # true: merge photos into carousels when the drip would run past its days; auto: the
    # same, only on networks that show several images in one post (Instagram, Threads,
    # Bluesky, Mastodon, X, Facebook, LinkedIn, Telegram), every image in one aspect.
    group: bool | Literal["auto"] = False
    hashtags: Hashtags | None = None
    cta: Cta | None = None
    link: str | None = None

    @field_validator("min_gap")
    @classmethod
    def _gap(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v

    @field_validator("weekdays")
    @classmethod
    def _days(cls, v: str | None) -> str | None:
        if v is not None:
            parse_weekdays(v)
        return v

    @field_validator("slots")
    @classmethod
    def _slots(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is not None:
            if not v:
                raise ValueError("at least one slot is needed (or leave slots out)")
            for s in v:
                parse_slot(s)
        return v


class Outbox(ChannelBase):
    type: Literal["outbox"]
    path: Path


class Webhook(ChannelBase):
    type: Literal["webhook"]
    url: str
    secret: SecretStr


class Mastodon(ChannelBase):
    type: Literal["mastodon"]
    instance: str
    token: SecretStr


class Bluesky(ChannelBase):
    type: Literal["bluesky"]
    handle: str
    app_password: SecretStr
    service: str = "https://bsky.social"


class Telegram(ChannelBase):
    type: Literal["telegram"]
    bot_token: SecretStr
    chat_id: str


class Discord(ChannelBase):
    type: Literal["discord"]
    webhook_url: SecretStr


class Facebook(ChannelBase):
    type: Literal["facebook"]
    page_id: str
    token: SecretStr


class Instagram(ChannelBase):
    type: Literal["instagram"]
    account_id: str
    token: SecretStr


class Threads(ChannelBase):
    type: Literal["threads"]
    user_id: str
    token: SecretStr


class X(ChannelBase):
    type: Literal["x"]
    token: SecretStr
    refresh_token: SecretStr
    client_id: str


class LinkedIn(ChannelBase):
    type: Literal["linkedin"]
    author: str
    token: SecretStr


class Pinterest(ChannelBase):
    type: Literal["pinterest"]
    board_id: str
    token: SecretStr


class Tumblr(ChannelBase):
    type: Literal["tumblr"]
    blog: str
    token: SecretStr


class WordPress(ChannelBase):
    type: Literal["wordpress"]
    site: str
    user: str
    app_password: SecretStr


Channel = Annotated[
    Outbox
    | Webhook
    | Mastodon
    | Bluesky
    | Telegram
    | Discord
    | Facebook
    | Instagram
    | Threads
    | X
    | LinkedIn
    | Pinterest
    | Tumblr
    | WordPress,
    Field(discriminator="type"),
]

# Networks that fetch images from a public URL rather than taking the bytes.
NEEDS_PUBLIC_URL = frozenset({"instagram", "threads"})

CHANNEL_TYPES = frozenset(
    get_args(m.model_fields["type"].annotation)[0] for m in get_args(get_args(Channel)[0])
)
