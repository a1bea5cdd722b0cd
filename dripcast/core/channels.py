"""Channel settings, one strict model per network type (SPEC, "Channel keys")."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from dripcast.core.errors import ConfigError
from dripcast.core.timeparse import parse_duration, parse_slot, parse_weekdays

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


_REF = re.compile(r"\$\{([^}]+)\}")


class Ref:
    """A config value with `${ENV_VAR}` / `${file:path}` references, read when it is needed.

    Secrets stay references until a command uses them (serve, `check`, publishing), so
    `dripcast queue` runs without them. A secret never holds a control character: a
    newline in a token file would otherwise end up in an HTTP header, and from there in
    an error message.
    """

    def __init__(self, text: str, where: str, base: Path) -> None:
        self.text = text
        self.where = where  # "file:line: key"
        self.base = base  # the folder relative ${file:…} paths start from

    def files(self) -> list[Path]:
        out = []
        for m in _REF.finditer(self.text):
            if m[1].startswith("file:"):
                p = Path(m[1][5:]).expanduser()
                out.append(p if p.is_absolute() else self.base / p)
        return out

    def value(self, *, secret: bool = False) -> str:
        def one(m: re.Match[str]) -> str:
            ref = m[1]
            if ref.startswith("file:"):
                p = Path(ref[5:]).expanduser()
                p = p if p.is_absolute() else self.base / p
                try:
                    return p.read_text(encoding="utf-8").strip()
                except (OSError, UnicodeDecodeError) as e:
                    why = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
                    raise ConfigError(f"{self.where}: cannot read secret file {p}: {why}") from None
            if ref not in os.environ:
                raise ConfigError(f"{self.where}: environment variable {ref} is not set")
            return os.environ[ref]

        value = _REF.sub(one, self.text)
        if secret and any(unicodedata.category(c) == "Cc" for c in value):
            raise ConfigError(
                f"{self.where}: the secret from {self.text} holds a control character"
                " (a line break?); a secret is one line"
            )
        return value

    def warnings(self) -> list[str]:
        out = []
        for p in self.files():
            try:
                mode = p.stat().st_mode
            except OSError:
                continue  # value() names it
            if mode & (stat.S_IROTH | stat.S_IWOTH):
                out.append(
                    f"{self.where}: secret file {p} is readable by everyone"
                    f" (mode {stat.S_IMODE(mode):04o}); chmod 0600 or 0640"
                )
        return out


class LazySecret(SecretStr):
    """A SecretStr from a config reference: resolved at the first use, then kept."""

    def __init__(self, ref: Ref) -> None:
        super().__init__("(not read yet)")
        self.ref = ref
        self._value: str | None = None

    def get_secret_value(self) -> str:
        if self._value is None:
            self._value = self.ref.value(secret=True)
        return self._value

    # Comparing or hashing a model (frozen models hash their fields) must not read it.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazySecret) and (self.ref.text, self.ref.base) == (
            other.ref.text,
            other.ref.base,
        )

    def __hash__(self) -> int:
        return hash(self.ref.text)


def _is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in get_args(annotation)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _references(cls, data: Any) -> Any:
        """Secret fields keep their reference (LazySecret); other values are read now."""
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        for key, v in data.items():
            field = cls.model_fields.get(key)
            if isinstance(v, Ref):
                secret = field is not None and _is_secret(field.annotation)
                out[key] = LazySecret(v) if secret else v.value()
            elif isinstance(v, list):
                out[key] = [x.value() if isinstance(x, Ref) else x for x in v]
            elif isinstance(v, dict) and not (field and _is_model(field.annotation)):
                out[key] = {k: x.value() if isinstance(x, Ref) else x for k, x in v.items()}
            else:
                out[key] = v
        return out


def _is_model(annotation: Any) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel)
    return any(_is_model(a) for a in get_args(annotation))


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
