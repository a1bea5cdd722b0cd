"""The config file: loaded once into frozen, strict models and passed explicitly.

Errors name the file, the line and the key, because the person reading them
is editing YAML, not reading a traceback.
"""

from __future__ import annotations

import glob
import os
import re
import socket
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator

from dripcast.core import keys
from dripcast.core.channels import CHANNEL_TYPES, NEEDS_PUBLIC_URL, Channel, Strict
from dripcast.core.errors import ConfigError
from dripcast.core.timeparse import parse_duration, parse_slot, parse_weekdays
from dripcast.core.tokens import token_problem


class SmtpUser(Strict):
    """An SMTP AUTH login (only offered over TLS), e.g. an agency posting for its clients."""

    user: str = Field(min_length=1)
    password: SecretStr
    brands: tuple[str, ...] = Field(min_length=1)  # brand ids this login may post to


class Smtp(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=2525, ge=0, le=65535)
    max_message_mb: float = Field(default=40, gt=0)
    lmtp: bool = False
    max_recipients: int = Field(default=20, ge=1, le=1000)
    max_connections: int = Field(default=100, ge=1)
    per_sender_hour: int = Field(default=30, ge=0)  # 0: no limit
    tls_cert: Path | None = None
    tls_key: Path | None = None
    require_tls: bool = False
    users: tuple[SmtpUser, ...] = ()

    @model_validator(mode="after")
    def _tls(self) -> Smtp:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        if self.tls_cert is None and (self.require_tls or self.users):
            raise ValueError("require_tls and users need tls_cert and tls_key (AUTH only over TLS)")
        return self


class MediaHttp(Strict):
    """Where the signed-media HTTP server listens; the proxy at public_base_url forwards here."""

    host: str = "127.0.0.1"
    port: int = Field(default=8025, ge=0, le=65535)
    ttl_seconds: float = Field(default=3600, gt=0)


class S3(Strict):
    """An S3-compatible object store for `service.blobs: s3://bucket/prefix`."""

    endpoint_url: str | None = None  # None: AWS itself
    region: str = "us-east-1"
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None


class Service(Strict):
    smtp: Smtp = Smtp()
    media_http: MediaHttp = MediaHttp()
    database: str = "sqlite:///var/dripcast.db"
    media_dir: Path = Path("var/media")  # preview's variants (`dripcast preview`), local
    spool_dir: Path = Path("var/spool")  # mail being received, node-local until committed
    state_dir: Path = Path("var/state")
    # Where raw messages and image variants live, shared by every node:
    # `file:<folder>` or `s3://bucket/prefix` (with `s3:`).
    blobs: str = Field(default="file:var/blobs", pattern=r"^(file:.+|s3://[^/]+(/.*)?)$")
    s3: S3 | None = None
    # Encrypts channel credentials in the database and signs media URLs; every node
    # must have the same. Unset: a key made once in state_dir (one node only).
    secret_key: SecretStr | None = Field(default=None, min_length=32)
    node_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    public_base_url: str | None = None
    outgoing_mail: str | None = None
    trusted_authserv_id: str | None = None
    border_mta: bool = False
    max_age: str = "7d"
    tick_seconds: float = Field(default=5, gt=0)
    # How long a claimed post is left to its publisher before another process (or this
    # one after a restart) treats it as abandoned mid-publish. Longer than any publish.
    publish_lease: str = "10m"

    @field_validator("max_age", "publish_lease")
    @classmethod
    def _age(cls, v: str) -> str:
        parse_duration(v)
        return v

    @model_validator(mode="after")
    def _blobs(self) -> Service:
        if self.blobs.startswith("s3://") and self.s3 is None:
            raise ValueError("blobs: s3://… needs s3: {endpoint_url, region, access_key_id, …}")
        return self

    @property
    def node(self) -> str:
        """This node's name on its claims: `node_id`, else the host name."""
        return self.node_id or socket.gethostname()[:64]


class Drip(Strict):
    days: int = Field(default=5, ge=1, le=365)
    slots: tuple[str, ...] = ("09:00", "12:30", "18:00")
    weekdays: str = "mon-sat"
    min_gap: str = "3h"
    max_per_day: int | None = Field(default=None, ge=1)
    blackout: tuple[str, ...] = ()  # ISO dates
    grace: str = "2h"

    @field_validator("slots")
    @classmethod
    def _slots(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one slot is needed")
        for s in v:
            parse_slot(s)
        return v

    @field_validator("weekdays")
    @classmethod
    def _days(cls, v: str) -> str:
        parse_weekdays(v)
        return v

    @field_validator("min_gap", "grace")
    @classmethod
    def _gap(cls, v: str) -> str:
        parse_duration(v)
        return v

    @field_validator("blackout", mode="before")
    @classmethod
    def _blackout(cls, v: object) -> object:
        # YAML reads 2026-12-24 as a date; keep ISO strings, and refuse what is not a date
        if not isinstance(v, list | tuple):
            return v
        out = []
        for d in v:
            try:
                out.append(date.fromisoformat(str(d)).isoformat())
            except ValueError:
                raise ValueError(f"not a date: {d!r} (use YYYY-MM-DD)") from None
        return tuple(out)


class Brand(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    timezone: str = "UTC"
    address: str
    senders: tuple[str, ...] = ()
    verify: str = Field(default="none", pattern="^(none|token|dmarc|upstream)$")
    token: SecretStr | None = None
    approval: str = Field(default="none", pattern="^(none|client|agency)$")
    link: str | None = None
    cta: str | None = None
    hashtags: tuple[str, ...] = ()
    off_limits: tuple[str, ...] = ()
    utm: bool = True
    # UTM parameters for links; `{network}` and `{brand}` are filled in.
    utm_params: dict[str, str] | None = None
    template: str | None = None  # caption template for every channel without its own
    drip: Drip = Drip()
    channels: tuple[Channel, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {v!r} (use an IANA name like Europe/Copenhagen)"
            ) from None
        return v

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        if not re.fullmatch(r"[^@\s+]+@[^@\s]+", v):
            raise ValueError("must be a plain address like bakery@example.com (no plus-tag)")
        return v.lower()

    @model_validator(mode="after")
    def _check(self) -> Brand:
        ids = [c.id for c in self.channels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"channel ids must be unique in a brand: {', '.join(dupes)}")
        if self.verify == "token":
            if self.token is None:
                raise ValueError("verify: token needs a token (e.g. token: ${BRAND_TOKEN})")
            problem = token_problem(self.token.get_secret_value())
            if problem:
                raise ValueError(problem)
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Config(Strict):
    service: Service = Service()
    brands: tuple[Brand, ...] = Field(min_length=1)
    path: Path = Path("config.yaml")  # where it was read from; set by load()

    @model_validator(mode="after")
    def _check(self) -> Config:
        ids = [b.id for b in self.brands]
        addrs = [b.address for b in self.brands]
        for what, values in (("brand ids", ids), ("brand addresses", addrs)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"{what} must be unique: {', '.join(dupes)}")
        for u in self.service.smtp.users:
            unknown = sorted(set(u.brands) - set(ids))
            if unknown:
                raise ValueError(f"smtp user {u.user}: unknown brands {', '.join(unknown)}")
        if self.service.trusted_authserv_id is None:
            for b in self.brands:
                if b.verify == "upstream":
                    raise ValueError(
                        f"brand {b.id}: verify: upstream needs service.trusted_authserv_id"
                        " (the authserv-id your MTA writes in Authentication-Results)"
                    )
        if self.service.public_base_url is None:
            for b in self.brands:
                for c in b.channels:
                    if c.type in NEEDS_PUBLIC_URL:
                        raise ValueError(
                            f"brand {b.id}, channel {c.id}: {c.type} fetches images by URL;"
                            " set service.public_base_url"
                        )
        return self

    def brand(self, brand_id: str) -> Brand:
        for b in self.brands:
            if b.id == brand_id:
                return b
        raise KeyError(brand_id)

    def resolve(self, p: Path) -> Path:
        """Relative paths in the config are relative to the config file's folder."""
        return p if p.is_absolute() else self.path.parent / p

    def root_key(self) -> bytes:
        """The root of every key (`dripcast.core.keys`): secret_key, else one kept in state_dir."""
        if self.service.secret_key is not None:
            return self.service.secret_key.get_secret_value().encode()
        return keys.load_or_create(self.resolve(self.service.state_dir) / keys.ROOT_FILE)

    @property
    def database_url(self) -> str:
        url = self.service.database
        m = re.fullmatch(r"sqlite:///(?!/)(.+)", url)
        if m and m[1] != ":memory:":
            return f"sqlite:///{self.resolve(Path(m[1]))}"
        return url


# ---- loading: YAML nodes → plain data with a line for every key ----------------

Loc = tuple[str | int, ...]
_REF = re.compile(r"\$\{([^}]+)\}")


class _Source:
    def __init__(self) -> None:
        self.lines: dict[Loc, tuple[str, int]] = {}

    def read(self, path: Path, base: Loc) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{path}{line}: not valid YAML: {getattr(e, 'problem', e)}") from None
        if node is None:
            return {}
        return self._value(node, str(path), base)

    def _value(self, node: yaml.Node, file: str, loc: Loc) -> Any:
        self.lines.setdefault(loc, (file, node.start_mark.line + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value)
                self.lines[(*loc, key)] = (file, k.start_mark.line + 1)
                out[key] = self._value(v, file, (*loc, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._value(v, file, (*loc, i)) for i, v in enumerate(node.value)]
        value = yaml.SafeLoader(
            yaml.serialize(node)
        ).get_single_data()  # the scalar's own type (int, bool, null…)
        if isinstance(value, str) and "${" in value:
            value = self._substitute(value, file, loc)
        return value

    def _substitute(self, value: str, file: str, loc: Loc) -> str:
        def one(m: re.Match[str]) -> str:
            ref = m[1]
            if ref.startswith("file:"):
                p = Path(ref[5:]).expanduser()
                if not p.is_absolute():
                    p = Path(file).parent / p
                try:
                    return p.read_text(encoding="utf-8").strip()
                except OSError as e:
                    raise ConfigError(
                        self.where(loc) + f": cannot read secret file {p}: {e.strerror}"
                    ) from None
            if ref not in os.environ:
                raise ConfigError(self.where(loc) + f": environment variable {ref} is not set")
            return os.environ[ref]

        return _REF.sub(one, value)

    def where(self, loc: Loc) -> str:
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.lines:
                file, line = self.lines[loc[:n]]
                key = ".".join(str(p) for p in loc) or "(top)"
                return f"{file}:{line}: {key}"
        return "(config)"


def load(path: str | Path) -> Config:
    """Read, include, substitute and validate; raise ConfigError naming file:line: key."""
    path = Path(path)
    src = _Source()
    data = src.read(path, ())
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the top level must be a mapping (service:, brands:)")
    brands = data.get("brands")
    if isinstance(brands, list):
        # Entries that are strings are globs of brand files; the rest are inline brands.
        inline = {i: _take(src, ("brands", i)) for i in range(len(brands))}
        expanded: list[Any] = []
        for i, entry in enumerate(brands):
            if not isinstance(entry, str):
                _put(src, inline[i], ("brands", i), ("brands", len(expanded)))
                expanded.append(entry)
                continue
            files = sorted(glob.glob(str(path.parent / entry)))
            if not files and not glob.has_magic(entry):
                _put(src, inline[i], ("brands", i), ("brands", len(expanded)))
                raise ConfigError(src.where(("brands", len(expanded))) + f": no such file {entry}")
            for f in files:
                expanded.append(src.read(Path(f), ("brands", len(expanded))))
        data["brands"] = expanded
    try:
        return Config.model_validate({**data, "path": path.resolve()})
    except ValidationError as e:
        # An unknown key is usually a typo of the missing one: name it first.
        first = min(e.errors(), key=lambda err: err["type"] != "extra_forbidden")
        loc = tuple(p for p in first["loc"] if not _is_union_tag(p))
        msg = first["msg"].removeprefix("Value error, ")
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise ConfigError(f"{src.where(loc)}: {msg}{more}") from None


def _is_union_tag(p: str | int) -> bool:
    # pydantic puts the discriminator value in the loc of tagged unions: channels.0.outbox.path
    return isinstance(p, str) and p in CHANNEL_TYPES


def _take(src: _Source, loc: Loc) -> dict[Loc, tuple[str, int]]:
    taken = {k: v for k, v in src.lines.items() if k[: len(loc)] == loc}
    for k in taken:
        del src.lines[k]
    return taken


def _put(src: _Source, lines: dict[Loc, tuple[str, int]], old: Loc, new: Loc) -> None:
    for k, v in lines.items():
        src.lines[new + k[len(old) :]] = v
