"""The config file: loaded once into frozen, strict models and passed explicitly.

Errors name the file, the line and the key, because the person reading them
is editing YAML, not reading a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from dripcast.core import keys
from dripcast.core.channels import (
    CHANNEL_TYPES,
    NEEDS_PUBLIC_URL,
    Channel,
    Cta,
    Hashtags,
    LazySecret,
    Ref,
    Strict,
)
from dripcast.core.errors import ConfigError
from dripcast.core.faq_config import Faq
from dripcast.core.timeparse import parse_duration, parse_slot, parse_weekdays
from dripcast.core.tokens import token_problem

_ADDRESS = re.compile(r"[^@\s<>,]+@[^@\s<>,]+")


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
    max_connections_per_client: int = Field(default=10, ge=1)  # per IPv4 address / IPv6 /64
    idle_seconds: float = Field(default=300, gt=0)  # a client silent this long is dropped
    data_seconds: float = Field(default=600, gt=0)  # DATA of one message must end within
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


SECRET_KEY_MIN = 32


def secret_key_problem(value: str) -> str | None:
    if len(value) < SECRET_KEY_MIN:
        return f"needs at least {SECRET_KEY_MIN} characters, not {len(value)}"
    return None


class WebUser(Strict):
    """An agency user of the dashboard; `dripcast web-user NAME` prints the hash."""

    name: str = Field(min_length=1, max_length=64)
    password_hash: str = Field(pattern=r"^\$argon2(id|i|d)\$")


class Web(Strict):
    """The dashboard (SPEC "Dashboard"): agency users log in; clients open signed links."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    users: tuple[WebUser, ...] = ()
    # The address clients reach it at (behind a TLS proxy); client links start with it.
    public_url: str | None = None
    session_hours: float = Field(default=12, gt=0)
    client_link_ttl: str = "7d"
    secure_cookies: bool = False  # true behind HTTPS: the browser sends the cookie only there

    @field_validator("client_link_ttl")
    @classmethod
    def _ttl(cls, v: str) -> str:
        parse_duration(v)
        return v

    @field_validator("users")
    @classmethod
    def _unique(cls, v: tuple[WebUser, ...]) -> tuple[WebUser, ...]:
        names = [u.name for u in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"web user names must be unique: {', '.join(dupes)}")
        return v


class Service(Strict):
    smtp: Smtp = Field(default_factory=Smtp)
    media_http: MediaHttp = Field(default_factory=MediaHttp)
    web: Web | None = None  # null: no dashboard
    database: str = "sqlite:///var/dripcast.db"
    media_dir: Path = Path("var/media")  # preview's variants (`dripcast preview`), local
    spool_dir: Path = Path("var/spool")  # mail being received, node-local until committed
    state_dir: Path = Path("var/state")
    # Where raw messages and image variants live, shared by every node:
    # `file:<folder>` or `s3://bucket/prefix` (with `s3:`).
    blobs: str = Field(default="file:var/blobs", pattern=r"^(file:.+|s3://[^/]+(/.*)?)$")
    s3: S3 | None = None
    # The root of every key: encrypts channel credentials in the database, signs media
    # URLs, dashboard sessions and client links; every node must have the same.
    # Unset: a key made once in state_dir (one node only).
    # A ${…} reference is measured when it is read (`Config.secret_problems`, `root_key`).
    secret_key: SecretStr | None = None
    node_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    public_base_url: str | None = None
    outgoing_mail: str | None = None  # smarthost: smtp://, smtp+starttls://, smtps://
    mail_from: str | None = None  # From of the mail dripcast sends; default the brand's address
    reply_key: SecretStr | None = None  # signs reply tags; default var/state/reply.key
    trusted_authserv_id: str | None = None
    border_mta: bool = False
    max_age: str = "7d"
    tick_seconds: float = Field(default=5, gt=0)
    # How long a claimed post is left to its publisher before another process (or this
    # one after a restart) treats it as abandoned mid-publish. Longer than any publish.
    publish_lease: str = "10m"

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or isinstance(v, LazySecret):
            return v  # a reference is measured when it is read
        if problem := secret_key_problem(v.get_secret_value()):
            raise ValueError(problem)
        return v

    @field_validator("outgoing_mail")
    @classmethod
    def _smarthost(cls, v: str | None) -> str | None:
        if v is not None:
            parse_smarthost(v)
        return v

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, v: str | None) -> str | None:
        if v is not None and not _ADDRESS.fullmatch(v):
            raise ValueError("must be a plain address like dripcast@agency.example")
        return v

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
        import socket  # only serve and the claims name a node

        return self.node_id or socket.gethostname()[:64]


@dataclass(frozen=True, kw_only=True)
class Smarthost:
    """`service.outgoing_mail`, read: smtp://host[:25], smtp+starttls://user:pw@host[:587],
    smtps://user:pw@host[:465]. Characters special in a URL are %-escaped in the password."""

    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"  # never the password


SMTP_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


def parse_smarthost(value: str) -> Smarthost:
    hint = "use smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465"
    if "://" not in value:
        value = "smtp://" + value  # `host` or `host:port`, as the first version allowed
    try:
        u = urlsplit(value)
        port = u.port
    except ValueError:
        raise ValueError(f"not a smarthost ({hint})") from None
    if u.scheme not in SMTP_SCHEMES or not u.hostname or u.path not in ("", "/") or u.query:
        raise ValueError(f"not a smarthost ({hint})")  # the value may hold a password
    user = unquote(u.username) if u.username else None
    password = unquote(u.password) if u.password is not None else None
    if user and u.scheme == "smtp":
        raise ValueError("a login needs TLS: use smtp+starttls:// or smtps://")
    if (user is None) != (password is None):
        raise ValueError("a login needs both user and password (user:${PASSWORD}@host)")
    return Smarthost(
        scheme=u.scheme, host=u.hostname, port=port or SMTP_SCHEMES[u.scheme], user=user,
        password=password,
    )  # fmt: skip


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
    cta: Cta | None = None  # or a list, one per post in turn
    hashtags: Hashtags = ()  # or a list of sets, one set per post in turn
    # What may change between posts of one channel that would otherwise say the same
    # thing: the photo's alt text as its first line, a "2/5" series marker.
    vary: tuple[Literal["alt", "series"], ...] = ("alt", "series")
    off_limits: tuple[str, ...] = ()
    utm: bool = True
    # UTM parameters for links; `{network}` and `{brand}` are filled in.
    utm_params: dict[str, str] | None = None
    template: str | None = None  # caption template for every channel without its own
    confirm: bool = True  # mail the sender a confirmation of each planned submission
    agency: tuple[str, ...] = ()  # who hears of held posts, and may approve them by reply
    report_to: tuple[str, ...] | None = None  # weekly summary; default: plain `senders`
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")  # ISO 639-1: posts and mails
    drip: Drip = Field(default_factory=Drip)
    channels: tuple[Channel, ...] = Field(min_length=1)
    faq: Faq | None = None  # FAQ monitoring (SPEC): answer, escalate or ignore comments

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

    @field_validator("agency", "report_to")
    @classmethod
    def _addresses(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for a in v or ():
            if not _ADDRESS.fullmatch(a):
                raise ValueError(f"not a plain address: {a!r}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Brand:
        ids = [c.id for c in self.channels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"channel ids must be unique in a brand: {', '.join(dupes)}")
        if self.verify == "token":
            if self.token is None:
                raise ValueError("verify: token needs a token (e.g. token: ${BRAND_TOKEN})")
            # a reference is read and checked where it is used (serve, check, ingest)
            problem = (
                None
                if isinstance(self.token, LazySecret)
                else token_problem(self.token.get_secret_value())
            )
            if problem:
                raise ValueError(problem)
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def summary_to(self) -> tuple[str, ...]:
        """`report_to`, else the plain addresses among `senders` (not `*@domain`)."""
        if self.report_to is not None:
            return self.report_to
        return tuple(s for s in self.senders if not s.startswith("*@"))


class Config(Strict):
    service: Service = Field(default_factory=Service)
    brands: tuple[Brand, ...] = Field(min_length=1)
    path: Path = Path("config.yaml")  # where it was read from; set by load()
    home: Path | None = None  # where relative data paths go: $DRIPCAST_HOME; set by load()

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
        """Relative data paths (database, media, spool, state, outbox) are relative to
        $DRIPCAST_HOME when set (the unit sets the state folder), else to the config's folder."""
        return p if p.is_absolute() else self.data_root / p

    @property
    def data_root(self) -> Path:
        return self.home or self.path.parent

    def secret_problems(self, *, channels: bool = True) -> tuple[list[str], list[str]]:
        """Read every secret now, as serve and `check` do (`channels=False`: only the
        brands' and SMTP logins', for ingest): (errors, warnings), each naming file:line:
        key. Errors: unset, unreadable, a control character, a weak plus-tag token.
        Warnings: a secret file everyone may read."""
        errors: list[str] = []
        warnings: list[str] = []
        for loc, secret in _secrets(self, ()):
            if not isinstance(secret, LazySecret):
                continue
            # ingest needs no channel's secret, nor the key of their credentials
            if not channels and ("channels" in loc or loc == ("service", "secret_key")):
                continue
            warnings += secret.ref.warnings()
            try:
                secret.get_secret_value()
            except ConfigError as e:
                errors.append(str(e))
        for b in self.brands:
            if b.verify == "token" and isinstance(b.token, LazySecret):
                try:
                    problem = token_problem(b.token.get_secret_value())
                except ConfigError:
                    continue  # named above
                if problem:
                    errors.append(f"{b.token.ref.where}: {problem}")
        key = self.service.secret_key
        if channels and isinstance(key, LazySecret):
            try:
                problem = secret_key_problem(key.get_secret_value())
            except ConfigError:
                problem = None  # named above
            if problem:
                errors.append(f"{key.ref.where}: {problem}")
        return errors, warnings

    def root_key(self) -> bytes:
        """The root of every key (`dripcast.core.keys`): secret_key, else one kept in state_dir."""
        key = self.service.secret_key
        if key is not None:
            value = key.get_secret_value()
            if problem := secret_key_problem(value):
                where = key.ref.where if isinstance(key, LazySecret) else "service.secret_key"
                raise ConfigError(f"{where}: {problem}")
            return value.encode()
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


# libyaml's parser, when PyYAML was built with it: the pure-Python one takes ~4 ms for
# a 7-channel brand, libyaml 0.5 ms; the nodes (and their lines) are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Source:
    def __init__(self) -> None:
        self.lines: dict[Loc, tuple[str, int]] = {}
        # Builds each scalar from its node (tag already resolved); writing the node out
        # as YAML and parsing it again cost ~0.2 ms a scalar.
        self.scalars = yaml.constructor.SafeConstructor()

    def read(self, path: Path, base: Loc) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
        try:
            node = yaml.compose(text, Loader=_LOADER)
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
        value = self.scalars.construct_object(node)  # its own type (int, bool, null…)
        if isinstance(value, str) and "${" in value:
            # read when needed: secrets only by the commands that use them
            value = Ref(value, self.where(loc), Path(file).parent)
        return value

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
            import glob  # only for brand files

            files = sorted(glob.glob(str(path.parent / entry)))
            if not files and not glob.has_magic(entry):
                _put(src, inline[i], ("brands", i), ("brands", len(expanded)))
                raise ConfigError(src.where(("brands", len(expanded))) + f": no such file {entry}")
            for f in files:
                expanded.append(src.read(Path(f), ("brands", len(expanded))))
        data["brands"] = expanded
    try:
        home = os.environ.get("DRIPCAST_HOME")
        data = {**data, "path": path.resolve(), "home": Path(home).resolve() if home else None}
        config = Config.model_validate(data)
    except ValidationError as e:
        # An unknown key is usually a typo of the missing one: name it first.
        errs = sorted(e.errors(), key=lambda err: err["type"] != "extra_forbidden")
        # a tuple whose items failed also reports itself too short: noise
        locs = [err["loc"] for err in errs]
        errs = [
            err
            for err in errs
            if err["type"] != "too_short"
            or not any(loc[: len(err["loc"])] == err["loc"] != loc for loc in locs)
        ]
        raise ConfigError("\n".join(_explain(src, err) for err in errs)) from None
    # SPEC: secrets are never written in YAML, only referenced.
    literal = [
        f"{src.where(loc)}: a secret written in the config; use ${{ENV_VAR}} or ${{file:/path}}"
        for loc, secret in _secrets(config, ())
        if not isinstance(secret, LazySecret)
    ]
    if literal:
        raise ConfigError("\n".join(literal))
    return config


def _secrets(obj: object, loc: Loc) -> Iterator[tuple[Loc, SecretStr]]:
    if isinstance(obj, SecretStr):
        yield loc, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _secrets(getattr(obj, name), (*loc, name))
    elif isinstance(obj, tuple):
        for i, x in enumerate(obj):
            yield from _secrets(x, (*loc, i))


_CHANNEL_MODELS: dict[str, type[BaseModel]] = {
    get_args(m.model_fields["type"].annotation)[0]: m for m in get_args(get_args(Channel)[0])
}
_INTERNAL = frozenset({"path", "home"})  # Config fields set by load(), not keys to suggest


def _explain(src: _Source, err: ErrorDetails) -> str:
    """One error line, file:line: key: problem, with the nearest key for a typo."""
    import difflib  # only for a config with an error

    loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        model = _model_at(err["loc"][:-1])
        known = sorted(set(model.model_fields) - _INTERNAL) if model else []
        near = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
        msg = f"unknown key; did you mean `{near[0]}`?" if near else "unknown key"
        if not near and known:
            msg += f" (known: {', '.join(known)})"
    elif err["type"] == "union_tag_invalid":
        tag = str((err.get("ctx") or {}).get("tag", ""))
        near = difflib.get_close_matches(tag, sorted(CHANNEL_TYPES), n=1, cutoff=0.6)
        msg = f"unknown channel type {tag!r}" + (f"; did you mean `{near[0]}`?" if near else "")
        loc = (*loc, "type")
    return f"{src.where(loc)}: {msg}"


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model whose keys are at loc (pydantic's loc, with channel type tags)."""
    t: Any = Config
    for step in loc:
        t = _unwrap(t)
        if (
            isinstance(step, str)
            and step in _CHANNEL_MODELS
            and get_origin(t) in (Union, UnionType)
        ):
            t = _CHANNEL_MODELS[step]
        elif isinstance(t, type) and issubclass(t, BaseModel) and str(step) in t.model_fields:
            t = t.model_fields[str(step)].annotation
        elif get_origin(t) is tuple and isinstance(step, int):
            t = get_args(t)[0]
        else:
            return None
    t = _unwrap(t)
    return t if isinstance(t, type) and issubclass(t, BaseModel) else None


def _unwrap(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    if get_origin(t) in (Union, UnionType):
        args = [a for a in get_args(t) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return t


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
